package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// discardWriter is a ResponseWriter that keeps the headers and drops the body, so a benchmark
// counts the server's work and not a recorder's.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}

// BenchmarkMiddleware serves a 6 KB page (GET, no cookie: the CSRF token is issued) and a form
// post with the token (answered 303) through the whole middleware stack, in process, with the
// shipped default log (JSON, info) written to io.Discard: allocations and CPU per request of
// everything around the handlers.
func BenchmarkMiddleware(b *testing.B) {
	page := strings.Repeat("<p>sign in</p>\n", 400)
	s, _ := newTestServer(b, testConfig(), func(d *testDeps) {
		d.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
		d.Extra = func(e *echo.Echo, _ middlewares) {
			e.GET("/page", func(c echo.Context) error { return c.HTML(http.StatusOK, page) })
			e.POST("/page", func(c echo.Context) error { return c.Redirect(http.StatusSeeOther, "/next") })
		}
	})
	h := s.Handler()
	get := func() *http.Request {
		r, _ := http.NewRequest(http.MethodGet, "/page", nil)
		r.RemoteAddr = "127.0.0.1:5555"
		return r
	}
	w := &discardWriter{h: http.Header{}}
	h.ServeHTTP(w, get())
	var cookie string
	for _, c := range (&http.Response{Header: w.h}).Cookies() {
		cookie = c.Name + "=" + c.Value
	}
	token := strings.SplitN(cookie, "=", 2)[1]
	form := url.Values{"_csrf": {token}, "username": {"ada"}}.Encode()
	b.Run("GET-page", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			h.ServeHTTP(&discardWriter{h: http.Header{}}, get())
		}
	})
	b.Run("POST-form", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r, _ := http.NewRequest(http.MethodPost, "/page", strings.NewReader(form))
			r.RemoteAddr = "127.0.0.1:5555"
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Header.Set("Cookie", cookie)
			w := &discardWriter{h: http.Header{}}
			h.ServeHTTP(w, r)
			if w.h.Get("Location") != "/next" {
				b.Fatalf("post answered %v", w.h)
			}
		}
	})
}
