package oidc

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4/jwt"
)

// JWT "typ" header values.
const (
	typIDToken     = "JWT"
	typAccessToken = "at+jwt" // RFC 9068
)

// grantRecord is one authorization (a code redemption) in the store: the
// person, the client, the scopes and, with offline_access, the refresh-token
// family rotating under it. Deleting it revokes the grant's access tokens
// (for userinfo and introspection) and its refresh tokens.
type grantRecord struct {
	ClientID  string         `json:"cid"`
	Subject   string         `json:"sub"`
	Username  string         `json:"usr,omitempty"`
	SessionID string         `json:"sid"`
	Scopes    []string       `json:"sc"`
	ClaimsUI  []string       `json:"cu,omitempty"`
	ClaimsID  []string       `json:"ci,omitempty"`
	Claims    map[string]any `json:"cl,omitempty"`
	AuthTime  int64          `json:"at"`
	AMR       []string       `json:"amr,omitempty"`
	Upstream  bool           `json:"up,omitempty"`
	Offline   bool           `json:"off,omitempty"`
	Created   int64          `json:"c"`
}

// refreshRecord is a refresh token in the store. A used token stays as
// Rotated until it would have expired, so presenting it again is detected.
type refreshRecord struct {
	GrantID string `json:"gid"`
	Rotated bool   `json:"rot,omitempty"`
	Expires int64  `json:"e"`
}

// accessClaims are the claims of Bridgekeeper's JWT access tokens (RFC 9068).
type accessClaims struct {
	Issuer   string       `json:"iss"`
	Subject  string       `json:"sub"`
	Audience jwt.Audience `json:"aud"`
	Expiry   int64        `json:"exp"`
	IssuedAt int64        `json:"iat"`
	ID       string       `json:"jti"`
	ClientID string       `json:"client_id"`
	Scope    string       `json:"scope"`
	AuthTime int64        `json:"auth_time,omitempty"`
	AMR      []string     `json:"amr,omitempty"`
	SID      string       `json:"sid,omitempty"`
	GrantID  string       `json:"gid"`
}

// idTokenClaims are the ID token claims read back from an id_token_hint.
type idTokenClaims struct {
	Issuer   string       `json:"iss"`
	Subject  string       `json:"sub"`
	Audience jwt.Audience `json:"aud"`
	SID      string       `json:"sid"`
}

// tokenResponse is a successful token endpoint answer.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	IDToken      string `json:"id_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope"`
}

// issueTokens writes the grant and mints the token response for it: an
// access token, an ID token (nonce only on the first issue) and, for
// offline grants, a new refresh token.
func (p *Provider) issueTokens(ctx context.Context, c *client, gid string, g *grantRecord, scopes []string, nonce string) (*tokenResponse, error) {
	now := p.now()
	resp := &tokenResponse{TokenType: "Bearer", ExpiresIn: int64(c.accessTokenTTL / time.Second), Scope: strings.Join(scopes, " ")}
	if g.Offline {
		rt, err := p.randomToken(32)
		if err != nil {
			return nil, err
		}
		rec := refreshRecord{GrantID: gid, Expires: now.Add(c.refreshTokenTTL).Unix()}
		if err := p.setJSON(ctx, keyRefresh+hashSecret(rt), rec, c.refreshTokenTTL); err != nil {
			return nil, err
		}
		resp.RefreshToken = rt
	}
	at, err := p.mintAccessToken(c, gid, g, scopes, now)
	if err != nil {
		return nil, err
	}
	resp.AccessToken = at
	if slices.Contains(scopes, scopeOpenID) {
		idt, err := p.mintIDToken(c, g, scopes, nonce, at, now)
		if err != nil {
			return nil, err
		}
		resp.IDToken = idt
	}
	return resp, nil
}

// grantTTL is how long a grant lives: as long as its refresh tokens, or its
// access token when it has none.
func grantTTL(c *client, g *grantRecord) time.Duration {
	if g.Offline {
		return c.refreshTokenTTL
	}
	return c.accessTokenTTL
}

// mintAccessToken signs an RFC 9068 JWT access token.
func (p *Provider) mintAccessToken(c *client, gid string, g *grantRecord, scopes []string, now time.Time) (string, error) {
	jti, err := p.randomToken(16)
	if err != nil {
		return "", err
	}
	claims := map[string]any{
		"iss":       p.issuer,
		"sub":       g.Subject,
		"aud":       audienceValue(c.atAudience),
		"exp":       now.Add(c.accessTokenTTL).Unix(),
		"iat":       now.Unix(),
		"jti":       jti,
		"client_id": c.ID,
		"scope":     strings.Join(scopes, " "),
		"auth_time": g.AuthTime,
		"sid":       publicSID(g.SessionID),
		"gid":       gid,
	}
	if len(g.AMR) > 0 {
		claims["amr"] = g.AMR
	}
	if slices.Contains(scopes, scopeGroups) {
		if groups, ok := stringList(g.Claims["cognito:groups"]); ok {
			claims["groups"] = groups
		}
	}
	tok, err := p.keys.sign(c.alg, typAccessToken, claims)
	if err != nil {
		return "", fmt.Errorf("sign access token: %w", err)
	}
	return tok, nil
}

// mintIDToken signs an ID token with the person's claims released by scopes
// and by the claims request parameter.
func (p *Provider) mintIDToken(c *client, g *grantRecord, scopes []string, nonce, accessToken string, now time.Time) (string, error) {
	claims := p.userClaims(g.Subject, g.Username, g.Claims, scopes, g.ClaimsID)
	claims["iss"] = p.issuer
	claims["aud"] = c.ID
	claims["exp"] = now.Add(c.idTokenTTL).Unix()
	claims["iat"] = now.Unix()
	claims["auth_time"] = g.AuthTime
	claims["sid"] = publicSID(g.SessionID)
	if len(g.AMR) > 0 {
		claims["amr"] = g.AMR
	}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	if accessToken != "" {
		claims["at_hash"] = tokenHash(c.alg, accessToken)
	}
	tok, err := p.keys.sign(c.alg, typIDToken, claims)
	if err != nil {
		return "", fmt.Errorf("sign ID token: %w", err)
	}
	return tok, nil
}

// tokenHash computes at_hash: the left half of the token's hash with the
// hash of the signing algorithm (SHA-512 for EdDSA), base64url.
func tokenHash(alg, token string) string {
	var h hash.Hash
	if alg == EdDSA {
		h = sha512.New()
	} else {
		h = sha256.New()
	}
	h.Write([]byte(token))
	sum := h.Sum(nil)
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}

// audienceValue is a single audience as a string, several as an array.
func audienceValue(aud []string) any {
	if len(aud) == 1 {
		return aud[0]
	}
	return aud
}

// errInvalidAccessToken covers every reason an access token is refused.
var errInvalidAccessToken = errors.New("access token is invalid, expired or revoked")

// verifyAccessToken checks an access token's signature, type, issuer and
// expiry, and that its grant has not been revoked.
func (p *Provider) verifyAccessToken(ctx context.Context, tok string) (*accessClaims, *grantRecord, error) {
	payload, typ, err := p.keys.verify(tok)
	if err != nil || typ != typAccessToken {
		return nil, nil, errInvalidAccessToken
	}
	var claims accessClaims
	if err := json.Unmarshal(payload, &claims); err != nil {
		return nil, nil, errInvalidAccessToken
	}
	if claims.Issuer != p.issuer || claims.GrantID == "" || p.now().Unix() >= claims.Expiry {
		return nil, nil, errInvalidAccessToken
	}
	var g grantRecord
	found, err := p.getJSON(ctx, keyGrant+claims.GrantID, &g)
	if err != nil {
		return nil, nil, err
	}
	if !found || g.ClientID != claims.ClientID || g.Subject != claims.Subject {
		return nil, nil, errInvalidAccessToken
	}
	return &claims, &g, nil
}

// verifyIDTokenHint checks that an id_token_hint is an ID token this
// provider issued (its expiry is not checked: hints are often expired).
func (p *Provider) verifyIDTokenHint(tok string) (*idTokenClaims, error) {
	payload, typ, err := p.keys.verify(tok)
	if err != nil || typ == typAccessToken {
		return nil, errors.New("id_token_hint not issued by this provider")
	}
	var claims idTokenClaims
	if err := json.Unmarshal(payload, &claims); err != nil {
		return nil, fmt.Errorf("decode id_token_hint: %w", err)
	}
	if claims.Issuer != p.issuer || claims.Subject == "" || len(claims.Audience) != 1 || p.clients[claims.Audience[0]] == nil {
		return nil, errors.New("id_token_hint not issued by this provider")
	}
	return &claims, nil
}

// revokeGrant deletes a grant, revoking its tokens.
func (p *Provider) revokeGrant(ctx context.Context, gid string) error {
	if gid == "" {
		return nil
	}
	var g grantRecord
	found, err := p.getJSON(ctx, keyGrant+gid, &g)
	if err != nil {
		return err
	}
	if err := p.store.Delete(ctx, keyGrant+gid); err != nil {
		return fmt.Errorf("store delete: %w", err)
	}
	if found {
		if err := p.store.SRem(ctx, keySessGrants+g.SessionID, gid); err != nil {
			return fmt.Errorf("store srem: %w", err)
		}
	}
	return nil
}

// encodeB64 is unpadded base64url.
func encodeB64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
