package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
)

// TestBrowserShowPassword: with JavaScript, the "Show password" switch appears under the password
// field, shows the password as text and hides it again (aria-pressed follows), and the field is
// a password field again when the form is sent; the page's CSP allows the script.
func TestBrowserShowPassword(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	ctx := testenv.Chromium(t)
	toggle := `button[data-password-toggle="password"]`
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(p.BaseURL+"/signin"),
		chromedp.WaitVisible(toggle),
		chromedp.SendKeys(`input[name="password"]`, "wrong-password"),
	))
	state := func(wantType, wantPressed string) {
		t.Helper()
		typ, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("password").type`))
		must(t, err)
		pressed, err := chromedp.Run(ctx, chromedp.AttributeValue(toggle, "aria-pressed"))
		must(t, err)
		if typ != wantType || pressed.Value != wantPressed {
			t.Errorf("password field type %q, aria-pressed %q; want %q, %q", typ, pressed.Value, wantType, wantPressed)
		}
	}
	state("password", "false")
	must(t, chromedp.Do(ctx, chromedp.Click(toggle)))
	state("text", "true")
	must(t, chromedp.Do(ctx, chromedp.Click(toggle)))
	state("password", "false")
	must(t, chromedp.Do(ctx, chromedp.Click(toggle)))
	state("text", "true")
	// Sending the form hides the password first.
	must(t, chromedp.Do(ctx, chromedp.SendKeys(`input[name="username"]`, "alice")))
	typ, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const f = document.getElementById("password").form;
		f.addEventListener("submit", (e) => e.preventDefault());
		f.requestSubmit();
		return document.getElementById("password").type;
	})()`))
	must(t, err)
	if typ != "password" {
		t.Errorf("after submit the field is %q, want password", typ)
	}
}
