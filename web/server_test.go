package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/config"
)

// slowRoute mounts GET /slow, which reports that it started and then waits
// for release before answering.
func slowRoute(started chan<- struct{}, release <-chan struct{}) func(e *echo.Echo, _ middlewares) {
	return func(e *echo.Echo, _ middlewares) {
		e.GET("/slow", func(c echo.Context) error {
			close(started)
			<-release
			return c.String(http.StatusOK, "finished")
		})
	}
}

// get fetches url in the background and delivers the result.
func get(url string) <-chan result {
	ch := make(chan result, 1)
	go func() {
		res, err := http.Get(url)
		if err != nil {
			ch <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		ch <- result{status: res.StatusCode, body: string(b), err: err}
	}()
	return ch
}

type result struct {
	status int
	body   string
	err    error
}

func TestGracefulShutdown(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	s, _ := newTestServer(t, testConfig(), func(d *testDeps) { d.Extra = slowRoute(started, release) })
	if s.Addr() != "" {
		t.Errorf("Addr() before Listen = %q", s.Addr())
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	addr := s.Addr()
	if !strings.HasPrefix(addr, "127.0.0.1:") || strings.HasSuffix(addr, ":0") {
		t.Fatalf("Addr() = %q, want 127.0.0.1 and a real port", addr)
	}
	shutdownBegun := make(chan struct{})
	s.http.RegisterOnShutdown(func() { close(shutdownBegun) })

	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx) }()

	inflight := get("http://" + addr + "/slow")
	<-started
	cancel()
	select {
	case <-shutdownBegun:
	case err := <-served:
		t.Fatalf("Serve returned %v without a graceful shutdown", err)
	}

	// While draining, readiness says so (asked directly: the listener is closed).
	rec := do(s, mustRequest(t, "/readyz"))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "shutting down") {
		t.Errorf("/readyz while draining = %d %s", rec.Code, rec.Body)
	}
	// New connections are refused.
	if _, err := net.Dial("tcp", addr); err == nil {
		t.Error("a new connection was accepted after shutdown began")
	}

	close(release)
	res := <-inflight
	if res.err != nil || res.status != http.StatusOK || res.body != "finished" {
		t.Errorf("in-flight request = %+v, want 200 finished", res)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve = %v, want nil after a clean shutdown", err)
	}
}

func TestShutdownTimeout(t *testing.T) {
	cfg := testConfig()
	cfg.ShutdownTimeout = 50 * time.Millisecond
	started, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	s, _ := newTestServer(t, cfg, func(d *testDeps) { d.Extra = slowRoute(started, release) })
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	go func() { served <- s.Serve(ctx) }()
	inflight := get("http://" + s.Addr() + "/slow")
	<-started
	cancel()
	err := <-served
	if err == nil || !strings.Contains(err.Error(), "graceful shutdown") {
		t.Errorf("Serve = %v, want a graceful shutdown timeout", err)
	}
	if res := <-inflight; res.err == nil {
		t.Errorf("the request outliving the timeout got %+v, want its connection closed", res)
	}
}

func TestServeOnGivenListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig()
	cfg.Listen = "192.0.2.1:1" // not used: the listener is given
	s, _ := newTestServer(t, cfg, func(d *testDeps) { d.Listener = ln })
	if s.Addr() != ln.Addr().String() {
		t.Errorf("Addr() = %q, want %q", s.Addr(), ln.Addr())
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Start(ctx) }()
	res := <-get("http://" + ln.Addr().String() + "/healthz")
	if res.err != nil || res.status != http.StatusOK {
		t.Errorf("/healthz = %+v", res)
	}
	cancel()
	if err := <-served; err != nil {
		t.Errorf("Start = %v", err)
	}
	if err := s.Listen(); err == nil {
		t.Error("Listen on a server that has a listener succeeded")
	}
}

func TestListenError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cfg := testConfig()
	cfg.Listen = ln.Addr().String() // taken
	s, _ := newTestServer(t, cfg, nil)
	if err := s.Serve(context.Background()); err == nil || !strings.Contains(err.Error(), "listen on") {
		t.Errorf("Serve on a taken port = %v", err)
	}
}

func TestLogHandler(t *testing.T) {
	var buf bytes.Buffer
	h := NewLogHandler(slog.NewJSONHandler(&buf, nil))
	if NewLogHandler(h) != h {
		t.Error("NewLogHandler wrapped a LogHandler twice")
	}
	log := slog.New(h).With("component", "test")
	ctx := WithRequestID(context.Background(), "req-1")
	log.InfoContext(ctx, "with id")
	log.Info("without id")
	slog.New(h.WithGroup("g")).InfoContext(ctx, "grouped", "k", "v")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines", len(lines))
	}
	if !strings.Contains(lines[0], `"request_id":"req-1"`) || !strings.Contains(lines[0], `"component":"test"`) {
		t.Errorf("line with context = %s", lines[0])
	}
	if strings.Contains(lines[1], "request_id") {
		t.Errorf("line without context has a request id: %s", lines[1])
	}
	if !strings.Contains(lines[2], `"request_id":"req-1"`) {
		t.Errorf("grouped line lost the request id: %s", lines[2])
	}
}

func TestNewLogger(t *testing.T) {
	tests := []struct {
		log     config.Log
		wantErr bool
		check   func(string) bool
	}{
		{config.Log{Level: "info", Format: "json"}, false, func(s string) bool { return strings.HasPrefix(s, "{") && !strings.Contains(s, "debug line") }},
		{config.Log{Level: "debug", Format: "text"}, false, func(s string) bool { return strings.Contains(s, "msg=\"debug line\"") }},
		{config.Log{Level: "warn", Format: "json"}, false, func(s string) bool { return s == "" }},
		{config.Log{Level: "loud", Format: "json"}, true, nil},
		{config.Log{Level: "info", Format: "xml"}, true, nil},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		log, err := NewLogger(&buf, tt.log)
		if (err != nil) != tt.wantErr {
			t.Errorf("NewLogger(%+v) error = %v", tt.log, err)
			continue
		}
		if err != nil {
			continue
		}
		ctx := WithRequestID(context.Background(), "r1")
		log.DebugContext(ctx, "debug line")
		log.InfoContext(ctx, "info line")
		if !tt.check(buf.String()) {
			t.Errorf("NewLogger(%+v) wrote %q", tt.log, buf.String())
		}
		if tt.log.Level == "info" && !strings.Contains(buf.String(), `"request_id":"r1"`) {
			t.Errorf("NewLogger(%+v) does not add request ids: %q", tt.log, buf.String())
		}
	}
}

func mustRequest(t *testing.T, path string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodGet, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
