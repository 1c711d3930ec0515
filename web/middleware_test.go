package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/config"
	"github.com/bridgekeeper/bridgekeeper/internal/csrf"
	"github.com/bridgekeeper/bridgekeeper/oidc"
	"github.com/bridgekeeper/bridgekeeper/store"
)

// formRoutes mounts a page with a form (GET /form shows the CSRF token) and
// its POST, plus a POST at the path of an OIDC back-channel endpoint that is not the provider's.
func formRoutes(e *echo.Echo, mw middlewares) {
	e.GET("/form", func(c echo.Context) error {
		tok, _ := c.Get(csrf.ContextKey).(string)
		return c.String(http.StatusOK, tok)
	})
	e.POST("/form", func(c echo.Context) error { return c.String(http.StatusOK, "posted") })
	e.POST("/token", func(c echo.Context) error { return c.String(http.StatusOK, "token endpoint") })
	e.POST("/signin", func(c echo.Context) error { return c.String(http.StatusOK, "signed in") }, mw.SignInRateLimit)
	e.GET("/signin", func(c echo.Context) error { return c.String(http.StatusOK, "form") }, mw.SignInRateLimit)
}

func TestSecurityHeaders(t *testing.T) {
	static := fstest.MapFS{"css/app.css": {Data: []byte("body{}")}}
	s, _ := newTestServer(t, testConfig(), func(d *testDeps) { d.Extra = formRoutes; d.Static = static })
	wantCSP := "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		// No source for the client's http://[::1] URI: CSP cannot name an IPv6 address (the
		// provider's continue page goes there).
		"form-action 'self' https://app.example.com http://127.0.0.1:*; " +
		"frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
	for _, path := range []string{"/form", "/healthz", "/nowhere", "/static/css/app.css"} {
		res := do(s, httptest.NewRequest(http.MethodGet, path, nil)).Result()
		h := res.Header
		checks := map[string]string{
			"Content-Security-Policy":   wantCSP,
			"X-Content-Type-Options":    "nosniff",
			"Referrer-Policy":           "no-referrer",
			"X-Frame-Options":           "DENY",
			"Strict-Transport-Security": "max-age=31536000",
		}
		for k, want := range checks {
			if got := h.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", path, k, got, want)
			}
		}
		wantCache := "no-store"
		if strings.HasPrefix(path, "/static/") {
			wantCache = cacheUnversioned
		}
		if got := h.Get("Cache-Control"); got != wantCache {
			t.Errorf("%s: Cache-Control = %q, want %q", path, got, wantCache)
		}
	}

	// No HSTS over http on localhost.
	cfg := testConfig()
	cfg.PublicURL = "http://localhost:8080"
	cfg.Cookies.Secure = false
	s, _ = newTestServer(t, cfg, nil)
	if h := do(s, httptest.NewRequest(http.MethodGet, "/healthz", nil)).Header(); h.Get("Strict-Transport-Security") != "" {
		t.Errorf("HSTS sent for an http public URL: %q", h.Get("Strict-Transport-Security"))
	}
}

// csrfCookie fetches the form page and returns the CSRF cookie and token.
func csrfCookie(t *testing.T, s *Server) (*http.Cookie, string) {
	t.Helper()
	rec := do(s, httptest.NewRequest(http.MethodGet, "/form", nil))
	for _, c := range rec.Result().Cookies() {
		if strings.HasSuffix(c.Name, "bk_csrf") {
			return c, rec.Body.String()
		}
	}
	t.Fatalf("no CSRF cookie in %v", rec.Result().Cookies())
	return nil, ""
}

func postForm(path string, form url.Values, cookies ...*http.Cookie) *http.Request {
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range cookies {
		r.AddCookie(c)
	}
	return r
}

func TestCSRF(t *testing.T) {
	pages := &pageRenderer{}
	s, _ := newTestServer(t, testConfig(), func(d *testDeps) { d.Extra = formRoutes; d.ErrorRenderer = pages.render })
	cookie, token := csrfCookie(t, s)
	if cookie.Name != "__Host-bk_csrf" || !cookie.Secure || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" || cookie.Domain != "" {
		t.Errorf("CSRF cookie = %+v, want __Host-bk_csrf, Secure, HttpOnly, SameSite=Lax, Path=/", cookie)
	}
	if token == "" || token != cookie.Value {
		t.Fatalf("token %q does not match the cookie", token)
	}

	tests := []struct {
		name   string
		req    func() *http.Request
		status int
	}{
		{"no token, no cookie", func() *http.Request { return postForm("/form", url.Values{"a": {"b"}}) }, http.StatusForbidden},
		{"cookie but no token", func() *http.Request { return postForm("/form", url.Values{"a": {"b"}}, cookie) }, http.StatusForbidden},
		{"wrong token", func() *http.Request { return postForm("/form", url.Values{"_csrf": {"forged"}}, cookie) }, http.StatusForbidden},
		{"token without cookie", func() *http.Request { return postForm("/form", url.Values{"_csrf": {token}}) }, http.StatusForbidden},
		{"token in form", func() *http.Request { return postForm("/form", url.Values{"_csrf": {token}}, cookie) }, http.StatusOK},
		{"token in header", func() *http.Request {
			r := postForm("/form", nil, cookie)
			r.Header.Set(csrf.Header, token)
			return r
		}, http.StatusOK},
		{"cross-site post with a valid token", func() *http.Request {
			r := postForm("/form", url.Values{"_csrf": {token}}, cookie)
			r.Header.Set("Sec-Fetch-Site", "cross-site")
			return r
		}, http.StatusForbidden},
		{"same-origin browser post", func() *http.Request {
			r := postForm("/form", nil)
			r.Header.Set("Sec-Fetch-Site", "same-origin")
			return r
		}, http.StatusOK},
		// Only the provider's own endpoints skip CSRF (TestOIDCMount), not a route that merely has the path.
		{"look-alike of an OIDC endpoint", func() *http.Request { return postForm("/token", url.Values{"grant_type": {"x"}}) }, http.StatusForbidden},
		{"unknown path stays 404", func() *http.Request { return postForm("/nowhere", nil) }, http.StatusNotFound},
		{"wrong method stays 405", func() *http.Request { return postForm("/healthz", nil) }, http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(s, tt.req())
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d (%s)", rec.Code, tt.status, rec.Body)
			}
			if tt.status == http.StatusForbidden {
				if !csrf.IsRefused(pages.last()) {
					t.Errorf("the error page got %v, not a CSRF error", pages.last())
				}
				if !strings.Contains(rec.Body.String(), "Start again") {
					t.Errorf("403 is not the friendly page: %q", rec.Body)
				}
			}
		})
	}

	// Without secure cookies (http://localhost) the cookie loses the prefix and Secure.
	cfg := testConfig()
	cfg.PublicURL, cfg.Cookies.Secure = "http://localhost:8080", false
	s, _ = newTestServer(t, cfg, func(d *testDeps) { d.Extra = formRoutes })
	cookie, token = csrfCookie(t, s)
	if cookie.Name != "bk_csrf" || cookie.Secure {
		t.Errorf("insecure CSRF cookie = %+v", cookie)
	}
	if rec := do(s, postForm("/form", url.Values{"_csrf": {token}}, cookie)); rec.Code != http.StatusOK {
		t.Errorf("POST with token = %d", rec.Code)
	}
}

func TestPanicRecovery(t *testing.T) {
	pages := &pageRenderer{}
	s, logs := newTestServer(t, testConfig(), func(d *testDeps) {
		d.ErrorRenderer = pages.render
		d.Extra = func(e *echo.Echo, _ middlewares) {
			e.GET("/boom", func(echo.Context) error { panic("db password is hunter2") })
		}
	})
	rec := do(s, httptest.NewRequest(http.MethodGet, "/boom", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	if b := rec.Body.String(); !strings.Contains(b, "Start again") || strings.Contains(b, "hunter2") || strings.Contains(b, "goroutine") || strings.Contains(b, ".go:") {
		t.Errorf("500 page = %q: want the friendly page without panic or stack", b)
	}
	panics := logs.find(t, "panic serving request")
	if len(panics) != 1 || !strings.Contains(panics[0]["stack"].(string), "goroutine") || panics[0]["request_id"] == nil {
		t.Errorf("panic log = %v, want one record with a stack and a request id", panics)
	}
	access := logs.find(t, "request")
	if len(access) != 1 || access[0]["status"] != float64(500) {
		t.Errorf("access log = %v, want status 500", access)
	}
}

func TestRequestID(t *testing.T) {
	hexID := regexp.MustCompile(`^[0-9a-f]{32}$`)
	handlerLogs := &logBuffer{}
	s, logs := newTestServer(t, testConfig(), func(d *testDeps) {
		d.Rand = io.MultiReader(bytes.NewReader(bytes.Repeat([]byte{0xab}, 16)), rand.Reader) // the id first, then the CSRF token
		d.Extra = func(e *echo.Echo, _ middlewares) {
			e.GET("/hello", func(c echo.Context) error {
				// A handler logging with the request context gets the id too.
				slog.New(LogHandler{Handler: slog.NewJSONHandler(handlerLogs, nil)}).InfoContext(c.Request().Context(), "in handler")
				return c.String(http.StatusOK, RequestID(c.Request().Context()))
			})
		}
	})
	// Generated from the injected random source.
	rec := do(s, httptest.NewRequest(http.MethodGet, "/hello", nil))
	want := strings.Repeat("ab", 16)
	if got := rec.Header().Get("X-Request-Id"); got != want || rec.Body.String() != want {
		t.Errorf("generated id: header %q, context %q, want %q", got, rec.Body.String(), want)
	}
	hrecs, arecs := handlerLogs.records(t), logs.find(t, "request")
	if len(hrecs) != 1 || hrecs[0]["request_id"] != want || len(arecs) != 1 || arecs[0]["request_id"] != want {
		t.Errorf("handler logs %v, access logs %v: want request_id %s in both", hrecs, arecs, want)
	}

	tests := []struct {
		incoming string
		honoured bool
	}{
		{"lb-7f3a9c.01:2", true},
		{"a", true},
		{strings.Repeat("x", 64), true},
		{strings.Repeat("x", 65), false},
		{"has space", false},
		{"new\nline", false},
		{"semi;colon", false},
		{"", false},
	}
	// Only a trusted proxy's id is honoured (httptest's peer is 192.0.2.1).
	cfg := testConfig()
	cfg.TrustedProxies = []string{"192.0.2.0/24"}
	s, _ = newTestServer(t, cfg, func(d *testDeps) { d.Extra = func(e *echo.Echo, _ middlewares) {} })
	untrusted := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	untrusted.RemoteAddr = "203.0.113.9:4321"
	untrusted.Header.Set("X-Request-Id", "forged-by-a-client")
	if got := do(s, untrusted).Header().Get("X-Request-Id"); !hexID.MatchString(got) {
		t.Errorf("an id from an untrusted peer was kept: %q", got)
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, "/healthz", nil)
		r.Header.Set("X-Request-Id", tt.incoming)
		got := do(s, r).Header().Get("X-Request-Id")
		switch {
		case tt.honoured && got != tt.incoming:
			t.Errorf("incoming %q: response id %q, want it kept", tt.incoming, got)
		case !tt.honoured && !hexID.MatchString(got):
			t.Errorf("incoming %q: response id %q, want a fresh random id", tt.incoming, got)
		}
	}
}

func TestAccessLogOmitsSecrets(t *testing.T) {
	s, logs := newTestServer(t, testConfig(), func(d *testDeps) { d.Extra = formRoutes })
	cookie, token := csrfCookie(t, s)
	r := postForm("/form?code=SECRETCODE&state=STATEVALUE", url.Values{"_csrf": {token}, "password": {"PASSWORD123"}}, cookie)
	r.Header.Set("Authorization", "Bearer TOKENVALUE")
	r.RemoteAddr = "198.51.100.7:5555"
	if rec := do(s, r); rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	out := logs.String()
	for _, secret := range []string{"SECRETCODE", "STATEVALUE", "PASSWORD123", "TOKENVALUE", token, "code="} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q:\n%s", secret, out)
		}
	}
	recs := logs.find(t, "request")
	if len(recs) != 2 {
		t.Fatalf("got %d access records, want 2", len(recs))
	}
	post := recs[1]
	want := map[string]any{"method": "POST", "path": "/form", "route": "/form", "status": float64(200), "remote_ip": "198.51.100.7"}
	for k, v := range want {
		if post[k] != v {
			t.Errorf("access record %s = %v, want %v", k, post[k], v)
		}
	}
	for _, k := range []string{"duration", "request_id", "bytes"} {
		if _, ok := post[k]; !ok {
			t.Errorf("access record has no %s: %v", k, post)
		}
	}
}

func TestBodyLimit(t *testing.T) {
	s, _ := newTestServer(t, testConfig(), func(d *testDeps) { d.Extra = formRoutes })
	cookie, token := csrfCookie(t, s)
	big := url.Values{"_csrf": {token}, "x": {strings.Repeat("a", 65<<10)}}
	if rec := do(s, postForm("/form", big, cookie)); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("65 KiB body: status %d, want 413", rec.Code)
	}
	small := url.Values{"_csrf": {token}, "x": {strings.Repeat("a", 60<<10)}}
	if rec := do(s, postForm("/form", small, cookie)); rec.Code != http.StatusOK {
		t.Errorf("60 KiB body: status %d, want 200", rec.Code)
	}
}

func TestSignInRateLimit(t *testing.T) {
	cfg := testConfig()
	cfg.RateLimit.SignInPerIP = 2
	s, _ := newTestServer(t, cfg, func(d *testDeps) { d.Extra = formRoutes })
	cookie, token := csrfCookie(t, s)
	post := func(remote, xff string) *httptest.ResponseRecorder {
		r := postForm("/signin", url.Values{"_csrf": {token}}, cookie)
		r.RemoteAddr = remote + ":1234"
		if xff != "" {
			r.Header.Set("X-Forwarded-For", xff)
		}
		return do(s, r)
	}
	for i := range 2 {
		if rec := post("192.0.2.1", ""); rec.Code != http.StatusOK {
			t.Fatalf("post %d: status %d", i+1, rec.Code)
		}
	}
	rec := post("192.0.2.1", "")
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "60" {
		t.Errorf("third post: status %d, Retry-After %q; want 429 and 60", rec.Code, rec.Header().Get("Retry-After"))
	}
	// A forged X-Forwarded-For does not help without trusted proxies.
	if rec := post("192.0.2.1", "203.0.113.9"); rec.Code != http.StatusTooManyRequests {
		t.Errorf("spoofed X-Forwarded-For: status %d, want 429", rec.Code)
	}
	// Another address has its own budget; GETs are not counted.
	if rec := post("192.0.2.2", ""); rec.Code != http.StatusOK {
		t.Errorf("other address: status %d", rec.Code)
	}
	get := httptest.NewRequest(http.MethodGet, "/signin", nil)
	get.RemoteAddr = "192.0.2.1:1234"
	if rec := do(s, get); rec.Code != http.StatusOK {
		t.Errorf("GET while limited: status %d", rec.Code)
	}

	// Behind a trusted proxy, each client behind it is counted apart.
	cfg.TrustedProxies = []string{"10.0.0.0/8"}
	s, _ = newTestServer(t, cfg, func(d *testDeps) { d.Extra = formRoutes })
	cookie, token = csrfCookie(t, s)
	for _, client := range []string{"203.0.113.1", "203.0.113.1", "203.0.113.2", "203.0.113.2"} {
		if rec := post("10.1.2.3", client); rec.Code != http.StatusOK {
			t.Errorf("client %s behind the proxy: status %d", client, rec.Code)
		}
	}
	if rec := post("10.1.2.3", "203.0.113.1"); rec.Code != http.StatusTooManyRequests {
		t.Errorf("third post of 203.0.113.1: status %d, want 429", rec.Code)
	}

	// If the counter fails, the post is refused rather than let through.
	closed := store.NewMemory(store.MemoryOptions{})
	if err := closed.Close(); err != nil {
		t.Fatal(err)
	}
	s, logs := newTestServer(t, testConfig(), func(d *testDeps) { d.Extra = formRoutes; d.Counter = closed })
	cookie, token = csrfCookie(t, s)
	if rec := post("192.0.2.1", ""); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("counter down: status %d, want 503", rec.Code)
	}
	if len(logs.find(t, "request failed")) != 1 {
		t.Errorf("the counter failure was not logged: %s", logs)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	poolDown := errors.New("dial tcp 10.0.0.9:443: secret-internal-host unreachable")
	var poolErr error
	s, logs := newTestServer(t, testConfig(), func(d *testDeps) {
		d.Checks = []Check{
			{Name: "store", Fn: func(ctx context.Context) error { return nil }},
			{Name: "pool", Fn: func(ctx context.Context) error { return poolErr }},
		}
	})
	rec := do(s, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"ok"`) {
		t.Errorf("/healthz = %d %q", rec.Code, rec.Body)
	}
	rec = do(s, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("/readyz with every check passing = %d %q", rec.Code, rec.Body)
	}

	poolErr = poolDown
	rec = do(s, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	var got readiness
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusServiceUnavailable || got.Status != "unavailable" || len(got.Failed) != 1 || got.Failed[0] != "pool" {
		t.Errorf("/readyz with the pool down = %d %+v, want 503 naming pool", rec.Code, got)
	}
	if strings.Contains(rec.Body.String(), "secret-internal-host") {
		t.Errorf("/readyz shows the check's error: %s", rec.Body)
	}
	if f := logs.find(t, "ready check failed"); len(f) != 1 || f[0]["check"] != "pool" || !strings.Contains(f[0]["err"].(string), "unreachable") {
		t.Errorf("failure log = %v", f)
	}

	// A check that hangs is cut off by its timeout... or by the request's.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s2, _ := newTestServer(t, testConfig(), func(d *testDeps) {
		d.Checks = []Check{{Name: "slow", Fn: func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }}}
	})
	rec = do(s2, httptest.NewRequestWithContext(ctx, http.MethodGet, "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "slow") {
		t.Errorf("/readyz with a hanging check = %d %s", rec.Code, rec.Body)
	}
}

func TestStatic(t *testing.T) {
	fsys := fstest.MapFS{
		"css/app.css":     {Data: []byte("body{color:red}")},
		"img/favicon.svg": {Data: []byte("<svg/>")},
	}
	s, _ := newTestServer(t, testConfig(), func(d *testDeps) { d.Static = fsys })
	tests := []struct {
		method, path string
		status       int
		cache, ctype string
		body         string
	}{
		{"GET", "/static/css/app.css?v=0123456789ab", 200, cacheVersioned, "text/css; charset=utf-8", "body{color:red}"},
		{"GET", "/static/css/app.css", 200, cacheUnversioned, "text/css; charset=utf-8", "body{color:red}"},
		{"HEAD", "/static/css/app.css", 200, cacheUnversioned, "text/css; charset=utf-8", ""},
		{"GET", "/static/img/favicon.svg", 200, cacheUnversioned, "image/svg+xml", "<svg/>"},
		{"GET", "/static/css", 404, "no-store", "", ""},
		{"GET", "/static/css/", 404, "no-store", "", ""},
		{"GET", "/static/", 404, "no-store", "", ""},
		{"GET", "/static/missing.js", 404, "no-store", "", ""},
		{"GET", "/static/../config/config.go", 404, "no-store", "", ""},
		{"GET", "/static/%2e%2e/secret", 404, "no-store", "", ""},
	}
	for _, tt := range tests {
		rec := do(s, httptest.NewRequest(tt.method, tt.path, nil))
		if rec.Code != tt.status {
			t.Errorf("%s %s = %d, want %d", tt.method, tt.path, rec.Code, tt.status)
			continue
		}
		if got := rec.Header().Get("Cache-Control"); got != tt.cache {
			t.Errorf("%s %s: Cache-Control %q, want %q", tt.method, tt.path, got, tt.cache)
		}
		if tt.status == 200 {
			if got := rec.Header().Get("Content-Type"); got != tt.ctype {
				t.Errorf("%s %s: Content-Type %q, want %q", tt.method, tt.path, got, tt.ctype)
			}
			if rec.Body.String() != tt.body {
				t.Errorf("%s %s: body %q", tt.method, tt.path, rec.Body)
			}
		}
	}
	if rec := do(s, httptest.NewRequest("GET", "/favicon.ico", nil)); rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "/static/img/favicon.svg" {
		t.Errorf("/favicon.ico = %d %q", rec.Code, rec.Header().Get("Location"))
	}
}

func TestErrorHandling(t *testing.T) {
	pages := &pageRenderer{}
	s, logs := newTestServer(t, testConfig(), func(d *testDeps) {
		d.ErrorRenderer = pages.render
		d.Extra = func(e *echo.Echo, _ middlewares) {
			e.GET("/fails", func(echo.Context) error { return errors.New("query failed: password=hunter2") })
			e.GET("/teapot", func(echo.Context) error { return echo.NewHTTPError(http.StatusTeapot, "internal detail") })
			e.GET("/api/thing", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
		}
	})
	tests := []struct {
		method, path, accept string
		status               int
		json                 bool
	}{
		{"GET", "/nowhere", "text/html", 404, false},
		{"GET", "/nowhere", "application/json", 404, true},
		{"GET", "/api/nothing", "", 404, true},
		{"POST", "/api/thing", "", 405, true},
		{"DELETE", "/healthz", "", 405, true},
		{"GET", "/fails", "text/html", 500, false},
		{"GET", "/fails", "application/json", 500, true},
		{"GET", "/teapot", "", 418, false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, tt.path, nil)
		if tt.accept != "" {
			r.Header.Set("Accept", tt.accept)
		}
		rec := do(s, r)
		b := rec.Body.String()
		if rec.Code != tt.status {
			t.Errorf("%s %s = %d, want %d", tt.method, tt.path, rec.Code, tt.status)
		}
		if strings.Contains(b, "hunter2") || strings.Contains(b, "internal detail") {
			t.Errorf("%s %s leaks the error: %q", tt.method, tt.path, b)
		}
		if tt.json {
			var e apiError
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error != errorCode(tt.status) || e.Message != http.StatusText(tt.status) {
				t.Errorf("%s %s: JSON error %q, want code %s", tt.method, tt.path, b, errorCode(tt.status))
			}
		} else if !strings.Contains(b, "Start again") {
			t.Errorf("%s %s: not the error page: %q", tt.method, tt.path, b)
		}
		if tt.status == 405 && rec.Header().Get("Allow") == "" {
			t.Errorf("%s %s: 405 without Allow", tt.method, tt.path)
		}
	}
	if f := logs.find(t, "request failed"); len(f) != 2 || !strings.Contains(f[0]["err"].(string), "query failed") {
		t.Errorf("500s were not logged with their error: %v", f)
	}

	// A failing error page falls back to plain text.
	s, logs = newTestServer(t, testConfig(), func(d *testDeps) {
		d.ErrorRenderer = func(echo.Context, int, error) error { return errors.New("template broken") }
	})
	rec := do(s, httptest.NewRequest(http.MethodGet, "/nowhere", nil))
	if rec.Code != 404 || rec.Body.String() != "Not Found\n" {
		t.Errorf("fallback = %d %q", rec.Code, rec.Body)
	}
	if len(logs.find(t, "error page failed")) != 1 {
		t.Error("the failing error page was not logged")
	}
}

func TestNewRejectsMissingParts(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	st := store.NewMemory(store.MemoryOptions{})
	tests := []struct {
		name string
		cfg  *config.Config
		deps Deps
	}{
		{"no config", nil, Deps{Logger: logger, Counter: st}},
		{"no logger", testConfig(), Deps{Counter: st}},
		{"no counter", testConfig(), Deps{Logger: logger}},
		{"unnamed check", testConfig(), Deps{Logger: logger, Counter: st, Checks: []Check{{Fn: st.Ping}}}},
		{"bad trusted proxy", func() *config.Config { c := testConfig(); c.TrustedProxies = []string{"x"}; return c }(), Deps{Logger: logger, Counter: st}},
	}
	for _, tt := range tests {
		if _, err := New(tt.cfg, tt.deps); err == nil {
			t.Errorf("%s: New succeeded", tt.name)
		}
	}
}

// TestOIDCMount mounts a real OpenID provider and checks its endpoints are
// reachable at their paths, without CSRF, with echo answering wrong methods.
func TestOIDCMount(t *testing.T) {
	st := store.NewMemory(store.MemoryOptions{})
	t.Cleanup(func() { _ = st.Close() })
	key, err := oidc.GenerateKey(oidc.ES256)
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig()
	var startToken string // the CSRF token StartLogin found in the request context
	p, err := oidc.New(oidc.Config{
		Issuer:     cfg.PublicURL,
		Clients:    []oidc.Client{{ID: "app", Secret: "0123456789abcdef0123", SigningAlg: oidc.ES256, RedirectURIs: []string{"https://app.example.com/cb"}}},
		Keys:       []oidc.SigningKey{key},
		CookieKeys: [][]byte{bytes.Repeat([]byte{1}, 32)},
		Store:      st,
		NotFound:   store.ErrNotFound,
		StartLogin: func(w http.ResponseWriter, r *http.Request, _ *oidc.AuthRequest) {
			startToken, _ = csrf.TokenFrom(r.Context())
			http.Redirect(w, r, "/signin", http.StatusSeeOther)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := newTestServer(t, cfg, func(d *testDeps) { d.OIDC = p })

	rec := do(s, httptest.NewRequest(http.MethodGet, oidc.PathDiscovery, nil))
	var disc struct {
		Issuer        string `json:"issuer"`
		TokenEndpoint string `json:"token_endpoint"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &disc); rec.Code != http.StatusOK || err != nil || disc.Issuer != cfg.PublicURL || disc.TokenEndpoint != cfg.PublicURL+"/token" {
		t.Errorf("discovery = %d %s", rec.Code, rec.Body)
	}
	if rec := do(s, httptest.NewRequest(http.MethodGet, oidc.PathJWKS, nil)); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), key.ID) {
		t.Errorf("JWKS = %d %s", rec.Code, rec.Body)
	}
	// A token request with bad client credentials is answered by the
	// provider (OAuth error JSON), not refused by CSRF.
	r := postForm(oidc.PathToken, url.Values{"grant_type": {"authorization_code"}, "code": {"x"}})
	r.SetBasicAuth("app", "wrong-secret")
	rec = do(s, r)
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "invalid_client") {
		t.Errorf("POST /token with a wrong secret = %d %s, want 401 invalid_client", rec.Code, rec.Body)
	}
	// A cross-site POST to /authorize (allowed by OpenID Connect) reaches the provider.
	r = postForm(oidc.PathAuthorize, url.Values{"client_id": {"app"}, "redirect_uri": {"https://app.example.com/cb"},
		"response_type": {"code"}, "scope": {"openid"}, "code_challenge": {strings.Repeat("a", 43)}, "code_challenge_method": {"S256"}})
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	if rec := do(s, r); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/signin" || startToken != "" {
		t.Errorf("cross-site POST /authorize = %d %q (CSRF token %q), want the sign-in redirect without a token", rec.Code, rec.Header().Get("Location"), startToken)
	}
	// GET /authorize is given a CSRF token for the sign-in page (and its cookie, to a client
	// without Sec-Fetch-Site); the other endpoints are not.
	r = httptest.NewRequest(http.MethodGet, oidc.PathAuthorize+"?"+url.Values{"client_id": {"app"}, "redirect_uri": {"https://app.example.com/cb"},
		"response_type": {"code"}, "scope": {"openid"}}.Encode(), nil)
	rec = do(s, r)
	var issued string
	for _, ck := range rec.Result().Cookies() {
		if strings.HasSuffix(ck.Name, "bk_csrf") {
			issued = ck.Value
		}
	}
	if rec.Code != http.StatusSeeOther || startToken == "" || startToken != issued {
		t.Errorf("GET /authorize = %d, StartLogin's token %q, cookie %q: want the same token in both", rec.Code, startToken, issued)
	}
	if rec := do(s, httptest.NewRequest(http.MethodGet, oidc.PathDiscovery, nil)); len(rec.Result().Cookies()) != 0 {
		t.Errorf("discovery sets cookies: %v", rec.Result().Cookies())
	}
	if rec := do(s, httptest.NewRequest(http.MethodGet, oidc.PathToken, nil)); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET /token = %d, want 405", rec.Code)
	}
}
