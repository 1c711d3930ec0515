package views

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/i18n"
)

// renderString renders c to a string.
func renderString(t *testing.T, c interface {
	Render(context.Context, io.Writer) error
}) string {
	t.Helper()
	var b bytes.Buffer
	if err := c.Render(context.Background(), &b); err != nil {
		t.Fatalf("render: %v", err)
	}
	return b.String()
}

// TestSignInPagesAreTheRenderedPage: the kept sign-in page, written with each request's token,
// is byte for byte SignInPage rendered with it: in every language (ar and he right to left,
// ja, zh-TW) for an app, and in en, ar and ja without one in each form (password,
// choice-based, custom authentication),
// on the first request (kept now) and later ones (written from what was kept), with tokens
// needing escaping too; and pages that are not the plain one are rendered, not kept.
func TestSignInPagesAreTheRenderedPage(t *testing.T) {
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	langs := NewLanguages(allLanguages(t, b))
	pages := NewSignInPages("/signin")
	page := func(lang, app, token string) Page {
		return Page{L: b.Localizer(lang), CSRF: token, Assets: fakeAssets{}, HomeURL: "/", App: app,
			Picker: LanguagePicker{Action: "/language", Return: "/signin", Languages: langs}}
	}
	models := []SignIn{
		{Action: "/signin", ForgotPasswordURL: "/forgot", SignUpURL: "/signup"},
		{Action: "/signin", ForgotPasswordURL: "/forgot"},
		{Action: "/signin", UsernameFirst: true},
		{Action: "/signin", UsernameFirst: true, ShowPassword: true, ForgotPasswordURL: "/forgot"},
		{Action: "/signin", NoPassword: true},
	}
	tokens := []string{"tok-1", `a"b<c>&'d`}
	kept := 0
	check := func(lang, app string, i int, m SignIn) {
		for _, token := range tokens {
			p := page(lang, app, token)
			got, want := renderString(t, pages.Page(p, m)), renderString(t, SignInPage(p, m))
			if got != want {
				t.Fatalf("%s, app %q, model %d, token %q: the kept page differs:\n%s\nwant\n%s", lang, app, i, token, got, want)
			}
			if !strings.Contains(got, `value="`+templEscape(token)+`"`) {
				t.Fatalf("%s: the token is not in the page", lang)
			}
		}
		kept++
	}
	for _, lang := range b.Languages() {
		check(lang, "Demo & <App>", 0, models[0])
	}
	for _, lang := range []string{"en", "ar", "ja"} {
		for i, m := range models {
			check(lang, "", i, m)
		}
	}
	if len(pages.pages) != kept {
		t.Errorf("%d pages kept, want %d", len(pages.pages), kept)
	}
	for name, c := range map[string]struct {
		p Page
		m SignIn
	}{
		"username":         {page("en", "", "t"), SignIn{Action: "/signin", Username: "ana"}},
		"notice":           {page("en", "", "t"), SignIn{Action: "/signin", Notice: "Your sign-in took too long"}},
		"error":            {page("en", "", "t"), SignIn{Action: "/signin", Error: "Wrong"}},
		"field error":      {page("en", "", "t"), SignIn{Action: "/signin", FieldErrors: FieldErrors{FieldUsername: "Enter it"}}},
		"picker elsewhere": {func() Page { p := page("en", "", "t"); p.Picker.Return = "/signin?x=1"; return p }(), SignIn{Action: "/signin"}},
		"refresh":          {func() Page { p := page("en", "", "t"); p.Refresh = "/x"; return p }(), SignIn{Action: "/signin"}},
	} {
		before := len(pages.pages)
		if got, want := renderString(t, pages.Page(c.p, c.m)), renderString(t, SignInPage(c.p, c.m)); got != want {
			t.Errorf("%s: the page differs from SignInPage's", name)
		}
		if len(pages.pages) != before {
			t.Errorf("%s: the page was kept", name)
		}
	}
}

// templEscape is how templ escapes an attribute value.
func templEscape(s string) string {
	return strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;").Replace(s)
}

// TestSignInPagesAreBounded: no more pages are kept than the limit (maxSignInPages) (then pages are
// rendered), and a page holding the stand-in token elsewhere (an app named with it) is
// rendered with the real token, never the stand-in.
func TestSignInPagesAreBounded(t *testing.T) {
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	pages := NewSignInPages("/signin")
	pages.limit = 3
	m := SignIn{Action: "/signin"}
	for i := range pages.limit + 2 {
		p := Page{L: b.Localizer("en"), CSRF: "tok", App: fmt.Sprint("app ", i), Picker: LanguagePicker{Return: "/signin"}}
		for range 2 {
			if got, want := renderString(t, pages.Page(p, m)), renderString(t, SignInPage(p, m)); got != want {
				t.Fatalf("app %d: the page differs", i)
			}
		}
	}
	if len(pages.pages) != pages.limit {
		t.Errorf("%d pages kept, want %d", len(pages.pages), pages.limit)
	}
	pages = NewSignInPages("/signin")
	p := Page{L: b.Localizer("en"), CSRF: "real-token", App: csrfStandIn, Picker: LanguagePicker{Return: "/signin"}}
	for range 2 {
		got := renderString(t, pages.Page(p, m))
		if got != renderString(t, SignInPage(p, m)) || !strings.Contains(got, `value="real-token"`) {
			t.Fatalf("a page naming the stand-in is not the rendered page:\n%s", got)
		}
	}
}

// TestSignInPageKeyCoversTheModel: every field of SignIn is either part of the kept page's key
// or must be empty for a page to be kept (a new field must be added to one or the other).
func TestSignInPageKeyCoversTheModel(t *testing.T) {
	known := map[string]bool{
		// in the key
		"Action": true, "ForgotPasswordURL": true, "SignUpURL": true, "UsernameFirst": true, "ShowPassword": true, "NoPassword": true,
		// empty in a kept page
		"Username": true, "Notice": true, "Error": true, "FieldErrors": true,
	}
	for f := range reflect.TypeFor[SignIn]().Fields() {
		if !known[f.Name] {
			t.Errorf("SignIn.%s is neither in signInPageKey nor required empty by SignInPages.key", f.Name)
		}
	}
	for f := range reflect.TypeFor[Page]().Fields() {
		switch f.Name {
		case "L", "App", "HomeURL", "Picker", "Refresh", "CSRF": // key, checked or stamped
		case "Assets", "Brand": // the deployment's (see SignInPages)
		default:
			t.Errorf("Page.%s is not considered by SignInPages", f.Name)
		}
	}
}
