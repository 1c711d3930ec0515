package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// Routes of choice-based sign-in and passkeys. web/routes.go mounts them.
const (
	// PathPasskeyOptions (POST) gives passkey.js a fresh passkey challenge for the sign-in
	// under way, as JSON.
	PathPasskeyOptions = "/signin/passkey-options"
	// PathSignInChoose (POST) leaves the password or passkey step for the choice of how to
	// sign in.
	PathSignInChoose = "/signin/choose"
	// PathSignInResend (POST) is a code page's "Send a new code" (resend.go): Cognito has no
	// resend call, so the sign-in starts again on the person's behalf, or asks the password
	// again.
	PathSignInResend = "/signin/resend"
	// PathAccountPasskeys (POST) registers the passkey the browser created.
	PathAccountPasskeys = "/account/passkeys"
	// PathAccountPasskeyOptions (POST) gives passkey.js the creation options, as JSON.
	PathAccountPasskeyOptions = "/account/passkeys/options"
	// PathAccountPasskeyDelete (POST) deletes one passkey.
	PathAccountPasskeyDelete = "/account/passkeys/delete"
)

// PasskeyChallenger asks Cognito for a fresh passkey challenge. *cognito.Engine implements it.
type PasskeyChallenger interface {
	PasskeyOptions(ctx context.Context, username string) (cognito.Result, error)
}

// PasskeyManager registers, lists and deletes a person's passkeys with their Cognito access
// token. *cognito.Passkeys implements it.
type PasskeyManager interface {
	StartRegistration(ctx context.Context, accessToken string) (string, error)
	CompleteRegistration(ctx context.Context, accessToken, credential string) error
	List(ctx context.Context, accessToken string) ([]cognito.Passkey, error)
	Delete(ctx context.Context, accessToken, id string) error
}

// ChoiceSignIn is what choice-based sign-in needs besides the engine.
type ChoiceSignIn struct {
	Challenger PasskeyChallenger
	Passkeys   PasskeyManager
	// RelyingParty is pool.passkey_rp_id: the passkey domain of this site. Options from a
	// pool configured for another one are refused with a logged configuration error, instead
	// of a browser error nobody can read.
	RelyingParty string
	// Secure sets the Secure attribute (and __Host- prefix) of the remembered-method cookie.
	Secure bool
}

// methodCookieName remembers, per browser, how the last sign-in began (a Cognito factor name);
// nothing about it is kept per username on the server.
const methodCookieName = "bk_method"

// methodCookieMaxAge is how long a browser remembers the way it signed in.
const methodCookieMaxAge = 180 * 24 * time.Hour

func (cs *ChoiceSignIn) methodCookie() string {
	if cs.Secure {
		return "__Host-" + methodCookieName
	}
	return methodCookieName
}

// lastFactor is the factor this browser signed in with last, when it is one Cognito knows.
func (h *Handlers) lastFactor(r *http.Request) string {
	if h.d.Choice == nil {
		return ""
	}
	c, err := r.Cookie(h.d.Choice.methodCookie())
	if err != nil || !slices.Contains(cognito.Factors(), c.Value) {
		return ""
	}
	return c.Value
}

// rememberFactor keeps the first factor a sign-in proved (from its RFC 8176 AMR) in the
// browser, for the next sign-in's PREFERRED_CHALLENGE.
func (h *Handlers) rememberFactor(w http.ResponseWriter, amr []string) {
	if h.d.Choice == nil {
		return
	}
	var factor string
	switch {
	case slices.Contains(amr, "hwk"):
		factor = cognito.FactorPasskey
	case slices.Contains(amr, "pwd"):
		factor = cognito.FactorPasswordSRP
	case slices.Contains(amr, "sms"):
		factor = cognito.FactorSMSOTP
	case slices.Contains(amr, "otp"):
		factor = cognito.FactorEmailOTP
	default:
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: h.d.Choice.methodCookie(), Value: factor, Path: "/", MaxAge: int(methodCookieMaxAge / time.Second),
		Secure: h.d.Choice.Secure, HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
}

// choiceForm makes the sign-in page username-first in choice-based sign-in, with the password
// beside the username when this browser signed in with it last (so it is preferred in the same
// Cognito call).
func (h *Handlers) choiceForm(r *http.Request, m *views.SignIn) {
	if h.d.Choice == nil {
		return
	}
	m.UsernameFirst = true
	f := h.lastFactor(r)
	m.ShowPassword = isPasswordFactor(f)
}

// startInput is how the sign-in page starts: with the password when one was typed, else with
// the factor this browser used last.
func (h *Handlers) startInput(r *http.Request, username, password string) cognito.StartInput {
	in := cognito.StartInput{Username: username, Password: password}
	if f := h.lastFactor(r); password == "" && !isPasswordFactor(f) {
		in.Preferred = f
	}
	return in
}

// factorTexts are the catalog ids of each first factor's label and description.
func factorTexts() map[string][2]string {
	return map[string][2]string{
		cognito.FactorPasskey:     {"signin.factor.WEB_AUTHN.label", "signin.factor.WEB_AUTHN.description"},
		cognito.FactorPasswordSRP: {"signin.factor.PASSWORD.label", "signin.factor.PASSWORD.description"},
		cognito.FactorPassword:    {"signin.factor.PASSWORD.label", "signin.factor.PASSWORD.description"},
		cognito.FactorEmailOTP:    {"signin.factor.EMAIL_OTP.label", "signin.factor.EMAIL_OTP.description"},
		cognito.FactorSMSOTP:      {"signin.factor.SMS_OTP.label", "signin.factor.SMS_OTP.description"},
	}
}

func factorMessages() []string {
	var ids []string
	for _, t := range factorTexts() {
		ids = append(ids, t[0], t[1])
	}
	return ids
}

// SignInChoosePOST leaves the password or passkey step for the list of ways to sign in.
func (h *Handlers) SignInChoosePOST(c echo.Context) error {
	f, ok := h.currentFlow(c)
	if !ok || h.d.Choice == nil {
		return h.restartWithNotice(c, "", "error.SessionExpired")
	}
	res, err := h.d.Engine.Start(c.Request().Context(), cognito.StartInput{Username: f.State.Username})
	if err != nil {
		return h.stepError(c, f, *f.State, "choose a way to sign in", err)
	}
	return h.advance(c, f.Username, res)
}

// stepError shows an engine error on the step under way, or restarts the sign-in when it must.
func (h *Handlers) stepError(c echo.Context, f flowState, st cognito.State, what string, err error) error {
	var ce *cognito.Error
	if !errors.As(err, &ce) {
		return h.internal(c, what, err)
	}
	h.logEngineError(c, what, ce)
	if ce.Kind.Restart() {
		return h.restartWithNotice(c, f.Username, ce.Kind.MessageID())
	}
	return render(c, statusFor(c, ce), h.stepView(c, st, stepInput{err: h.page(c).T(ce.Kind.MessageID())}))
}

// passkeyReply is what the passkey endpoints answer passkey.js: the options, a page to go to
// instead, or a sentence to show.
type passkeyReply struct {
	Options  json.RawMessage `json:"options,omitempty"`
	Redirect string          `json:"redirect,omitempty"`
	Error    string          `json:"error,omitempty"`
}

// checkRelyingParty refuses options for another passkey domain than this site's.
func (h *Handlers) checkRelyingParty(c echo.Context, options string, rpPath ...string) bool {
	var o map[string]any
	if json.Unmarshal([]byte(options), &o) != nil {
		return false
	}
	var got any = o
	for _, k := range rpPath {
		m, _ := got.(map[string]any)
		got = m[k]
	}
	rp, _ := got.(string)
	if want := h.d.Choice.RelyingParty; want != "" && !strings.EqualFold(rp, want) {
		h.d.Logger.ErrorContext(c.Request().Context(), "the pool's passkey relying party is not this site's: set the pool's WebAuthn relying party id to pool.passkey_rp_id",
			"pool", rp, "passkey_rp_id", want)
		return false
	}
	return true
}

// PasskeyOptionsPOST gives passkey.js a fresh passkey challenge for the sign-in under way (each
// try gets its own, so a reload or a cancelled prompt can try again). The Cognito session goes
// into the flow cookie; the options only into this answer.
func (h *Handlers) PasskeyOptionsPOST(c echo.Context) error {
	p := h.page(c)
	f, ok := h.currentFlow(c)
	if !ok || h.d.Choice == nil || f.State.Kind != cognito.StepPasskey {
		return c.JSON(http.StatusConflict, passkeyReply{Redirect: PathStep})
	}
	res, err := h.d.Choice.Challenger.PasskeyOptions(c.Request().Context(), f.State.Username)
	if err != nil {
		var ce *cognito.Error
		if !errors.As(err, &ce) {
			h.d.Logger.ErrorContext(c.Request().Context(), "passkey options", "err", err)
			return c.JSON(http.StatusBadGateway, passkeyReply{Error: p.T("error.Internal")})
		}
		h.logEngineError(c, "passkey options", ce)
		return c.JSON(statusFor(c, ce), passkeyReply{Error: p.T(ce.Kind.MessageID())})
	}
	if res.Step == nil || res.Step.State.Kind != cognito.StepPasskey || res.Step.PasskeyOptions == "" {
		// Cognito went another way (the passkey is gone): show that step instead.
		if res.Step == nil {
			return c.JSON(http.StatusConflict, passkeyReply{Redirect: PathRestart})
		}
		h.saveFlow(c.Response(), c.Request(), flowState{State: &res.Step.State, Username: f.Username})
		return c.JSON(http.StatusOK, passkeyReply{Redirect: PathStep})
	}
	if !h.checkRelyingParty(c, res.Step.PasskeyOptions, "rpId") {
		return c.JSON(http.StatusUnprocessableEntity, passkeyReply{Error: p.T(cognito.PasskeyUnavailable.MessageID())})
	}
	if err := h.d.Cookies.saveFlow(c.Response(), flowState{State: &res.Step.State, Username: f.Username}); err != nil {
		return h.internal(c, "save flow", err)
	}
	return c.JSON(http.StatusOK, passkeyReply{Options: json.RawMessage(res.Step.PasskeyOptions)})
}
