package handlers

import (
	"net/http"
	"strings"
)

// returnCookieName holds where a sign-in that a protected page asked for goes back to.
const returnCookieName = "bk_return"

// returnState is what the return cookie carries.
type returnState struct {
	// Path is the page to come back to after signing in (an /admin path only).
	Path string `json:"p"`
	// Fresh asks for a full sign-in: the remembered-device shortcut must not stand in for MFA
	// (set by RequireRecentSignIn).
	Fresh bool `json:"f,omitempty"`
}

// returnPathAllowed reports whether a sign-in may return to path: only the admin console's own
// paths, never another site or an unrelated page.
func returnPathAllowed(path string) bool {
	if path != PathAdmin && !strings.HasPrefix(path, PathAdmin+"/") && !strings.HasPrefix(path, PathAdmin+"?") {
		return false
	}
	return !strings.ContainsAny(path, "\\\r\n") && !strings.Contains(path, "//") && !strings.Contains(path, "/..")
}

// parkReturn sends the browser to sign in and, once signed in, back to path. fresh demands a
// full sign-in (see FreshSignInRequired); username pre-fills the form.
func (h *Handlers) parkReturn(w http.ResponseWriter, r *http.Request, path string, fresh bool, username, notice string) {
	if !returnPathAllowed(path) {
		path = PathAdmin
	}
	if err := h.d.Cookies.save(w, returnCookieName, returnState{Path: path, Fresh: fresh}); err != nil {
		h.d.Logger.ErrorContext(r.Context(), "save return cookie", "err", err)
	}
	// A sign-in for the console is not an app's: forget a parked app request and a step under way.
	h.d.Cookies.clear(w, authzCookieName)
	h.saveFlow(w, r, flowState{Username: username, Notice: notice})
	http.Redirect(w, r, PathSignIn, http.StatusSeeOther)
}

// takeReturn reads and clears the return cookie; ok is false without one.
func (h *Handlers) takeReturn(w http.ResponseWriter, r *http.Request) (returnState, bool) {
	var rs returnState
	if !h.d.Cookies.load(r, returnCookieName, &rs) {
		return rs, false
	}
	h.d.Cookies.clear(w, returnCookieName)
	return rs, returnPathAllowed(rs.Path)
}

// FreshSignInRequired reports whether the sign-in under way was demanded by RequireRecentSignIn
// for an admin action: it must go through the full sign-in, without the remembered-device
// shortcut (a remembered device must not stand in for MFA here).
func (h *Handlers) FreshSignInRequired(r *http.Request) bool {
	var rs returnState
	return h.d.Cookies.load(r, returnCookieName, &rs) && rs.Fresh
}
