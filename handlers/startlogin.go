package handlers

import (
	"bytes"
	"net/http"

	"github.com/bridgekeeper/bridgekeeper/internal/csrf"
	"github.com/bridgekeeper/bridgekeeper/oidc"
)

// StartLogin is the OpenID provider's hook: it parks the app's request in the authorization
// cookie and answers with the sign-in page itself, one round trip fewer than a redirect to
// /signin. The page is GET /signin's (signInForm), in the app's ui_locales and naming the app;
// its form posts to /signin, and its language picker returns to /signin, where the parked
// request is. Without a CSRF token for the form (a POST /authorize, which the CSRF check does
// not see, or a provider mounted outside the web server) it redirects to /signin instead.
//
// The same request again (a reload, or Back from a later step, of the /authorize page) keeps
// the sign-in under way: a reload shows the form again, Back during a step shows that step,
// as GET /signin does. Any other request starts a new sign-in, with login_hint as the username.
func (h *Handlers) StartLogin(w http.ResponseWriter, r *http.Request, req *oidc.AuthRequest) {
	again := sameRequest(h.loadParked(r), req)
	if err := h.d.Cookies.save(w, authzCookieName, req); err != nil {
		h.d.Logger.ErrorContext(r.Context(), "park authorization request", "err", err)
		h.OIDCError(w, r, &oidc.ErrorPage{Status: http.StatusInternalServerError, UILocales: req.UILocales})
		return
	}
	var f flowState
	switch {
	case again && h.d.Cookies.loadFlow(r, &f):
		// The flow cookie stays as it is: the sign-in under way goes on.
	case req.LoginHint != "" && len(req.LoginHint) <= maxUsername:
		f = flowState{Username: req.LoginHint}
		h.saveFlow(w, r, f)
	default:
		h.d.Cookies.clearSent(w, r, flowCookieName)
	}
	token, ok := csrf.TokenFrom(r.Context())
	switch {
	case !ok:
		http.Redirect(w, r, PathSignIn, http.StatusSeeOther)
		return
	case f.State != nil:
		http.Redirect(w, r, PathStep, http.StatusSeeOther)
		return
	}
	// The picker returns to /signin, not this address: the request is parked, the picker need
	// not repeat it.
	p := h.pageReturning(r, token, req, PathSignIn)
	if err := h.signInForm(w, r, p, f); err != nil {
		h.d.Logger.WarnContext(r.Context(), "render sign-in page", "err", err)
	}
}

// sameRequest reports whether parked and req are one app request, apart from when each arrived.
func sameRequest(parked, req *oidc.AuthRequest) bool {
	if parked == nil {
		return false
	}
	a, b := *parked, *req
	a.RequestedAt, b.RequestedAt = 0, 0
	return bytes.Equal(a.AppendJSON(nil), b.AppendJSON(nil)) // json.Marshal's bytes
}
