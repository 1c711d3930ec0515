package web

import (
	"github.com/labstack/echo/v4"
)

// routes is the whole HTTP surface. Every request first goes through the
// middleware in New: request id, access log, panic recovery, security
// headers, body limit and CSRF (except OIDCPaths).
func (s *Server) routes() {
	e := s.echo

	// Operations: liveness and readiness for load balancers and orchestrators.
	e.GET("/healthz", s.healthz)
	e.HEAD("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.HEAD("/readyz", s.readyz)

	// Static files (CSS, scripts, images), cached for long when versioned.
	if s.deps.Static != nil {
		e.GET("/static/*", s.static)
		e.HEAD("/static/*", s.static)
	}

	// OpenID Connect provider (package oidc), at OIDCPaths:
	//   /.well-known/openid-configuration, /.well-known/jwks.json,
	//   /authorize, /token, /userinfo, /revoke, /introspect, /end_session.
	// It answers every method itself (including 405 and CORS preflights).
	if s.deps.OIDC != nil {
		h := echo.WrapHandler(s.deps.OIDC)
		for _, p := range OIDCPaths() {
			e.Any(p, h)
		}
	}

	// Pages people use (package handlers), mounted by Deps.Routes:
	//   /                              home: account page or sign-in
	//   /signin, /signin/step, /signin/restart   the sign-in steps   (POSTs: mw.SignInRateLimit)
	//   /account, /signout, /signed-out          account and sign-out
	//   admin console and /demo/... pages        when enabled
	if s.deps.Routes != nil {
		s.deps.Routes(e, Middlewares{SignInRateLimit: s.signInRateLimit()})
	}
}
