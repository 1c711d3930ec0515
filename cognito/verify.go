package cognito

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/bridgekeeper/bridgekeeper/identity"
)

// TokenVerifier checks Cognito ID tokens and returns what they say about the person.
type TokenVerifier interface {
	VerifyIDToken(ctx context.Context, raw string) (IDToken, error)
}

// IDToken is what a verified Cognito ID token says about the person: its sub, cognito:username
// and auth_time, and its claims without the token's bookkeeping (identity.NewClaims).
type IDToken struct {
	Subject  string
	Username string
	// AuthTime is auth_time in Unix seconds (0 when absent).
	AuthTime int64
	Claims   identity.Claims
}

// idTokenChecked are the claims VerifyIDToken checks or reads, decoded once from the payload.
type idTokenChecked struct {
	Issuer   string          `json:"iss"`
	Audience json.RawMessage `json:"aud"`
	// Expiry is exp; absent, null or not a number leaves it 0, long expired.
	Expiry    float64         `json:"exp"`
	NotBefore json.RawMessage `json:"nbf"`
	TokenUse  string          `json:"token_use"`
	Subject   string          `json:"sub"`
	Username  string          `json:"cognito:username"`
	AuthTime  float64         `json:"auth_time"`
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
func (j *JWKSVerifier) VerifyIDToken(ctx context.Context, raw string) (IDToken, error) {
	if j.clientID == "" {
		return IDToken{}, errors.New("verify Cognito ID token: no app client id configured")
	}
	if err := checkRS256(raw); err != nil {
		return IDToken{}, fmt.Errorf("verify Cognito ID token: %w", err)
	}
	payload, err := j.keys.VerifySignature(ctx, raw)
	if err != nil {
		return IDToken{}, fmt.Errorf("verify Cognito ID token: %w", err)
	}
	var c idTokenChecked
	if err := json.Unmarshal(payload, &c); err != nil {
		return IDToken{}, fmt.Errorf("read Cognito ID token claims: %w", err)
	}
	if c.Issuer != j.issuer {
		return IDToken{}, fmt.Errorf("verify Cognito ID token: issued by %q, want %q", c.Issuer, j.issuer)
	}
	if !hasAudience(c.Audience, j.clientID) {
		return IDToken{}, fmt.Errorf("verify Cognito ID token: audience %s, want %q", c.Audience, j.clientID)
	}
	now := time.Now
	if j.Now != nil {
		now = j.Now
	}
	t := now()
	if unixTime(c.Expiry).Before(t) {
		return IDToken{}, fmt.Errorf("verify Cognito ID token: expired (exp %v)", c.Expiry)
	}
	if len(c.NotBefore) > 0 {
		if n, err := strconv.ParseFloat(string(c.NotBefore), 64); err != nil || t.Add(nbfLeeway).Before(unixTime(n)) {
			return IDToken{}, fmt.Errorf("verify Cognito ID token: not valid before %s", c.NotBefore)
		}
	}
	if c.TokenUse != "id" {
		return IDToken{}, fmt.Errorf("verify Cognito ID token: token_use is %q, want id", c.TokenUse)
	}
	claims, err := identity.NewClaims(payload)
	if err != nil {
		return IDToken{}, fmt.Errorf("read Cognito ID token claims: %w", err)
	}
	return IDToken{Subject: c.Subject, Username: c.Username, AuthTime: int64(c.AuthTime), Claims: claims}, nil
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

// hasAudience reports whether aud (a JSON string or array) names clientID.
func hasAudience(aud json.RawMessage, clientID string) bool {
	if len(aud) == 0 {
		return false
	}
	switch aud[0] {
	case '"':
		var a string
		return json.Unmarshal(aud, &a) == nil && a == clientID
	case '[':
		var a []any
		return json.Unmarshal(aud, &a) == nil && slices.Contains(a, any(clientID))
	}
	return false
}

// unixTime is a NumericDate (seconds, possibly fractional) as a time.
func unixTime(sec float64) time.Time {
	whole := int64(sec)
	return time.Unix(whole, int64((sec-float64(whole))*float64(time.Second)))
}
