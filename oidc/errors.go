package oidc

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// OAuth 2.0 / OpenID Connect error codes.
const (
	errInvalidRequest          = "invalid_request"
	errInvalidClient           = "invalid_client"
	errInvalidGrant            = "invalid_grant"
	errUnauthorizedClient      = "unauthorized_client"
	errUnsupportedGrantType    = "unsupported_grant_type"
	errInvalidScope            = "invalid_scope"
	errUnsupportedResponseType = "unsupported_response_type"
	errAccessDenied            = "access_denied"
	errServerError             = "server_error"
	errTemporarilyUnavailable  = "temporarily_unavailable"
	errLoginRequired           = "login_required"
	errRequestNotSupported     = "request_not_supported"
	errRequestURINotSupported  = "request_uri_not_supported"
	errInvalidToken            = "invalid_token"
	errInsufficientScope       = "insufficient_scope"
)

// The error codes an app gets back from the provider (on its redirect URI or in a JSON body),
// for apps that put them into words for people (the error_description is for developers).
const (
	ErrorInvalidRequest          = errInvalidRequest
	ErrorInvalidClient           = errInvalidClient
	ErrorInvalidGrant            = errInvalidGrant
	ErrorUnauthorizedClient      = errUnauthorizedClient
	ErrorInvalidScope            = errInvalidScope
	ErrorUnsupportedResponseType = errUnsupportedResponseType
	ErrorAccessDenied            = errAccessDenied
	ErrorServerError             = errServerError
	ErrorTemporarilyUnavailable  = errTemporarilyUnavailable
	ErrorLoginRequired           = errLoginRequired
	ErrorRequestNotSupported     = errRequestNotSupported
	ErrorRequestURINotSupported  = errRequestURINotSupported
)

// oauthError is an error reported to the client (on its redirect URI or in a
// JSON body). Its description is one of the fixed English descriptions
// (descriptions.go).
type oauthError struct {
	code   string
	desc   description
	status int // HTTP status for JSON responses
}

func (e *oauthError) Error() string { return e.code + ": " + string(e.desc) }

// newError makes an oauthError with status 400.
func newError(code string, desc description) *oauthError {
	return &oauthError{code: code, desc: desc, status: http.StatusBadRequest}
}

// renderError shows e to the person through the configured page renderer.
func (p *Provider) renderError(w http.ResponseWriter, r *http.Request, e *ErrorPage) {
	w.Header().Set("Cache-Control", "no-store")
	p.cfg.RenderError(w, r, e)
}

// defaultRenderError writes a plain-text error page in English.
func defaultRenderError(w http.ResponseWriter, _ *http.Request, e *ErrorPage) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(e.Status)
	_, _ = fmt.Fprintf(w, "%s\n\n%s\n", e.Title.English(), e.Message.English())
}

// writeJSON writes v as a JSON response with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"error":"server_error"}`, http.StatusInternalServerError)
		return
	}
	writeJSONBody(w, status, body)
}

// writeJSONBody writes a JSON response already encoded.
func writeJSONBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeNoStoreJSON writes a JSON response that must not be cached (token
// responses and their errors, RFC 6749 §5.1).
func writeNoStoreJSON(w http.ResponseWriter, status int, v any) {
	setNoStore(w)
	writeJSON(w, status, v)
}

// writeNoStoreJSONIn is writeNoStoreJSON with v encoded in sc, not in a fresh
// buffer (a ResponseWriter keeps no reference to the bytes it is given).
func writeNoStoreJSONIn(sc *scratch, w http.ResponseWriter, status int, v any) {
	body, err := sc.encodeAny(v)
	if err != nil {
		writeNoStoreJSON(w, status, v) // answers the encoding error as writeJSON does
		return
	}
	setNoStore(w)
	writeJSONBody(w, status, body)
}

// setNoStore marks an answer as one that must not be cached.
func setNoStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
}

// writeTokenError writes an RFC 6749 §5.2 error. Failed client
// authentication answers 401 with a WWW-Authenticate challenge.
func writeTokenError(w http.ResponseWriter, e *oauthError) {
	status := e.status
	if status == 0 {
		status = http.StatusBadRequest
	}
	if e.code == errInvalidClient {
		status = http.StatusUnauthorized
		w.Header().Set("WWW-Authenticate", `Basic realm="bridgekeeper", charset="UTF-8"`)
	}
	if status == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", strconv.Itoa(int(RetryAfter/time.Second)))
	}
	body := map[string]string{"error": e.code}
	if e.desc != "" {
		body["error_description"] = string(e.desc)
	}
	writeNoStoreJSON(w, status, body)
}

// methodNotAllowed answers a request with an unsupported method.
func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
}
