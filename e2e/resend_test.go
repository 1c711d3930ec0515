package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/i18n"
	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
)

// pressSendNewCode presses a code page's "Send a new code" (the form posting to /signin/resend).
func pressSendNewCode(ctx context.Context, t *testing.T, c *webclient.Client, page *webclient.Page) *webclient.Page {
	t.Helper()
	if len(page.Find("form", "action", "/signin/resend")) != 1 {
		t.Fatalf("no \"Send a new code\" on %s: %s", page.URL.Path, page.Text())
	}
	return submitFormWithAction(ctx, t, c, page, "/signin/resend")
}

// TestSendNewMFACode: Cognito cannot send an MFA code again, so "Send a new code" on the SMS
// and email MFA pages asks for the password again, with the username kept and a sentence saying
// why; no code goes out until the password is typed, and then the new one signs in. Each press
// counts in Bridgekeeper's code-send limit (3 per address and window in the demo): beyond it the
// page says in how many minutes to try again, and nothing is sent.
func TestSendNewMFACode(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	ctx := context.Background()
	bundle, err := i18n.New()
	must(t, err)
	en := bundle.Localizer("en")
	why := en.T("notice.resend_needs_password")

	users := []struct{ username, page, medium, to string }{
		{"dave", "text message", "SMS", "+15555550104"},
		{"erin", "email", "EMAIL", "erin@example.com"},
		{"dave", "text message", "SMS", "+15555550104"},
	}
	for _, u := range users {
		c := newClient()
		page := signIn(ctx, t, c, p.BaseURL, u.username, demoPassword)
		expectStep(t, page, u.page)
		before := outboxCount(ctx, t, p, u.to)
		page = pressSendNewCode(ctx, t, c, page)
		if page.URL.Path != "/signin" || !strings.Contains(page.Text(), why) || !strings.Contains(page.Body, `value="`+u.username+`"`) {
			t.Fatalf("%s: after Send a new code: %s %s", u.username, page.URL.Path, page.Text())
		}
		if n := outboxCount(ctx, t, p, u.to); n != before {
			t.Fatalf("%s: %d codes sent before the password was typed again", u.username, n-before)
		}
		page = submit(ctx, t, c, page, map[string]string{"password": demoPassword})
		expectStep(t, page, u.page)
		if n := outboxCount(ctx, t, p, u.to); n != before+1 {
			t.Fatalf("%s: %d new codes after the password, want 1", u.username, n-before)
		}
		expectAccount(t, submit(ctx, t, c, page, map[string]string{"code": latestCode(ctx, t, p, u.medium, u.to)}), u.username)
	}

	// A fourth press from this address within the window is refused, and says when to ask again.
	c := newClient()
	page := signIn(ctx, t, c, p.BaseURL, "erin", demoPassword)
	expectStep(t, page, "email")
	before := outboxCount(ctx, t, p, "erin@example.com")
	refused := pressSendNewCode(ctx, t, c, page)
	wait := en.T("limit.send.retry", map[string]any{"Count": 15})
	if refused.Status != http.StatusTooManyRequests || refused.URL.Path != "/signin/resend" || !strings.Contains(refused.Text(), wait) {
		t.Fatalf("the fourth send: %d %s %s", refused.Status, refused.URL.Path, refused.Text())
	}
	if outboxCount(ctx, t, p, "erin@example.com") != before {
		t.Fatal("a refused send sent a code")
	}
	// The sign-in goes on: the code already sent still works.
	expectAccount(t, submit(ctx, t, c, refused, map[string]string{"code": latestCode(ctx, t, p, "EMAIL", "erin@example.com")}), "erin")
	if !strings.Contains(p.Logs(), "limit refused") || !strings.Contains(p.Logs(), "code_send") {
		t.Errorf("the refusal was not logged with its reason:\n%s", tail(p.Logs(), 2000))
	}

	// The refusal is said in the person's language, with its plural form.
	de := newClient()
	_, err = de.Get(ctx, p.BaseURL+"/language?lang=de&return=/signin")
	must(t, err)
	page = signIn(ctx, t, de, p.BaseURL, "dave", demoPassword)
	refused = pressSendNewCode(ctx, t, de, page)
	if want := bundle.Localizer("de").T("limit.send.retry", map[string]any{"Count": 15}); !strings.Contains(refused.Text(), want) || !strings.Contains(want, "15 Minuten") {
		t.Fatalf("the German refusal: want %q in %s", want, refused.Text())
	}
}
