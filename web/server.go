// Package web assembles the HTTP server: middleware (request id, access log, recovery, security
// headers, CSRF, body limit, rate limit), the route table (routes.go), static files and graceful
// shutdown.
package web

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/handlers"
	"github.com/bridgekeeper/bridgekeeper/oidc"
)

// Check is a named readiness probe (the store answers, the pool answers).
type Check struct {
	Name string
	Fn   func(ctx context.Context) error
}

// Counter counts events in fixed windows; the store implements it.
type Counter interface {
	Incr(ctx context.Context, key string, ttl time.Duration) (int64, error)
}

// Options configure the server.
type Options struct {
	// Listen is the address to listen on ("127.0.0.1:8080"; port 0 picks a free one).
	Listen string
	// Listener, when set, is used instead of listening on Listen.
	Listener net.Listener
	// SecureCookies marks cookies Secure and uses the __Host- prefix.
	SecureCookies bool
	// HSTS sends Strict-Transport-Security (public URL is https).
	HSTS bool
	// FormActions are extra CSP form-action sources: the origins of the apps' redirect URIs,
	// since a sign-in form's POST ends in a redirect to the app.
	FormActions []string
	// ShutdownTimeout bounds how long in-flight requests may take to finish on shutdown.
	ShutdownTimeout time.Duration
	// SignInRateLimit is how many sign-in POSTs one address may make per window (0: 60).
	SignInRateLimit int64
	// SignInRateWindow is the rate limit's fixed window (0: one minute).
	SignInRateWindow time.Duration
	// TrustedProxies are the load balancers (CIDR ranges or addresses) whose X-Forwarded-For is
	// believed; empty means the TCP peer is the client, and forwarding headers are ignored.
	TrustedProxies []string
}

// Deps are the parts the server mounts.
type Deps struct {
	Pages   *handlers.Handlers
	OIDC    *oidc.Provider
	Static  fs.FS
	Demo    *handlers.Demo // optional: the demo pages
	Checks  []Check
	Counter Counter // optional: rate limits are off without it
	Logger  *slog.Logger
	CSRFKey string // echo context key for the CSRF token (default "csrf")
	Extra   func(e *echo.Echo)
	Now     func() time.Time
}

// Server is the assembled HTTP server.
type Server struct {
	opts Options
	d    Deps
	e    *echo.Echo
	ln   net.Listener
}

// New builds the server; nothing listens until Start.
func New(opts Options, d Deps) (*Server, error) {
	if d.Pages == nil || d.OIDC == nil || d.Static == nil {
		return nil, errors.New("web: Pages, OIDC and Static are required")
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.CSRFKey == "" {
		d.CSRFKey = "csrf"
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 15 * time.Second
	}
	if opts.SignInRateLimit <= 0 {
		opts.SignInRateLimit = 60
	}
	if opts.SignInRateWindow < time.Second {
		opts.SignInRateWindow = time.Minute
	}
	s := &Server{opts: opts, d: d, e: echo.New(), ln: opts.Listener}
	s.e.HideBanner, s.e.HidePort = true, true
	s.e.HTTPErrorHandler = s.handleError
	s.e.IPExtractor = ipExtractor(opts.TrustedProxies)
	s.middleware()
	s.routes()
	return s, nil
}

// Handler returns the server's http.Handler (tests mount it on httptest servers).
func (s *Server) Handler() http.Handler { return s.e }

// Listen opens the listening socket; Addr is valid afterwards.
func (s *Server) Listen() error {
	ln, err := net.Listen("tcp", s.opts.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.opts.Listen, err)
	}
	s.ln = ln
	return nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() string {
	if s.ln == nil {
		return s.opts.Listen
	}
	return s.ln.Addr().String()
}

// Serve serves until ctx is cancelled, then shuts down gracefully, letting in-flight requests
// finish within the shutdown timeout.
func (s *Server) Serve(ctx context.Context) error {
	if s.ln == nil {
		if err := s.Listen(); err != nil {
			return err
		}
	}
	srv := &http.Server{
		Handler:           s.e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(s.d.Logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(s.ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// handleError renders errors: JSON for machine endpoints, the friendly page for people.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := http.StatusInternalServerError
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status = he.Code
	}
	if status >= 500 {
		s.d.Logger.ErrorContext(c.Request().Context(), "request failed", "status", status, "err", err)
	}
	if isAPIPath(c.Request().URL.Path) {
		_ = c.JSON(status, map[string]string{"error": http.StatusText(status)})
		return
	}
	if rerr := s.d.Pages.ErrorPage(c, status, err); rerr != nil {
		s.d.Logger.ErrorContext(c.Request().Context(), "render error page", "err", rerr)
	}
}

// ipExtractor finds the client's address: the TCP peer, unless it is a trusted proxy.
func ipExtractor(trusted []string) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, t := range trusted {
		if !strings.Contains(t, "/") {
			if strings.Contains(t, ":") {
				t += "/128"
			} else {
				t += "/32"
			}
		}
		if _, n, err := net.ParseCIDR(t); err == nil {
			opts = append(opts, echo.TrustIPRange(n))
		}
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}
