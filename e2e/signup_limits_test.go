package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/i18n"
)

// TestSignUpCodeLimits: wrong sign-up confirmation codes count like reset codes (after
// limits.reset_code_attempts not even the right one reaches Cognito, until a new code is sent),
// and "Send a new code" counts in limits.code_sends.
func TestSignUpCodeLimits(t *testing.T) {
	p := startDemoWith(t, "limits: {reset_code_attempts: 3, code_sends: 2}\n")
	ctx := context.Background()
	en := english(t)
	const email = "nora@example.com"
	c := newClient()
	page, err := c.Get(ctx, p.BaseURL+"/signup")
	must(t, err)
	page = submit(ctx, t, c, page, map[string]string{"username": "nora", "password": "N3w-Passw0rd!", "password_confirm": "N3w-Passw0rd!",
		"userAttributes.name": "Nora Example", "userAttributes.email": email})
	if page.URL.Path != "/signup/confirm" {
		t.Fatalf("after sign-up: %s %d %s", page.URL.Path, page.Status, page.Text())
	}
	for i := 0; i < 3; i++ {
		if page = submit(ctx, t, c, page, map[string]string{"code": "000000"}); page.Status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong code %d: %d %s", i+1, page.Status, page.Text())
		}
	}
	page = submit(ctx, t, c, page, map[string]string{"code": latestCode(ctx, t, p, "EMAIL", email)})
	if page.Status != http.StatusTooManyRequests || page.Header.Get("Retry-After") == "" || !strings.Contains(page.Text(), en.T("error.LimitExceeded")) {
		t.Fatalf("the right code after the limit: %d %s", page.Status, page.Text())
	}
	if !loggedReason(p, "confirm_code") {
		t.Error("no log line names the confirmation-code limit")
	}
	// Two new codes may be sent in the window; the third is refused and not sent.
	for i := 0; i < 2; i++ {
		if page = submitFormWithAction(ctx, t, c, page, "/signup/confirm/resend"); page.URL.Path != "/signup/confirm" || page.Status != http.StatusOK {
			t.Fatalf("new code %d: %s %d %s", i+1, page.URL.Path, page.Status, page.Text())
		}
	}
	refused := submitFormWithAction(ctx, t, c, page, "/signup/confirm/resend")
	if refused.Status != http.StatusTooManyRequests || !strings.Contains(refused.Text(), en.T("limit.send.retry", map[string]any{"Count": 15})) || !loggedReason(p, "code_send") {
		t.Fatalf("a third new code: %d %s", refused.Status, refused.Text())
	}
	if n := outboxCount(ctx, t, p, email); n != 3 {
		t.Fatalf("%d codes sent to %s, want 3 (sign-up and two new ones)", n, email)
	}
	// The new code started the count afresh: the right code confirms the account.
	page = submit(ctx, t, c, refused, map[string]string{"code": latestCode(ctx, t, p, "EMAIL", email)})
	if page.URL.Path == "/signup/confirm" || page.Status >= 400 {
		t.Fatalf("the newest code: %s %d %s", page.URL.Path, page.Status, page.Text())
	}
}

// english is the English catalog.
func english(t *testing.T) *i18n.Localizer {
	t.Helper()
	bundle, err := i18n.New()
	must(t, err)
	return bundle.Localizer("en")
}
