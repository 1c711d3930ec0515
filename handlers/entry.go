package handlers

import (
	"errors"
	"net/http"

	"github.com/bridgekeeper/bridgekeeper/oidc"
)

// Entry is the part of the pages the OpenID provider calls back: StartLogin parks an app's
// request and shows the sign-in page, OIDCError shows the provider's error pages and Continue
// its continue page. It does not need the provider, so the wiring builds it first, gives its
// methods to oidc.New, and then builds the handlers with the provider: no cycle, no variable
// set later.
type Entry struct{ h *Handlers }

// NewEntry builds the entry from the deps every page shares (Engine, Bundle and Cookies are
// required; the sign-in page asks the engine whether a password is needed, and names the app
// with AppName, which oidc.ClientNames gives without the provider; Provider is not used).
func NewEntry(d Deps) (*Entry, error) {
	if d.Engine == nil || d.Bundle == nil || d.Cookies == nil {
		return nil, errors.New("handlers: Engine, Bundle and Cookies are required")
	}
	return &Entry{h: withDefaults(d)}, nil
}

// StartLogin implements the OpenID provider's StartLogin hook (see Handlers.StartLogin).
func (e *Entry) StartLogin(w http.ResponseWriter, r *http.Request, req *oidc.AuthRequest) {
	e.h.StartLogin(w, r, req)
}

// OIDCError implements the OpenID provider's RenderError hook (see Handlers.OIDCError).
func (e *Entry) OIDCError(w http.ResponseWriter, r *http.Request, page *oidc.ErrorPage) {
	e.h.OIDCError(w, r, page)
}

// Continue implements the OpenID provider's Continue hook (see Handlers.Continue).
func (e *Entry) Continue(w http.ResponseWriter, r *http.Request, target, clientName string) {
	e.h.Continue(w, r, target, clientName)
}

// ConfirmLogout implements the OpenID provider's ConfirmLogout hook (see Handlers.ConfirmLogout).
func (e *Entry) ConfirmLogout(w http.ResponseWriter, r *http.Request, prompt *oidc.LogoutPrompt) {
	e.h.ConfirmLogout(w, r, prompt)
}

// LoggedOut implements the OpenID provider's LoggedOut hook (see Handlers.LoggedOut).
func (e *Entry) LoggedOut(w http.ResponseWriter, r *http.Request) {
	e.h.LoggedOut(w, r)
}
