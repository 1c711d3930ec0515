// Package web assembles Bridgekeeper's HTTP server: an echo instance with the
// middleware every request goes through (request id, access log, panic
// recovery, security headers, body limit, CSRF, per-IP rate limits on sign-in
// posts), the route table (routes.go), static files, the error pages and
// graceful shutdown.
//
// The parts come in through Deps: the pages (package handlers), the OpenID
// provider (package oidc), the admin console, static files and readiness
// checks.
package web

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/branding"
	"github.com/bridgekeeper/bridgekeeper/config"
	"github.com/bridgekeeper/bridgekeeper/handlers"
	"github.com/bridgekeeper/bridgekeeper/oidc"
)

// Counter counts events per key in fixed windows; the store implements it.
// Incr adds one to the counter at key and returns the new count; a new
// counter expires after ttl.
type Counter interface {
	Incr(ctx context.Context, key string, ttl time.Duration) (int64, error)
}

// Check is one readiness probe run by /readyz.
type Check struct {
	// Name is shown when the check fails, e.g. "store" or "pool".
	Name string
	// Fn returns nil when the dependency is usable. Its error is logged,
	// never shown.
	Fn func(ctx context.Context) error
}

// ErrorRenderer writes the page for an error status. err is the error the
// handler returned; the page must not show its text (it may hold internals).
// It is called only for requests that are not API calls (those get JSON).
type ErrorRenderer func(c echo.Context, status int, err error) error

// Deps are the parts the server is assembled from. Logger and Counter are
// required; a nil part is simply not mounted, so tests can assemble a server
// from a few parts.
type Deps struct {
	// Logger receives access logs and error details. Its handler is wrapped
	// in a LogHandler if it is not one already.
	Logger *slog.Logger
	// Counter backs the sign-in rate limit (the store).
	Counter Counter
	// Pages are the pages people use: sign-in steps, account, error pages.
	Pages *handlers.Handlers
	// OIDC is the OpenID provider, mounted at its endpoints (oidc.Provider.Endpoints).
	OIDC *oidc.Provider
	// Demo adds the demo app and outbox pages (bridgekeeper demo only).
	Demo *handlers.Demo
	// Admin is the admin console, mounted under /admin.
	Admin *handlers.Admin
	// Static holds the files served under /static/ (static.FS).
	Static fs.FS
	// Branding serves the deployment's logo, favicon and stylesheets under
	// /branding/ (optional).
	Branding *branding.Brand
	// Checks are run by /readyz (store ping, pool reachable, ...).
	Checks []Check
	// ErrorRenderer renders error pages for people. Default: Pages.ErrorPage,
	// or plain text without Pages.
	ErrorRenderer ErrorRenderer
	// Listener, when set, is served instead of listening on cfg.Listen (the
	// demo opens its port early to know its URL).
	Listener net.Listener
	// RateLimited, when set, is called with the limit's name ("sign_in")
	// each time a rate limit refuses a request (the metrics).
	RateLimited func(limit string)
	// Now is the clock (access log durations). Default time.Now.
	Now func() time.Time
	// Rand is the random source for request ids. Default crypto/rand.
	Rand io.Reader
	// Version is logged when the server starts listening (optional).
	Version string
}

// Server is Bridgekeeper's HTTP server.
type Server struct {
	cfg      *config.Config
	deps     Deps
	log      *slog.Logger
	access   slog.Handler // the access log's: log's, without the LogHandler (accessLog adds the id)
	echo     *echo.Echo
	handler  http.Handler // serve
	bufs     *sync.Pool   // bufferedWriters
	http     *http.Server
	mu       sync.Mutex
	ln       net.Listener
	draining atomic.Bool
	// protocolPaths are the OpenID Connect endpoints' paths, set once by routes. CSRF does not
	// apply to them: /token, /revoke, /introspect and /userinfo are called by apps with client
	// credentials or bearer tokens, and apps may POST /authorize and /end_session across sites
	// by design (the provider guards sign-out with its own confirmation token). Errors on them
	// are answered in JSON.
	protocolPaths map[string]bool
	// formless are the routes whose answers never carry a form (probes, static files, branding,
	// set once by routes): the CSRF check neither issues nor renews its cookie on them.
	formless map[string]bool
	// trusted are the trusted proxies (trusted_proxies): only they may set X-Forwarded-For and
	// X-Request-Id.
	trusted []netip.Prefix
}

// Limits and timeouts of the HTTP server.
const (
	// BodyLimit bounds request bodies; sign-in forms are a few hundred bytes.
	BodyLimit         = "64K"
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
	maxHeaderBytes    = 64 << 10
	readyCheckTimeout = 3 * time.Second
)

// New assembles the server from a validated configuration. It does not
// listen: call Start, or Listen and Serve.
func New(cfg *config.Config, deps Deps) (*Server, error) {
	if cfg == nil {
		return nil, errors.New("web: configuration is required")
	}
	if deps.Logger == nil {
		return nil, errors.New("web: Deps.Logger is required")
	}
	if deps.Counter == nil {
		return nil, errors.New("web: Deps.Counter is required (it backs the sign-in rate limit)")
	}
	for _, chk := range deps.Checks {
		if chk.Name == "" || chk.Fn == nil {
			return nil, errors.New("web: every readiness check needs a name and a function")
		}
	}
	switch {
	case deps.ErrorRenderer != nil:
	case deps.Pages != nil:
		deps.ErrorRenderer = deps.Pages.ErrorPage
	default:
		deps.ErrorRenderer = PlainErrorRenderer
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Rand == nil {
		deps.Rand = rand.Reader
	}
	base := deps.Logger.Handler()
	if lh, ok := base.(LogHandler); ok {
		base = lh.Handler
	}
	s := &Server{
		cfg:    cfg,
		deps:   deps,
		log:    slog.New(LogHandler{Handler: base}),
		access: base,
		ln:     deps.Listener,

		protocolPaths: map[string]bool{},
		formless:      map[string]bool{},
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	trusted, err := parseTrusted(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	s.trusted = trusted
	e.IPExtractor = ipExtractor(s.trusted)
	s.echo = e
	s.bufs = newBufferPool()
	s.handler = http.HandlerFunc(s.serve)

	sec, err := newSecurityHeaders(cfg)
	if err != nil {
		return nil, err
	}
	e.Use(composed(restoreHEAD, s.accessLog, s.recoverPanic, sec, bodyLimit(), s.csrf()))
	s.routes()

	s.http = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// composed returns mws as one middleware, composed once: echo composes its middleware for every
// request, a closure per middleware each time, but the handler it passes to the first is always
// the routed one (echo.Context.Handler: the route's handler with the route's middleware, or the
// 404 or 405 handler), so the chain can end in that and be built here.
func composed(mws ...echo.MiddlewareFunc) echo.MiddlewareFunc {
	chain := func(c echo.Context) error { return c.Handler()(c) }
	for i := len(mws) - 1; i >= 0; i-- {
		chain = mws[i](chain)
	}
	return func(echo.HandlerFunc) echo.HandlerFunc { return chain }
}

// parseTrusted reads the trusted proxies: IP addresses or CIDR ranges.
func parseTrusted(trusted []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, t := range trusted {
		p, err := netip.ParsePrefix(t)
		if err != nil {
			a, aerr := netip.ParseAddr(t)
			if aerr != nil {
				return nil, fmt.Errorf("web: trusted proxy %q is not an IP address or CIDR range", t)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// ipExtractor finds a client's IP address: the TCP peer, or with trusted
// proxies the address they put in X-Forwarded-For.
func ipExtractor(trusted []netip.Prefix) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		_, ipNet, _ := net.ParseCIDR(p.String()) // a masked netip.Prefix always parses
		opts = append(opts, echo.TrustIPRange(ipNet))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// fromTrustedProxy reports whether the request's TCP peer is a trusted proxy.
func (s *Server) fromTrustedProxy(r *http.Request) bool {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	for _, p := range s.trusted {
		if p.Contains(ap.Addr().Unmap()) {
			return true
		}
	}
	return false
}

// Handler returns the server's HTTP handler (for tests and embedding).
func (s *Server) Handler() http.Handler { return s.handler }

// Listen binds the configured listen address. Addr reports the address.
func (s *Server) Listen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return errors.New("web: already listening")
	}
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("web: listen on %s: %w", s.cfg.Listen, err)
	}
	s.ln = ln
	return nil
}

// Addr returns the address the server listens on ("127.0.0.1:43567"), or
// "" before Listen.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Serve serves until ctx is cancelled (listening first if Listen was not
// called), then shuts down gracefully: /readyz starts answering 503, new
// connections are refused and in-flight requests get the configured
// shutdown_timeout to finish. It returns nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context) error {
	s.mu.Lock()
	ln := s.ln
	s.mu.Unlock()
	if ln == nil {
		if err := s.Listen(); err != nil {
			return err
		}
		s.mu.Lock()
		ln = s.ln
		s.mu.Unlock()
	}
	s.http.BaseContext = func(net.Listener) context.Context { return context.WithoutCancel(ctx) }
	served := make(chan error, 1)
	go func() { served <- s.http.Serve(ln) }()
	s.log.InfoContext(ctx, "listening", "addr", ln.Addr().String(), "public_url", s.cfg.PublicURL, "version", s.deps.Version)

	select {
	case err := <-served:
		return fmt.Errorf("web: serve: %w", err)
	case <-ctx.Done():
	}
	s.draining.Store(true)
	s.log.InfoContext(ctx, "shutting down", "timeout", s.cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := s.http.Shutdown(sctx); err != nil {
		closeErr := s.http.Close()
		return errors.Join(fmt.Errorf("web: graceful shutdown: %w", err), closeErr)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("web: serve: %w", err)
	}
	s.log.InfoContext(ctx, "stopped")
	return nil
}

// Start serves until ctx is cancelled; it is Serve.
func (s *Server) Start(ctx context.Context) error { return s.Serve(ctx) }
