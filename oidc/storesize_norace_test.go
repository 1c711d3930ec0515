//go:build !race

// The race detector makes this test's 100,000 sign-ins several times slower
// (it spends its time in JSON and JWT signing, not in anything concurrent),
// so it is built without it; `make test` runs it in a separate, race-free
// `go test` after the main one.

package oidc

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/abuse"
)

// inProcess drives complete sign-ins through the provider without a network
// or a browser: authorize, Login (as the web layer calls it once the pool has
// said yes), then the code at the token endpoint.
type inProcess struct {
	t      *testing.T
	e      *testEnv
	parked *AuthRequest
}

// newInProcess returns an environment whose StartLogin parks the request in
// the driver, with opts applied to the configuration.
func newInProcess(t *testing.T, opts ...func(*Config)) *inProcess {
	d := &inProcess{t: t}
	d.e = newEnv(t, append(opts, func(c *Config) {
		c.StartLogin = func(_ http.ResponseWriter, _ *http.Request, req *AuthRequest) { d.parked = req }
	})...)
	return d
}

// signIn completes one sign-in of user at client (confidential, secret in
// testSecrets) with the given scope in a fresh browser, and returns the token
// response.
func (d *inProcess) signIn(clientID, user, scope string, n int) map[string]any {
	d.t.Helper()
	h := d.e.p.Handler()
	q := authParams(clientID, "scope", scope)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, PathAuthorize+"?"+q.Encode(), nil))
	if d.parked == nil {
		d.t.Fatalf("authorize did not start a sign-in: %d %s", w.Code, w.Body)
	}
	req := d.parked
	d.parked = nil
	id := testUsers()[user]
	w = httptest.NewRecorder()
	if err := d.e.p.Login(w, httptest.NewRequest(http.MethodPost, "/signin", nil), req, id, fmt.Sprintf("up-%s-%d", user, n)); err != nil {
		d.t.Fatalf("Login: %v", err)
	}
	loc, err := url.Parse(w.Header().Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		d.t.Fatalf("Login did not redirect with a code: %d %q", w.Code, w.Header().Get("Location"))
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {redirectOf(clientID)}}
	r := httptest.NewRequest(http.MethodPost, PathToken, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.SetBasicAuth(clientID, testSecrets[clientID])
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var body map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != http.StatusOK || body["id_token"] == nil {
		d.t.Fatalf("token: %d %s", w.Code, w.Body)
	}
	return body
}

// entriesPerSignIn is what one completed sign-in without offline_access
// keeps at most: while its session lives, the session, its upstream refresh
// token, the person's index entry for it, its count of codes issued (the
// limiter's) and the redeemed code's replay marker; while its access token
// lives, the grant and its two index entries.
const entriesPerSignIn = 8

// TestStoreStaysSmall completes 100,000 sign-ins for a client without
// offline_access, one simulated second apart, and checks that the memory
// store holds only what live sessions need all along and is back at its
// baseline once the sessions have ended (also the code-issue limiter's
// counts, whose window is longer than a session).
func TestStoreStaysSmall(t *testing.T) {
	const (
		signIns    = 100_000
		sessionTTL = 10 * time.Minute // as long as a redeemed code's replay marker
		accessTTL  = 5 * time.Minute
		step       = time.Second
	)
	d := newInProcess(t, func(c *Config) {
		c.SessionTTL, c.AccessTokenTTL = sessionTTL, accessTTL
		// The limiter as serve wires it, its window (limits.window's default) longer than a session.
		c.CodeIssueLimits = abuse.CodeIssueLimits{L: abuse.New(c.Store.(abuse.Store), abuse.Config{CodesPerSession: 60, IssueWindow: 15 * time.Minute}, c.Now, nil)}
	})
	baseline := d.e.store.Len()
	// At one sign-in a second, this many sessions are alive at any moment.
	limit := entriesPerSignIn * int(sessionTTL/step+1)
	peak := 0
	for i := range signIns {
		d.signIn("es", "alice", "openid email", i)
		d.e.clock.Advance(step)
		if i%5000 == 4999 {
			n := d.e.store.Len()
			peak = max(peak, n)
			if n > limit {
				t.Fatalf("after %d sign-ins the store holds %d entries, more than the %d the live sessions need", i+1, n, limit)
			}
		}
	}
	if peak < limit/2 {
		t.Fatalf("peak %d entries, want about %d: is the test signing anyone in?", peak, limit)
	}
	d.e.clock.Advance(sessionTTL)
	if n := d.e.store.Len(); n != baseline {
		t.Fatalf("after the sessions ended the store holds %d entries, want the baseline %d", n, baseline)
	}
}
