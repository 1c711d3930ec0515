package web

import (
	"net/http"
	"strconv"
	"sync"

	"github.com/labstack/echo/v4"
)

// maxBufferedResponse bounds the part of an answer held back to be sent in one piece: pages,
// JSON answers and redirects are a few KiB; a larger answer (a big static file) is streamed once
// it passes the bound.
const maxBufferedResponse = 64 << 10

// bufferedWriter holds a handler's answer back until the handler returns, then sends the status,
// the headers with the body's Content-Length, and the body in one write: net/http would
// otherwise send an answer over its 2 KiB buffer in chunks, one write (and syscall) each, and
// templ's Flush at the end of every page forces that. An answer that grows past
// maxBufferedResponse is streamed from then on, as net/http does it.
//
// While the answer is held back, headers set after WriteHeader still go out with it (net/http
// would drop them), and Flush waits for the end of the handler; nothing in Bridgekeeper streams.
//
// A HEAD answer is sent with the length of the body the handler wrote (GET's) and without it.
type bufferedWriter struct {
	w         http.ResponseWriter
	buf       []byte
	status    int  // the status the handler wrote, 0 before
	streaming bool // past the bound: writes go straight to w
	head      bool // a HEAD request: the body is counted, never sent
	headLen   int  // the length of a HEAD answer's body
}

// newBufferPool returns the pool of bufferedWriters a server reuses between requests.
func newBufferPool() *sync.Pool {
	return &sync.Pool{New: func() any { return &bufferedWriter{buf: make([]byte, 0, 16<<10)} }}
}

// serve is the server's HTTP handler: it gives the request its id (newRequestID), routes a
// HEAD as a GET (see restoreHEAD) and has echo serve it through a bufferedWriter from s.bufs.
// The id goes into the request context here, in the one copy of the request echo serves.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	id, err := s.newRequestID(r)
	if err != nil {
		s.log.ErrorContext(r.Context(), "request failed", "status", http.StatusInternalServerError, "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	w.Header()[echo.HeaderXRequestID] = []string{id}
	bw := s.bufs.Get().(*bufferedWriter)
	bw.w, bw.head = w, r.Method == http.MethodHead
	r = r.WithContext(WithRequestID(r.Context(), id))
	if bw.head {
		r.Method = http.MethodGet
	}
	s.echo.ServeHTTP(bw, r) // a panic passes through: net/http then drops the connection, unsent
	bw.finish()
	*bw = bufferedWriter{buf: bw.buf[:0]}
	if cap(bw.buf) <= maxBufferedResponse {
		s.bufs.Put(bw)
	}
}

// Header is the answer's header map.
func (b *bufferedWriter) Header() http.Header { return b.w.Header() }

// WriteHeader keeps the status to send with the body; an informational status (1xx) goes out at
// once, as net/http sends it.
func (b *bufferedWriter) WriteHeader(code int) {
	switch {
	case b.streaming || code >= 100 && code < 200:
		b.w.WriteHeader(code)
	case b.status == 0:
		b.status = code
	}
}

// Write adds p to the answer held back, or streams it once the answer passes the bound.
func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.streaming {
		return b.w.Write(p)
	}
	if b.status == 0 {
		b.status = http.StatusOK
	}
	if !bodyAllowedForStatus(b.status) {
		return 0, http.ErrBodyNotAllowed
	}
	if b.head {
		b.headLen += len(p)
		return len(p), nil
	}
	if len(b.buf)+len(p) > maxBufferedResponse {
		b.streaming = true
		b.w.WriteHeader(b.status)
		if _, err := b.w.Write(b.buf); err != nil {
			return 0, err
		}
		return b.w.Write(p)
	}
	b.buf = append(b.buf, p...)
	return len(p), nil
}

// Flush is deferred to the end of the handler while the answer is held back (see
// bufferedWriter); a streamed answer is flushed.
func (b *bufferedWriter) Flush() {
	if b.streaming {
		_ = http.NewResponseController(b.w).Flush() // as net/http's own Flush, its error is the next Write's
	}
}

// Unwrap gives http.ResponseController the underlying writer (deadlines).
func (b *bufferedWriter) Unwrap() http.ResponseWriter { return b.w }

// finish sends what was held back: the status, a Content-Length for a body unless the handler
// set one (or chose a transfer coding or trailers), and the body. An answer with no body, or a
// HEAD answer the handler wrote nothing for, is left to net/http, which sends it as before.
func (b *bufferedWriter) finish() {
	if b.streaming || b.status == 0 {
		return
	}
	if n := len(b.buf) + b.headLen; n > 0 {
		h := b.w.Header()
		if h["Content-Length"] == nil && h["Transfer-Encoding"] == nil && h["Trailer"] == nil {
			h["Content-Length"] = []string{strconv.Itoa(n)}
		}
	}
	b.w.WriteHeader(b.status)
	if len(b.buf) > 0 {
		_, _ = b.w.Write(b.buf) // the client went away: nothing left to tell it, nor worth a log line
	}
}

// bodyAllowedForStatus reports whether an answer with status may have a body (RFC 9110 §6.4.1:
// not 1xx, 204 or 304), as net/http decides it.
func bodyAllowedForStatus(status int) bool {
	switch {
	case status >= 100 && status <= 199, status == http.StatusNoContent, status == http.StatusNotModified:
		return false
	}
	return true
}
