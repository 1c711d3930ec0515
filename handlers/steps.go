package handlers

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/internal/abuse"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// stepForm is what a person posted on a step page (field name → value), kept to redisplay it
// after an error. Passwords and codes are never kept.
type stepForm map[string]string

// stepPage is the page of one step kind: how its form is read and checked, and which view shows
// it. One entry per cognito.StepKind, each in a steps_*.go file, listed in stepPages.
type stepPage struct {
	// parse reads and checks the posted form before anything goes to Cognito. form returns a
	// posted field's value.
	parse func(p views.Page, st cognito.State, form func(string) string) (cognito.Answer, stepForm, views.FieldErrors)
	// view renders the page for st, keeping what was posted and showing errors.
	view func(h *Handlers, p views.Page, st cognito.State, v stepInput) templ.Component
	// messages are the catalog ids the entry itself looks up (not the view's fixed ones); a
	// test checks each exists in the English catalog.
	messages []string
	// newPassword: the form sets a new password, checked against the pool's policy once parse
	// found nothing else wrong with it (policy.go).
	newPassword bool
}

// stepInput is what a step page shows besides the state: what was posted and what was wrong.
type stepInput struct {
	form stepForm
	err  string
	errs views.FieldErrors
	// chose is the flow's Chose: the person chose among several MFA methods.
	chose bool
	// username is the name the person typed, for password managers.
	username string
	// policy is the pool's password policy, for a new-password form.
	policy []PolicyRule
}

// stepPages is the step-page registry: one page per step kind the engine can show.
func stepPages() map[cognito.StepKind]stepPage {
	return map[cognito.StepKind]stepPage{
		cognito.StepNewPassword:     newPasswordPage(),
		cognito.StepSMSCode:         smsCodePage(),
		cognito.StepEmailCode:       emailCodePage(),
		cognito.StepTOTPCode:        totpCodePage(),
		cognito.StepSelectMFA:       selectMFAPage(),
		cognito.StepMFASetupChoice:  mfaSetupChoicePage(),
		cognito.StepTOTPSetup:       totpSetupPage(),
		cognito.StepEmailSetup:      emailSetupPage(),
		cognito.StepUnsupported:     unsupportedPage(),
		cognito.StepCustomChallenge: customChallengePage(),
		// Choice-based sign-in (steps_userauth.go).
		cognito.StepSelectChallenge: selectChallengePage(),
		cognito.StepSignInPassword:  signInPasswordPage(),
		cognito.StepEmailSignInCode: emailSignInCodePage(),
		cognito.StepSMSSignInCode:   smsSignInCodePage(),
		cognito.StepPasskey:         passkeyPage(),
	}
}

// unsupportedPage explains a challenge Bridgekeeper cannot answer; its form cannot be posted.
func unsupportedPage() stepPage {
	return stepPage{
		parse: func(p views.Page, _ cognito.State, _ func(string) string) (cognito.Answer, stepForm, views.FieldErrors) {
			return nil, nil, views.FieldErrors{"": p.T("error.Internal")}
		},
		view: func(_ *Handlers, p views.Page, _ cognito.State, _ stepInput) templ.Component {
			return views.ErrorPageView(p, views.ErrorPage{Status: http.StatusNotImplemented, Message: p.T("error.UnsupportedChallenge"), StartOverURL: PathRestart})
		},
		messages: []string{"error.Internal", "error.UnsupportedChallenge"},
	}
}

// StepGET shows the page for the sign-in step under way. Reloading it is safe.
func (h *Handlers) StepGET(c echo.Context) error {
	f, ok := h.currentFlow(c)
	if !ok {
		return c.Redirect(http.StatusSeeOther, PathSignIn)
	}
	return render(c, http.StatusOK, h.stepView(c, *f.State, stepInput{chose: f.Chose, username: f.Username}))
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
		return render(c, http.StatusUnprocessableEntity, h.stepView(c, st, stepInput{form: form, errs: fieldErrs, chose: f.Chose, username: f.Username}))
	}
	limit := stepLimit(st, ans)
	if limit != "" {
		if msg, err := h.checkLimit(c, limit, st.Username); err != nil || msg != "" {
			if err != nil {
				return err
			}
			return render(c, http.StatusTooManyRequests, h.stepView(c, st, stepInput{form: form, err: p.T(msg), chose: f.Chose, username: f.Username}))
		}
	}
	ctx := cognito.WithDevice(c.Request().Context(), h.browserDevice(c.Request(), st.Username))
	res, err := h.d.Engine.Answer(ctx, st, ans)
	if err != nil {
		if limit != "" {
			h.countFailure(c, limit, st.Username, err)
		}
		var ce *cognito.Error
		if !errors.As(err, &ce) {
			return h.internal(c, "answer step", err)
		}
		h.logEngineError(c, "answer step", ce)
		if ce.Kind == cognito.SessionExpired && f.Interrupted {
			return h.restartWithNotice(c, f.Username, msgInterrupted)
		}
		if ce.Kind.Restart() {
			return h.restartWithNotice(c, f.Username, ce.Kind.MessageID())
		}
		if ce.Kind == cognito.Unavailable && !f.Interrupted {
			// The step stays (its Cognito session with it): the person types the code again in a
			// moment, or reloads /signin/step, which shows the same step.
			f.Interrupted = true
			h.saveFlow(c.Response(), c.Request(), f)
		}
		general, errs := h.passwordRefusal(c.Request().Context(), p, ce, ans[cognito.AnswerNewPassword], answered(ans))
		if refusalField(ce.Kind) == views.FieldPassword {
			form = form.withoutPasswords() // the password is the problem: it is not shown again
		}
		return render(c, statusFor(c, ce), h.stepView(c, st, stepInput{form: form, err: general, errs: errs, chose: f.Chose, username: f.Username}))
	}
	return h.advanceFlow(c, flowState{Username: f.Username, Chose: f.Chose || st.Kind == cognito.StepSelectMFA}, res)
}

// stepLimit is the guessing limit an answer falls under: the password of choice-based sign-in, a
// one-time code, or none.
func stepLimit(st cognito.State, ans cognito.Answer) abuse.Kind {
	if st.Kind == cognito.StepSignInPassword {
		return abuse.Password
	}
	if _, ok := ans[cognito.AnswerCode]; ok {
		return abuse.MFACode
	}
	return ""
}

func (h *Handlers) currentFlow(c echo.Context) (flowState, bool) {
	var f flowState
	if !h.d.Cookies.loadFlow(c.Request(), &f) || f.State == nil {
		return flowState{}, false
	}
	return f, true
}

// pageFor is the registered page of the step's kind; a kind with none (a cookie from another
// version) is shown as the unsupported step.
func (h *Handlers) pageOf(st cognito.State) stepPage {
	if sp, ok := h.steps[st.Kind]; ok {
		return sp
	}
	return h.steps[cognito.StepUnsupported]
}

// parseAnswer reads the form for the step's kind and checks it before anything goes to Cognito.
func (h *Handlers) parseAnswer(c echo.Context, p views.Page, st cognito.State) (cognito.Answer, stepForm, views.FieldErrors) {
	sp := h.pageOf(st)
	a, form, errs := sp.parse(p, st, c.FormValue)
	if sp.newPassword && errs[views.FieldPassword] == "" && errs[views.FieldPasswordConfirm] == "" {
		if msg := passwordRuleError(p, h.passwordPolicy(c.Request().Context()), c.FormValue(views.FieldPassword)); msg != "" {
			errs[views.FieldPassword] = msg
			form = form.withoutPasswords()
		}
	}
	return a, form, errs
}

// stepView shows the page for the step's kind.
func (h *Handlers) stepView(c echo.Context, st cognito.State, v stepInput) templ.Component {
	sp := h.pageOf(st)
	if sp.newPassword {
		v.policy = h.passwordPolicy(c.Request().Context())
	}
	return sp.view(h, h.page(c), st, v)
}

// parseCode reads a one-time code of the step's length into the answer, checking its format
// with cognito's one rule.
func parseCode(p views.Page, form func(string) string, digits int, a cognito.Answer, errs views.FieldErrors) {
	code, ok := cognito.NormalizeCode(form(views.FieldCode), digits)
	if !ok {
		errs[views.FieldCode] = p.T("validation.code.format", map[string]any{"Digits": digits})
		return
	}
	a[cognito.AnswerCode] = code
}

// parseMethod reads a method choice that must be one of those offered.
func parseMethod(p views.Page, st cognito.State, form func(string) string) (cognito.Answer, stepForm, views.FieldErrors) {
	m := form(views.FieldMethod)
	if !slices.Contains(cognito.DataOf[cognito.ChoiceData](st).Options, m) {
		return nil, nil, views.FieldErrors{views.FieldMethod: p.T("validation.method.required")}
	}
	return cognito.Answer{cognito.AnswerMethod: m}, nil, nil
}

// trimmed is a posted field's value without surrounding spaces.
func trimmed(form func(string) string, name string) string {
	return strings.TrimSpace(form(name))
}
