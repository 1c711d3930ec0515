package oidc

import (
	"errors"
	"mime"
	"net/http"
	"slices"
	"strings"
)

// UserInfo serves the userinfo endpoint (GET or POST; the access token in
// the Authorization header, or for POST in the form body).
func (p *Provider) UserInfo(w http.ResponseWriter, r *http.Request) {
	if p.cors(w, r, true, "GET, POST") {
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		methodNotAllowed(w, "GET, POST")
		return
	}
	ctx := r.Context()
	tok, oe := bearerToken(w, r)
	if oe != nil {
		writeBearerError(w, oe)
		return
	}
	claims, g, err := p.verifyAccessToken(ctx, tok)
	if errors.Is(err, errInvalidAccessToken) {
		writeBearerError(w, &oauthError{code: errInvalidToken, desc: descAccessTokenInvalid, status: http.StatusUnauthorized})
		return
	}
	if err != nil {
		p.log.ErrorContext(ctx, "userinfo: verify access token", "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": errServerError})
		return
	}
	scopes := strings.Fields(claims.Scope)
	if !slices.Contains(scopes, scopeOpenID) {
		writeBearerError(w, &oauthError{code: errInsufficientScope, desc: descNoOpenIDScope, status: http.StatusForbidden})
		return
	}
	o := newJSONObject(len(g.Claims) + 64)
	p.appendUserClaims(o, g.Subject, g.Username, g.Claims, scopes, g.ClaimsUI)
	w.Header().Set("Cache-Control", "no-store")
	writeJSONBody(w, http.StatusOK, o.bytes())
}

// bearerToken extracts an RFC 6750 bearer token from the Authorization
// header or a form-encoded POST body (exactly one of them).
func bearerToken(w http.ResponseWriter, r *http.Request) (string, *oauthError) {
	var header string
	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, rest, ok := strings.Cut(auth, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(rest) == "" {
			return "", &oauthError{code: errInvalidRequest, desc: descBadAuthorization, status: http.StatusBadRequest}
		}
		header = strings.TrimSpace(rest)
	}
	var body string
	if r.Method == http.MethodPost {
		if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/x-www-form-urlencoded" {
			form, err := parseForm(w, r)
			if err != nil {
				return "", &oauthError{code: errInvalidRequest, desc: descBodyUnread, status: http.StatusBadRequest}
			}
			if len(form["access_token"]) > 1 {
				return "", &oauthError{code: errInvalidRequest, desc: descAccessTokenRepeated, status: http.StatusBadRequest}
			}
			body = form.Get("access_token")
		}
	}
	switch {
	case header != "" && body != "":
		return "", &oauthError{code: errInvalidRequest, desc: descTokenTwice, status: http.StatusBadRequest}
	case header != "":
		return header, nil
	case body != "":
		return body, nil
	}
	return "", &oauthError{status: http.StatusUnauthorized}
}

// writeBearerError answers with an RFC 6750 §3 challenge.
func writeBearerError(w http.ResponseWriter, e *oauthError) {
	challenge := `Bearer realm="bridgekeeper"`
	if e.code != "" {
		challenge += `, error="` + e.code + `"`
		if e.desc != "" {
			challenge += `, error_description="` + string(e.desc) + `"`
		}
	}
	w.Header().Set("WWW-Authenticate", challenge)
	w.Header().Set("Cache-Control", "no-store")
	if e.code == "" {
		w.WriteHeader(e.status)
		return
	}
	writeJSON(w, e.status, map[string]string{"error": e.code, "error_description": string(e.desc)})
}
