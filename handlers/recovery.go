package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/internal/abuse"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// ForgotGET asks for the username to send a password-reset code to.
func (h *Handlers) ForgotGET(c echo.Context) error {
	var f flowState
	h.d.Cookies.loadFlow(c.Request(), &f)
	return render(c, http.StatusOK, views.ForgotPasswordPage(h.page(c), views.ForgotPassword{Action: PathForgot, Username: f.Username, BackURL: PathSignIn}))
}

// ChangePasswordWellKnownGET sends a password manager's "change password" to the forgot-password
// page, where a code by email or text message lets the person choose a new password.
func (h *Handlers) ChangePasswordWellKnownGET(c echo.Context) error {
	return c.Redirect(http.StatusFound, PathForgot)
}

// ForgotPOST sends a reset code and shows the reset page. An unknown username looks exactly
// like a known one, so the page does not reveal who has an account.
func (h *Handlers) ForgotPOST(c echo.Context) error {
	p := h.page(c)
	username := strings.TrimSpace(c.FormValue(views.FieldUsername))
	if username == "" || len(username) > maxUsername {
		m := views.ForgotPassword{Action: PathForgot, BackURL: PathSignIn, FieldErrors: views.FieldErrors{views.FieldUsername: p.T("validation.username.required")}}
		return render(c, http.StatusUnprocessableEntity, views.ForgotPasswordPage(p, m))
	}
	// Beyond the send limit the page looks as if a code went out: the same neutral page whether
	// the limit refused, the user is unknown or a code was sent (the masked address is never
	// shown, so the page and the flow cookie are the same for everyone).
	neutral := func() error {
		f := flowState{Username: username}
		if c.FormValue(views.FieldResend) != "" {
			f.Notice = "notice.code_resent" // "Send a new code" on the reset page: say it happened
		}
		h.saveFlow(c.Response(), c.Request(), f)
		return c.Redirect(http.StatusSeeOther, PathReset)
	}
	if err := h.d.Limits.Send(c.Request().Context(), username, c.RealIP()); errors.Is(err, abuse.ErrLimited) {
		return neutral()
	} else if err != nil {
		return echo.NewHTTPError(http.StatusServiceUnavailable).SetInternal(fmt.Errorf("limits: %w", err))
	}
	_, err := h.d.Engine.ForgotPassword(c.Request().Context(), username)
	var ce *cognito.Error
	switch {
	case err == nil, errors.As(err, &ce) && ce.Kind == cognito.WrongCredentials:
		if err == nil {
			h.codeSent(c, abuse.ResetCode, username)
		}
		return neutral()
	case errors.As(err, &ce):
		h.logEngineError(c, "forgot password", ce)
		m := views.ForgotPassword{Action: PathForgot, Username: username, BackURL: PathSignIn, Error: p.T(ce.Kind.MessageID())}
		return render(c, statusFor(c, ce), views.ForgotPasswordPage(p, m))
	default:
		return h.internal(c, "forgot password", err)
	}
}

// ResetGET asks for the reset code and a new password.
func (h *Handlers) ResetGET(c echo.Context) error {
	var f flowState
	if !h.d.Cookies.loadFlow(c.Request(), &f) || f.Username == "" {
		return c.Redirect(http.StatusSeeOther, PathForgot)
	}
	return render(c, http.StatusOK, h.resetView(c, f, "", nil, resetTyped{}))
}

// ResetPOST sets the new password with the code, then sends the person to sign in with it.
func (h *Handlers) ResetPOST(c echo.Context) error {
	var f flowState
	if !h.d.Cookies.loadFlow(c.Request(), &f) || f.Username == "" {
		return c.Redirect(http.StatusSeeOther, PathForgot)
	}
	p := h.page(c)
	code, ok := cognito.NormalizeCode(c.FormValue(views.FieldCode), cognito.RecoveryCodeLength)
	pw, confirm := c.FormValue(views.FieldPassword), c.FormValue(views.FieldPasswordConfirm)
	errs := views.FieldErrors{}
	if !ok {
		errs[views.FieldCode] = p.T("validation.code.format", map[string]any{"Digits": cognito.RecoveryCodeLength})
	}
	switch {
	case pw == "":
		errs[views.FieldPassword] = p.T("validation.password.new_required")
	case len(pw) > maxPassword:
		errs[views.FieldPassword] = p.T("validation.too_long", map[string]any{"Max": maxPassword})
	case confirm != pw:
		errs[views.FieldPasswordConfirm] = p.T("validation.password.mismatch")
	default:
		if msg := passwordRuleError(p, h.passwordPolicy(c.Request().Context()), pw); msg != "" {
			errs[views.FieldPassword] = msg
		}
	}
	typed := func(errs views.FieldErrors) resetTyped {
		pw, confirm := keptPasswords(errs, pw, confirm)
		return resetTyped{password: pw, confirm: confirm}
	}
	if len(errs) > 0 {
		return render(c, http.StatusUnprocessableEntity, h.resetView(c, f, "", errs, typed(errs)))
	}
	if msg, err := h.checkLimit(c, abuse.ResetCode, f.Username); err != nil || msg != "" {
		if err != nil {
			return err
		}
		return render(c, http.StatusTooManyRequests, h.resetView(c, f, p.T(msg), nil, typed(nil)))
	}
	if err := h.d.Engine.ConfirmForgotPassword(c.Request().Context(), f.Username, code, pw); err != nil {
		h.countFailure(c, abuse.ResetCode, f.Username, err)
		var ce *cognito.Error
		if !errors.As(err, &ce) {
			return h.internal(c, "reset password", err)
		}
		h.logEngineError(c, "reset password", ce)
		general, errs := h.passwordRefusal(c.Request().Context(), p, ce, pw, formFields(views.FieldCode, views.FieldPassword))
		// A wrong or expired code keeps the typed new passwords; a refused password does not.
		return render(c, statusFor(c, ce), h.resetView(c, f, general, errs, typed(errs)))
	}
	h.saveFlow(c.Response(), c.Request(), flowState{Username: f.Username, Notice: "notice.password_reset"})
	return c.Redirect(http.StatusSeeOther, PathSignIn)
}

// resetTyped is what the reset page shows again of what was typed (see keptPasswords).
type resetTyped struct{ password, confirm string }

func (h *Handlers) resetView(c echo.Context, f flowState, errMsg string, errs views.FieldErrors, typed resetTyped) templ.Component {
	p := h.page(c)
	m := views.ResetPassword{
		Action: PathReset, Username: f.Username, Destination: f.ResetDestination, Digits: cognito.RecoveryCodeLength, Error: errMsg, FieldErrors: errs,
		ResendAction: PathForgot, BackURL: PathSignIn, Password: typed.password, PasswordConfirm: typed.confirm,
	}
	if f.Notice != "" {
		m.Notice = p.T(f.Notice)
	}
	m.Policy = policyLines(p, h.passwordPolicy(c.Request().Context()))
	return views.ResetPasswordPage(p, m)
}
