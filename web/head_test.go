package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestHEADAnswersLikeGET: HEAD of a page answers with its GET's status and headers and no body
// (over a real connection, as net/http sends it), the access log says HEAD, and a path without a
// GET, or without a route, still gets 405 or 404.
func TestHEADAnswersLikeGET(t *testing.T) {
	var seen []string
	s, logs := newTestServer(t, testConfig(), func(d *testDeps) {
		d.Extra = func(e *echo.Echo, _ middlewares) {
			e.GET("/page", func(c echo.Context) error {
				seen = append(seen, c.Request().Method)
				c.Response().Header().Set("X-Page", "yes")
				return c.HTML(http.StatusOK, "<p>hello</p>")
			})
			e.POST("/form", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
		}
	})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)

	for _, tc := range []struct {
		method, path string
		status       int
		body         string
	}{
		{http.MethodHead, "/page", http.StatusOK, ""},
		{http.MethodGet, "/page", http.StatusOK, "<p>hello</p>"},
		{http.MethodHead, "/healthz", http.StatusOK, ""},
		{http.MethodHead, "/form", http.StatusMethodNotAllowed, ""},
		{http.MethodHead, "/no-such-page", http.StatusNotFound, ""},
	} {
		req, err := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.status || string(body) != tc.body {
			t.Errorf("%s %s = %d %q, want %d %q", tc.method, tc.path, res.StatusCode, body, tc.status, tc.body)
		}
		if tc.path == "/page" && res.Header.Get("X-Page") != "yes" {
			t.Errorf("%s /page lacks the page's headers: %v", tc.method, res.Header)
		}
	}
	if len(seen) != 2 || seen[0] != http.MethodHead || seen[1] != http.MethodGet {
		t.Errorf("the page's handler saw methods %v, want [HEAD GET]", seen)
	}
	var methods []any
	for _, r := range logs.find(t, "request") {
		if r["path"] == "/page" {
			methods = append(methods, r["method"])
		}
	}
	if len(methods) != 2 || methods[0] != http.MethodHead {
		t.Errorf("access log methods for /page: %v, want HEAD then GET", methods)
	}
}
