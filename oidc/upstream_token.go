package oidc

import (
	"fmt"
	"net/http"
)

// SessionUpstreamToken returns the browser's SSO session and the pool refresh token kept for it
// server-side, so a page can call the pool on the person's behalf (an access token from this
// refresh token lists their devices or passkeys). The token never goes to the browser. It
// returns ErrNoSession without a live session, and an empty token for a session that has none
// (one created without a pool sign-in).
func (p *Provider) SessionUpstreamToken(r *http.Request) (*Session, string, error) {
	live, err := p.currentSession(r)
	if err != nil {
		return nil, "", fmt.Errorf("oidc: read session: %w", err)
	}
	if live == nil {
		return nil, "", ErrNoSession
	}
	var up upstreamRecord
	if _, err := p.getJSON(r.Context(), keyUpstream+live.id, &up); err != nil {
		return nil, "", fmt.Errorf("oidc: read upstream token: %w", err)
	}
	return live.public(), up.Token, nil
}
