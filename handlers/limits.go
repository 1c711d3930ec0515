package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/internal/abuse"
)

// Limits refuses guessing per username and client address (*abuse.Limiter implements it). Every
// refusal is logged once, by the limiter, with its reason.
type Limits interface {
	Check(ctx context.Context, k abuse.Kind, username, addr string) error
	Failed(ctx context.Context, k abuse.Kind, username, addr string) error
	Reset(ctx context.Context, k abuse.Kind, username, addr string) error
	Send(ctx context.Context, username, addr string) error
}

// noLimits is used when Deps.Limits is nil.
type noLimits struct{}

func (noLimits) Check(context.Context, abuse.Kind, string, string) error  { return nil }
func (noLimits) Failed(context.Context, abuse.Kind, string, string) error { return nil }
func (noLimits) Reset(context.Context, abuse.Kind, string, string) error  { return nil }
func (noLimits) Send(context.Context, string, string) error               { return nil }

// limitMessages are the catalog ids shown when a limit refuses: the same sentence whether or not
// the username exists (Cognito's own lockout of a real user shows the password one too).
var limitMessages = map[abuse.Kind]string{
	abuse.Password:  cognito.PasswordAttemptsExceeded.MessageID(),
	abuse.MFACode:   cognito.LimitExceeded.MessageID(),
	abuse.ResetCode: cognito.LimitExceeded.MessageID(),
	// Sign-up confirmation: the person knows the account exists, so a refusal says so plainly.
	abuse.ConfirmCode: cognito.LimitExceeded.MessageID(),
	abuse.CodeSend:    cognito.LimitExceeded.MessageID(),
}

// checkLimit asks the limiter before an attempt of kind k goes to Cognito. limited is the
// catalog id to show when it refuses (Retry-After is set); err is a 503 when the store fails.
func (h *Handlers) checkLimit(c echo.Context, k abuse.Kind, username string) (limited string, err error) {
	return h.limited(c, k, h.d.Limits.Check(c.Request().Context(), k, username, c.RealIP()))
}

// limited turns a limiter's answer into the message to show (with Retry-After) or a 503.
func (h *Handlers) limited(c echo.Context, k abuse.Kind, err error) (string, error) {
	var r *abuse.Refusal
	switch {
	case err == nil:
		return "", nil
	case errors.As(err, &r):
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(max(r.Wait.Round(time.Second), time.Second)/time.Second)))
		return limitMessages[k], nil
	}
	return "", echo.NewHTTPError(http.StatusServiceUnavailable).SetInternal(fmt.Errorf("limits: %w", err))
}

// countFailure counts what Cognito answered to an attempt of kind k: a wrong password or code
// (and, for passwords, an unknown user or Cognito's own lockout, so both look alike).
func (h *Handlers) countFailure(c echo.Context, k abuse.Kind, username string, err error) {
	var ce *cognito.Error
	if !errors.As(err, &ce) {
		return
	}
	switch ce.Kind {
	case cognito.WrongCredentials, cognito.PasswordAttemptsExceeded, cognito.CodeMismatch, cognito.LimitExceeded:
	default:
		return
	}
	if ferr := h.d.Limits.Failed(c.Request().Context(), k, username, c.RealIP()); ferr != nil {
		h.d.Logger.ErrorContext(c.Request().Context(), "count failed attempt", "reason", string(k), "err", ferr)
	}
}

// codeSent forgets this address's wrong codes of kind k for username: a new code went out.
func (h *Handlers) codeSent(c echo.Context, k abuse.Kind, username string) {
	if err := h.d.Limits.Reset(c.Request().Context(), k, username, c.RealIP()); err != nil {
		h.d.Logger.ErrorContext(c.Request().Context(), "reset code limit", "reason", string(k), "err", err)
	}
}
