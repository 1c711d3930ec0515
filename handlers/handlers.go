// Package handlers holds the HTTP handlers people use: the sign-in steps, the account page, the
// error pages and the demo pages. Handlers are thin: they parse the form, call the sign-in engine
// (package cognito) or the OpenID provider (package oidc), and pick a view.
package handlers

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/i18n"
	"github.com/bridgekeeper/bridgekeeper/identity"
	"github.com/bridgekeeper/bridgekeeper/internal/csrf"
	"github.com/bridgekeeper/bridgekeeper/oidc"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// Routes the handlers link to. web/routes.go mounts the handlers at these paths.
const (
	PathHome       = "/"
	PathSignIn     = "/signin"
	PathStep       = "/signin/step"
	PathRestart    = "/signin/restart"
	PathAccount    = "/account"
	PathSignOut    = "/signout"
	PathSignedOut  = "/signed-out"
	PathDemoOutbox = "/demo/outbox"
	PathForgot     = "/forgot"
	// PathChangePassword is the well-known URL password managers open to change a password
	// (W3C "A Well-Known URL for Changing Passwords"); it leads to the forgot-password page.
	PathChangePassword = "/.well-known/change-password"
	PathReset          = "/reset"
	// PathSignUp creates an account; PathSignUpConfirm confirms it with the code Cognito sent;
	// PathSignUpResend sends a new code.
	PathSignUp        = "/signup"
	PathSignUpConfirm = "/signup/confirm"
	PathSignUpResend  = "/signup/confirm/resend"
	// PathAccountDevices lists remembered browsers; PathAccountDeviceForget and
	// PathAccountDevicesForgetAll forget them.
	PathAccountDevices          = "/account/devices"
	PathAccountDeviceForget     = "/account/devices/forget"
	PathAccountDevicesForgetAll = "/account/devices/forget-all"
)

// Engine runs a Cognito sign-in, step by step, and password recovery. *cognito.Engine implements it.
type Engine interface {
	Start(ctx context.Context, in cognito.StartInput) (cognito.Result, error)
	// NeedsPassword says whether Start wants a password (not for CUSTOM_AUTH without one).
	NeedsPassword() bool
	Answer(ctx context.Context, st cognito.State, a cognito.Answer) (cognito.Result, error)
	ForgotPassword(ctx context.Context, username string) (cognito.Delivery, error)
	ConfirmForgotPassword(ctx context.Context, username, code, newPassword string) error
}

// Provider is the part of the OpenID provider the pages use. *oidc.Provider implements it.
type Provider interface {
	Login(w http.ResponseWriter, r *http.Request, req *oidc.AuthRequest, id identity.Identity, upstreamRefreshToken string) error
	Cancel(w http.ResponseWriter, r *http.Request, req *oidc.AuthRequest) error
	CurrentSession(r *http.Request) (*oidc.Session, error)
	Logout(w http.ResponseWriter, r *http.Request) error
	// Resume answers a parked request with the session a sign-in just started (the passkey
	// offer sits between the two).
	Resume(w http.ResponseWriter, r *http.Request, req *oidc.AuthRequest) error
}

// Deps are what the handlers need; every field is required unless marked optional.
type Deps struct {
	Engine   Engine
	Provider Provider
	Bundle   *i18n.Bundle
	Assets   views.Assets
	Cookies  *CookieJar
	Logger   *slog.Logger
	Now      func() time.Time
	// PasswordPolicy lists the pool's password rules (optional; Cognito's default when empty):
	// the policy until Policy first reads the pool's (a failed read later keeps the last one read).
	PasswordPolicy []PolicyRule
	// Policy reads the pool's password policy, kept for policyLifetime (optional: PasswordPolicy
	// alone; see policy.go).
	Policy PolicySource
	// TOTPIssuer names this service in authenticator apps: the engine's (cognito.Config.TOTPIssuer),
	// default cognito.DefaultTOTPIssuer.
	TOTPIssuer string
	// Rand is the random source for the demo app's state and nonce (default crypto/rand).
	Rand io.Reader
	// Limits refuses password, code and code-send guessing per username (optional: none).
	Limits Limits
	// Choice turns on choice-based sign-in (pool.auth_flow USER_AUTH; optional).
	Choice *ChoiceSignIn
	// AccessTokens gets a signed-in person's Cognito access token server-side (optional; the
	// passkey pages need it).
	AccessTokens *AccessTokens
	// SignUp turns on self-service sign-up (optional; see signup.go).
	SignUp *SignUpDeps
	// Devices and DeviceJar remember browsers (optional, together; see devices.go).
	Devices   DeviceManager
	DeviceJar *DeviceJar
	// AppName names an app by its client id (oidc.ClientNames), so the pages of a sign-in an
	// app asked for say which app it is (optional: they do not).
	AppName func(clientID string) (string, bool)
	// Brand is the deployment's branding on every page (optional; the built-in look).
	Brand views.Brand
}

// PolicyRule is one password rule: a catalog message id and its data ("policy.min_length",
// {"Count": 8}).
type PolicyRule struct {
	ID   string
	Data map[string]any
}

// Handlers serves the pages people see.
type Handlers struct {
	d Deps
	// steps is the step-page registry (see stepPages).
	steps map[cognito.StepKind]stepPage
	// languages are the language picker's choices.
	languages *views.Languages
	// policy is the pool's password policy (see policy.go).
	policy *policyCache
	// signInPages keeps the plain sign-in page rendered (GET /authorize's answer).
	signInPages *views.SignInPages
}

// New checks deps and returns the handlers.
func New(d Deps) (*Handlers, error) {
	switch {
	case d.Engine == nil, d.Provider == nil, d.Bundle == nil, d.Cookies == nil:
		return nil, errors.New("handlers: Engine, Provider, Bundle and Cookies are required")
	}
	return withDefaults(d), nil
}

// withDefaults fills in the optional deps.
func withDefaults(d Deps) *Handlers {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if len(d.PasswordPolicy) == 0 {
		d.PasswordPolicy = DefaultPasswordPolicy()
	}
	if d.Rand == nil {
		d.Rand = rand.Reader
	}
	if d.TOTPIssuer == "" {
		d.TOTPIssuer = cognito.DefaultTOTPIssuer
	}
	if d.Limits == nil {
		d.Limits = noLimits{}
	}
	return &Handlers{d: d, steps: stepPages(), languages: views.NewLanguages(languageChoices(d.Bundle)), policy: newPolicyCache(d.Policy, d.PasswordPolicy, d.Now, d.Logger),
		signInPages: views.NewSignInPages(PathSignIn)}
}

// page builds what every view needs for this request, in the language the person asked for
// (ui_locales from the app's request first, then Accept-Language).
func (h *Handlers) page(c echo.Context) views.Page {
	token, _ := c.Get(csrf.ContextKey).(string)
	return h.pageWith(c.Request(), token, h.parked(c))
}

// pageWith builds the page context for a request, with the app's parked request (or nil).
func (h *Handlers) pageWith(r *http.Request, csrf string, parked *oidc.AuthRequest) views.Page {
	return h.pageReturning(r, csrf, parked, pickerReturn(r))
}

// pageReturning is pageWith with the page the language picker returns to.
func (h *Handlers) pageReturning(r *http.Request, csrf string, parked *oidc.AuthRequest, ret string) views.Page {
	// The language picked on the page comes first, then the app's ui_locales, then the browser's.
	prefs := uiLocales(parked)
	if lang := h.chosenLanguage(r); lang != "" {
		prefs = append([]string{lang}, prefs...)
	}
	return views.Page{
		L:       h.d.Bundle.Localizer(r.Header.Get("Accept-Language"), prefs...),
		CSRF:    csrf,
		Assets:  h.d.Assets,
		HomeURL: PathHome,
		Brand:   h.d.Brand,
		Picker:  views.LanguagePicker{Action: PathLanguage, Return: ret, Languages: h.languages},
		App:     h.appName(parked),
	}
}

// maxAppName bounds how much of an app's name a page shows (in characters).
const maxAppName = 64

// appName is the name of the app that asked for the sign-in, bounded, or "" when none did.
func (h *Handlers) appName(parked *oidc.AuthRequest) string {
	if parked == nil || h.d.AppName == nil {
		return ""
	}
	name, ok := h.d.AppName(parked.ClientID)
	if !ok {
		return ""
	}
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > maxAppName {
		return string(r[:maxAppName-1]) + "…"
	}
	return name
}

// render writes a templ component as an HTML page with status.
func render(c echo.Context, status int, comp templ.Component) error {
	return renderTo(c.Request().Context(), c.Response(), status, comp)
}

func renderTo(ctx context.Context, w http.ResponseWriter, status int, comp templ.Component) error {
	w.Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := comp.Render(ctx, w); err != nil {
		return fmt.Errorf("render page: %w", err)
	}
	return nil
}
