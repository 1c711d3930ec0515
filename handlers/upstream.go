package handlers

import (
	"context"
	"errors"
	"fmt"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/oidc"
)

// Refresher is the part of the sign-in engine the OpenID provider's refreshes use.
// *cognito.Engine implements it.
type Refresher interface {
	Refresh(ctx context.Context, username, refreshToken string) (*cognito.Success, error)
	Revoke(ctx context.Context, refreshToken string) error
}

// Upstream adapts the Cognito engine to the OpenID provider's upstream: each refresh of
// Bridgekeeper's tokens refreshes against Cognito, so a disabled or globally signed-out user
// stops getting tokens.
type Upstream struct{ R Refresher }

// Refresh implements oidc.Upstream.
func (u Upstream) Refresh(ctx context.Context, subject, username, refreshToken string) (oidc.UpstreamRefresh, error) {
	s, err := u.R.Refresh(ctx, username, refreshToken)
	if err != nil {
		var ce *cognito.Error
		if errors.As(err, &ce) && (ce.Kind == cognito.WrongCredentials || ce.Kind == cognito.UserDisabled ||
			ce.Kind == cognito.SessionExpired || ce.Kind == cognito.PasswordResetRequired) {
			return oidc.UpstreamRefresh{}, fmt.Errorf("%w: %w", oidc.ErrUpstreamDenied, err)
		}
		if errors.As(err, &ce) && (ce.Kind == cognito.Unavailable || ce.Kind == cognito.TooManyRequests) {
			// Cognito slow, throttling or down: the refresh token stays good; try again later.
			return oidc.UpstreamRefresh{}, fmt.Errorf("%w: %w", oidc.ErrUpstreamUnavailable, withCause(err))
		}
		return oidc.UpstreamRefresh{}, withCause(err)
	}
	if s.Subject != subject {
		return oidc.UpstreamRefresh{}, fmt.Errorf("%w: refresh returned another subject", oidc.ErrUpstreamDenied)
	}
	return oidc.UpstreamRefresh{Claims: s.Claims, RefreshToken: s.RefreshToken}, nil
}

// Revoke implements oidc.Upstream.
func (u Upstream) Revoke(ctx context.Context, refreshToken string) error {
	return withCause(u.R.Revoke(ctx, refreshToken))
}
