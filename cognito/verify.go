package cognito

import (
	"context"
	"fmt"
	"net/http"

	"github.com/coreos/go-oidc/v3/oidc"
)

// TokenVerifier checks Cognito ID tokens and returns their claims.
type TokenVerifier interface {
	VerifyIDToken(ctx context.Context, raw string) (map[string]any, error)
}

// JWKSVerifier verifies Cognito ID tokens against the pool's published keys with go-oidc. It does
// not read the pool's discovery document, so it works with emulators whose discovery names another
// host.
type JWKSVerifier struct {
	v *oidc.IDTokenVerifier
}

// NewJWKSVerifier verifies tokens issued by cfg.IssuerURL() for cfg.ClientID, with keys from
// cfg.JWKS(), fetched through client (nil uses http.DefaultClient).
func NewJWKSVerifier(ctx context.Context, cfg Config, client *http.Client) *JWKSVerifier {
	if client != nil {
		ctx = oidc.ClientContext(ctx, client)
	}
	keys := oidc.NewRemoteKeySet(ctx, cfg.JWKS())
	return &JWKSVerifier{v: oidc.NewVerifier(cfg.IssuerURL(), keys, &oidc.Config{ClientID: cfg.ClientID})}
}

// VerifyIDToken checks the signature, issuer, audience, expiry and token_use=id.
func (j *JWKSVerifier) VerifyIDToken(ctx context.Context, raw string) (map[string]any, error) {
	tok, err := j.v.Verify(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("verify Cognito ID token: %w", err)
	}
	claims := map[string]any{}
	if err := tok.Claims(&claims); err != nil {
		return nil, fmt.Errorf("read Cognito ID token claims: %w", err)
	}
	if use, _ := claims["token_use"].(string); use != "id" {
		return nil, fmt.Errorf("verify Cognito ID token: token_use is %q, want id", use)
	}
	return claims, nil
}
