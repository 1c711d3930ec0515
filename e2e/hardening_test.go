package e2e

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/i18n"
)

// TestDemoAppAndSSOCookie (issue 9, item 12): the demo app's callback answers a bad code with its
// own error page, never a 500; and the demo's SSO cookie lives as long as the documented
// oidc.sso_session_ttl default, 12 hours.
func TestDemoAppAndSSOCookie(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	ctx := context.Background()
	c := newClient()
	var callback *url.URL
	c.HTTP.CheckRedirect = func(req *http.Request, _ []*http.Request) error {
		if req.URL.Path == "/demo/app/callback" && callback == nil {
			callback = req.URL
			return http.ErrUseLastResponse
		}
		return nil
	}
	page, err := c.Get(ctx, p.BaseURL+"/demo/app/login")
	must(t, err)
	// Sign in; the provider's redirect to the callback is stopped to replace the code.
	signInOnPage(ctx, t, c, page, "alice", demoPassword)
	if callback == nil {
		t.Fatal("the sign-in did not redirect to the demo app's callback")
	}
	u, _ := url.Parse(p.BaseURL)
	var sso *http.Cookie
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if strings.HasSuffix(ck.Name, "bk_sso") {
			sso = ck
		}
	}
	if sso == nil {
		t.Fatal("no SSO cookie after sign-in")
	}
	q := callback.Query()
	q.Set("code", "not-a-real-code")
	callback.RawQuery = q.Encode()
	c.HTTP.CheckRedirect = nil
	page, err = c.Get(ctx, callback.String())
	must(t, err)
	if page.Status >= 500 || page.URL.Path != "/demo/app" || !strings.Contains(page.Text(), "invalid_grant") {
		t.Fatalf("a bad code at the callback: %s (%d): %s", page.URL.Path, page.Status, page.Text())
	}
	// The demo app puts the error code it got back into words from the catalog, in the person's
	// language, with the code as a technical detail (error_description is for developers).
	bundle, err := i18n.New()
	must(t, err)
	for _, tc := range []struct {
		code, id string
		detail   bool // the code is shown (only short snake_case codes are)
	}{
		{"access_denied", "demo.failed.access_denied", true},
		{"login_required", "demo.failed.login_required", true},
		{"temporarily_unavailable", "error.Unavailable", true},
		{"server_error", "demo.failed.server_error", true},
		{"invalid_request", "demo.failed.invalid_request", true},
		{"invalid_scope", "demo.failed.invalid_request", true},
		{"invalid_grant", "demo.failed.invalid_grant", true},
		{"refresh_failed", "demo.failed.refresh_failed", true},
		{"interaction_required", "demo.error", true},
		{"<b>Not-a-code</b>", "demo.error", false},
	} {
		for _, lang := range []string{"en", "de", "ar"} {
			loc := bundle.Localizer(lang)
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.BaseURL+"/demo/app?error="+url.QueryEscape(tc.code), nil)
			must(t, err)
			req.Header.Set("Accept-Language", lang)
			page, err := newClient().Do(req)
			must(t, err)
			text := page.Text()
			if page.Status != http.StatusOK || !strings.Contains(page.Body, `lang="`+lang+`"`) || !strings.Contains(text, loc.T(tc.id)) {
				t.Errorf("error=%s in %s: %d, want %q: %s", tc.code, lang, page.Status, loc.T(tc.id), text)
			}
			detail := loc.T("demo.error_code", map[string]any{"Code": tc.code})
			if shown := strings.Contains(text, detail); shown != tc.detail {
				t.Errorf("error=%s in %s: technical detail %q shown: %v: %s", tc.code, lang, detail, shown, text)
			}
		}
	}
	// The cookie jar hides Max-Age; ask the server for a fresh SSO cookie and read the header.
	res := ssoSetCookie(ctx, t, p.BaseURL)
	if !strings.Contains(res, "Max-Age=43200") {
		t.Fatalf("SSO cookie %q, want Max-Age=43200 (12h)", res)
	}
}

// ssoSetCookie signs alice in without following redirects and returns the SSO Set-Cookie header.
func ssoSetCookie(ctx context.Context, t *testing.T, base string) string {
	t.Helper()
	c := newClient()
	page, err := c.Get(ctx, base+"/signin")
	must(t, err)
	form, err := page.Form("password")
	must(t, err)
	must(t, form.Set("username", "alice"))
	must(t, form.Set("password", demoPassword))
	var found string
	c.HTTP.CheckRedirect = func(req *http.Request, _ []*http.Request) error {
		if req.Response == nil {
			return nil
		}
		for _, h := range req.Response.Header.Values("Set-Cookie") {
			if strings.Contains(h, "bk_sso=") {
				found = h
			}
		}
		return nil
	}
	_, err = c.Submit(ctx, form, "", "")
	must(t, err)
	return found
}
