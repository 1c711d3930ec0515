package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
)

// TestBrowserSignIn signs in as bob (new password + required name) and carol (authenticator
// code) in headless Chromium, through the real pages with the real CSP, cookies and CSRF.
func TestBrowserSignIn(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	m := secretRE.FindStringSubmatch(p.Stdout())
	if m == nil {
		t.Fatalf("the demo did not print carol's TOTP secret:\n%s", p.Stdout())
	}
	carolSecret := m[1]

	t.Run("bob", func(t *testing.T) {
		ctx := testenv.Chromium(t)
		err := chromedp.Do(ctx,
			chromedp.Navigate(p.BaseURL+"/signin"),
			chromedp.WaitVisible(`input[name="username"]`),
			chromedp.SendKeys(`input[name="username"]`, "bob"),
			chromedp.SendKeys(`input[name="password"]`, "TempPassw0rd!"),
			chromedp.Submit(`input[name="password"]`),
			chromedp.WaitVisible(`input[name="userAttributes.name"]`),
			chromedp.SendKeys(`input[name="password"]`, "Br0wser-Passw0rd!"),
			chromedp.SendKeys(`input[name="password_confirm"]`, "Br0wser-Passw0rd!"),
			chromedp.SendKeys(`input[name="userAttributes.name"]`, "Bob Browser"),
			chromedp.Submit(`input[name="password_confirm"]`),
			chromedp.WaitVisible(`form[action="/signout"]`),
		)
		if err != nil {
			t.Fatalf("browser: %v\nlogs:\n%s", err, tail(p.Logs(), 3000))
		}
		body, err := chromedp.Run(ctx, chromedp.Text(`body`))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, "bob") {
			t.Fatalf("account page does not name bob: %q", body)
		}
	})

	t.Run("carol", func(t *testing.T) {
		ctx := testenv.Chromium(t)
		err := chromedp.Do(ctx,
			chromedp.Navigate(p.BaseURL+"/signin"),
			chromedp.WaitVisible(`input[name="username"]`),
			chromedp.SendKeys(`input[name="username"]`, "carol"),
			chromedp.SendKeys(`input[name="password"]`, demoPassword),
			chromedp.Submit(`input[name="password"]`),
			chromedp.WaitVisible(`input[name="code"]`),
		)
		if err != nil {
			t.Fatalf("browser: %v\nlogs:\n%s", err, tail(p.Logs(), 3000))
		}
		ac, err := chromedp.Run(ctx, chromedp.AttributeValue(`input[name="code"]`, "autocomplete"))
		if err != nil || ac.Value != "one-time-code" {
			t.Errorf("code field autocomplete = %q (%v)", ac.Value, err)
		}
		err = chromedp.Do(ctx,
			chromedp.SendKeys(`input[name="code"]`, totpNow(carolSecret)),
			chromedp.Submit(`input[name="code"]`),
			chromedp.WaitVisible(`form[action="/signout"]`),
		)
		if err != nil {
			t.Fatalf("browser: %v\nlogs:\n%s", err, tail(p.Logs(), 3000))
		}
		body, err := chromedp.Run(ctx, chromedp.Text(`body`))
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`\bcarol\b`).MatchString(body) {
			t.Fatalf("account page does not name carol: %q", body)
		}
	})

	t.Run("admin console", func(t *testing.T) { walkAdminConsole(t, p) })
}
