package oidc

import (
	"testing"
	"time"
)

// TestCodeReplayWindowFollowsCodeTTL: a redeemed code's marker lives ten code lifetimes, so a
// replay just inside that revokes what the code issued, and just after it the marker is gone
// (the replay is refused, the tokens stand, and nothing is left in the store for it).
func TestCodeReplayWindowFollowsCodeTTL(t *testing.T) {
	for _, tc := range []struct {
		name    string
		codeTTL time.Duration // 0: the default
		window  time.Duration
	}{
		{"default code lifetime", 0, 10 * time.Minute},
		{"five-second codes", 5 * time.Second, 50 * time.Second},
	} {
		for _, after := range []struct {
			name    string
			wait    time.Duration
			revoked bool
		}{
			{"inside the window", tc.window - time.Second, true},
			{"after the window", tc.window + time.Second, false},
		} {
			t.Run(tc.name+", "+after.name, func(t *testing.T) {
				e := newEnv(t, func(c *Config) { c.CodeTTL = tc.codeTTL })
				code := e.login(authParams("app", "scope", "openid"), "alice")
				first := e.redeem("app", code, appRedirect)
				if first.status != 200 {
					t.Fatalf("first redemption: %d %s", first.status, first.raw)
				}
				entries := e.store.Len()
				e.clock.Advance(after.wait)
				if n := e.store.Len(); after.revoked != (n == entries) {
					t.Errorf("%d store entries after %v, %d right after the redemption (the marker %s)", n, after.wait, entries,
						map[bool]string{true: "should still be there", false: "should be gone"}[after.revoked])
				}
				wantTokenError(t, e.redeem("app", code, appRedirect), 400, errInvalidGrant)
				want := 200
				if after.revoked {
					want = 401
				}
				if got := e.userinfoStatus(first.body["access_token"].(string)); got != want {
					t.Errorf("userinfo with the first redemption's access token after a replay: %d, want %d", got, want)
				}
			})
		}
	}
}
