package cognito

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// TokenVerifier checks Cognito ID tokens and returns their claims.
type TokenVerifier interface {
	VerifyIDToken(ctx context.Context, raw string) (map[string]any, error)
}

// JWKSVerifier verifies Cognito ID tokens against the pool's published keys (go-oidc's remote key
// set: cached, fetched again for an unknown key id). It does not read the pool's discovery
// document, so it works with emulators whose discovery names another host.
type JWKSVerifier struct {
	keys     *oidc.RemoteKeySet
	issuer   string
	clientID string
	// Now is the clock expiry is checked against (nil: time.Now).
	Now func() time.Time
}

// nbfLeeway is how far in the future a token's nbf may be (clock skew), as go-oidc allows.
const nbfLeeway = 5 * time.Minute

// NewJWKSVerifier verifies tokens issued by cfg.IssuerURL() for cfg.ClientID, with keys from
// cfg.JWKS(), fetched through client (nil uses http.DefaultClient).
func NewJWKSVerifier(ctx context.Context, cfg Config, client *http.Client) *JWKSVerifier {
	if client != nil {
		ctx = oidc.ClientContext(ctx, client)
	}
	return &JWKSVerifier{keys: oidc.NewRemoteKeySet(ctx, cfg.JWKS()), issuer: cfg.IssuerURL(), clientID: cfg.ClientID}
}

// VerifyIDToken checks the signature, then decodes the claims once and checks the issuer, the
// audience, the expiry (and nbf, if present) and token_use=id: what go-oidc's ID token verifier
// checks, without its second decoding of the claims.
func (j *JWKSVerifier) VerifyIDToken(ctx context.Context, raw string) (map[string]any, error) {
	if j.clientID == "" {
		return nil, errors.New("verify Cognito ID token: no app client id configured")
	}
	if err := checkRS256(raw); err != nil {
		return nil, fmt.Errorf("verify Cognito ID token: %w", err)
	}
	payload, err := j.keys.VerifySignature(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("verify Cognito ID token: %w", err)
	}
	claims := map[string]any{}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return nil, fmt.Errorf("read Cognito ID token claims: %w", err)
	}
	if iss, _ := claims["iss"].(string); iss != j.issuer {
		return nil, fmt.Errorf("verify Cognito ID token: issued by %q, want %q", iss, j.issuer)
	}
	if !hasAudience(claims["aud"], j.clientID) {
		return nil, fmt.Errorf("verify Cognito ID token: audience %v, want %q", claims["aud"], j.clientID)
	}
	now := time.Now
	if j.Now != nil {
		now = j.Now
	}
	t := now()
	if exp, ok := claims["exp"].(float64); !ok || unixTime(exp).Before(t) {
		return nil, fmt.Errorf("verify Cognito ID token: expired (exp %v)", claims["exp"])
	}
	if nbf, ok := claims["nbf"]; ok {
		if n, ok := nbf.(float64); !ok || t.Add(nbfLeeway).Before(unixTime(n)) {
			return nil, fmt.Errorf("verify Cognito ID token: not valid before %v", nbf)
		}
	}
	if use, _ := claims["token_use"].(string); use != "id" {
		return nil, fmt.Errorf("verify Cognito ID token: token_use is %q, want id", use)
	}
	return claims, nil
}

// checkRS256 refuses a token whose protected header names another algorithm than RS256, the
// one Cognito signs with (go-oidc's verifier refused them too; its key set alone would try
// every asymmetric algorithm with the pool's keys).
func checkRS256(raw string) error {
	h, _, ok := strings.Cut(raw, ".")
	if !ok {
		return errors.New("malformed token")
	}
	dec, err := base64.RawURLEncoding.DecodeString(h)
	if err != nil {
		return fmt.Errorf("malformed token header: %w", err)
	}
	var header struct {
		Alg string `json:"alg"`
	}
	if err := json.Unmarshal(dec, &header); err != nil {
		return fmt.Errorf("malformed token header: %w", err)
	}
	if header.Alg != "RS256" {
		return fmt.Errorf("signed with %q, want RS256", header.Alg)
	}
	return nil
}

// hasAudience reports whether aud (a JSON string or array of strings) names clientID.
func hasAudience(aud any, clientID string) bool {
	switch a := aud.(type) {
	case string:
		return a == clientID
	case []any:
		return slices.Contains(a, any(clientID))
	}
	return false
}

// unixTime is a NumericDate (seconds, possibly fractional) as a time.
func unixTime(sec float64) time.Time {
	whole := int64(sec)
	return time.Unix(whole, int64((sec-float64(whole))*float64(time.Second)))
}
