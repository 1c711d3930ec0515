package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
)

// TestPagesAreSafeByDefault checks the HTTP surface a person's browser sees: security headers,
// CSRF on every form, friendly error pages with a request id and no internals, body limits, and
// broken cookies that restart the sign-in instead of failing.
func TestPagesAreSafeByDefault(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	ctx := context.Background()

	t.Run("security headers", func(t *testing.T) {
		page, err := newClient().Get(ctx, p.BaseURL+"/signin")
		must(t, err)
		want := map[string]string{
			"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'",
			"X-Frame-Options":         "DENY",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "no-referrer",
			"Cache-Control":           "no-store",
		}
		for h, v := range want {
			if !strings.Contains(page.Header.Get(h), v) {
				t.Errorf("%s = %q, want it to contain %q", h, page.Header.Get(h), v)
			}
		}
		if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP = %q", csp)
		}
		if len(page.Header.Get("X-Request-Id")) < 8 {
			t.Error("no request id")
		}
		for _, in := range page.Find("input", "name", "username") {
			if got := webclient.Attr(in, "autocomplete"); got != "username" {
				t.Errorf("username autocomplete = %q", got)
			}
		}
		for _, in := range page.Find("input", "name", "password") {
			if got := webclient.Attr(in, "autocomplete"); got != "current-password" {
				t.Errorf("password autocomplete = %q", got)
			}
		}
	})

	t.Run("a form without its CSRF token is refused", func(t *testing.T) {
		c := newClient()
		_, err := c.Get(ctx, p.BaseURL+"/signin")
		must(t, err)
		page, err := c.PostForm(ctx, p.BaseURL+"/signin", url.Values{"username": {"alice"}, "password": {demoPassword}})
		must(t, err)
		if page.Status != http.StatusForbidden || page.URL.Path != "/signin" {
			t.Fatalf("POST without CSRF token: %d at %s", page.Status, page.URL.Path)
		}
		if !strings.Contains(page.Text(), "expired or came from somewhere else") {
			t.Errorf("the CSRF page does not explain: %s", page.Text())
		}
		if !strings.Contains(page.Text(), page.Header.Get("X-Request-Id")) {
			t.Error("the error page does not show the request id")
		}
		if strings.Contains(strings.ToLower(page.Body), "goroutine") || strings.Contains(page.Body, ".go:") {
			t.Error("the error page shows internals")
		}
	})

	t.Run("unknown page", func(t *testing.T) {
		page, err := newClient().Get(ctx, p.BaseURL+"/no/such/page")
		must(t, err)
		if page.Status != http.StatusNotFound || !strings.Contains(page.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("unknown page: %d %s", page.Status, page.Header.Get("Content-Type"))
		}
	})

	t.Run("oversized body", func(t *testing.T) {
		c := newClient()
		signin, err := c.Get(ctx, p.BaseURL+"/signin")
		must(t, err)
		form, err := signin.Form("password")
		must(t, err)
		must(t, form.Set("username", strings.Repeat("a", 100<<10)))
		page, err := c.Submit(ctx, form, "", "")
		must(t, err)
		if page.Status != http.StatusRequestEntityTooLarge {
			t.Fatalf("100 KiB form: status %d", page.Status)
		}
	})

	t.Run("overlong username is a 4xx, not echoed", func(t *testing.T) {
		c := newClient()
		signin, err := c.Get(ctx, p.BaseURL+"/signin")
		must(t, err)
		form, err := signin.Form("password")
		must(t, err)
		long := strings.Repeat("b", 5000)
		must(t, form.Set("username", long))
		must(t, form.Set("password", "x"))
		page, err := c.Submit(ctx, form, "", "")
		must(t, err)
		if page.Status < 400 || page.Status >= 500 || strings.Contains(page.Body, long) {
			t.Fatalf("overlong username: status %d", page.Status)
		}
	})

	t.Run("a tampered flow cookie restarts the sign-in", func(t *testing.T) {
		c := newClient()
		page := signIn(ctx, t, c, p.BaseURL, "carol", demoPassword)
		expectStep(t, page, "authenticator")
		u, _ := url.Parse(p.BaseURL)
		var tampered []*http.Cookie
		for _, ck := range c.HTTP.Jar.Cookies(u) {
			if ck.Name == "bk_flow" {
				// Replace one character with a different one (the same one would change nothing).
				mid, repl := len(ck.Value)/2, "x"
				if ck.Value[mid] == 'x' {
					repl = "y"
				}
				ck.Value = ck.Value[:mid] + repl + ck.Value[mid+1:]
				tampered = append(tampered, ck)
			}
		}
		if len(tampered) != 1 {
			t.Fatalf("flow cookie not found")
		}
		c.HTTP.Jar.SetCookies(u, tampered)
		page, err := c.Get(ctx, p.BaseURL+"/signin/step")
		must(t, err)
		if page.Status != http.StatusOK || page.URL.Path != "/signin" {
			t.Fatalf("tampered cookie: %d at %s", page.Status, page.URL.Path)
		}
		// Posting an answer without a usable flow also starts again, with an explanation.
		page, err = c.PostForm(ctx, p.BaseURL+"/signin/step", url.Values{"code": {"123456"}, "_csrf": {csrfToken(t, c.HTTP.Jar, u)}})
		must(t, err)
		if page.Status != http.StatusOK || page.URL.Path != "/signin" {
			t.Fatalf("answer without a flow: %d at %s", page.Status, page.URL.Path)
		}
	})

	t.Run("health", func(t *testing.T) {
		for _, path := range []string{"/healthz", "/readyz"} {
			page, err := newClient().Get(ctx, p.BaseURL+path)
			must(t, err)
			if page.Status != http.StatusOK {
				t.Errorf("%s: %d", path, page.Status)
			}
		}
	})
}

func csrfToken(t *testing.T, c interface{ Cookies(*url.URL) []*http.Cookie }, u *url.URL) string {
	t.Helper()
	for _, ck := range c.Cookies(u) {
		if ck.Name == "bk_csrf" {
			return ck.Value
		}
	}
	t.Fatal("no CSRF cookie")
	return ""
}

// TestDemoConfigAddsClients: `demo --config` takes a serve configuration for everything but the
// pool, so an app registered there can sign in against the demo pool.
func TestDemoConfigAddsClients(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.yaml")
	must(t, os.WriteFile(path, []byte(`log: {level: info, format: text}
oidc:
  clients:
    - id: grafana
      secret: grafana-secret-0123456789
      redirect_uris: [http://127.0.0.1:3000/login/generic_oauth]
      scopes: [openid, email, profile]
`), 0o600))
	p := start(t, "demo", "--listen", "127.0.0.1:0", "--config", path)
	q := url.Values{"client_id": {"grafana"}, "redirect_uri": {"http://127.0.0.1:3000/login/generic_oauth"}, "response_type": {"code"}, "scope": {"openid"}, "state": {"s"}}
	page, err := newClient().Get(context.Background(), p.BaseURL+"/authorize?"+q.Encode())
	must(t, err)
	if page.URL.Path != "/authorize" || page.Status != http.StatusOK || len(page.Find("input", "name", "username")) != 1 {
		t.Fatalf("authorize for a client from --config: %d at %s: %s", page.Status, page.URL.Path, page.Text())
	}
	q.Set("client_id", "unknown")
	page, err = newClient().Get(context.Background(), p.BaseURL+"/authorize?"+q.Encode())
	must(t, err)
	if page.Status != http.StatusBadRequest {
		t.Fatalf("unknown client: %d", page.Status)
	}
}

// TestSignInRateLimit: one address gets rate_limit.sign_in_per_ip sign-in attempts per window,
// then a 429 page with Retry-After.
func TestSignInRateLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.yaml")
	must(t, os.WriteFile(path, []byte("rate_limit: {sign_in_per_ip: 3, window: 1h}\n"), 0o600))
	p := start(t, "demo", "--listen", "127.0.0.1:0", "--config", path)
	ctx := context.Background()
	c := newClient()
	for i := 1; i <= 4; i++ {
		page := signIn(ctx, t, c, p.BaseURL, "alice", "wrong-password")
		want := http.StatusUnauthorized
		if i == 4 {
			want = http.StatusTooManyRequests
		}
		if page.Status != want {
			t.Fatalf("attempt %d: status %d, want %d", i, page.Status, want)
		}
		if i == 4 && page.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
}

// TestRateLimitIgnoresForgedForwarding: without trusted proxies, X-Forwarded-For cannot be used to
// get a fresh allowance, and X-Request-Id is not believed either (issue 9, item 12).
func TestRateLimitIgnoresForgedForwarding(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.yaml")
	must(t, os.WriteFile(path, []byte("rate_limit: {sign_in_per_ip: 2, window: 1h}\n"), 0o600))
	p := start(t, "demo", "--listen", "127.0.0.1:0", "--config", path)
	ctx := context.Background()
	c := newClient()
	page, err := c.Get(ctx, p.BaseURL+"/signin")
	must(t, err)
	form, err := page.Form("password")
	must(t, err)
	must(t, form.Set("username", "alice"))
	must(t, form.Set("password", "wrong"))
	var last int
	for i := 0; i < 3; i++ {
		req, err := http.NewRequest(http.MethodPost, p.BaseURL+"/signin", strings.NewReader(form.Values.Encode()))
		must(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i+1))
		req.Header.Set("X-Request-Id", "forged-request-id")
		resp, err := c.HTTP.Do(req)
		must(t, err)
		resp.Body.Close()
		last = resp.StatusCode
		if id := resp.Header.Get("X-Request-Id"); id == "" || id == "forged-request-id" {
			t.Fatalf("X-Request-Id %q: an untrusted client's id must be replaced", id)
		}
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("third attempt with forged X-Forwarded-For: %d, want 429", last)
	}
}
