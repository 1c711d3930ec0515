package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/i18n"
	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
)

// TestDemoCustomAuth runs `bridgekeeper demo --auth-flow CUSTOM_AUTH` and signs in through the
// real pages: ivan answers the pool's question after his password (wrong first, then right, or
// wrong until the pool gives up); the other users get the MFA Cognito still asks after the
// password step of a custom flow.
func TestDemoCustomAuth(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0", "--auth-flow", "CUSTOM_AUTH")
	out := p.Stdout()
	for _, want := range []string{"* bridgekeeper demo --auth-flow CUSTOM_AUTH", "bridgekeeper demo --mfa-required", "ivan", "What is 6 × 7?"} {
		if !strings.Contains(out, want) {
			t.Errorf("the demo did not print %q:\n%s", want, out)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	bundle, err := i18n.New()
	must(t, err)
	en := bundle.Localizer("en")

	t.Run("ivan answers wrong, then right", func(t *testing.T) {
		c := newClient()
		page := signIn(ctx, t, c, p.BaseURL, "ivan", demoPassword)
		expectStep(t, page, "What is 6 × 7?")
		inputs := page.Find("input", "name", "answer")
		if len(inputs) != 1 || webclient.Attr(inputs[0], "autocomplete") != "off" {
			t.Fatalf("the answer field: %v", inputs)
		}
		if !strings.Contains(page.Text(), "Type the number.") {
			t.Errorf("the hint is not shown: %s", page.Text())
		}
		page = submit(ctx, t, c, page, map[string]string{"answer": "41"})
		expectStep(t, page, "What is 6 × 7?")
		if !strings.Contains(page.Text(), en.T("custom.retry")) {
			t.Fatalf("a wrong answer is not explained: %s", page.Text())
		}
		for _, in := range page.Find("input", "name", "answer") {
			if v := webclient.Attr(in, "value"); v != "" {
				t.Errorf("the answer field keeps %q", v)
			}
		}
		expectAccount(t, submit(ctx, t, c, page, map[string]string{"answer": "42"}), "ivan")
	})
	t.Run("ivan gives up after the pool's limit", func(t *testing.T) {
		c := newClient()
		page := signIn(ctx, t, c, p.BaseURL, "ivan", demoPassword)
		for range 3 {
			expectStep(t, page, "What is 6 × 7?")
			page = submit(ctx, t, c, page, map[string]string{"answer": "seven"})
		}
		if page.URL.Path != "/signin" || page.Status != http.StatusOK || !strings.Contains(page.Text(), en.T("error.CustomAuthFailed")) {
			t.Fatalf("after the pool gave up: %s (%d): %s", page.URL.Path, page.Status, page.Text())
		}
		if v := webclient.Attr(page.Find("input", "name", "username")[0], "value"); v != "ivan" {
			t.Errorf("the username is not kept: %q", v)
		}
	})
	t.Run("a wrong password never reaches the question", func(t *testing.T) {
		page := signIn(ctx, t, newClient(), p.BaseURL, "ivan", "Wrong-passw0rd")
		if page.URL.Path != "/signin" || strings.Contains(page.Text(), "6 × 7") || !strings.Contains(page.Text(), en.T("error.NotAuthorized.WrongCredentials")) {
			t.Fatalf("wrong password: %s (%d): %s", page.URL.Path, page.Status, page.Text())
		}
	})
	t.Run("alice has no question", func(t *testing.T) {
		expectAccount(t, signIn(ctx, t, newClient(), p.BaseURL, "alice", demoPassword), "alice")
	})
	t.Run("dave still gets his SMS code", func(t *testing.T) {
		c := newClient()
		page := signIn(ctx, t, c, p.BaseURL, "dave", demoPassword)
		expectStep(t, page, "text message")
		page = submit(ctx, t, c, page, map[string]string{"code": latestCode(ctx, t, p, "SMS", "+15555550104")})
		expectAccount(t, page, "dave")
	})
}
