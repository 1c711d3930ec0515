package handlers

import (
	"context"
	"fmt"
	"net/http"

	"github.com/bridgekeeper/bridgekeeper/cognito"
)

// UpstreamTokens gives the Cognito refresh token kept for the browser's SSO session.
// *oidc.Provider implements it.
type UpstreamTokens interface {
	UpstreamRefreshToken(r *http.Request) (username, refreshToken string, err error)
}

// AccessTokens obtains a signed-in person's Cognito access token on the server, for the calls
// only that token authorises (passkeys, remembered devices): the SSO session's stored Cognito
// refresh token is exchanged at Cognito (REFRESH_TOKEN_AUTH). Neither token reaches the browser.
type AccessTokens struct {
	Tokens    UpstreamTokens
	Refresher interface {
		Refresh(ctx context.Context, username, refreshToken string) (*cognito.Success, error)
	}
}

// For returns the access token of the person signed in on r's browser.
func (a *AccessTokens) For(r *http.Request) (string, error) {
	username, rt, err := a.Tokens.UpstreamRefreshToken(r)
	if err != nil {
		return "", fmt.Errorf("upstream refresh token: %w", err)
	}
	s, err := a.Refresher.Refresh(r.Context(), username, rt)
	if err != nil {
		return "", fmt.Errorf("refresh at Cognito: %w", err)
	}
	return s.AccessToken, nil
}
