package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/internal/csrf"
	"github.com/bridgekeeper/bridgekeeper/oidc"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// ErrorPage renders the friendly error page for status. It is the web server's error renderer:
// it never shows internals, only a plain sentence, a "start again" link and the request id.
func (h *Handlers) ErrorPage(c echo.Context, status int, err error) error {
	p := h.page(c)
	msg := ""
	switch {
	case csrf.IsRefused(err):
		// A missing or stale token: usually a form left open too long.
		status = http.StatusForbidden
		msg = p.T("error.CSRF")
	case status == http.StatusNotFound:
		msg = p.T("error.NotFound")
	case status == http.StatusRequestEntityTooLarge, status == http.StatusBadRequest:
		msg = p.T("error.BadRequest")
	case status == http.StatusTooManyRequests:
		msg = p.T("error.RateLimited")
	case status == http.StatusServiceUnavailable:
		msg = p.T(cognito.Unavailable.MessageID()) // the store (or Cognito) does not answer
	}
	return render(c, status, views.ErrorPageView(p, views.ErrorPage{
		Status:       status,
		Message:      msg,
		StartOverURL: PathSignIn,
		RequestID:    c.Response().Header().Get(echo.HeaderXRequestID),
	}))
}

// OIDCError renders a page for an error the OpenID provider shows to the person (an unknown
// client, an unregistered redirect URI, a failed sign-out), in the language of the request's
// ui_locales, the language cookie or Accept-Language. It names no app: the parked request, if
// any, belongs to another sign-in.
func (h *Handlers) OIDCError(w http.ResponseWriter, r *http.Request, e *oidc.ErrorPage) {
	p := h.pageWith(r, "", &oidc.AuthRequest{UILocales: e.UILocales})
	page := views.ErrorPageView(p, views.ErrorPage{
		Status:    e.Status,
		Title:     translated(p, e.Title),
		Message:   translated(p, e.Message),
		RequestID: w.Header().Get(echo.HeaderXRequestID),
	})
	if err := renderTo(r.Context(), w, e.Status, page); err != nil {
		h.d.Logger.WarnContext(r.Context(), "render OpenID error page", "err", err)
	}
}

// translated is the provider's message id in the page's language, or "" (the page's default
// for its status) for none.
func translated(p views.Page, id oidc.MessageID) string {
	if id == "" {
		return ""
	}
	return p.T(string(id))
}

// Continue renders the page that takes the browser on to an app's address the OpenID provider
// could not redirect to after a form post (oidc.NeedsContinuePage).
func (h *Handlers) Continue(w http.ResponseWriter, r *http.Request, target, clientName string) {
	p := h.pageWith(r, "", h.loadParked(r))
	p.Refresh, p.App = target, "" // the heading names the app already
	if err := renderTo(r.Context(), w, http.StatusOK, views.ContinuePage(p, views.Continue{URL: target, App: clientName})); err != nil {
		h.d.Logger.WarnContext(r.Context(), "render continue page", "err", err)
	}
}

// ConfirmLogout asks the person whether to sign out when an app's sign-out request (OpenID
// end-session) cannot prove who sent it: the sign-out page, posting the provider's fields back.
func (h *Handlers) ConfirmLogout(w http.ResponseWriter, r *http.Request, prompt *oidc.LogoutPrompt) {
	p := h.pageWith(r, "", &oidc.AuthRequest{UILocales: prompt.UILocales}) // the app's ui_locales
	page := views.SignOutConfirmPage(p, views.SignOutConfirm{Action: prompt.Action, Fields: prompt.Fields, StayURL: PathAccount})
	if err := renderTo(r.Context(), w, http.StatusOK, page); err != nil {
		h.d.Logger.WarnContext(r.Context(), "render sign-out confirmation", "err", err)
	}
}

// LoggedOut shows the signed-out page after an app's sign-out request without a return address.
func (h *Handlers) LoggedOut(w http.ResponseWriter, r *http.Request) {
	p := h.pageWith(r, "", nil)
	if err := renderTo(r.Context(), w, http.StatusOK, views.SignedOutPage(p, views.SignedOut{SignInURL: PathSignIn})); err != nil {
		h.d.Logger.WarnContext(r.Context(), "render signed-out page", "err", err)
	}
}
