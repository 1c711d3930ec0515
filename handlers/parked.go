package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/oidc"
)

// parkedKey is the echo context key of the request's decoded authorization cookie.
const parkedKey = "handlers.parked"

// parkedRequest is the authorization cookie as decoded for one request (req nil: none parked).
type parkedRequest struct{ req *oidc.AuthRequest }

// parked returns the app's request parked in the authorization cookie, or nil. It opens the
// cookie once per request and keeps the result on the echo context: every page render needs it
// (for ui_locales), and a failed post renders more than once.
func (h *Handlers) parked(c echo.Context) *oidc.AuthRequest {
	if p, ok := c.Get(parkedKey).(parkedRequest); ok {
		return p.req
	}
	p := parkedRequest{req: h.loadParked(c.Request())}
	c.Set(parkedKey, p)
	return p.req
}

// loadParked opens the authorization cookie of r (nil when absent or unreadable).
func (h *Handlers) loadParked(r *http.Request) *oidc.AuthRequest {
	var req oidc.AuthRequest
	if !h.d.Cookies.load(r, authzCookieName, &req) {
		return nil
	}
	return &req
}

// uiLocales is the parked request's ui_locales, as Localizer takes them.
func uiLocales(req *oidc.AuthRequest) []string {
	if req == nil || len(req.UILocales) == 0 {
		return nil
	}
	return []string{strings.Join(req.UILocales, " ")}
}
