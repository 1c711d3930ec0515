package oidc

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"time"
)

// ClientAuthLimiter limits failed client authentication at /token, /revoke and /introspect per
// client id and client address (internal/abuse implements it, shared through the store).
type ClientAuthLimiter interface {
	// Check returns how long the client id must wait from this address (0: go ahead).
	Check(ctx context.Context, clientID, addr string) (time.Duration, error)
	// Failed counts a failed client authentication.
	Failed(ctx context.Context, clientID, addr string) error
}

type clientAddrKey struct{}

// WithClientAddr records the client's address (as the web server determined it, trusting only
// configured proxies) for the client-authentication limit.
func WithClientAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientAddrKey{}, addr)
}

// clientAddr is the address WithClientAddr recorded, else the TCP peer's.
func clientAddr(r *http.Request) string {
	if a, ok := r.Context().Value(clientAddrKey{}).(string); ok && a != "" {
		return a
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// claimedClientID is the client id a request names, before it is authenticated.
func claimedClientID(r *http.Request, form map[string][]string) string {
	if user, _, ok := r.BasicAuth(); ok {
		return truncate(user, 128)
	}
	if v := form["client_id"]; len(v) > 0 {
		return truncate(v[0], 128)
	}
	return ""
}

// clientAuthLimited answers 429 when the client id is waiting after failed authentications
// from this address; it reports whether it answered. A limiter failure answers 503.
func (p *Provider) clientAuthLimited(w http.ResponseWriter, r *http.Request, id string) bool {
	if p.cfg.ClientAuthLimits == nil || id == "" {
		return false
	}
	wait, err := p.cfg.ClientAuthLimits.Check(r.Context(), id, clientAddr(r))
	if err != nil {
		writeTokenError(w, p.serverError(r.Context(), "client authentication limit", err))
		return true
	}
	if wait <= 0 {
		return false
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(max(wait.Round(time.Second), time.Second)/time.Second)))
	writeTokenError(w, &oauthError{code: errInvalidRequest, desc: descClientAuthLimited, status: http.StatusTooManyRequests})
	return true
}

// clientAuthFailed counts a failed client authentication.
func (p *Provider) clientAuthFailed(r *http.Request, id string) {
	if p.cfg.ClientAuthLimits == nil || id == "" {
		return
	}
	if err := p.cfg.ClientAuthLimits.Failed(r.Context(), id, clientAddr(r)); err != nil {
		p.log.ErrorContext(r.Context(), "count failed client authentication", "err", err)
	}
}
