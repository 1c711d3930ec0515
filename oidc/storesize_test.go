package oidc

import (
	"net/http"
	"slices"
	"testing"
	"time"
)

// TestStoreOfflineGrantOutlivesSession: an offline grant keeps what it needs
// (its grant, the session's upstream refresh token and the index entries
// sign-out uses) past the session, a renewed sign-in does not shorten that,
// "sign out everywhere" still finds and revokes it, and afterwards nothing
// is left once the replay markers expire.
func TestStoreOfflineGrantOutlivesSession(t *testing.T) {
	e := newEnv(t)
	// Each refresh rotates the upstream token, so the offline grant's session
	// holds a token of its own, not the "up-alice" the later sign-in stores.
	e.up.rotate = true
	off := e.newRP("app", "openid", "offline_access").flow("alice")
	rt := off.oauth.RefreshToken
	refresh := func(when string, want int) {
		t.Helper()
		res := e.refresh("app", rt)
		if res.status != want {
			t.Fatalf("refresh %s: %d %s, want %d", when, res.status, res.raw, want)
		}
		if want == http.StatusOK {
			rt = res.body["refresh_token"].(string)
		}
	}
	e.clock.Advance(DefaultSessionTTL + time.Hour)
	if _, err := e.p.CurrentSession(e.browserRequest()); err == nil {
		t.Fatal("the session outlived its ttl")
	}
	refresh("after the session expired", http.StatusOK)

	// A new sign-in in the same browser starts a new session; the offline
	// grant's upstream token (of the old session) is unaffected by it.
	e.newRP("app", "openid").flow("alice")
	e.clock.Advance(DefaultSessionTTL + time.Hour)
	refresh("a day after a second sign-in", http.StatusOK)
	e.clock.Advance(time.Minute)

	if err := e.p.EndAllSessions(t.Context(), "sub-alice"); err != nil {
		t.Fatal(err)
	}
	refresh("after sign out everywhere", http.StatusBadRequest)
	if !slices.Contains(e.up.revokedTokens(), "up-alice-rotated-1-rotated-2") {
		t.Errorf("upstream revocations %v, want the offline grant's rotated token revoked", e.up.revokedTokens())
	}
	e.clock.Advance(time.Hour) // past the replay markers
	if n := e.store.Len(); n != 0 {
		t.Fatalf("%d store entries left after sign out everywhere", n)
	}
}

// TestStoreRenewalKeepsUpstreamForOfflineGrant: signing in again in the same
// browser renews the session and replaces its upstream token; the offline
// grant issued earlier under that session still refreshes after the renewed
// session has expired.
func TestStoreRenewalKeepsUpstreamForOfflineGrant(t *testing.T) {
	e := newEnv(t)
	rt := e.newRP("app", "openid", "offline_access").flow("alice").oauth.RefreshToken
	e.clock.Advance(time.Hour)
	e.newRP("app2", "openid").flow("alice") // same person, same browser: renewal
	e.clock.Advance(DefaultSessionTTL + time.Hour)
	if res := e.refresh("app", rt); res.status != http.StatusOK {
		t.Fatalf("refresh after the renewed session expired: %d %s", res.status, res.raw)
	}
}
