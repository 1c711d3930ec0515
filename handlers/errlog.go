package handlers

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/cognito"
)

// Errors are logged once, where they are handled: an engine error the page explains is logged
// here (logEngineError), and an error that ends in a 500 is returned to the web server, which
// logs it with the request (internal).

// logEngineError logs an engine error the handler has turned into a page: at info level what the
// person did wrong (kind and Cognito's error code), at error level a problem of configuration or
// a bug, with its cause (Cognito's message names the problem, not the request's values).
func (h *Handlers) logEngineError(c echo.Context, what string, ce *cognito.Error) {
	ctx := c.Request().Context()
	attrs := []any{"kind", ce.Kind.String(), "code", ce.Code}
	if ce.Kind == cognito.Unavailable || ce.Kind == cognito.TooManyRequests {
		// Cognito slow, throttling or down: nobody's mistake, but operators want to know.
		h.d.Logger.WarnContext(ctx, what, append(attrs, "op", ce.Op, "cause", ce.Err)...)
		return
	}
	if !isOurProblem(ce) {
		h.d.Logger.InfoContext(ctx, what, attrs...)
		return
	}
	h.d.Logger.ErrorContext(ctx, what, append(attrs, "op", ce.Op, "cause", ce.Err)...)
}

// isOurProblem reports whether an engine error points at configuration or a bug rather than at
// what the person typed.
func isOurProblem(ce *cognito.Error) bool {
	return ce.Kind == cognito.InvalidParameter || ce.Kind == cognito.Internal || ce.Kind == cognito.PasskeyUnavailable
}

// withCause adds the cause of an engine error that points at configuration or a bug to the
// error's text, for the OpenID provider, which logs the errors of refreshes once.
func withCause(err error) error {
	var ce *cognito.Error
	if errors.As(err, &ce) && isOurProblem(ce) && ce.Err != nil {
		return fmt.Errorf("%w: %v", err, ce.Err)
	}
	return err
}

// internal ends the request with a 500. It does not log: the web server's error handler logs
// the error once, with the request id.
func (h *Handlers) internal(_ echo.Context, what string, err error) error {
	return echo.NewHTTPError(http.StatusInternalServerError).SetInternal(fmt.Errorf("%s: %w", what, err))
}
