package web

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// TestAccessLogRecord: the access record is stamped and timed by the server's clock, is an error
// for a 5xx answer and info otherwise, carries the request id once, and is not written at all
// below the logger's level.
func TestAccessLogRecord(t *testing.T) {
	var mu sync.Mutex
	clock := time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)
	now := func() time.Time { // every call is 1.5 ms later
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(1500 * time.Microsecond)
		return clock
	}
	routes := func(e *echo.Echo, _ middlewares) {
		e.GET("/ok", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
		e.GET("/fail", func(c echo.Context) error { return echo.NewHTTPError(http.StatusBadGateway) })
	}
	s, logs := newTestServer(t, testConfig(), func(d *testDeps) { d.Now = now; d.Extra = routes })
	for _, tc := range []struct {
		path, level string
		status      float64
	}{
		{"/ok", "INFO", 200},
		{"/fail", "ERROR", 502},
	} {
		rec := do(s, httptest.NewRequest(http.MethodGet, tc.path, nil))
		var got map[string]any
		for _, r := range logs.find(t, "request") {
			if r["path"] == tc.path {
				got = r
			}
		}
		if got == nil {
			t.Fatalf("%s: no access record in %s", tc.path, logs.String())
		}
		mu.Lock()
		end := clock.Format(time.RFC3339Nano)
		mu.Unlock()
		if got["level"] != tc.level || got["status"] != tc.status || got["time"] != end || got["duration"] != float64(1500*time.Microsecond) {
			t.Errorf("%s: record %v, want level %s, status %v, time %s, duration 1.5 ms", tc.path, got, tc.level, tc.status, end)
		}
		if id := rec.Header().Get(echo.HeaderXRequestID); id == "" || got["request_id"] != id {
			t.Errorf("%s: record's request_id %v, answer's %q", tc.path, got["request_id"], id)
		}
	}

	// Above the level of access records nothing is written.
	quietLogs := &logBuffer{}
	quiet, _ := newTestServer(t, testConfig(), func(d *testDeps) {
		d.Logger = slog.New(slog.NewJSONHandler(quietLogs, &slog.HandlerOptions{Level: slog.LevelError + 1}))
		d.Extra = routes
	})
	do(quiet, httptest.NewRequest(http.MethodGet, "/fail", nil))
	if out := quietLogs.String(); out != "" {
		t.Errorf("records above the level: %s", out)
	}
}

// TestSecurityHeadersPerAnswer: the security headers are the answer's own: a handler adding to or
// replacing one changes neither another header nor the next answer's.
func TestSecurityHeadersPerAnswer(t *testing.T) {
	s, _ := newTestServer(t, testConfig(), func(d *testDeps) {
		d.Extra = func(e *echo.Echo, _ middlewares) {
			e.GET("/changes", func(c echo.Context) error {
				h := c.Response().Header()
				h.Add("Cache-Control", "private")
				h.Set("X-Frame-Options", "SAMEORIGIN")
				h["Referrer-Policy"][0] = "origin" // writes into the value itself
				return c.String(http.StatusOK, "changed")
			})
		}
	})
	first := do(s, httptest.NewRequest(http.MethodGet, "/changes", nil)).Header()
	if got := first.Values("Cache-Control"); len(got) != 2 || got[0] != "no-store" || got[1] != "private" {
		t.Errorf("Cache-Control after Add = %q, want [no-store private]", got)
	}
	if first.Get("X-Frame-Options") != "SAMEORIGIN" || first.Get("Referrer-Policy") != "origin" || first.Get("Cross-Origin-Opener-Policy") != "same-origin" {
		t.Errorf("headers after the handler's changes: %v", first)
	}
	for range 2 {
		next := do(s, httptest.NewRequest(http.MethodGet, "/healthz", nil)).Header()
		if got := next.Values("Cache-Control"); len(got) != 1 || got[0] != "no-store" || next.Get("X-Frame-Options") != "DENY" || next.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("the next answer's headers were changed by the one before: %v", next)
		}
	}
}
