package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
)

// walkAdminConsole walks the admin console in headless Chromium, with the real CSP, cookies and
// CSRF: open /admin (and sign in as the demo admin, with TOTP), search, open a user, force a
// password reset on its confirmation page, and find the action in the audit list.
func walkAdminConsole(t *testing.T, p *process) {
	m := adminSecretRE.FindStringSubmatch(p.Stdout())
	if m == nil {
		t.Fatalf("the demo did not print the admin's TOTP secret:\n%s", p.Stdout())
	}
	ctx := testenv.Chromium(t)
	fail := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v\nlogs:\n%s", step, err, tail(p.Logs(), 3000))
		}
	}
	fail("sign in", chromedp.Do(ctx,
		chromedp.Navigate(p.BaseURL+"/admin"),
		chromedp.WaitVisible(`input[name="username"]`),
		chromedp.SendKeys(`input[name="username"]`, "admin"),
		chromedp.SendKeys(`input[name="password"]`, demoPassword),
		chromedp.Submit(`input[name="password"]`),
		chromedp.WaitVisible(`input[name="code"]`),
		chromedp.SendKeys(`input[name="code"]`, totpNow(m[1])),
		chromedp.Submit(`input[name="code"]`),
		chromedp.WaitVisible(`form[role="search"]`),
	))
	fail("search", chromedp.Do(ctx,
		chromedp.SendKeys(`input#q`, "ali"),
		chromedp.Submit(`input#q`),
		// The unfiltered list shows alice too: wait for the results page, which the server
		// renders with the query in the field's value attribute.
		chromedp.WaitVisible(`input#q[value="ali"]`),
		chromedp.WaitVisible(`a[href="/admin/users/alice"]`),
	))
	rows, err := chromedp.Run(ctx, chromedp.Text(`table`))
	fail("read the results", err)
	if !strings.Contains(rows, "alice@example.com") || strings.Contains(rows, "user01") {
		t.Fatalf("searching for ali shows: %q", rows)
	}
	fail("open the user and the confirmation page", chromedp.Do(ctx,
		chromedp.Click(`a[href="/admin/users/alice"]`),
		chromedp.WaitVisible(`a[href="/admin/users/alice/reset-password"]`),
		chromedp.Click(`a[href="/admin/users/alice/reset-password"]`),
		chromedp.WaitVisible(`form[action="/admin/users/alice/reset-password"] button[type="submit"]`),
	))
	what, err := chromedp.Run(ctx, chromedp.Text(`main`))
	fail("read the confirmation page", err)
	if !strings.Contains(what, "sends alice a code") {
		t.Fatalf("the confirmation page does not say what will happen: %q", what)
	}
	fail("confirm", chromedp.Do(ctx,
		chromedp.Click(`form[action="/admin/users/alice/reset-password"] button[type="submit"]`),
		chromedp.WaitVisible(`div[role="status"]`),
	))
	notice, err := chromedp.Run(ctx, chromedp.Text(`div[role="status"]`))
	fail("read the notice", err)
	if !strings.Contains(notice, "password reset was forced") {
		t.Fatalf("after confirming: %q", notice)
	}
	fail("open the audit", chromedp.Do(ctx,
		chromedp.Click(`a[href="/admin/audit?user=alice"]`),
		chromedp.WaitVisible(`form[action="/admin/audit"] input[value="alice"]`),
		chromedp.WaitVisible(`table`),
	))
	audit, err := chromedp.Run(ctx, chromedp.Text(`table`))
	fail("read the audit", err)
	if !strings.Contains(audit, "Force a password reset") || !strings.Contains(audit, "alice") || !strings.Contains(audit, "Done") {
		t.Fatalf("the audit lacks the reset: %q", audit)
	}
}
