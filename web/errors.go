package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/handlers"
	"github.com/bridgekeeper/bridgekeeper/internal/csrf"
	"github.com/bridgekeeper/bridgekeeper/store"
)

// PlainErrorRenderer is the default ErrorRenderer: the status text as plain
// text ("Not Found").
func PlainErrorRenderer(c echo.Context, status int, _ error) error {
	return c.String(status, http.StatusText(status)+"\n")
}

// apiError is the JSON body of an error answered to an API call.
type apiError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// errorCode turns a status into a snake_case code ("not_found").
func errorCode(status int) string {
	text := http.StatusText(status)
	if text == "" {
		return "error"
	}
	return strings.ReplaceAll(strings.ToLower(text), " ", "_")
}

// handleError is echo's HTTPErrorHandler. It picks the status (500 for
// anything that is not an *echo.HTTPError), logs server errors with their
// details, and answers with JSON for API calls and the error page otherwise.
// What it sends never includes an error's text.
func (s *Server) handleError(err error, c echo.Context) {
	req := c.Request()
	if c.Response().Committed {
		s.log.WarnContext(req.Context(), "error after the response started", "err", err)
		return
	}
	status := http.StatusInternalServerError
	var he *echo.HTTPError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		status = he.Code
	case errors.As(err, &mbe):
		status = http.StatusRequestEntityTooLarge
	}
	if status < 400 || status > 599 {
		status = http.StatusInternalServerError
	}
	if errors.Is(err, store.ErrUnavailable) {
		// Redis down or failing over: it passes, and nothing was half-written.
		status = http.StatusServiceUnavailable
	}
	if status == http.StatusServiceUnavailable && c.Response().Header().Get("Retry-After") == "" {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(handlers.RetryAfter/time.Second)))
	}
	switch {
	case status >= 500:
		s.log.ErrorContext(req.Context(), "request failed", "status", status, "err", err)
	case csrf.IsRefused(err):
		s.log.InfoContext(req.Context(), "csrf check failed", "err", err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")

	var werr error
	switch {
	case req.Method == http.MethodHead:
		werr = c.NoContent(status)
	case s.isAPI(c):
		werr = c.JSON(status, apiError{Error: errorCode(status), Message: http.StatusText(status)})
	default:
		werr = s.deps.ErrorRenderer(c, status, err)
		if werr != nil && !c.Response().Committed {
			s.log.ErrorContext(req.Context(), "error page failed", "err", werr)
			werr = PlainErrorRenderer(c, status, err)
		}
	}
	if werr != nil {
		s.log.WarnContext(req.Context(), "write error response", "err", werr)
	}
}

// isAPI reports whether a request is an API call, answered in JSON: the
// operational and OpenID Connect endpoints, anything under /api/, and
// requests that ask for JSON rather than HTML.
func (s *Server) isAPI(c echo.Context) bool {
	p := c.Request().URL.Path
	if strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/readyz" || s.protocolPaths[p] {
		return true
	}
	accept := c.Request().Header.Get(echo.HeaderAccept)
	return strings.Contains(accept, echo.MIMEApplicationJSON) && !strings.Contains(accept, echo.MIMETextHTML)
}
