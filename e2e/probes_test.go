package e2e

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
)

// TestProbesThroughTheBinary holds, through the real binary, the parts of issue 9 that the other
// scenario tests do not: the password limit counts per username and client address with a
// ceiling per username (item 3), failed client authentication counts per client id and address
// (item 5), a verified email address signs in through the demo pool's alias (the local pool
// refuses an email without one, as Cognito does), a wrong password costs the same Cognito calls for a real and an
// unknown username (item 7), an authorization request too large to park is refused on the
// redirect URI, never a 5xx (item 11), and a trusted proxy's X-Request-Id is kept (item 12).
// The demo believes X-Forwarded-For from 127.0.0.1 here, so each request can name its address.
func TestProbesThroughTheBinary(t *testing.T) {
	cb := newRedisCallback(t)
	p, faults := startFaultDemo(t, `trusted_proxies: [127.0.0.1/32]
limits: {password_attempts: 2, username_ceiling: 2, client_auth_attempts: 3}
oidc:
  clients:
    - id: app
      secret: app-secret-0123456789
      redirect_uris: [`+cb.URL+`/callback]
      scopes: [openid]
`)
	ctx := context.Background()

	t.Run("password limits count per username and address, with a ceiling per username", func(t *testing.T) {
		// An attacker's address runs out of grace's attempts; grace, from her own, signs in. (Two
		// free attempts keep grace well below the pool's own lockout after five failures, even if
		// a slow machine lets an attempt through after the first one-second wait.)
		if wrong := wrongPasswordsUntilRefused(ctx, t, p, "grace", "203.0.113.1"); wrong < 2 {
			t.Fatalf("refused after %d wrong passwords, want at least limits.password_attempts (2)", wrong)
		}
		expectAccount(t, signInFrom(ctx, t, p, "grace", demoPassword, "198.51.100.7"), "grace")
		// Across addresses a username gets username_ceiling × password_attempts (4) failures; past
		// them a new address is refused before its own 2 (an unknown username: no Cognito lockout).
		for _, addr := range []string{"203.0.113.11", "203.0.113.12"} {
			wrongPasswordsUntilRefused(ctx, t, p, "nobody-probed", addr)
		}
		if wrong := wrongPasswordsUntilRefused(ctx, t, p, "nobody-probed", "203.0.113.13"); wrong >= 2 {
			t.Fatalf("a new address had %d wrong passwords after the username's ceiling, want fewer than 2", wrong)
		}
		if !p.WaitLogged(regexp.MustCompile(`limit refused.*reason"?[=:]"?password.*scope"?[=:]"?username\b`), 10*time.Second) {
			t.Error("no log line names the per-username ceiling")
		}
	})

	t.Run("failed client authentication counts per client id and address", func(t *testing.T) {
		token := func(secret, addr string) int {
			form := url.Values{"grant_type": {"authorization_code"}, "code": {"nope"}, "redirect_uri": {cb.URL + "/callback"}}
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.BaseURL+"/token", strings.NewReader(form.Encode()))
			must(t, err)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", addr)
			req.SetBasicAuth("app", secret)
			res, err := http.DefaultClient.Do(req)
			must(t, err)
			res.Body.Close()
			return res.StatusCode
		}
		for i := 0; i < 3; i++ {
			if status := token("guessed-secret", "203.0.113.21"); status != http.StatusUnauthorized {
				t.Fatalf("wrong secret %d: %d", i+1, status)
			}
		}
		if status := token("app-secret-0123456789", "203.0.113.21"); status != http.StatusTooManyRequests {
			t.Fatalf("the right secret from the guessing address: %d, want 429", status)
		}
		// The app itself, from its own address, still authenticates (the code is refused, not the app).
		if status := token("app-secret-0123456789", "192.0.2.22"); status != http.StatusBadRequest {
			t.Fatalf("the app from its own address: %d, want 400 (invalid_grant)", status)
		}
	})

	t.Run("a verified email address signs in through the demo pool's email alias", func(t *testing.T) {
		expectAccount(t, signInFrom(ctx, t, p, "alice@example.com", demoPassword, "192.0.2.30"), "alice")
	})

	t.Run("a wrong password costs the same Cognito calls for real and unknown usernames", func(t *testing.T) {
		var calls []map[string]int
		var pages []string
		for _, user := range []string{"erin", "nobody-at-all"} {
			faults.Clear(ctx, t)
			page := signInFrom(ctx, t, p, user, "Wrong-passw0rd!", "192.0.2.70")
			if page.Status != http.StatusUnauthorized {
				t.Fatalf("%s: %d %s", user, page.Status, page.Text())
			}
			calls = append(calls, faults.State(ctx, t).Calls)
			pages = append(pages, strings.ReplaceAll(page.Text(), user, "USER"))
		}
		if !maps.Equal(calls[0], calls[1]) || calls[0]["RespondToAuthChallenge"] != 1 {
			t.Fatalf("Cognito calls for a real user %v, for an unknown one %v: want the same, with the password verifier answered", calls[0], calls[1])
		}
		if pages[0] != pages[1] {
			t.Fatalf("the pages differ:\n%s\n%s", pages[0], pages[1])
		}
	})

	t.Run("an authorization request too large to park is refused on the redirect URI", func(t *testing.T) {
		authorize := func(state string) *webclient.Page {
			q := url.Values{"client_id": {"app"}, "redirect_uri": {cb.URL + "/callback"}, "response_type": {"code"}, "scope": {"openid"}, "state": {state}}
			page, err := newClient().Get(ctx, p.BaseURL+"/authorize?"+q.Encode())
			must(t, err)
			return page
		}
		// 512 × "<" answered 500 before (JSON escapes it sixfold, past the cookie's size).
		if page := authorize(strings.Repeat("<", 512)); page.URL.Path != "/callback" || cb.Last().Get("error") != "invalid_request" {
			t.Fatalf("an oversize request: %s (%d) %v: %s", page.URL, page.Status, cb.Last(), page.Text())
		}
		c := newClient()
		state := strings.Repeat("<", 256)
		q := url.Values{"client_id": {"app"}, "redirect_uri": {cb.URL + "/callback"}, "response_type": {"code"}, "scope": {"openid"}, "state": {state}}
		page, err := c.Get(ctx, p.BaseURL+"/authorize?"+q.Encode())
		must(t, err)
		done := submit(ctx, t, c, page, map[string]string{"username": "alice", "password": demoPassword})
		if done.URL.Path != "/callback" || cb.Last().Get("state") != state || cb.Last().Get("code") == "" {
			t.Fatalf("a large request that fits: %s (%d) %v", done.URL, done.Status, cb.Last())
		}
	})

	t.Run("a trusted proxy's X-Request-Id is kept", func(t *testing.T) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.BaseURL+"/signin", nil)
		must(t, err)
		req.Header.Set("X-Request-Id", "proxy-request-4711")
		res, err := http.DefaultClient.Do(req)
		must(t, err)
		res.Body.Close()
		if got := res.Header.Get("X-Request-Id"); got != "proxy-request-4711" {
			t.Fatalf("X-Request-Id %q, want the trusted proxy's", got)
		}
		if !p.WaitLogged(regexp.MustCompile(`request_id"?[=:]"?proxy-request-4711`), 10*time.Second) {
			t.Error("the access log does not carry the proxy's request id")
		}
	})
}

// signInFrom posts username and password on a fresh sign-in page, as a proxy forwarding for addr.
func signInFrom(ctx context.Context, t *testing.T, p *process, username, password, addr string) *webclient.Page {
	t.Helper()
	c := newClient()
	page, err := c.Get(ctx, p.BaseURL+"/signin")
	must(t, err)
	form, err := page.Form("password")
	must(t, err)
	must(t, form.Set("username", username))
	must(t, form.Set("password", password))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, form.Action.String(), strings.NewReader(form.Values.Encode()))
	must(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", addr)
	next, err := c.Do(req)
	must(t, err)
	return next
}

// wrongPasswordsUntilRefused posts wrong passwords for username from addr until the limit
// refuses one (429 with Retry-After) and returns how many were answered as wrong before.
func wrongPasswordsUntilRefused(ctx context.Context, t *testing.T, p *process, username, addr string) int {
	t.Helper()
	for wrong := 0; wrong < 10; wrong++ {
		page := signInFrom(ctx, t, p, username, "Wrong-passw0rd!", addr)
		switch {
		case page.Status == http.StatusTooManyRequests && page.Header.Get("Retry-After") != "":
			return wrong
		case page.Status != http.StatusUnauthorized:
			t.Fatalf("%s from %s: %d %s", username, addr, page.Status, page.Text())
		}
	}
	t.Fatalf("%s from %s: 10 wrong passwords and never refused", username, addr)
	return 0
}
