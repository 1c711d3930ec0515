package cognito

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

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
	// Expiry is exp; absent or null leaves it 0, long expired (a non-number fails the decode).
	Expiry    float64         `json:"exp"`
	NotBefore json.RawMessage `json:"nbf"`
	TokenUse  string          `json:"token_use"`
	Subject   string          `json:"sub"`
	Username  string          `json:"cognito:username"`
	AuthTime  float64         `json:"auth_time"`
}

// JWKSVerifier verifies Cognito ID tokens against the pool's published keys (poolKeys: cached,
// fetched again for an unknown key id). It does not read the pool's discovery document, so it
// works with emulators whose discovery names another host.
type JWKSVerifier struct {
	keys     *poolKeys
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
	return &JWKSVerifier{keys: newPoolKeys(ctx, cfg.JWKS(), client), issuer: cfg.IssuerURL(), clientID: cfg.ClientID}
}

// VerifyIDToken checks the RS256 signature with the pool's key the header names, then decodes
// the claims once and checks the issuer, the audience, the expiry (and nbf, if present) and
// token_use=id: what go-oidc's ID token verifier checks, with one parse of the token.
func (j *JWKSVerifier) VerifyIDToken(ctx context.Context, raw string) (IDToken, error) {
	if j.clientID == "" {
		return IDToken{}, errors.New("verify Cognito ID token: no app client id configured")
	}
	payload, err := j.verifySignature(ctx, raw)
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

// jwsHeader is the protected header of a compact JWS, as far as it is read.
type jwsHeader struct {
	Alg  string          `json:"alg"`
	Kid  string          `json:"kid"`
	Crit json.RawMessage `json:"crit"`
}

// errMalformed is the error for anything that is not a compact JWS.
var errMalformed = errors.New("malformed token")

// parseRS256 splits a compact JWS (RFC 7515 §7.1) and reads its protected header: refused
// unless it names RS256, the one algorithm Cognito signs with, and no critical extension.
func parseRS256(raw string) (h jwsHeader, signed, payload, sig string, err error) {
	head, rest, ok := strings.Cut(raw, ".")
	payload, sig, ok2 := strings.Cut(rest, ".")
	if !ok || !ok2 || strings.Contains(sig, ".") {
		return h, "", "", "", errMalformed
	}
	dec, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return h, "", "", "", fmt.Errorf("malformed token header: %w", err)
	}
	if err := json.Unmarshal(dec, &h); err != nil {
		return h, "", "", "", fmt.Errorf("malformed token header: %w", err)
	}
	if h.Alg != "RS256" {
		return h, "", "", "", fmt.Errorf("signed with %q, want RS256", h.Alg)
	}
	if len(h.Crit) > 0 {
		return h, "", "", "", errors.New("the token header names critical extensions")
	}
	return h, raw[:len(head)+1+len(payload)], payload, sig, nil
}

// verifySignature checks raw's RS256 signature (RSASSA-PKCS1-v1_5, SHA-256) with the pool's key
// its header names and returns the decoded payload.
func (j *JWKSVerifier) verifySignature(ctx context.Context, raw string) ([]byte, error) {
	h, signed, payload, sig, err := parseRS256(raw)
	if err != nil {
		return nil, err
	}
	s, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return nil, fmt.Errorf("malformed token signature: %w", err)
	}
	digest := sha256.Sum256([]byte(signed))
	verifies := func(keys []*rsa.PublicKey) bool {
		for _, pub := range keys {
			if rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], s) == nil {
				return true
			}
		}
		return false
	}
	keys := j.keys.cached(h.Kid)
	if !verifies(keys) {
		if len(keys) > 0 && h.Kid != "" {
			return nil, errors.New("the signature does not verify")
		}
		// A key the pool has published since the keys were read (or the first token): read
		// them again (RFC 7517's rotation, OpenID Connect Core §10.1.1).
		if err := j.keys.refresh(ctx); err != nil {
			return nil, fmt.Errorf("fetch the pool's keys: %w", err)
		}
		if !verifies(j.keys.cached(h.Kid)) {
			return nil, fmt.Errorf("no key of the pool's verifies the signature (key id %q)", h.Kid)
		}
	}
	out, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return nil, fmt.Errorf("malformed token payload: %w", err)
	}
	return out, nil
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
