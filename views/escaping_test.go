package views

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"golang.org/x/net/html"
)

func TestHostileInputIsEscaped(t *testing.T) {
	const evil = `<script>alert("x")</script>"'&`
	tests := []struct {
		name string
		page func(p Page) templ.Component
	}{
		{"username on sign in", func(p Page) templ.Component {
			return SignInPage(p, SignIn{Action: "/s", Username: evil, Error: evil, FieldErrors: FieldErrors{FieldUsername: evil}})
		}},
		{"username on account", func(p Page) templ.Component {
			return AccountPage(p, Account{Username: evil, Email: evil, SignOutAction: "/o"})
		}},
		{"code destination", func(p Page) templ.Component {
			return CodeEntryPage(p, CodeEntry{Title: evil, Intro: p.T("code.email.intro", map[string]any{"Destination": evil}), Action: "/c", Digits: 6})
		}},
		{"device name", func(p Page) templ.Component {
			return CodeEntryPage(p, CodeEntry{Intro: p.T("code.totp.intro_device", map[string]any{"Device": evil}), Action: "/c", Digits: 6})
		}},
		{"attribute value and name", func(p Page) templ.Component {
			return NewPasswordPage(p, NewPassword{Action: "/n", Policy: []string{evil}, Attributes: []AttributeInput{{Name: "custom:" + evil, Value: evil}}})
		}},
		{"TOTP account and secret", func(p Page) templ.Component {
			return TOTPSetupPage(p, TOTPSetup{Action: "/t", Account: evil, Secret: evil, URI: "otpauth://totp/x?secret=" + evil, DeviceName: evil})
		}},
		{"MFA method names", func(p Page) templ.Component {
			return SelectMFAPage(p, SelectMFA{Action: "/m", Methods: []MethodChoice{{Method: evil, Label: evil, Description: evil}}})
		}},
		{"error page", func(p Page) templ.Component {
			return ErrorPageView(p, ErrorPage{Status: 400, Title: evil, Message: evil, RequestID: evil})
		}},
		{"outbox", func(p Page) templ.Component {
			return OutboxPage(p, Outbox{Messages: []OutboxMessage{{To: evil, Medium: evil, Code: evil, Message: evil}}})
		}},
		{"claims", func(p Page) templ.Component {
			return DemoSessionPage(p, DemoSession{Claims: []Claim{{Name: evil, Value: evil}}, RefreshAction: "/r", SignOutAction: "/o"})
		}},
		{"CSRF token", func(p Page) templ.Component {
			p.CSRF = evil
			return SignInPage(p, SignIn{Action: "/s"})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, doc := render(t, tt.page(testPage(t)))
			if strings.Contains(raw, "<script>alert") {
				t.Fatalf("hostile input reached the page unescaped:\n%s", raw)
			}
			if !strings.Contains(raw, "&lt;script&gt;") {
				t.Errorf("escaped hostile input not found on the page")
			}
			for _, s := range findAll(doc, "script") {
				if src, _ := attr(s, "src"); !strings.HasPrefix(src, "/assets/js/") {
					t.Errorf("unexpected script element, src %q", src)
				}
			}
		})
	}
}

func TestUnsafeURLsAreNeutralised(t *testing.T) {
	p := testPage(t)
	pages := []templ.Component{
		SignInPage(p, SignIn{Action: "javascript:alert(1)", ForgotPasswordURL: "javascript:alert(2)"}),
		CodeEntryPage(p, CodeEntry{Action: "javascript:alert(1)", RestartURL: "javascript:alert(2)"}),
		ErrorPageView(p, ErrorPage{Status: 500, StartOverURL: "javascript:alert(1)"}),
		DemoLandingPage(p, DemoLanding{SignInURL: "javascript:alert(1)"}),
	}
	for i, c := range pages {
		raw, _ := render(t, c)
		if strings.Contains(raw, "javascript:") {
			t.Errorf("page %d kept a javascript: URL", i)
		}
	}
}

func TestGermanPage(t *testing.T) {
	raw, doc := render(t, SignInPage(testPage(t, "de-DE,de;q=0.9"), SignIn{Action: "/s"}))
	checkDocument(t, raw, doc, "de")
	if got := text(findOne(t, doc, "title")); got != "Anmelden · Bridgekeeper" {
		t.Errorf("title = %q, want the German title", got)
	}
	if got := text(findOne(t, doc, "label[for=password]")); got != "Passwort" {
		t.Errorf("password label = %q, want Passwort", got)
	}
}

func TestPageWithoutTranslatorOrAssets(t *testing.T) {
	raw, doc := render(t, SignInPage(Page{CSRF: testCSRF}, SignIn{Action: "/s"}))
	if got, _ := attr(findOne(t, doc, "html"), "lang"); got != "en" {
		t.Errorf("lang = %q, want en", got)
	}
	if href, _ := attr(findOne(t, doc, "link[rel=stylesheet]"), "href"); href != "/static/css/app.css" {
		t.Errorf("stylesheet = %q, want /static/css/app.css", href)
	}
	if !strings.Contains(raw, "signin.heading") {
		t.Error("without a translator the page should show message ids")
	}
}

func TestLayouts(t *testing.T) {
	body := templ.Raw(`<h1 id="custom">Hello</h1>`)
	for _, tt := range []struct {
		name  string
		c     templ.Component
		class string
	}{
		{"narrow", Layout(testPage(t), "Custom"), "max-w-md"},
		{"wide", WideLayout(testPage(t), "Custom"), "max-w-4xl"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := templ.WithChildren(context.Background(), body)
			var buf bytes.Buffer
			if err := tt.c.Render(ctx, &buf); err != nil {
				t.Fatal(err)
			}
			raw := buf.String()
			doc, err := html.Parse(strings.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			checkDocument(t, raw, doc, "en")
			if got := text(findOne(t, doc, "title")); got != "Custom · Bridgekeeper" {
				t.Errorf("title = %q", got)
			}
			h := findOne(t, doc, "main h1#custom")
			if text(h) != "Hello" {
				t.Errorf("children not rendered inside main")
			}
			if !strings.Contains(raw, `class="w-full `+tt.class+`"`) {
				t.Errorf("layout lacks %s", tt.class)
			}
		})
	}
}
