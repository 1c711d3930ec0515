package web

import (
	"bufio"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/config"
	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
	"github.com/bridgekeeper/bridgekeeper/store"
)

// logBuffer collects log output safely from several goroutines.
type logBuffer struct{ testutil.Buffer }

// records parses the JSON log lines.
func (b *logBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(b.String()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", sc.Text())
		}
		out = append(out, m)
	}
	return out
}

// find returns the log records with message msg.
func (b *logBuffer) find(t *testing.T, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range b.records(t) {
		if r["msg"] == msg {
			out = append(out, r)
		}
	}
	return out
}

// testConfig is a valid configuration for an https deployment with two apps.
func testConfig() *config.Config {
	c := config.Default()
	c.Listen = "127.0.0.1:0"
	c.PublicURL = "https://login.example.com"
	c.OIDC.Clients = []config.Client{
		{ID: "app", RedirectURIs: []string{"https://app.example.com/cb"}, PostLogoutRedirectURIs: []string{"https://app.example.com/bye"}},
		{ID: "cli", Public: true, RedirectURIs: []string{"http://127.0.0.1/callback", "http://[::1]/callback"}},
	}
	return c
}

// newTestServer assembles a server with a memory store as its counter, a
// JSON logger into the returned buffer, and deps adjusted by edit.
func newTestServer(t testing.TB, cfg *config.Config, edit func(d *testDeps)) (*Server, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	st := store.NewMemory(store.MemoryOptions{})
	t.Cleanup(func() { _ = st.Close() })
	d := testDeps{Deps: &Deps{
		Logger:  slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Counter: st,
	}}
	if edit != nil {
		edit(&d)
	}
	s, err := New(cfg, *d.Deps)
	if err != nil {
		t.Fatal(err)
	}
	if d.Extra != nil {
		d.Extra(s.echo, middlewares{SignInRateLimit: s.signInRateLimit()})
	}
	return s, logs
}

// testDeps are a test server's parts plus routes only the test has (the route table in
// routes.go has no hook for them).
type testDeps struct {
	*Deps
	// Extra mounts the test's routes after the route table's.
	Extra func(e *echo.Echo, mw middlewares)
}

// middlewares are the middlewares a test's routes may use.
type middlewares struct {
	// SignInRateLimit is the route table's limit on posts of credentials.
	SignInRateLimit echo.MiddlewareFunc
}

// do serves one request and returns the recorded response.
func do(s *Server, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, r)
	return rec
}

// pageRenderer is an ErrorRenderer that records what it was called with and
// renders a small friendly HTML page.
type pageRenderer struct {
	mu    sync.Mutex
	calls []error
}

func (p *pageRenderer) render(c echo.Context, status int, err error) error {
	p.mu.Lock()
	p.calls = append(p.calls, err)
	p.mu.Unlock()
	return c.HTML(status, "<p>Sorry, something went wrong ("+http.StatusText(status)+"). <a href=\"/signin\">Start again</a></p>")
}

func (p *pageRenderer) last() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.calls) == 0 {
		return nil
	}
	return p.calls[len(p.calls)-1]
}
