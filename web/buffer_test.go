package web

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// writeCounter counts the writes the server makes on its connections.
type writeCounter struct {
	net.Listener
	mu     sync.Mutex
	writes int
	conns  int
}

func (l *writeCounter) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.conns++
	l.mu.Unlock()
	return &countedConn{Conn: c, l: l}, nil
}

func (l *writeCounter) count() (writes, conns int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.writes, l.conns
}

type countedConn struct {
	net.Conn
	l *writeCounter
}

func (c *countedConn) Write(p []byte) (int, error) {
	c.l.mu.Lock()
	c.l.writes++
	c.l.mu.Unlock()
	return c.Conn.Write(p)
}

// TestBufferedAnswers: every answer up to maxBufferedResponse goes out in one write with its
// Content-Length and every header (the middleware's, the handler's, set before or after its
// WriteHeader), also when the handler flushes (templ does at the end of every page); HEAD gets
// GET's headers and length without a body; an answer without a body, a handler's own
// Content-Length and an answer past the bound (streamed, chunked) stay as net/http sends them.
func TestBufferedAnswers(t *testing.T) {
	page := strings.Repeat("<p>sign in</p>\n", 200) // 3,000 bytes: past net/http's 2 KiB buffer
	big := strings.Repeat("x", maxBufferedResponse+1)
	s, _ := newTestServer(t, testConfig(), func(d *testDeps) {
		d.Extra = func(e *echo.Echo, _ middlewares) {
			e.GET("/page", func(c echo.Context) error {
				c.Response().Header().Set("X-Page", "yes")
				c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
				c.Response().WriteHeader(http.StatusOK)
				c.Response().Header().Set("X-Late", "kept") // held back with the answer
				for i := 0; i < 200; i++ {
					if _, err := io.WriteString(c.Response(), "<p>sign in</p>\n"); err != nil {
						return err
					}
					if i == 100 {
						c.Response().Flush()
					}
				}
				c.Response().Flush()
				return nil
			})
			e.GET("/big", func(c echo.Context) error { return c.String(http.StatusOK, big) })
			e.GET("/own-length", func(c echo.Context) error {
				http.ServeContent(c.Response(), c.Request(), "a.txt", time.Time{}, strings.NewReader(page))
				return nil
			})
			e.GET("/see-other", func(c echo.Context) error { return c.Redirect(http.StatusSeeOther, "/page") })
			e.GET("/no-content", func(c echo.Context) error {
				if _, err := c.Response().Write([]byte("x")); err != http.ErrBodyNotAllowed {
					t.Errorf("a body for 204: %v, want ErrBodyNotAllowed", err)
				}
				return nil
			}, func(next echo.HandlerFunc) echo.HandlerFunc {
				return func(c echo.Context) error { c.Response().WriteHeader(http.StatusNoContent); return next(c) }
			})
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	counter := &writeCounter{Listener: ln}
	srv := httptest.NewUnstartedServer(s.Handler())
	srv.Listener = counter
	srv.Start()
	t.Cleanup(srv.Close)
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	for _, tc := range []struct {
		method, path string
		status       int
		body         string
		length       int64 // Content-Length; -1: none (chunked)
		chunked      bool
		writes       int // server writes for the answer; 0: not counted
	}{
		{http.MethodGet, "/page", http.StatusOK, page, int64(len(page)), false, 1},
		{http.MethodHead, "/page", http.StatusOK, "", int64(len(page)), false, 1},
		{http.MethodGet, "/big", http.StatusOK, big, -1, true, 0},
		{http.MethodGet, "/own-length", http.StatusOK, page, int64(len(page)), false, 1},
		{http.MethodGet, "/see-other", http.StatusSeeOther, "", 0, false, 1},
		{http.MethodGet, "/no-content", http.StatusNoContent, "", 0, false, 1},
		{http.MethodHead, "/big", http.StatusOK, "", int64(len(big)), false, 1},
		{http.MethodGet, "/nowhere", http.StatusNotFound, "Not Found\n", int64(len("Not Found\n")), false, 1},
	} {
		t.Run(tc.method+tc.path, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			before, _ := counter.count()
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			writes, conns := counter.count()
			writes -= before
			if res.StatusCode != tc.status || !bytes.Equal(body, []byte(tc.body)) {
				t.Errorf("= %d, %d bytes; want %d, %d bytes", res.StatusCode, len(body), tc.status, len(tc.body))
			}
			if res.ContentLength != tc.length {
				t.Errorf("Content-Length %d, want %d", res.ContentLength, tc.length)
			}
			if chunked := len(res.TransferEncoding) > 0; chunked != tc.chunked {
				t.Errorf("chunked = %v (%v), want %v", chunked, res.TransferEncoding, tc.chunked)
			}
			if tc.writes > 0 && writes != tc.writes {
				t.Errorf("%d writes on the connection, want %d", writes, tc.writes)
			}
			if conns != 1 {
				t.Errorf("%d connections so far, want 1: an answer broke keep-alive (a HEAD answer's body sent?)", conns)
			}
			if res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("X-Request-Id") == "" {
				t.Errorf("the middleware's headers are missing: %v", res.Header)
			}
			if strings.HasSuffix(tc.path, "/page") && (res.Header.Get("X-Page") != "yes" || res.Header.Get("X-Late") != "kept") {
				t.Errorf("the page's headers are missing: %v", res.Header)
			}
		})
	}
}

// TestBufferedAnswerReused: a pooled writer starts every answer afresh (no status, header or
// byte of the answer before), also after one that was streamed or a HEAD.
func TestBufferedAnswerReused(t *testing.T) {
	big := strings.Repeat("y", maxBufferedResponse+10)
	s, _ := newTestServer(t, testConfig(), func(d *testDeps) {
		d.Extra = func(e *echo.Echo, _ middlewares) {
			e.GET("/answer", func(c echo.Context) error {
				if st := c.QueryParam("status"); st != "" {
					code, _ := strconv.Atoi(st)
					c.Response().WriteHeader(code)
				}
				body := c.QueryParam("body")
				if body == "big" {
					body = big
				}
				_, err := io.WriteString(c.Response(), body)
				return err
			})
		}
	})
	for i, tc := range []struct {
		method, status, body string
		want                 int
	}{
		{http.MethodGet, "418", "first", http.StatusTeapot},
		{http.MethodGet, "", "second", http.StatusOK},
		{http.MethodGet, "202", "big", http.StatusAccepted},
		{http.MethodHead, "", "hidden", http.StatusOK},
		{http.MethodGet, "", "", http.StatusOK},
		{http.MethodGet, "404", "fourth", http.StatusNotFound},
	} {
		rec := do(s, httptest.NewRequest(tc.method, "/answer?status="+tc.status+"&body="+tc.body, nil))
		wantBody, wantLength := tc.body, strconv.Itoa(len(tc.body))
		switch {
		case tc.body == "big":
			wantBody, wantLength = big, ""
		case tc.body == "":
			wantLength = ""
		case tc.method == http.MethodHead:
			wantBody = "" // the recorder, unlike net/http, would keep a body written for HEAD
		}
		if rec.Code != tc.want || rec.Body.String() != wantBody {
			t.Errorf("answer %d: %d %.20q, want %d %.20q", i, rec.Code, rec.Body.String(), tc.want, wantBody)
		}
		if got := rec.Header().Get("Content-Length"); got != wantLength {
			t.Errorf("answer %d: Content-Length %q, want %q", i, got, wantLength)
		}
	}
}
