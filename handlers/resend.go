package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/internal/abuse"
)

// "Send a new code" on the sign-in's code pages (PathSignInResend). Cognito has no resend call
// for them: a one-time-code first factor (USER_AUTH) and a custom flow without a password start
// the sign-in again on the person's behalf, so Cognito sends a fresh code; an SMS or email MFA
// code follows the password, which is never kept, so the person is asked for it again, with a
// sentence saying why (the username kept). Every press counts in Bridgekeeper's code-send limit
// (limits.code_sends), and a refusal says when to try again. Recovery and sign-up confirmation
// codes are sent again through Cognito's own calls (recovery.go, signup.go).

// noticeResendPassword is the sign-in page's sentence after "Send a new code" on an MFA page.
const noticeResendPassword = "notice.resend_needs_password"

// msgSendRetry says when the code-send limit lets the person ask again ({{.Count}} minutes).
const msgSendRetry = "limit.send.retry"

// resendWay is how a step's "Send a new code" works.
type resendWay int

const (
	resendNone     resendWay = iota // the step has no code to send again
	resendRestart                   // the sign-in starts again, with the same factor
	resendPassword                  // the password is asked again
)

// resendOf is how "Send a new code" works on st's page, and the factor a restart prefers.
func (h *Handlers) resendOf(st cognito.State) (resendWay, string) {
	if f := signInCodeFactors()[st.Kind]; f != "" && h.d.Choice != nil {
		return resendRestart, f
	}
	switch st.Kind {
	case cognito.StepSMSCode, cognito.StepEmailCode:
		return resendPassword, ""
	case cognito.StepCustomChallenge:
		if h.d.Engine != nil && !h.d.Engine.NeedsPassword() {
			return resendRestart, ""
		}
	}
	return resendNone, ""
}

// SignInResendPOST sends a new code for the sign-in step under way.
func (h *Handlers) SignInResendPOST(c echo.Context) error {
	f, ok := h.currentFlow(c)
	if !ok {
		return h.restartWithNotice(c, f.Username, "error.SessionExpired")
	}
	st := *f.State
	way, factor := h.resendOf(st)
	if way == resendNone {
		return c.Redirect(http.StatusSeeOther, PathStep)
	}
	if msg, err := h.sendAllowed(c, st.Username); err != nil || msg != "" {
		if err != nil {
			return err
		}
		return render(c, http.StatusTooManyRequests, h.stepView(c, st, stepInput{err: msg}))
	}
	if way == resendPassword {
		return h.restartWithNotice(c, f.Username, noticeResendPassword)
	}
	res, err := h.d.Engine.Start(c.Request().Context(), cognito.StartInput{Username: st.Username, Preferred: factor})
	if err != nil {
		return h.stepError(c, f, st, "send a new code", err)
	}
	return h.advance(c, f.Username, res)
}

// sendAllowed counts a code send for username in Bridgekeeper's code-send limit. When the limit
// refuses, msg says in the person's language when to try again (and Retry-After is set); err is
// a 503 when the store fails.
func (h *Handlers) sendAllowed(c echo.Context, username string) (msg string, err error) {
	sent := h.d.Limits.Send(c.Request().Context(), username, c.RealIP())
	if id, err := h.limited(c, abuse.CodeSend, sent); err != nil || id == "" {
		return "", err
	}
	var r *abuse.Refusal
	errors.As(sent, &r)
	return h.page(c).T(msgSendRetry, map[string]any{"Count": retryMinutes(r.Wait)}), nil
}

// retryMinutes is a wait in whole minutes, rounded up (at least one).
func retryMinutes(wait time.Duration) int {
	return max(int((wait+time.Minute-1)/time.Minute), 1)
}
