package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/branding"
	"github.com/bridgekeeper/bridgekeeper/handlers"
	"github.com/bridgekeeper/bridgekeeper/internal/csrf"
	"github.com/bridgekeeper/bridgekeeper/oidc"
)

// routes is the whole HTTP surface. Every request first goes through the
// middleware set up in New: request id, access log, panic recovery, security
// headers, body limit, and CSRF (except on the OpenID Connect endpoints).
func (s *Server) routes() {
	e := s.echo
	signInLimit := s.signInRateLimit()

	// Operations: liveness and readiness for load balancers.
	s.formlessGET("/healthz", s.healthz)
	s.formlessGET("/readyz", s.readyz)

	// Static files (CSS, scripts, images); versioned URLs are cached for a year.
	if s.deps.Static != nil {
		s.formlessGET("/static/*", s.static)
		s.formlessGET("/favicon.ico", s.faviconGET)
	}

	// The deployment's branding (package branding): logo, favicon, theme and extra stylesheet.
	if b := s.deps.Branding; b != nil {
		s.formlessGET(branding.PathTheme, echo.WrapHandler(http.HandlerFunc(b.ThemeGET)))
		s.formlessGET(branding.PathLogo, echo.WrapHandler(http.HandlerFunc(b.LogoGET)))
		s.formlessGET(branding.PathFavicon, echo.WrapHandler(http.HandlerFunc(b.FaviconGET)))
		s.formlessGET(branding.PathStylesheet, echo.WrapHandler(http.HandlerFunc(b.StylesheetGET)))
	}

	// People signing in (package handlers). Every POST that carries a
	// password or a code is rate-limited per client address.
	if h := s.deps.Pages; h != nil {
		e.GET(handlers.PathHome, h.Home)
		e.GET(handlers.PathLanguage, h.LanguageGET)
		e.GET(handlers.PathSignIn, h.SignInGET)
		e.POST(handlers.PathSignIn, h.SignInPOST, signInLimit)
		e.GET(handlers.PathStep, h.StepGET)
		e.POST(handlers.PathStep, h.StepPOST, signInLimit)
		e.GET(handlers.PathRestart, h.Restart)
		e.GET(handlers.PathAccount, h.AccountGET)
		e.GET(handlers.PathSignUp, h.SignUpGET)
		e.POST(handlers.PathSignUp, h.SignUpPOST, signInLimit)
		e.GET(handlers.PathSignUpConfirm, h.ConfirmSignUpGET)
		e.POST(handlers.PathSignUpConfirm, h.ConfirmSignUpPOST, signInLimit)
		e.POST(handlers.PathSignUpResend, h.ConfirmSignUpResendPOST, signInLimit)
		e.GET(handlers.PathAccountDevices, h.AccountDevicesGET)
		e.POST(handlers.PathAccountDeviceForget, h.AccountDeviceForgetPOST)
		e.POST(handlers.PathAccountDevicesForgetAll, h.AccountDevicesForgetAllPOST)
		e.GET(handlers.PathSignOut, h.SignOutGET)
		e.POST(handlers.PathSignOut, h.SignOutPOST)
		e.GET(handlers.PathSignedOut, h.SignedOutGET)
		e.GET(handlers.PathChangePassword, h.ChangePasswordWellKnownGET)
		e.GET(handlers.PathForgot, h.ForgotGET)
		e.POST(handlers.PathForgot, h.ForgotPOST, signInLimit)
		e.GET(handlers.PathReset, h.ResetGET)
		e.POST(handlers.PathReset, h.ResetPOST, signInLimit)
		// Choice-based sign-in and passkeys (pool.auth_flow USER_AUTH); each answers a
		// sign-in under way or a signed-in person, so elsewhere they send the browser on.
		e.POST(handlers.PathSignInChoose, h.SignInChoosePOST, signInLimit)
		e.POST(handlers.PathSignInResend, h.SignInResendPOST, signInLimit)
		e.POST(handlers.PathPasskeyOptions, h.PasskeyOptionsPOST, signInLimit)
		e.POST(handlers.PathAccountPasskeyOptions, h.AccountPasskeyOptionsPOST)
		e.POST(handlers.PathAccountPasskeys, h.AccountPasskeyPOST)
		e.POST(handlers.PathAccountPasskeyDelete, h.AccountPasskeyDeletePOST)
		e.GET(handlers.PathPasskeyOffer, h.PasskeyOfferGET)
		e.POST(handlers.PathPasskeyOffer, h.PasskeyOfferPOST)
	}

	// OpenID Connect provider (package oidc): discovery, JWKS, /authorize,
	// /token, /userinfo, /revoke, /introspect and /end_session, each with the
	// methods oidc.Provider.Endpoints lists (its one list of them). Apps call
	// these with their own credentials, or across sites by design, so CSRF
	// does not apply (see protocolPaths), except that GET /authorize gets a
	// token for the sign-in page it may answer with (issuesToken); the
	// provider answers CORS preflights itself.
	if p := s.deps.OIDC; p != nil {
		for _, ep := range p.Endpoints() {
			e.Match(ep.Methods, ep.Path, withClientAddr(ep.Serve))
			s.protocolPaths[ep.Path] = true
		}
	}

	// The demo's outbox and app (bridgekeeper demo only).
	if d := s.deps.Demo; d != nil {
		e.GET(handlers.PathDemoOutbox, d.OutboxGET)
		e.GET(handlers.PathDemoOutboxJSON, d.OutboxJSON)
		e.GET(handlers.PathDemoApp, d.AppGET)
		e.GET(handlers.PathDemoAppLogin, d.AppLogin)
		e.GET(handlers.PathDemoAppCallback, d.AppCallback)
		e.POST(handlers.PathDemoAppRefresh, d.AppRefresh)
		e.POST(handlers.PathDemoAppSignOut, d.AppSignOut)
	}

	// The admin console: administrators only (RequireAdmin, also for unknown /admin paths);
	// every action's confirmation page and POST need a recent sign-in (RequireRecentSignIn).
	if a := s.deps.Admin; a != nil {
		g := e.Group(handlers.PathAdmin, a.RequireAdmin)
		fresh := a.RequireRecentSignIn
		user := handlers.PathAdminUser
		g.GET("", a.AdminUsersGET)
		g.GET(handlers.PathAdminAudit, a.AdminAuditGET)
		g.GET(user, a.AdminUserGET)
		g.GET(user+"/reset-password", a.AdminUserResetPasswordGET, fresh)
		g.POST(user+"/reset-password", a.AdminUserResetPasswordPOST, fresh)
		g.GET(user+"/temporary-password", a.AdminUserTemporaryPasswordGET, fresh)
		g.POST(user+"/temporary-password", a.AdminUserTemporaryPasswordPOST, fresh)
		g.GET(user+"/disable", a.AdminUserDisableGET, fresh)
		g.POST(user+"/disable", a.AdminUserDisablePOST, fresh)
		g.GET(user+"/enable", a.AdminUserEnableGET, fresh)
		g.POST(user+"/enable", a.AdminUserEnablePOST, fresh)
		g.GET(user+"/sign-out", a.AdminUserSignOutGET, fresh)
		g.POST(user+"/sign-out", a.AdminUserSignOutPOST, fresh)
		g.GET(user+"/reset-mfa", a.AdminUserResetMFAGET, fresh)
		g.POST(user+"/reset-mfa", a.AdminUserResetMFAPOST, fresh)
		g.GET(user+"/forget-devices", a.AdminUserForgetDevicesGET, fresh)
		g.POST(user+"/forget-devices", a.AdminUserForgetDevicesPOST, fresh)
	}

}

// formlessGET routes GET and HEAD of path to h, whose answers never carry a form: the CSRF check
// neither issues nor renews its cookie on them (formless).
func (s *Server) formlessGET(path string, h echo.HandlerFunc) {
	s.echo.Match([]string{http.MethodGet, http.MethodHead}, path, h)
	s.formless[path] = true
}

// withClientAddr serves an OpenID endpoint with the client's address (X-Forwarded-For believed
// only from trusted proxies) in the request context, for the client-authentication limit, and
// the CSRF token where the check issued one (GET /authorize, for the sign-in page it may show).
func withClientAddr(serve http.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		ctx := oidc.WithClientAddr(r.Context(), c.RealIP())
		if token, ok := c.Get(csrf.ContextKey).(string); ok {
			ctx = csrf.WithToken(ctx, token)
		}
		serve(c.Response(), r.WithContext(ctx))
		return nil
	}
}
