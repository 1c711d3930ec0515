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
)

// oauthError is an error reported to the client (on its redirect URI or in a
// JSON body). Descriptions are fixed English text: never secrets or echoes
// of client input.
type oauthError struct {
	code   string
	desc   string
	status int // HTTP status for JSON responses
}

func (e *oauthError) Error() string { return e.code + ": " + e.desc }

// newError makes an oauthError with status 400.
func newError(code, desc string) *oauthError {
	return &oauthError{code: code, desc: desc, status: http.StatusBadRequest}
}

// pageError is an error shown to the person, because the request cannot be
// sent back to a client safely (unknown client, unregistered redirect URI).
type pageError struct {
	status int
	title  string
	msg    string
}

func (e *pageError) Error() string { return e.title + ": " + e.msg }

// renderError shows e to the person through the configured page renderer.
func (p *Provider) renderError(w http.ResponseWriter, r *http.Request, e *pageError) {
	w.Header().Set("Cache-Control", "no-store")
	p.cfg.RenderError(w, r, e.status, e.title, e.msg)
}

// defaultRenderError writes a plain-text error page.
func defaultRenderError(w http.ResponseWriter, _ *http.Request, status int, title, message string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "%s\n\n%s\n", title, message)
}

// writeJSON writes v as a JSON response with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"error":"server_error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeNoStoreJSON writes a JSON response that must not be cached (token
// responses and their errors, RFC 6749 §5.1).
func writeNoStoreJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, status, v)
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
		body["error_description"] = e.desc
	}
	writeNoStoreJSON(w, status, body)
}

// methodNotAllowed answers a request with an unsupported method.
func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
}
