package web

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/bridgekeeper/bridgekeeper/config"
	"github.com/bridgekeeper/bridgekeeper/internal/logx"
	"github.com/bridgekeeper/bridgekeeper/oidc"
)

// maxRequestIDLen bounds an incoming X-Request-Id that is honoured.
const maxRequestIDLen = 64

// newRequestID is a request's id: a sane incoming X-Request-Id from a trusted proxy
// (trusted_proxies), or a random one. Server.serve echoes it in the answer's header and carries
// it in the request context for logging (see RequestID).
func (s *Server) newRequestID(r *http.Request) (string, error) {
	if id := r.Header.Get(echo.HeaderXRequestID); saneRequestID(id) && s.fromTrustedProxy(r) {
		return id, nil
	}
	b := make([]byte, 16+32) // the random bytes, then their hex
	if _, err := io.ReadFull(s.deps.Rand, b[:16]); err != nil {
		return "", fmt.Errorf("request id: %w", err)
	}
	return string(hex.AppendEncode(b[16:16], b[:16])), nil
}

// saneRequestID accepts ids of 1 to 64 letters, digits, '-', '_', '.' and ':'.
func saneRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' || r == ':') {
			return false
		}
	}
	return true
}

// maxLoggedPath bounds the path written to the access log.
const maxLoggedPath = 256

// accessLog writes one record per request: method, path (never the query
// string), route, status, size, duration, client IP and (through the log
// handler) the request id. Bodies, cookies and headers are never logged.
func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := s.deps.Now()
		err := next(c)
		if err != nil {
			c.Error(err) // render the error now, so its status is logged
		}
		req, res := c.Request(), c.Response()
		ctx := req.Context()
		level := slog.LevelInfo
		if res.Status >= http.StatusInternalServerError {
			level = slog.LevelError
		}
		if !s.access.Enabled(ctx, level) {
			return nil
		}
		path := req.URL.Path
		if len(path) > maxLoggedPath {
			path = path[:maxLoggedPath] + "…"
		}
		// No caller's program counter is looked up (nothing logs the source), and the request
		// id is added with the rest instead of by LogHandler copying the record.
		end := s.deps.Now()
		attrs := [...]slog.Attr{
			slog.String("method", req.Method),
			slog.String("path", path),
			slog.String("route", c.Path()),
			slog.Int("status", res.Status),
			slog.Int64("bytes", res.Size),
			slog.Duration("duration", end.Sub(start)),
			slog.String("remote_ip", c.RealIP()),
			{}, // the request id, when there is one
		}
		n := len(attrs) - 1
		if id := RequestID(ctx); id != "" {
			attrs[n], n = slog.String(requestIDAttr, id), n+1
		}
		logx.Write(ctx, s.access, end, level, "request", attrs[:n]...)
		return nil
	}
}

// errPanic is the error a recovered panic turns into; details are logged only.
var errPanic = errors.New("handler panicked")

// recoverPanic turns a panic into a 500 error page; the panic and the stack
// go to the log only.
func (s *Server) recoverPanic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			r := recover()
			if r == nil {
				return
			}
			if r == http.ErrAbortHandler {
				panic(r) // the server's way to abort a response; let it through
			}
			s.log.ErrorContext(c.Request().Context(), "panic serving request",
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = echo.NewHTTPError(http.StatusInternalServerError).SetInternal(errPanic)
		}()
		return next(c)
	}
}

// newSecurityHeaders returns the middleware setting the security headers on
// every response, and Cache-Control: no-store unless a handler sets its own.
func newSecurityHeaders(cfg *config.Config) (echo.MiddlewareFunc, error) {
	formAction := []string{"'self'"}
	for _, o := range cfg.RedirectOrigins() {
		u, err := url.Parse(o)
		if err != nil {
			return nil, fmt.Errorf("web: redirect origin %q: %w", o, err)
		}
		if oidc.NeedsContinuePage(o) {
			continue // CSP cannot name an IPv6 address: the provider's continue page goes there
		}
		if u.Scheme == "http" && config.IsLoopbackHost(u.Hostname()) {
			// Loopback redirect URIs match any port (RFC 8252).
			o = "http://" + u.Hostname() + ":*"
		}
		if !slices.Contains(formAction, o) {
			formAction = append(formAction, o)
		}
	}
	csp := strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src 'self' data:",
		"form-action " + strings.Join(formAction, " "),
		"frame-ancestors 'none'",
		"base-uri 'none'",
		"object-src 'none'",
	}, "; ")
	hsts := ""
	if u, err := url.Parse(cfg.PublicURL); err == nil && u.Scheme == "https" {
		hsts = "max-age=31536000"
	}
	headers := []string{
		"Content-Security-Policy", csp,
		"X-Content-Type-Options", "nosniff",
		"Referrer-Policy", "no-referrer",
		"X-Frame-Options", "DENY",
		"Cross-Origin-Opener-Policy", "same-origin",
		"Permissions-Policy", "camera=(), microphone=(), geolocation=()",
		"Cache-Control", "no-store",
	}
	if hsts != "" {
		headers = append(headers, "Strict-Transport-Security", hsts)
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			setHeaders(c.Response().Header(), headers)
			return next(c)
		}
	}, nil
}

// setHeaders sets each header of kv (canonical names and values alternating), all values in one
// allocation (Header.Set makes one per header). Each value is a slice of its own with no room to
// grow, so a handler's Add or Set cannot reach another header's value.
func setHeaders(h http.Header, kv []string) {
	vals := make([]string, len(kv)/2)
	for i := range vals {
		vals[i] = kv[2*i+1]
		h[kv[2*i]] = vals[i : i+1 : i+1]
	}
}

// bodyLimit refuses bodies over BodyLimit with 413.
func bodyLimit() echo.MiddlewareFunc {
	return middleware.BodyLimit(BodyLimit)
}

// issuesToken reports a request on which the CSRF check runs although its path is a protocol
// path: GET /authorize, which may answer with the sign-in page (handlers.StartLogin), whose form
// needs the token. A GET is never refused: the check only issues the token (and its cookie, for
// a client that sends no Sec-Fetch-Site). A POST /authorize, which apps may send across sites,
// is not checked: the provider then redirects to the sign-in page, which gets its token there.
func issuesToken(c echo.Context) bool {
	return c.Path() == oidc.PathAuthorize && c.Request().Method == http.MethodGet
}

// RateLimitSignIn names the sign-in rate limit (Deps.RateLimited).
const RateLimitSignIn = "sign_in"

// signInRateLimit allows rate_limit.sign_in_per_ip POSTs per client IP per
// rate_limit.window, counted in Deps.Counter; beyond that it answers 429
// with Retry-After. If the counter fails the request is refused (503)
// rather than let through uncounted.
func (s *Server) signInRateLimit() echo.MiddlewareFunc {
	limit := int64(s.cfg.RateLimit.SignInPerIP)
	window := s.cfg.RateLimit.Window
	retryAfter := strconv.Itoa(int(max(window.Round(time.Second), time.Second) / time.Second))
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if c.Request().Method != http.MethodPost {
				return next(c)
			}
			n, err := s.deps.Counter.Incr(c.Request().Context(), "rl:signin:"+c.RealIP(), window)
			if err != nil {
				return echo.NewHTTPError(http.StatusServiceUnavailable).SetInternal(fmt.Errorf("rate limit counter: %w", err))
			}
			if n > limit {
				if s.deps.RateLimited != nil {
					s.deps.RateLimited(RateLimitSignIn)
				}
				c.Response().Header().Set("Retry-After", retryAfter)
				return echo.NewHTTPError(http.StatusTooManyRequests).SetInternal(fmt.Errorf("sign-in rate limit: %d posts in %s", n, window))
			}
			return next(c)
		}
	}
}
