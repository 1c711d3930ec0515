package e2e

import (
	"strings"
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

// TestBrowserLanguagePicker: the footer's picker (a GET form, no script) switches the page to
// German and back to the page it was on; the choice is remembered for the next pages and wins
// over the browser's Accept-Language; an app's ui_locales still works without a choice.
func TestBrowserLanguagePicker(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	ctx := testenv.Chromium(t)
	lang := func() string {
		t.Helper()
		l, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
		must(t, err)
		return l
	}
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(p.BaseURL+"/forgot"),
		chromedp.WaitVisible(`#language-picker`),
	))
	if got := lang(); got != "en" {
		t.Fatalf("first page in %q", got)
	}
	must(t, chromedp.Do(ctx,
		chromedp.SetValue(`#language-picker`, "de"),
		chromedp.Submit(`#language-picker`),
		chromedp.WaitVisible(`html[lang="de"]`),
	))
	loc, err := chromedp.Run(ctx, chromedp.Location())
	must(t, err)
	if !strings.HasSuffix(loc, "/forgot") {
		t.Errorf("the picker went to %s, want back to /forgot", loc)
	}
	must(t, chromedp.Do(ctx, chromedp.Navigate(p.BaseURL+"/signin"), chromedp.WaitVisible(`#language-picker`)))
	if got := lang(); got != "de" {
		t.Errorf("the next page is in %q, want the chosen de", got)
	}
	heading, err := chromedp.Run(ctx, chromedp.Text(`h1`))
	must(t, err)
	if heading != "Bei Ihrem Konto anmelden" {
		t.Errorf("German heading %q", heading)
	}
	selected, err := chromedp.Run(ctx, chromedp.Value(`#language-picker`))
	must(t, err)
	if selected != "de" {
		t.Errorf("the picker shows %q selected", selected)
	}

	// Without a choice, an app's ui_locales picks the language.
	fresh := testenv.Chromium(t)
	must(t, chromedp.Do(fresh, chromedp.Navigate(p.BaseURL+"/signin"), chromedp.WaitVisible(`html[lang="en"]`)))
	q := "client_id=demo-app&response_type=code&scope=openid&state=s&ui_locales=de&redirect_uri=" + p.BaseURL + "/demo/app/callback"
	must(t, chromedp.Do(fresh, chromedp.Navigate(p.BaseURL+"/authorize?"+q), chromedp.WaitVisible(`html[lang="de"]`)))
}

// TestBrowserRightToLeft: in Arabic, Hebrew and Persian the page is dir="rtl" and mirrored: the
// heading's text ends at the card's right edge (inside its padding) and starts well away from
// the left edge.
func TestBrowserRightToLeft(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	ctx := testenv.Chromium(t)
	for _, tc := range []struct{ lang, heading string }{
		{"ar", "سجّل الدخول إلى حسابك"},
		{"he", "כניסה לחשבון"},
		{"fa", "ورود به حساب کاربری"},
	} {
		must(t, chromedp.Do(ctx,
			chromedp.Navigate(p.BaseURL+"/language?lang="+tc.lang+"&return=/signin"),
			chromedp.WaitVisible(`html[dir="rtl"][lang="`+tc.lang+`"]`),
		))
		type box struct{ TextLeft, TextRight, CardLeft, CardRight, PadRight float64 }
		b, err := chromedp.Run(ctx, chromedp.Evaluate[box](`(() => {
		const h = document.querySelector(".card h1"), card = document.querySelector(".card");
		const r = document.createRange(); r.selectNodeContents(h);
		const t = r.getBoundingClientRect(), c = card.getBoundingClientRect();
		return {TextLeft: t.left, TextRight: t.right, CardLeft: c.left, CardRight: c.right,
			PadRight: parseFloat(getComputedStyle(card).paddingRight)};
	})()`))
		must(t, err)
		if inner := b.CardRight - b.PadRight; b.TextRight < inner-2 || b.TextRight > inner+2 {
			t.Errorf("%s: the heading ends at %.0f, want the card's inner right edge %.0f (%+v)", tc.lang, b.TextRight, inner, b)
		}
		if b.TextLeft-b.CardLeft < 2*b.PadRight {
			t.Errorf("%s: the heading starts at the left edge: %+v", tc.lang, b)
		}
		heading, err := chromedp.Run(ctx, chromedp.Text(`h1`))
		must(t, err)
		if heading != tc.heading {
			t.Errorf("%s heading %q, want %q", tc.lang, heading, tc.heading)
		}
	}
}
