package oidc

import (
	"fmt"
	"net/http"
)

// UpstreamRefreshToken returns the username of the browser's SSO session and the pool's refresh
// token kept for it, for the calls a person's own Cognito access token authorises (passkeys,
// devices): the web layer exchanges it for an access token server-side, and neither reaches
// the browser. It returns ErrNoSession when there is no session or it keeps no token.
func (p *Provider) UpstreamRefreshToken(r *http.Request) (username, refreshToken string, err error) {
	s, err := p.currentSession(r)
	if err != nil {
		return "", "", fmt.Errorf("oidc: read session: %w", err)
	}
	if s == nil || !s.rec.Upstream {
		return "", "", ErrNoSession
	}
	var up upstreamRecord
	found, err := p.getJSON(r.Context(), keyUpstream+s.id, &up)
	if err != nil {
		return "", "", fmt.Errorf("oidc: read upstream token: %w", err)
	}
	if !found || up.Token == "" {
		return "", "", ErrNoSession
	}
	return s.rec.Username, up.Token, nil
}
