package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/internal/abuse"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// Self-service sign-up (signup.enabled): the sign-up page shows the pool's password policy and
// required attributes up front; Cognito sends a code; the confirmation page takes it (and sends
// a new one); then the person signs in with the username filled in, or, with choice-based
// sign-in, is signed in at once (SignUp's Session goes to ConfirmSignUp, whose Session starts
// the sign-in) and goes on to the app that was waiting. A sign-in refused with UserNotConfirmed
// leads to the same confirmation page.

// SignUpService is the part of the sign-in engine sign-up uses. *cognito.Engine implements it.
type SignUpService interface {
	SignUp(ctx context.Context, username, password string, attrs map[string]string) (cognito.SignedUp, error)
	ConfirmSignUp(ctx context.Context, username, code, session string) (string, error)
	ResendConfirmationCode(ctx context.Context, username string) (cognito.Delivery, error)
	StartAfterSignUp(ctx context.Context, username, session, medium string) (cognito.Result, error)
}

// SignUpDeps turn sign-up on: the engine's calls and what the pool asks of a new account (read
// once at start-up with cognito.Engine.SignUpForm).
type SignUpDeps struct {
	Service SignUpService
	Form    cognito.SignUpForm
}

func (h *Handlers) signUpOn() bool { return h.d.SignUp != nil && h.d.SignUp.Service != nil }

// signUpURL is the sign-in page's "Create an account" link, empty when sign-up is off.
func (h *Handlers) signUpURL() string {
	if h.signUpOn() {
		return PathSignUp
	}
	return ""
}

// SignUpGET shows the sign-up form.
func (h *Handlers) SignUpGET(c echo.Context) error {
	if !h.signUpOn() {
		return h.ErrorPage(c, http.StatusNotFound, nil)
	}
	return render(c, http.StatusOK, views.SignUpPage(h.page(c), h.signUpModel(c, h.page(c), "", nil)))
}

func (h *Handlers) signUpModel(c echo.Context, p views.Page, username string, attrs map[string]string) views.SignUp {
	m := views.SignUp{Action: PathSignUp, Username: username, BackURL: PathSignIn, FieldErrors: views.FieldErrors{},
		Policy: policyLines(p, h.passwordPolicy(c.Request().Context()))}
	for _, name := range h.d.SignUp.Form.Required {
		m.Attributes = append(m.Attributes, views.AttributeInput{Name: name, Value: attrs[name]})
	}
	return m
}

// SignUpPOST creates the account and shows the confirmation page. A taken username is said
// neutrally (docs/security.md), as Cognito's UsernameExistsException allows no less.
func (h *Handlers) SignUpPOST(c echo.Context) error {
	if !h.signUpOn() {
		return h.ErrorPage(c, http.StatusNotFound, nil)
	}
	p := h.page(c)
	username := strings.TrimSpace(c.FormValue(views.FieldUsername))
	pw, confirm := c.FormValue(views.FieldPassword), c.FormValue(views.FieldPasswordConfirm)
	attrs := map[string]string{}
	for _, name := range h.d.SignUp.Form.Required {
		attrs[name] = strings.TrimSpace(c.FormValue(views.AttributeFieldName(name)))
	}
	m := h.signUpModel(c, p, username, attrs)
	if username == "" || len(username) > maxUsername {
		m.FieldErrors[views.FieldUsername] = p.T("validation.username.required")
		m.Username = ""
	}
	switch {
	case pw == "":
		m.FieldErrors[views.FieldPassword] = p.T("validation.password.new_required")
	case len(pw) > maxPassword:
		m.FieldErrors[views.FieldPassword] = p.T("validation.too_long", map[string]any{"Max": maxPassword})
	case confirm != pw:
		m.FieldErrors[views.FieldPasswordConfirm] = p.T("validation.password.mismatch")
	default:
		if msg := passwordRuleError(p, h.passwordPolicy(c.Request().Context()), pw); msg != "" {
			m.FieldErrors[views.FieldPassword] = msg
		}
	}
	for name, v := range attrs {
		switch {
		case v == "":
			m.FieldErrors[views.AttributeFieldName(name)] = p.T("validation.attribute.required", map[string]any{"Field": views.AttributeLabel(p, name)})
		case len(v) > maxAttr:
			m.FieldErrors[views.AttributeFieldName(name)] = p.T("validation.too_long", map[string]any{"Max": maxAttr})
		}
	}
	if len(m.FieldErrors) > 0 {
		return render(c, http.StatusUnprocessableEntity, views.SignUpPage(p, m))
	}
	up, err := h.d.SignUp.Service.SignUp(c.Request().Context(), username, pw, attrs)
	if err != nil {
		var ce *cognito.Error
		if !errors.As(err, &ce) {
			return h.internal(c, "sign up", err)
		}
		h.logEngineError(c, "sign up", ce)
		if ce.Kind == cognito.UsernameExists {
			m.FieldErrors[views.FieldUsername] = p.T(ce.Kind.MessageID())
		} else {
			m.Error, m.FieldErrors = h.passwordRefusal(c.Request().Context(), p, ce, pw, formFields(views.FieldPassword))
			m.Policy = policyLines(p, h.passwordPolicy(c.Request().Context()))
		}
		return render(c, statusFor(c, ce), views.SignUpPage(p, m))
	}
	f := flowState{Username: username, ResetDestination: up.Delivery.Destination}
	if h.d.Choice != nil {
		// Choice-based sign-in: confirming the account will sign the person in.
		f.SignUpSession, f.SignUpMedium = up.Session, up.Delivery.Medium
	}
	h.saveFlow(c.Response(), c.Request(), f)
	return c.Redirect(http.StatusSeeOther, PathSignUpConfirm)
}

// ConfirmSignUpGET asks for the code that confirms the account the flow cookie names.
func (h *Handlers) ConfirmSignUpGET(c echo.Context) error {
	var f flowState
	if !h.signUpOn() || !h.d.Cookies.loadFlow(c.Request(), &f) || f.Username == "" {
		return c.Redirect(http.StatusSeeOther, PathSignIn)
	}
	return render(c, http.StatusOK, h.confirmView(c, f, "", nil))
}

func (h *Handlers) confirmView(c echo.Context, f flowState, errMsg string, errs views.FieldErrors) templ.Component {
	p := h.page(c)
	m := views.ConfirmSignUp{Action: PathSignUpConfirm, Username: f.Username, Destination: f.ResetDestination, Digits: cognito.RecoveryCodeLength, Error: errMsg, FieldErrors: errs,
		ResendAction: PathSignUpResend, BackURL: PathSignIn}
	if f.Notice != "" {
		m.Notice = p.T(f.Notice)
	}
	return views.ConfirmSignUpPage(p, m)
}

// ConfirmSignUpPOST confirms the account with the code, then sends the person to sign in with
// the username filled in.
func (h *Handlers) ConfirmSignUpPOST(c echo.Context) error {
	var f flowState
	if !h.signUpOn() || !h.d.Cookies.loadFlow(c.Request(), &f) || f.Username == "" {
		return c.Redirect(http.StatusSeeOther, PathSignIn)
	}
	p := h.page(c)
	f.Notice = ""
	code, ok := cognito.NormalizeCode(c.FormValue(views.FieldCode), cognito.RecoveryCodeLength)
	if !ok {
		errs := views.FieldErrors{views.FieldCode: p.T("validation.code.format", map[string]any{"Digits": cognito.RecoveryCodeLength})}
		return render(c, http.StatusUnprocessableEntity, h.confirmView(c, f, "", errs))
	}
	if msg, err := h.checkLimit(c, abuse.ConfirmCode, f.Username); err != nil || msg != "" {
		if err != nil {
			return err
		}
		return render(c, http.StatusTooManyRequests, h.confirmView(c, f, p.T(msg), nil))
	}
	next, err := h.confirmSignUp(c, f, code)
	if err != nil {
		h.countFailure(c, abuse.ConfirmCode, f.Username, err)
		var ce *cognito.Error
		if !errors.As(err, &ce) {
			return h.internal(c, "confirm sign-up", err)
		}
		h.logEngineError(c, "confirm sign-up", ce)
		general, errs := refusal(p, ce.Kind, formFields(views.FieldCode))
		return render(c, statusFor(c, ce), h.confirmView(c, f, general, errs))
	}
	if next != "" && h.d.Choice != nil {
		res, err := h.d.SignUp.Service.StartAfterSignUp(c.Request().Context(), f.Username, next, f.SignUpMedium)
		if err == nil {
			return h.advance(c, f.Username, res)
		}
		// The account is confirmed all the same: the person signs in on the sign-in page.
		h.d.Logger.WarnContext(c.Request().Context(), "sign in after sign-up", "err", err)
	}
	h.saveFlow(c.Response(), c.Request(), flowState{Username: f.Username, Notice: "notice.account_confirmed"})
	return c.Redirect(http.StatusSeeOther, PathSignIn)
}

// confirmSignUp confirms f's account with code, passing on SignUp's Session when the flow
// keeps one, and returns the Session that signs the person in. A sign-up session that ran out
// does not cost the person their code: the account is confirmed without it.
func (h *Handlers) confirmSignUp(c echo.Context, f flowState, code string) (string, error) {
	ctx := c.Request().Context()
	next, err := h.d.SignUp.Service.ConfirmSignUp(ctx, f.Username, code, f.SignUpSession)
	var ce *cognito.Error
	if f.SignUpSession != "" && errors.As(err, &ce) && ce.Kind == cognito.SessionExpired {
		return h.d.SignUp.Service.ConfirmSignUp(ctx, f.Username, code, "")
	}
	return next, err
}

// ConfirmSignUpResendPOST sends a new confirmation code ("Send a new code").
func (h *Handlers) ConfirmSignUpResendPOST(c echo.Context) error {
	var f flowState
	if !h.signUpOn() || !h.d.Cookies.loadFlow(c.Request(), &f) || f.Username == "" {
		return c.Redirect(http.StatusSeeOther, PathSignIn)
	}
	p := h.page(c)
	f.Notice = ""
	if msg, err := h.sendAllowed(c, f.Username); err != nil || msg != "" {
		if err != nil {
			return err
		}
		return render(c, http.StatusTooManyRequests, h.confirmView(c, f, msg, nil))
	}
	d, err := h.d.SignUp.Service.ResendConfirmationCode(c.Request().Context(), f.Username)
	if err != nil {
		var ce *cognito.Error
		if !errors.As(err, &ce) {
			return h.internal(c, "resend confirmation code", err)
		}
		h.logEngineError(c, "resend confirmation code", ce)
		return render(c, statusFor(c, ce), h.confirmView(c, f, p.T(ce.Kind.MessageID()), nil))
	}
	h.codeSent(c, abuse.ConfirmCode, f.Username)
	h.saveFlow(c.Response(), c.Request(), flowState{Username: f.Username, ResetDestination: d.Destination, Notice: "notice.code_resent",
		SignUpSession: f.SignUpSession, SignUpMedium: d.Medium})
	return c.Redirect(http.StatusSeeOther, PathSignUpConfirm)
}

// toConfirmSignUp sends a person whose sign-in Cognito refused as unconfirmed to the
// confirmation page; false when sign-up is off here (the sign-in page shows the error then).
func (h *Handlers) toConfirmSignUp(c echo.Context, username string) (bool, error) {
	if !h.signUpOn() {
		return false, nil
	}
	h.saveFlow(c.Response(), c.Request(), flowState{Username: username, Notice: cognito.UserNotConfirmed.MessageID()})
	return true, c.Redirect(http.StatusSeeOther, PathSignUpConfirm)
}
