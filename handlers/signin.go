package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/internal/abuse"
	"github.com/bridgekeeper/bridgekeeper/store"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// flowState is what the flow cookie carries between sign-in steps.
type flowState struct {
	// State is the engine's state for the current step (Cognito session included); nil when the
	// cookie only remembers a username for a restarted sign-in.
	State *cognito.State `json:"s,omitempty"`
	// Username is the name as the person typed it, kept for a restart.
	Username string `json:"u,omitempty"`
	// Notice is a catalog id shown on the sign-in page (e.g. the session expired).
	Notice string `json:"n,omitempty"`
	// ResetDestination is where a password-reset code went (masked), for the reset page.
	ResetDestination string `json:"rd,omitempty"`
	// Chose is set once the person chose among several MFA methods in this sign-in: the code
	// page then offers "Use another method" (a fresh sign-in, which asks the choice again).
	Chose bool `json:"c,omitempty"`
	// SignUpSession is SignUp's Cognito Session (choice-based sign-in only), for ConfirmSignUp,
	// whose own Session then signs the new person in; SignUpMedium is how the code went
	// ("EMAIL" or "SMS"), for that sign-in's AMR.
	SignUpSession string `json:"ss,omitempty"`
	SignUpMedium  string `json:"sm,omitempty"`
	// PasskeyOffer marks a browser between a sign-in and the app it is for, at the offer to
	// add a passkey (passkey_offer.go).
	PasskeyOffer bool `json:"po,omitempty"`
	// Interrupted: the last answer to this step met Cognito unavailable, so it may have reached
	// Cognito and used the session up; if the next answer finds the session used, the notice
	// says so instead of "took too long".
	Interrupted bool `json:"i,omitempty"`
}

// Limits on what people type, well above any real value and below Cognito's own limits.
const (
	maxUsername = 128
	maxPassword = 256
	maxAttr     = 2048
)

// Home sends the person to their account page when signed in, and to the sign-in page otherwise.
func (h *Handlers) Home(c echo.Context) error {
	if _, err := h.d.Provider.CurrentSession(c.Request()); err == nil {
		return c.Redirect(http.StatusSeeOther, PathAccount)
	}
	return c.Redirect(http.StatusSeeOther, PathSignIn)
}

// SignInGET shows the username and password form.
func (h *Handlers) SignInGET(c echo.Context) error {
	var f flowState
	h.d.Cookies.loadFlow(c.Request(), &f)
	if f.State != nil {
		// A sign-in is under way: a reload of /signin shows the current step.
		return c.Redirect(http.StatusSeeOther, PathStep)
	}
	return h.signInForm(c.Response(), c.Request(), h.page(c), f)
}

// signInForm writes the sign-in page for the flow f (its username, its notice): GET /signin
// and the page GET /authorize answers with (StartLogin) are this one page.
func (h *Handlers) signInForm(w http.ResponseWriter, r *http.Request, p views.Page, f flowState) error {
	m := h.signInModel(f.Username)
	h.choiceForm(r, &m)
	if f.Notice != "" {
		m.Notice = p.T(f.Notice)
	}
	if f.Notice == noticeResendPassword && m.UsernameFirst {
		m.ShowPassword = true // "Send a new code" on an MFA page: the password is what it needs
	}
	return renderTo(r.Context(), w, http.StatusOK, h.signInPages.Page(p, m))
}

// SignInPOST starts the Cognito flow with the username and password. The page's language and
// texts (views.Page) are built only when the form is shown again: a sign-in that goes on to the
// next step or to the app needs none of them.
func (h *Handlers) SignInPOST(c echo.Context) error {
	username := strings.TrimSpace(c.FormValue(views.FieldUsername))
	password := c.FormValue(views.FieldPassword)
	m := h.signInModel(username)
	h.choiceForm(c.Request(), &m)
	badUsername := username == "" || len(username) > maxUsername
	badPassword := (password == "" && !m.UsernameFirst && !m.NoPassword) || len(password) > maxPassword
	if badUsername || badPassword {
		p := h.page(c)
		m.FieldErrors = views.FieldErrors{}
		if badUsername {
			m.FieldErrors[views.FieldUsername] = p.T("validation.username.required")
		}
		if badPassword {
			m.FieldErrors[views.FieldPassword] = p.T("validation.password.required")
		}
		if len(username) > maxUsername {
			m.Username = ""
		}
		return render(c, http.StatusUnprocessableEntity, views.SignInPage(p, m))
	}
	if msg, err := h.checkLimit(c, abuse.Password, username); err != nil || msg != "" {
		if err != nil {
			return err
		}
		p := h.page(c)
		m.Error = p.T(msg)
		return render(c, http.StatusTooManyRequests, views.SignInPage(p, m))
	}
	in := h.startInput(c.Request(), username, password)
	in.Devices = h.browserDevices(c.Request())
	res, err := h.d.Engine.Start(c.Request().Context(), in)
	if err != nil {
		h.countFailure(c, abuse.Password, username, err)
		var ce *cognito.Error
		if errors.As(err, &ce) && ce.Kind == cognito.PasswordResetRequired {
			// An administrator reset the password and Cognito sent a code: choose a new one.
			h.saveFlow(c.Response(), c.Request(), flowState{Username: username, Notice: ce.Kind.MessageID()})
			return c.Redirect(http.StatusSeeOther, PathReset)
		}
		if errors.As(err, &ce) && ce.Kind == cognito.UserNotConfirmed {
			if ok, err := h.toConfirmSignUp(c, username); ok {
				return err
			}
		}
		if errors.As(err, &ce) {
			h.logEngineError(c, "start sign-in", ce)
			p := h.page(c)
			m.Error = p.T(ce.Kind.MessageID())
			return render(c, statusFor(c, ce), views.SignInPage(p, m))
		}
		return h.internal(c, "start sign-in", err)
	}
	return h.advance(c, username, res)
}

// signInModel is the sign-in page for username: with the password field and the "Forgot
// password?" link unless the flow asks no password (CUSTOM_AUTH without one).
func (h *Handlers) signInModel(username string) views.SignIn {
	m := views.SignIn{Action: PathSignIn, Username: username, ForgotPasswordURL: PathForgot, SignUpURL: h.signUpURL()}
	if !h.d.Engine.NeedsPassword() {
		m.NoPassword, m.ForgotPasswordURL = true, ""
	}
	return m
}

// Restart abandons the sign-in under way and shows the sign-in form with the username kept.
func (h *Handlers) Restart(c echo.Context) error {
	var f flowState
	h.d.Cookies.loadFlow(c.Request(), &f)
	h.saveFlow(c.Response(), c.Request(), flowState{Username: f.Username})
	return c.Redirect(http.StatusSeeOther, PathSignIn)
}

// advance stores the next step in the flow cookie and shows it, or finishes the sign-in.
func (h *Handlers) advance(c echo.Context, username string, res cognito.Result) error {
	return h.advanceFlow(c, flowState{Username: username}, res)
}

// advanceFlow is advance keeping what the flow knows besides the step (f's State is replaced).
func (h *Handlers) advanceFlow(c echo.Context, f flowState, res cognito.Result) error {
	if res.Success != nil {
		h.keepNewDevice(c, res.Success)
		return h.finish(c, res.Success)
	}
	if res.Step == nil {
		return h.internal(c, "advance", errors.New("engine returned neither a step nor success"))
	}
	st := res.Step.State
	f.State = &st
	if err := h.d.Cookies.saveFlow(c.Response(), f); err != nil {
		return h.internal(c, "save flow", err)
	}
	// Post/redirect/get: a reload shows the step again instead of re-posting the form.
	return c.Redirect(http.StatusSeeOther, PathStep)
}

// finish hands the signed-in person to the OpenID provider: back to the app with a code, or to
// the account page when no app asked.
func (h *Handlers) finish(c echo.Context, s *cognito.Success) error {
	w, r := c.Response(), c.Request()
	req := h.parked(c)
	if req != nil && h.offerPasskey(c, s) {
		return h.startPasskeyOffer(c, s)
	}
	h.d.Cookies.clear(w, flowCookieName)
	h.d.Cookies.clear(w, authzCookieName)
	h.rememberFactor(w, s.AMR)
	if err := h.d.Provider.Login(w, r, req, s.Identity, s.RefreshToken); err != nil {
		if errors.Is(err, store.ErrUnavailable) {
			// Nothing was redirected. Cognito's session is used up, so the person signs in
			// again, but the app's request and the username stay (these cookies come after
			// the clearing ones, and the last one wins).
			if req != nil {
				if err := h.d.Cookies.save(w, authzCookieName, req); err != nil {
					h.d.Logger.ErrorContext(r.Context(), "park authorization request", "err", err)
				}
			}
			h.saveFlow(w, r, flowState{Username: s.Username, Notice: cognito.Unavailable.MessageID()})
		}
		return h.internal(c, "finish sign-in", err)
	}
	if req != nil {
		return nil // Login redirected to the app.
	}
	if rs, ok := h.takeReturn(w, r); ok {
		return c.Redirect(http.StatusSeeOther, rs.Path) // back to the admin page that asked
	}
	return c.Redirect(http.StatusSeeOther, PathAccount)
}

func (h *Handlers) saveFlow(w http.ResponseWriter, r *http.Request, f flowState) {
	if err := h.d.Cookies.saveFlow(w, f); err != nil {
		h.d.Logger.ErrorContext(r.Context(), "save flow cookie", "err", err)
	}
}

// restartWithNotice ends a sign-in whose Cognito session can no longer be used, keeping the
// username, and explains why on the sign-in page.
func (h *Handlers) restartWithNotice(c echo.Context, username, notice string) error {
	h.saveFlow(c.Response(), c.Request(), flowState{Username: username, Notice: notice})
	return c.Redirect(http.StatusSeeOther, PathSignIn)
}

// statusFor is the HTTP status of the page that explains an engine error. Cognito throttling (429)
// or unavailable (503) is temporary: the answer says when to try again (Retry-After).
func statusFor(c echo.Context, ce *cognito.Error) int {
	switch ce.Kind {
	case cognito.TooManyRequests, cognito.Unavailable:
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(RetryAfter/time.Second)))
		if ce.Kind == cognito.Unavailable {
			return http.StatusServiceUnavailable
		}
		return http.StatusTooManyRequests
	case cognito.LimitExceeded, cognito.TooManyFailedAttempts, cognito.PasswordAttemptsExceeded:
		return http.StatusTooManyRequests
	case cognito.Internal:
		return http.StatusBadGateway
	case cognito.WrongCredentials, cognito.UserDisabled:
		return http.StatusUnauthorized
	default:
		return http.StatusUnprocessableEntity
	}
}
