package handlers

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/labstack/echo/v4"
	"golang.org/x/oauth2"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/oidc"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// Paths of the demo pages (bridgekeeper demo only).
const (
	PathDemoOutboxJSON  = "/demo/outbox.json"
	PathDemoApp         = "/demo/app"
	PathDemoAppLogin    = "/demo/app/login"
	PathDemoAppCallback = "/demo/app/callback"
	PathDemoAppRefresh  = "/demo/app/refresh"
	PathDemoAppSignOut  = "/demo/app/signout"

	demoStateCookie   = "bk_demo_state"
	demoSessionCookie = "bk_demo_session"
)

// DemoConfig configures the demo pages.
type DemoConfig struct {
	// Outbox lists the codes the local user pool sent, newest first.
	Outbox func() []views.OutboxMessage
	// Issuer is Bridgekeeper's own issuer URL; the demo app is an ordinary OpenID client of it.
	Issuer       string
	ClientID     string
	ClientSecret string
	// HTTPClient reaches the issuer (nil: http.DefaultClient).
	HTTPClient *http.Client
}

// Demo serves the demo outbox and the demo app, a confidential OpenID client of this server that
// signs in with the authorization code flow and PKCE, then shows the ID token's claims.
type Demo struct {
	h   *Handlers
	cfg DemoConfig

	mu       sync.Mutex // guards provider, created on first use (the server must be listening)
	provider *gooidc.Provider
}

// NewDemo returns the demo pages.
func NewDemo(h *Handlers, cfg DemoConfig) *Demo { return &Demo{h: h, cfg: cfg} }

// OutboxGET lists the SMS and email messages the local pool sent.
func (d *Demo) OutboxGET(c echo.Context) error {
	return render(c, http.StatusOK, views.OutboxPage(d.h.page(c), views.Outbox{RefreshURL: PathDemoOutbox, Messages: d.cfg.Outbox()}))
}

// OutboxJSON lists the same messages as JSON, newest first.
func (d *Demo) OutboxJSON(c echo.Context) error {
	msgs := d.cfg.Outbox()
	sort.SliceStable(msgs, func(i, j int) bool { return msgs[i].SentAt.After(msgs[j].SentAt) })
	type item struct {
		To      string `json:"to"`
		Medium  string `json:"medium"`
		Code    string `json:"code"`
		Message string `json:"message"`
		SentAt  string `json:"sent_at"`
	}
	out := make([]item, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, item{m.To, m.Medium, m.Code, m.Message, m.SentAt.UTC().Format("2006-01-02T15:04:05.000Z07:00")})
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, out)
}

type demoState struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
}

type demoSession struct {
	IDToken      string `json:"i"`
	RefreshToken string `json:"r,omitempty"`
}

func (d *Demo) oauth(ctx context.Context) (*oauth2.Config, *gooidc.Provider, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.provider == nil {
		p, err := gooidc.NewProvider(d.clientCtx(ctx), d.cfg.Issuer)
		if err != nil {
			return nil, nil, fmt.Errorf("demo app: discover %s: %w", d.cfg.Issuer, err)
		}
		d.provider = p
	}
	return &oauth2.Config{
		ClientID:     d.cfg.ClientID,
		ClientSecret: d.cfg.ClientSecret,
		Endpoint:     d.provider.Endpoint(),
		RedirectURL:  strings.TrimSuffix(d.cfg.Issuer, "/") + PathDemoAppCallback,
		Scopes:       []string{gooidc.ScopeOpenID, "profile", "email", "phone", "groups", gooidc.ScopeOfflineAccess},
	}, d.provider, nil
}

func (d *Demo) clientCtx(ctx context.Context) context.Context {
	if d.cfg.HTTPClient != nil {
		return gooidc.ClientContext(ctx, d.cfg.HTTPClient)
	}
	return ctx
}

// AppGET shows the demo app: a sign-in button, or the signed-in person's ID token claims.
func (d *Demo) AppGET(c echo.Context) error {
	p := d.h.page(c)
	var s demoSession
	if !d.h.d.Cookies.load(c.Request(), demoSessionCookie, &s) {
		m := views.DemoLanding{SignInURL: PathDemoAppLogin}
		if e := c.QueryParam("error"); e != "" {
			m.Error = p.T(demoErrorMessage(e))
			if demoErrorCode(e) {
				m.ErrorCode = e
			}
		}
		return render(c, http.StatusOK, views.DemoLandingPage(p, m))
	}
	claims, err := unverifiedClaims(s.IDToken)
	if err != nil {
		d.h.d.Cookies.clear(c.Response(), demoSessionCookie)
		return c.Redirect(http.StatusSeeOther, PathDemoApp)
	}
	m := views.DemoSession{Claims: claimRows(claims), RefreshAction: PathDemoAppRefresh, SignOutAction: PathDemoAppSignOut}
	if c.QueryParam("refreshed") == "1" {
		m.Notice = p.T("notice.tokens_refreshed")
	}
	return render(c, http.StatusOK, views.DemoSessionPage(p, m))
}

// demoRefreshFailed is the demo app's own error code for a refresh the provider refused.
const demoRefreshFailed = "refresh_failed"

// demoErrorCode reports whether the demo app shows code as a technical detail: short snake_case,
// as the codes of OAuth and OpenID Connect are (anything else in the address is not shown).
func demoErrorCode(code string) bool {
	if code == "" || len(code) > 40 {
		return false
	}
	for _, ch := range code {
		if (ch < 'a' || ch > 'z') && ch != '_' {
			return false
		}
	}
	return true
}

// demoErrorMessage is the message id of the sentence the demo app shows for an error code it got
// back: apps put the code into words for people, as error_description is for developers.
func demoErrorMessage(code string) string {
	switch code {
	case oidc.ErrorAccessDenied:
		return "demo.failed.access_denied"
	case oidc.ErrorLoginRequired:
		return "demo.failed.login_required"
	case oidc.ErrorTemporarilyUnavailable:
		return cognito.Unavailable.MessageID()
	case oidc.ErrorServerError:
		return "demo.failed.server_error"
	case oidc.ErrorInvalidRequest, oidc.ErrorInvalidClient, oidc.ErrorUnauthorizedClient, oidc.ErrorInvalidScope,
		oidc.ErrorUnsupportedResponseType, oidc.ErrorRequestNotSupported, oidc.ErrorRequestURINotSupported:
		return "demo.failed.invalid_request"
	case oidc.ErrorInvalidGrant:
		return "demo.failed.invalid_grant"
	case demoRefreshFailed:
		return "demo.failed.refresh_failed"
	}
	return "demo.error"
}

// AppLogin starts the authorization code flow with PKCE.
func (d *Demo) AppLogin(c echo.Context) error {
	conf, _, err := d.oauth(c.Request().Context())
	if err != nil {
		return d.h.internal(c, "demo app", err)
	}
	state, err := d.h.randomString()
	if err != nil {
		return d.h.internal(c, "demo app state", err)
	}
	nonce, err := d.h.randomString()
	if err != nil {
		return d.h.internal(c, "demo app nonce", err)
	}
	st := demoState{State: state, Nonce: nonce, Verifier: oauth2.GenerateVerifier()}
	if err := d.h.d.Cookies.save(c.Response(), demoStateCookie, st); err != nil {
		return d.h.internal(c, "demo app state", err)
	}
	return c.Redirect(http.StatusSeeOther, conf.AuthCodeURL(st.State, gooidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier)))
}

// AppCallback receives the code, redeems it at the token endpoint and verifies the ID token.
func (d *Demo) AppCallback(c echo.Context) error {
	var st demoState
	if !d.h.d.Cookies.load(c.Request(), demoStateCookie, &st) || c.QueryParam("state") != st.State {
		return echo.NewHTTPError(http.StatusBadRequest, "state mismatch")
	}
	d.h.d.Cookies.clear(c.Response(), demoStateCookie)
	if e := c.QueryParam("error"); e != "" {
		return c.Redirect(http.StatusSeeOther, PathDemoApp+"?error="+url.QueryEscape(e))
	}
	ctx := d.clientCtx(c.Request().Context())
	conf, prov, err := d.oauth(ctx)
	if err != nil {
		return d.h.internal(c, "demo app", err)
	}
	tok, err := conf.Exchange(ctx, c.QueryParam("code"), oauth2.VerifierOption(st.Verifier))
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.ErrorCode != "" {
		// The provider refused the code (reused, expired, forged): the app's own error page.
		d.h.d.Logger.InfoContext(ctx, "demo app: code refused", "error", re.ErrorCode)
		return c.Redirect(http.StatusSeeOther, PathDemoApp+"?error="+url.QueryEscape(re.ErrorCode))
	}
	if err != nil {
		return d.h.internal(c, "demo app: redeem code", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := prov.Verifier(&gooidc.Config{ClientID: d.cfg.ClientID}).Verify(ctx, raw)
	if err != nil || idt.Nonce != st.Nonce {
		return d.h.internal(c, "demo app: verify ID token", errors.Join(errors.New("ID token rejected"), err))
	}
	if err := d.h.d.Cookies.save(c.Response(), demoSessionCookie, demoSession{IDToken: raw, RefreshToken: tok.RefreshToken}); err != nil {
		return d.h.internal(c, "demo app session", err)
	}
	return c.Redirect(http.StatusSeeOther, PathDemoApp)
}

// AppRefresh uses the refresh token and shows the new ID token.
func (d *Demo) AppRefresh(c echo.Context) error {
	var s demoSession
	if !d.h.d.Cookies.load(c.Request(), demoSessionCookie, &s) || s.RefreshToken == "" {
		return c.Redirect(http.StatusSeeOther, PathDemoApp)
	}
	ctx := d.clientCtx(c.Request().Context())
	conf, _, err := d.oauth(ctx)
	if err != nil {
		return d.h.internal(c, "demo app", err)
	}
	tok, err := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: s.RefreshToken}).Token()
	if err != nil {
		d.h.d.Cookies.clear(c.Response(), demoSessionCookie)
		return c.Redirect(http.StatusSeeOther, PathDemoApp+"?error="+demoRefreshFailed)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		raw = s.IDToken
	}
	if err := d.h.d.Cookies.save(c.Response(), demoSessionCookie, demoSession{IDToken: raw, RefreshToken: tok.RefreshToken}); err != nil {
		return d.h.internal(c, "demo app session", err)
	}
	return c.Redirect(http.StatusSeeOther, PathDemoApp+"?refreshed=1")
}

// AppSignOut forgets the demo app's tokens and asks the provider to end the session
// (RP-initiated logout), coming back to the demo app.
func (d *Demo) AppSignOut(c echo.Context) error {
	var s demoSession
	d.h.d.Cookies.load(c.Request(), demoSessionCookie, &s)
	d.h.d.Cookies.clear(c.Response(), demoSessionCookie)
	issuer := strings.TrimSuffix(d.cfg.Issuer, "/")
	q := "post_logout_redirect_uri=" + url.QueryEscape(issuer+PathDemoApp) + "&client_id=" + url.QueryEscape(d.cfg.ClientID)
	if s.IDToken != "" {
		q += "&id_token_hint=" + url.QueryEscape(s.IDToken)
	}
	return c.Redirect(http.StatusSeeOther, issuer+"/end_session?"+q)
}

func unverifiedClaims(raw string) (map[string]any, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, errors.New("not a JWT")
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("decode JWT payload: %w", err)
	}
	claims := map[string]any{}
	if err := json.Unmarshal(b, &claims); err != nil {
		return nil, fmt.Errorf("parse JWT payload: %w", err)
	}
	return claims, nil
}

func claimRows(claims map[string]any) []views.Claim {
	names := make([]string, 0, len(claims))
	for k := range claims {
		names = append(names, k)
	}
	sort.Strings(names)
	rows := make([]views.Claim, 0, len(names))
	for _, k := range names {
		v := claims[k]
		s, ok := v.(string)
		if !ok {
			b, _ := json.Marshal(v) // claims came from JSON, so they marshal back
			s = string(b)
		}
		rows = append(rows, views.Claim{Name: k, Value: s})
	}
	return rows
}

func (h *Handlers) randomString() (string, error) {
	b := make([]byte, 16)
	if _, err := io.ReadFull(h.d.Rand, b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
