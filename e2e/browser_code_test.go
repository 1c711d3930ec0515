package e2e

import (
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
)

// TestBrowserSpacedCode enters codes as people paste or copy them, with a space or a dash, in
// Chromium: carol types her authenticator code as "123 456", dave pastes his text-message code as
// "123-456" (Input.insertText, as a paste or an autofill does). The field must keep all of it
// (no maxlength of six, no pattern) and the server must accept it.
func TestBrowserSpacedCode(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	m := secretRE.FindStringSubmatch(p.Stdout())
	if m == nil {
		t.Fatalf("the demo did not print carol's TOTP secret:\n%s", p.Stdout())
	}
	carolSecret := m[1]
	spaced := func(code, sep string) string { return code[:3] + sep + code[3:] }

	for _, tc := range []struct {
		user  string
		code  func() string
		paste bool
		sep   string
	}{
		{"carol", func() string { return totpNow(carolSecret) }, false, " "},
		{"dave", func() string { return latestCode(t.Context(), t, p, "SMS", "+15555550104") }, true, "-"},
	} {
		t.Run(tc.user, func(t *testing.T) {
			b := testenv.Chromium(t)
			err := chromedp.Do(b,
				chromedp.Navigate(p.BaseURL+"/signin"),
				chromedp.WaitVisible(`input[name="username"]`),
				chromedp.SendKeys(`input[name="username"]`, tc.user),
				chromedp.SendKeys(`input[name="password"]`, demoPassword),
				chromedp.Submit(`input[name="password"]`),
				chromedp.WaitVisible(`input[name="code"]`),
			)
			if err != nil {
				t.Fatalf("browser: %v\nlogs:\n%s", err, tail(p.Logs(), 3000))
			}
			code := spaced(tc.code(), tc.sep)
			if tc.paste {
				must(t, chromedp.Do(b, chromedp.Focus(`input[name="code"]`)))
				_, err = chromedp.Call(b, input.InsertText, input.InsertTextParams{Text: code})
			} else {
				err = chromedp.Do(b, chromedp.SendKeys(`input[name="code"]`, code))
			}
			must(t, err)
			got, err := chromedp.Run(b, chromedp.Value(`input[name="code"]`))
			must(t, err)
			if got != code {
				t.Fatalf("the code field holds %q after entering %q", got, code)
			}
			err = chromedp.Do(b,
				chromedp.Submit(`input[name="code"]`),
				chromedp.WaitVisible(`form[action="/signout"]`),
			)
			if err != nil {
				body, _ := chromedp.Run(b, chromedp.Text(`body`))
				t.Fatalf("signing in with %q: %v\npage: %s", code, err, body)
			}
		})
	}
}
