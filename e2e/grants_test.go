package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/bridgekeeper/bridgekeeper/internal/testredis"
	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
)

// appDemo is the demo on a real redis-server with one confidential app ("app", the secret
// tokenRequest sends) whose redirect URI records what it receives.
type appDemo struct {
	p     *process
	cb    *redisCallback
	redis *redis.Client
}

// startAppDemo runs the demo with extra YAML appended to its configuration.
func startAppDemo(t *testing.T, extra string) *appDemo {
	t.Helper()
	redisURL := testredis.Start(t)
	cb := newRedisCallback(t)
	p := startDemoWith(t, fmt.Sprintf(`store: {url: "%s", key_prefix: "bk-e2e:"}
oidc:
  clients:
    - id: app
      secret: app-secret-0123456789
      redirect_uris: [%s/callback]
      post_logout_redirect_uris: [%s/signed-out]
      scopes: [openid, email, offline_access]
%s`, redisURL, cb.URL, cb.URL, extra))
	opt, err := redis.ParseURL(redisURL)
	must(t, err)
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { _ = rdb.Close() })
	return &appDemo{p: p, cb: cb, redis: rdb}
}

// startDemoWith runs the demo with this configuration file (YAML).
func startDemoWith(t *testing.T, yaml string) *process {
	t.Helper()
	path := filepath.Join(t.TempDir(), "demo.yaml")
	must(t, os.WriteFile(path, []byte(yaml), 0o600))
	return start(t, "demo", "--listen", "127.0.0.1:0", "--config", path)
}

// authorizeURL is an authorization request of the app with extra parameters.
func (d *appDemo) authorizeURL(extra url.Values) string {
	q := url.Values{
		"client_id": {"app"}, "redirect_uri": {d.cb.URL + "/callback"}, "response_type": {"code"},
		"scope": {"openid email offline_access"}, "state": {"st"},
	}
	for k, v := range extra {
		q[k] = v
	}
	return d.p.BaseURL + "/authorize?" + q.Encode()
}

// signIn signs username in through the pages for the app in browser c and redeems the code.
func (d *appDemo) signIn(ctx context.Context, t *testing.T, c *webclient.Client, username string, extra url.Values) tokenResponse {
	t.Helper()
	page, err := c.Get(ctx, d.authorizeURL(extra))
	must(t, err)
	if page.URL.Path != "/callback" {
		page = submit(ctx, t, c, page, map[string]string{"username": username, "password": demoPassword})
	}
	if page.URL.Path != "/callback" || d.cb.Last().Get("code") == "" {
		t.Fatalf("sign-in of %s did not reach the app: %s %v\n%s", username, page.URL, d.cb.Last(), page.Text())
	}
	return d.redeem(t, d.cb.Last().Get("code"))
}

// redeem exchanges a code at the token endpoint.
func (d *appDemo) redeem(t *testing.T, code string) tokenResponse {
	t.Helper()
	tok := tokenRequest(t, d.p.BaseURL, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {d.cb.URL + "/callback"}})
	if tok.status != http.StatusOK || tok.RefreshToken == "" {
		t.Fatalf("code redemption: %d %+v", tok.status, tok)
	}
	return tok
}

// refresh uses a refresh token and returns the answer.
func (d *appDemo) refresh(t *testing.T, rt string) tokenResponse {
	t.Helper()
	return tokenRequest(t, d.p.BaseURL, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
}

// silently runs prompt=none in browser c without following the redirect and returns it.
func (d *appDemo) silently(t *testing.T, c *webclient.Client) *http.Response {
	t.Helper()
	noFollow := *c.HTTP
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := noFollow.Get(d.authorizeURL(url.Values{"prompt": {"none"}}))
	must(t, err)
	res.Body.Close()
	return res
}

// keys counts the Redis keys matching the pattern (below the demo's prefix).
func (d *appDemo) keys(ctx context.Context, t *testing.T, pattern string) int {
	t.Helper()
	ks, err := d.redis.Keys(ctx, "bk-e2e:"+pattern).Result()
	must(t, err)
	return len(ks)
}

// TestGrantsStayBounded (issue 9, item 6): a signed-in browser looping prompt=none and /token
// keeps at most limits.live_grants refresh families of the person at the app (the least
// recently used revoked first), and the session gets at most limits.codes_per_session codes.
func TestGrantsStayBounded(t *testing.T) {
	const liveGrants, codes = 3, 8
	d := startAppDemo(t, fmt.Sprintf("limits: {live_grants: %d, codes_per_session: %d}\n", liveGrants, codes))
	ctx := context.Background()
	c := newClient()
	tokens := []tokenResponse{d.signIn(ctx, t, c, "alice", nil)}
	for len(tokens) < codes {
		res := d.silently(t, c)
		loc, err := res.Location()
		must(t, err)
		if res.StatusCode != http.StatusFound || loc.Query().Get("code") == "" {
			t.Fatalf("prompt=none %d: %d %s", len(tokens)+1, res.StatusCode, loc)
		}
		tokens = append(tokens, d.redeem(t, loc.Query().Get("code")))
		if n := d.keys(ctx, t, "oidc:grant:*"); n != min(len(tokens), liveGrants) {
			t.Fatalf("after %d code redemptions the store holds %d grants, want %d", len(tokens), n, min(len(tokens), liveGrants))
		}
	}
	// The session has had its codes: the app gets temporarily_unavailable, with Retry-After.
	res := d.silently(t, c)
	loc, err := res.Location()
	must(t, err)
	if loc.Query().Get("error") != "temporarily_unavailable" || loc.Query().Get("code") != "" || res.Header.Get("Retry-After") == "" {
		t.Fatalf("code %d: %d %s (Retry-After %q)", codes+1, res.StatusCode, loc, res.Header.Get("Retry-After"))
	}
	if !loggedReason(d.p, "code_issue") {
		t.Error("no log line names the code issuance limit")
	}
	// The oldest families are gone; the newest ones still refresh (oldest first, so the
	// least recently used is still the oldest of them).
	for i, tok := range tokens {
		got := d.refresh(t, tok.RefreshToken)
		if live := i >= len(tokens)-liveGrants; live != (got.status == http.StatusOK) {
			t.Errorf("family %d of %d (live %v): refresh answered %d %s", i+1, len(tokens), live, got.status, got.Error)
		}
		tokens[i].RefreshToken = got.RefreshToken
	}
	if n := d.keys(ctx, t, "oidc:grant:*"); n != liveGrants {
		t.Fatalf("the store holds %d grants, want %d", n, liveGrants)
	}
	// Least recently used goes first: after the oldest live family is used again, a new
	// sign-in (a new session, with codes of its own) revokes the next one instead.
	oldest, next := len(tokens)-liveGrants, len(tokens)-liveGrants+1
	used := d.refresh(t, tokens[oldest].RefreshToken)
	if used.status != http.StatusOK {
		t.Fatalf("refresh of family %d: %d %s", oldest+1, used.status, used.Error)
	}
	d.signIn(ctx, t, newClient(), "alice", nil)
	if got := d.refresh(t, used.RefreshToken); got.status != http.StatusOK {
		t.Errorf("the family used last was revoked: %d %s", got.status, got.Error)
	}
	if got := d.refresh(t, tokens[next].RefreshToken); got.Error != "invalid_grant" {
		t.Errorf("the least recently used family survived: %d %+v", got.status, got)
	}
}
