package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// stepForm is what a person posted on a step page, kept to redisplay it after an error.
type stepForm struct {
	Attributes map[string]string
	DeviceName string
	Email      string
}

// StepGET shows the page for the sign-in step under way. Reloading it is safe.
func (h *Handlers) StepGET(c echo.Context) error {
	f, ok := h.currentFlow(c)
	if !ok {
		return c.Redirect(http.StatusSeeOther, PathSignIn)
	}
	return render(c, http.StatusOK, h.stepView(c, *f.State, stepForm{}, "", nil))
}

// StepPOST answers the step under way with what the person posted.
func (h *Handlers) StepPOST(c echo.Context) error {
	f, ok := h.currentFlow(c)
	if !ok {
		return h.restartWithNotice(c, "", "error.SessionExpired")
	}
	st := *f.State
	p := h.page(c)
	ans, form, fieldErrs := h.parseAnswer(c, p, st)
	if len(fieldErrs) > 0 {
		return render(c, http.StatusUnprocessableEntity, h.stepView(c, st, form, "", fieldErrs))
	}
	res, err := h.d.Engine.Answer(c.Request().Context(), st, ans)
	if err != nil {
		var ce *cognito.Error
		if !errors.As(err, &ce) {
			return h.internal(c, "answer step", err)
		}
		h.logEngineError(c, "answer step", ce)
		if ce.Kind.Restart() {
			return h.restartWithNotice(c, f.Username, ce.Kind.MessageID())
		}
		return render(c, statusFor(ce), h.stepView(c, st, form, p.T(ce.Kind.MessageID()), nil))
	}
	return h.advance(c, f.Username, res)
}

func (h *Handlers) currentFlow(c echo.Context) (flowState, bool) {
	var f flowState
	if !h.d.Cookies.loadFlow(c.Request(), &f) || f.State == nil {
		return flowState{}, false
	}
	return f, true
}

// parseAnswer reads the form for the step's kind and checks it before anything goes to Cognito.
func (h *Handlers) parseAnswer(c echo.Context, p views.Page, st cognito.State) (cognito.Answer, stepForm, views.FieldErrors) {
	errs := views.FieldErrors{}
	form := stepForm{}
	var a cognito.Answer
	switch st.Kind {
	case cognito.StepNewPassword:
		a.NewPassword = c.FormValue(views.FieldPassword)
		confirm := c.FormValue(views.FieldPasswordConfirm)
		switch {
		case a.NewPassword == "":
			errs[views.FieldPassword] = p.T("validation.password.new_required")
		case len(a.NewPassword) > maxPassword:
			errs[views.FieldPassword] = p.T("validation.too_long", map[string]any{"Max": maxPassword})
		case confirm == "":
			errs[views.FieldPasswordConfirm] = p.T("validation.password.confirm_required")
		case confirm != a.NewPassword:
			errs[views.FieldPasswordConfirm] = p.T("validation.password.mismatch")
		}
		a.Attributes = map[string]string{}
		form.Attributes = map[string]string{}
		for _, name := range st.RequiredAttributes {
			v := strings.TrimSpace(c.FormValue(views.AttributeFieldName(name)))
			form.Attributes[name] = v
			switch {
			case v == "":
				errs[views.AttributeFieldName(name)] = p.T("validation.attribute.required", map[string]any{"Field": views.AttributeLabel(p, name)})
				continue
			case len(v) > maxAttr:
				errs[views.AttributeFieldName(name)] = p.T("validation.too_long", map[string]any{"Max": maxAttr})
				continue
			}
			a.Attributes[name] = v
		}
	case cognito.StepSMSCode, cognito.StepEmailCode, cognito.StepTOTPCode:
		a.Code = strings.TrimSpace(c.FormValue(views.FieldCode))
		if !validCode(a.Code) {
			errs[views.FieldCode] = p.T("validation.code.format", map[string]any{"Digits": 6})
		}
	case cognito.StepTOTPSetup:
		a.Code = strings.TrimSpace(c.FormValue(views.FieldCode))
		a.DeviceName = strings.TrimSpace(c.FormValue(views.FieldDeviceName))
		form.DeviceName = a.DeviceName
		if !validCode(a.Code) {
			errs[views.FieldCode] = p.T("validation.code.format", map[string]any{"Digits": 6})
		}
		if len(a.DeviceName) > 64 {
			errs[views.FieldDeviceName] = p.T("validation.too_long", map[string]any{"Max": 64})
		}
	case cognito.StepSelectMFA, cognito.StepMFASetupChoice:
		a.Method = c.FormValue(views.FieldMethod)
		if !contains(st.Options, a.Method) {
			errs[views.FieldMethod] = p.T("validation.method.required")
		}
	case cognito.StepEmailSetup:
		a.Email = strings.TrimSpace(c.FormValue(views.FieldEmail))
		form.Email = a.Email
		if !strings.Contains(a.Email, "@") || len(a.Email) > 254 {
			errs[views.FieldEmail] = p.T("validation.email.format")
		}
	default:
		errs[""] = p.T("error.Internal")
	}
	return a, form, errs
}

// stepView picks the page for the step's kind.
func (h *Handlers) stepView(c echo.Context, st cognito.State, form stepForm, errMsg string, errs views.FieldErrors) templ.Component {
	p := h.page(c)
	switch st.Kind {
	case cognito.StepNewPassword:
		m := views.NewPassword{Action: PathStep, Error: errMsg, FieldErrors: errs, StartOverURL: PathRestart}
		for _, rule := range h.d.PasswordPolicy {
			m.Policy = append(m.Policy, p.T(rule.ID, rule.Data))
		}
		for _, name := range st.RequiredAttributes {
			m.Attributes = append(m.Attributes, views.AttributeInput{Name: name, Value: form.Attributes[name]})
		}
		return views.NewPasswordPage(p, m)
	case cognito.StepSMSCode, cognito.StepEmailCode, cognito.StepTOTPCode:
		m := views.CodeEntry{Kind: codeKind(st.Kind), Action: PathStep, Destination: st.Destination, DeviceName: st.DeviceName, Error: errMsg, FieldErrors: errs}
		if st.Kind != cognito.StepTOTPCode {
			m.RestartURL = PathRestart
		}
		return views.CodeEntryPage(p, m)
	case cognito.StepSelectMFA:
		return views.SelectMFAPage(p, views.SelectMFA{Action: PathStep, Methods: st.Options, Error: errMsg, StartOverURL: PathRestart})
	case cognito.StepMFASetupChoice:
		return views.MFASetupChoicePage(p, views.MFASetupChoice{Action: PathStep, Methods: st.Options, Error: errMsg, StartOverURL: PathRestart})
	case cognito.StepTOTPSetup:
		return views.TOTPSetupPage(p, views.TOTPSetup{Action: PathStep, Secret: st.SecretCode, URI: cognito.OTPAuthURI(h.d.TOTPIssuer, st.Username, st.SecretCode), Account: st.Username, DeviceName: form.DeviceName, Error: errMsg, FieldErrors: errs, StartOverURL: PathRestart})
	case cognito.StepEmailSetup:
		return views.EmailMFASetupPage(p, views.EmailMFASetup{Action: PathStep, Email: form.Email, Error: errMsg, FieldErrors: errs, StartOverURL: PathRestart})
	default:
		return views.ErrorPageView(p, views.ErrorPage{Status: http.StatusNotImplemented, Message: p.T("error.UnsupportedChallenge"), StartOverURL: PathRestart})
	}
}

func codeKind(k cognito.StepKind) views.CodeKind {
	switch k {
	case cognito.StepSMSCode:
		return views.CodeSMS
	case cognito.StepEmailCode:
		return views.CodeEmail
	default:
		return views.CodeTOTP
	}
}

func validCode(s string) bool {
	if len(s) < 6 || len(s) > maxCode {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
