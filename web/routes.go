package web

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/handlers"
	"github.com/bridgekeeper/bridgekeeper/oidc"
)

// routes is the whole HTTP surface.
func (s *Server) routes() {
	e, h, p := s.e, s.d.Pages, s.d.OIDC

	// Operations.
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	e.GET("/readyz", s.readyz)
	e.GET("/static/*", s.static)
	e.GET("/favicon.ico", func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, "/static/img/favicon.svg") })

	// People signing in.
	e.GET(handlers.PathHome, h.Home)
	e.GET(handlers.PathSignIn, h.SignInGET)
	e.POST(handlers.PathSignIn, h.SignInPOST, s.rateLimit)
	e.GET(handlers.PathStep, h.StepGET)
	e.POST(handlers.PathStep, h.StepPOST, s.rateLimit)
	e.GET(handlers.PathRestart, h.Restart)
	e.GET(handlers.PathAccount, h.AccountGET)
	e.POST(handlers.PathSignOut, h.SignOutPOST)
	e.GET(handlers.PathSignedOut, h.SignedOutGET)

	// OpenID Connect provider.
	wrap := func(f http.HandlerFunc) echo.HandlerFunc { return echo.WrapHandler(f) }
	e.GET(oidc.PathDiscovery, wrap(p.Discovery))
	e.GET(oidc.PathJWKS, wrap(p.JWKS))
	e.Match([]string{http.MethodGet, http.MethodPost}, oidc.PathAuthorize, wrap(p.Authorize))
	e.Match([]string{http.MethodPost, http.MethodOptions}, oidc.PathToken, wrap(p.Token))
	e.Match([]string{http.MethodGet, http.MethodPost, http.MethodOptions}, oidc.PathUserInfo, wrap(p.UserInfo))
	e.Match([]string{http.MethodPost, http.MethodOptions}, oidc.PathRevoke, wrap(p.Revoke))
	e.POST(oidc.PathIntrospect, wrap(p.Introspect))
	e.Match([]string{http.MethodGet, http.MethodPost}, oidc.PathEndSession, wrap(p.EndSession))

	// The demo's outbox and app (bridgekeeper demo only).
	if d := s.d.Demo; d != nil {
		e.GET(handlers.PathDemoOutbox, d.OutboxGET)
		e.GET(handlers.PathDemoOutboxJSON, d.OutboxJSON)
		e.GET(handlers.PathDemoApp, d.AppGET)
		e.GET(handlers.PathDemoAppLogin, d.AppLogin)
		e.GET(handlers.PathDemoAppCallback, d.AppCallback)
		e.POST(handlers.PathDemoAppRefresh, d.AppRefresh)
		e.POST(handlers.PathDemoAppSignOut, d.AppSignOut)
	}
	if s.d.Extra != nil {
		s.d.Extra(e)
	}
}

func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2e9)
	defer cancel()
	for _, chk := range s.d.Checks {
		if err := chk.Fn(ctx); err != nil {
			s.d.Logger.WarnContext(ctx, "not ready", "check", chk.Name, "err", err)
			return c.String(http.StatusServiceUnavailable, "not ready: "+chk.Name)
		}
	}
	return c.String(http.StatusOK, "ready")
}

func (s *Server) static(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	return echo.WrapHandler(http.StripPrefix("/static/", http.FileServerFS(s.d.Static)))(c)
}
