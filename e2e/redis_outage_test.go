package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/testredis"
)

// TestRedisOutage (issue 9, item 14): the real binary on a real redis-server that is stopped and
// started again mid-flow. While Redis is down /readyz is unready, a sign-in step answers a 503
// page with Retry-After, and a refresh answers the app 503 temporarily_unavailable; nothing is
// lost, so once Redis is back (by itself, without restarting Bridgekeeper) the same step signs
// the person in and the same refresh token works.
func TestRedisOutage(t *testing.T) {
	r := testredis.StartServer(t)
	cb := newRedisCallback(t)
	p := startDemoWith(t, fmt.Sprintf(`store: {url: "%s"}
oidc:
  clients:
    - id: app
      secret: app-secret-0123456789
      redirect_uris: [%s/callback]
      scopes: [openid, offline_access]
`, r.URL(), cb.URL))
	ctx := context.Background()
	c := newClient()
	authorize := p.BaseURL + "/authorize?" + url.Values{"client_id": {"app"}, "redirect_uri": {cb.URL + "/callback"},
		"response_type": {"code"}, "scope": {"openid offline_access"}, "state": {"st"}}.Encode()
	page, err := c.Get(ctx, authorize)
	must(t, err)
	step := submit(ctx, t, c, page, map[string]string{"username": "dave", "password": demoPassword})
	expectStep(t, step, "text message")
	code := latestCode(ctx, t, p, "SMS", "+15555550104")

	r.Stop()
	if status := readyz(ctx, t, p); status != http.StatusServiceUnavailable {
		t.Fatalf("/readyz with Redis down answered %d, want 503", status)
	}
	down := submit(ctx, t, c, step, map[string]string{"code": code})
	if down.Status != http.StatusServiceUnavailable || down.Header.Get("Retry-After") == "" ||
		!strings.Contains(down.Text(), "We can't reach the sign-in service right now") {
		t.Fatalf("a step with Redis down: %d (Retry-After %q): %s", down.Status, down.Header.Get("Retry-After"), down.Text())
	}

	r.Restart()
	waitReady(ctx, t, p.BaseURL+"/readyz", nil, p.Logs) // the store client reconnects by itself
	done := submit(ctx, t, c, step, map[string]string{"code": code})
	if done.URL.Path != "/callback" || cb.Last().Get("code") == "" {
		t.Fatalf("the same step once Redis is back: %s (%d): %s", done.URL, done.Status, done.Text())
	}
	tok := tokenRequest(t, p.BaseURL, url.Values{"grant_type": {"authorization_code"}, "code": {cb.Last().Get("code")}, "redirect_uri": {cb.URL + "/callback"}})
	if tok.status != http.StatusOK || tok.RefreshToken == "" {
		t.Fatalf("code redemption: %+v", tok)
	}

	r.Stop()
	status, retry, body := rawTokenRequest(ctx, t, p.BaseURL, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}})
	if status != http.StatusServiceUnavailable || retry == "" || body["error"] != "temporarily_unavailable" {
		t.Fatalf("a refresh with Redis down: %d (Retry-After %q) %v", status, retry, body)
	}
	r.Restart()
	waitReady(ctx, t, p.BaseURL+"/readyz", nil, p.Logs) // the store client reconnects by itself
	next := tokenRequest(t, p.BaseURL, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}})
	if next.status != http.StatusOK || next.RefreshToken == "" || next.RefreshToken == tok.RefreshToken {
		t.Fatalf("the same refresh token once Redis is back: %+v", next)
	}
	if !strings.Contains(p.Logs(), "ready check failed") {
		t.Error("the outage is not in the log")
	}
}

// readyz is the status of the process's /readyz.
func readyz(ctx context.Context, t *testing.T, p *process) int {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.BaseURL+"/readyz", nil)
	must(t, err)
	res, err := http.DefaultClient.Do(req)
	must(t, err)
	res.Body.Close()
	return res.StatusCode
}

// rawTokenRequest posts to /token as the app and returns the status, Retry-After and JSON body.
func rawTokenRequest(ctx context.Context, t *testing.T, base string, form url.Values) (int, string, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/token", strings.NewReader(form.Encode()))
	must(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("app", "app-secret-0123456789")
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	must(t, err)
	defer res.Body.Close()
	var body map[string]any
	must(t, json.NewDecoder(res.Body).Decode(&body))
	return res.StatusCode, res.Header.Get("Retry-After"), body
}
