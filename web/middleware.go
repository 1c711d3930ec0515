package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/bridgekeeper/bridgekeeper/oidc"
)

// maxBody bounds request bodies: sign-in forms and token requests are small.
const maxBody = "64K"

type requestIDKey struct{}

// RequestID returns the request id stored in ctx by the server, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// LogHandler wraps a slog.Handler so every record logged with a request's context carries its
// request_id.
type LogHandler struct{ slog.Handler }

// Handle adds request_id and passes the record on.
func (h LogHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs keeps the wrapper around the derived handler.
func (h LogHandler) WithAttrs(a []slog.Attr) slog.Handler { return LogHandler{h.Handler.WithAttrs(a)} }

// WithGroup keeps the wrapper around the derived handler.
func (h LogHandler) WithGroup(name string) slog.Handler { return LogHandler{h.Handler.WithGroup(name)} }

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

func (s *Server) middleware() {
	e := s.e
	// Request id: keep a sane incoming one (from a load balancer), else make one.
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			id := c.Request().Header.Get(echo.HeaderXRequestID)
			if !validRequestID.MatchString(id) {
				id = newRequestID()
			}
			c.Response().Header().Set(echo.HeaderXRequestID, id)
			c.SetRequest(c.Request().WithContext(context.WithValue(c.Request().Context(), requestIDKey{}, id)))
			return next(c)
		}
	})
	// Access log: no query strings, bodies, cookies or headers; they can carry codes and tokens.
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := s.d.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			s.d.Logger.LogAttrs(c.Request().Context(), slog.LevelInfo, "request",
				slog.String("method", c.Request().Method),
				slog.String("path", c.Request().URL.Path),
				slog.Int("status", c.Response().Status),
				slog.Duration("duration", s.d.Now().Sub(start)),
				slog.String("remote_ip", c.RealIP()),
			)
			return nil
		}
	})
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.d.Logger.ErrorContext(c.Request().Context(), "panic", "err", err, "stack", string(stack))
			return fmt.Errorf("panic recovered: %w", err)
		},
	}))
	e.Use(s.securityHeaders)
	e.Use(middleware.BodyLimit(maxBody))
	e.Use(middleware.CSRFWithConfig(middleware.CSRFConfig{
		Skipper:        func(c echo.Context) bool { return isAPIPath(c.Request().URL.Path) },
		TokenLookup:    "form:_csrf",
		ContextKey:     s.d.CSRFKey,
		CookieName:     s.cookieName("bk_csrf"),
		CookiePath:     "/",
		CookieSecure:   s.opts.SecureCookies,
		CookieHTTPOnly: true,
		CookieSameSite: http.SameSiteLaxMode,
		CookieMaxAge:   int((12 * time.Hour).Seconds()),
	}))
}

func (s *Server) cookieName(base string) string {
	if s.opts.SecureCookies {
		return "__Host-" + base
	}
	return base
}

// isAPIPath reports whether path is an OpenID endpoint that apps call with their own credentials
// (no CSRF token, JSON errors).
func isAPIPath(path string) bool {
	switch path {
	case oidc.PathToken, oidc.PathRevoke, oidc.PathIntrospect, oidc.PathUserInfo, oidc.PathEndSession,
		oidc.PathDiscovery, oidc.PathJWKS:
		return true
	}
	return false
}

func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	formAction := strings.Join(append([]string{"'self'"}, s.opts.FormActions...), " ")
	csp := "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"form-action " + formAction + "; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.opts.HSTS {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		return next(c)
	}
}

// rateLimit allows each client address SignInRateLimit requests per window on the routes it wraps.
func (s *Server) rateLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.d.Counter == nil {
			return next(c)
		}
		secs := int64(s.opts.SignInRateWindow / time.Second)
		window := s.d.Now().Unix() / secs
		key := fmt.Sprintf("rl:signin:%s:%d", c.RealIP(), window)
		n, err := s.d.Counter.Incr(c.Request().Context(), key, 2*s.opts.SignInRateWindow)
		if err != nil {
			s.d.Logger.WarnContext(c.Request().Context(), "rate limit counter unavailable", "err", err)
			return next(c)
		}
		if n > s.opts.SignInRateLimit {
			c.Response().Header().Set("Retry-After", fmt.Sprint(secs-s.d.Now().Unix()%secs))
			return echo.NewHTTPError(http.StatusTooManyRequests)
		}
		return next(c)
	}
}
