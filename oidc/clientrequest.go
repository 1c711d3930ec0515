package oidc

import (
	"net/http"
	"net/url"
)

// clientEndpoint says how one of the endpoints apps call with client credentials (/token,
// /revoke, /introspect) admits a request.
type clientEndpoint struct {
	// name is the endpoint in log lines ("token").
	name string
	// public lets public clients (no secret) call the endpoint; browsers running them may then
	// call it across origins, so it answers CORS too.
	public bool
	// token: the endpoint acts on a token parameter (RFC 7009, RFC 7662), which must be present.
	token bool
}

// clientRequest is the one prologue of the client endpoints, in the shape of Dex's
// authenticateClient: CORS (answering a preflight), the POST-only check, reading the form,
// refusing a repeated parameter, authenticating the client, and a missing token parameter. It returns the client and the
// form, or ok false when it has already answered the request (with the OAuth error the endpoint's
// RFC asks for). Whatever every client endpoint must check before its own work goes here.
func (p *Provider) clientRequest(w http.ResponseWriter, r *http.Request, ep clientEndpoint) (c *client, form url.Values, ok bool) {
	if ep.public && p.cors(w, r, false, http.MethodPost) {
		return nil, nil, false
	}
	if r.Method != http.MethodPost {
		methodNotAllowed(w, http.MethodPost)
		return nil, nil, false
	}
	form, err := parseForm(w, r)
	if err != nil {
		writeTokenError(w, newError(errInvalidRequest, descBodyUnread))
		return nil, nil, false
	}
	if duplicated(form) {
		writeTokenError(w, newError(errInvalidRequest, descParamRepeated))
		return nil, nil, false
	}
	claimed := claimedClientID(r, form)
	if p.clientAuthLimited(w, r, claimed) {
		return nil, nil, false
	}
	c, err = p.authenticateClient(r, form, ep.public)
	if err != nil {
		p.clientAuthFailed(r, claimed)
		p.log.InfoContext(r.Context(), ep.name+" request: client authentication failed", "client_id", truncate(claimed, 64), "reason", err.Error())
		writeTokenError(w, newError(errInvalidClient, descClientAuthFailed))
		return nil, nil, false
	}
	if ep.token && form.Get("token") == "" {
		writeTokenError(w, newError(errInvalidRequest, descNoToken))
		return nil, nil, false
	}
	return c, form, true
}

// browserParams is the prologue of the endpoints browsers reach (/authorize, /end_session): the
// parameters of a GET's query or a POST's form. Other methods get the 405 error page; an
// unreadable form gets the error page unreadable. ok is false when it has answered the request.
func (p *Provider) browserParams(w http.ResponseWriter, r *http.Request, unreadable *ErrorPage) (params url.Values, ok bool) {
	switch r.Method {
	case http.MethodGet:
		return r.URL.Query(), true
	case http.MethodPost:
		form, err := parseForm(w, r)
		if err != nil {
			p.renderError(w, r, unreadable)
			return nil, false
		}
		return form, true
	default:
		w.Header().Set("Allow", "GET, POST")
		p.renderError(w, r, &ErrorPage{Status: http.StatusMethodNotAllowed, Title: MsgMethodNotAllowedTitle, Message: MsgMethodNotAllowed})
		return nil, false
	}
}
