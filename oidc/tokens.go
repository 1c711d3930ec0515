package oidc

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/bridgekeeper/bridgekeeper/identity"
)

// idTokenPayloadSize is about the size of an ID token's payload beyond the person's claims.
const idTokenPayloadSize = 320

// JWT "typ" header values.
const (
	typIDToken     = "JWT"
	typAccessToken = "at+jwt" // RFC 9068
)

// grantRecord is one authorization (a code redemption) in the store: the
// person, the client, the scopes and, with offline_access, the refresh-token
// family rotating under it. Deleting it revokes the grant's access tokens
// (for userinfo and introspection) and every refresh token of the family.
type grantRecord struct {
	ClientID string `json:"cid"`
	identity.Identity
	SessionID string   `json:"sid"`
	Scopes    []string `json:"sc"`
	ClaimsUI  []string `json:"cu,omitempty"`
	ClaimsID  []string `json:"ci,omitempty"`
	Upstream  bool     `json:"up,omitempty"`
	Created   int64    `json:"c"`
	// Offline grants have a refresh-token family: the hash of the current
	// token's secret, when it expires, and the hashes of the most recently
	// rotated ones (presenting one of those again revokes the family).
	Offline        bool     `json:"off,omitempty"`
	RefreshHash    string   `json:"rh,omitempty"`
	RefreshExpires int64    `json:"re,omitempty"`
	RotatedHashes  []string `json:"ro,omitempty"`
}

// maxRotatedHashes bounds the rotated refresh tokens remembered per family
// for reuse detection. An older token is still refused, only without
// revoking the family.
const maxRotatedHashes = 8

// newRefreshToken makes a refresh token for grant gid: "<gid>.<secret>".
// Only the secret's hash is stored (in the grant).
func (p *Provider) newRefreshToken(gid string) (token, hash string, err error) {
	secret, err := p.randomToken(32)
	if err != nil {
		return "", "", err
	}
	return gid + "." + secret, hashSecret(secret), nil
}

// splitRefreshToken splits a refresh token into grant id and secret hash.
func splitRefreshToken(tok string) (gid, hash string, ok bool) {
	gid, secret, ok := strings.Cut(tok, ".")
	if !ok || gid == "" || secret == "" || strings.Contains(secret, ".") {
		return "", "", false
	}
	return gid, hashSecret(secret), true
}

// sameHash compares two secret hashes in constant time.
func sameHash(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// accessClaims are the claims of Bridgekeeper's JWT access tokens (RFC 9068),
// encoded from this struct when minted and decoded into it when presented.
type accessClaims struct {
	Issuer   string       `json:"iss"`
	Subject  string       `json:"sub"`
	Audience jwt.Audience `json:"aud"`
	Expiry   int64        `json:"exp"`
	IssuedAt int64        `json:"iat"`
	ID       string       `json:"jti"`
	ClientID string       `json:"client_id"`
	Scope    string       `json:"scope"`
	AuthTime int64        `json:"auth_time"`
	AMR      []string     `json:"amr,omitempty"`
	SID      string       `json:"sid"`
	GrantID  string       `json:"gid"`
	// Groups are the person's Cognito groups, with the groups scope.
	Groups []string `json:"groups,omitempty"`
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

// issueTokens mints the token response for a grant: an access token, an ID
// token (nonce only on the first issue) and the refresh token, if any.
func (p *Provider) issueTokens(c *client, gid string, g *grantRecord, scopes []string, nonce, refreshToken string) (*tokenResponse, error) {
	now := p.now()
	scope, sid := strings.Join(scopes, " "), publicSID(g.SessionID) // both tokens carry them
	resp := &tokenResponse{TokenType: "Bearer", ExpiresIn: int64(c.accessTokenTTL / time.Second), Scope: scope,
		RefreshToken: refreshToken}
	at, err := p.mintAccessToken(c, gid, g, scopes, scope, sid, now)
	if err != nil {
		return nil, err
	}
	resp.AccessToken = at
	if slices.Contains(scopes, scopeOpenID) {
		idt, err := p.mintIDToken(c, g, scopes, sid, nonce, at, now)
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

// mintAccessToken signs an RFC 9068 JWT access token, or for a client with opaque access
// tokens seals one (opaque.go); scope is scopes joined, sid the session's public id.
func (p *Provider) mintAccessToken(c *client, gid string, g *grantRecord, scopes []string, scope, sid string, now time.Time) (string, error) {
	jti, err := p.randomToken(16)
	if err != nil {
		return "", err
	}
	claims := accessClaims{
		Issuer:   p.issuer,
		Subject:  g.Subject,
		Audience: c.atAudience,
		Expiry:   now.Add(c.accessTokenTTL).Unix(),
		IssuedAt: now.Unix(),
		ID:       jti,
		ClientID: c.ID,
		Scope:    scope,
		AuthTime: g.AuthTime,
		AMR:      g.AMR,
		SID:      sid,
		GrantID:  gid,
	}
	if c.opaqueAccess {
		return p.sealOpaqueAccessToken(&claims)
	}
	if slices.Contains(scopes, scopeGroups) {
		if groups, ok := p.groups(g.Claims); ok {
			claims.Groups = groups
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
// Its payload is written straight from the grant's claims (jsonObject).
func (p *Provider) mintIDToken(c *client, g *grantRecord, scopes []string, sid, nonce, accessToken string, now time.Time) (string, error) {
	sc := p.bufs.get()
	defer p.bufs.put(sc) // the signer encodes the payload into the token
	o := newJSONObjectIn(sc.raw, idTokenPayloadSize+len(g.Claims))
	p.appendUserClaims(o, g.Subject, g.Username, g.Claims, scopes, g.ClaimsID)
	o.str("iss", p.issuer)
	o.str("aud", c.ID)
	o.num("exp", now.Add(c.idTokenTTL).Unix())
	o.num("iat", now.Unix())
	o.num("auth_time", g.AuthTime)
	o.str("sid", sid)
	if len(g.AMR) > 0 {
		o.strs("amr", g.AMR)
	}
	if nonce != "" {
		o.str("nonce", nonce)
	}
	if accessToken != "" {
		o.str("at_hash", tokenHash(c.alg, accessToken))
	}
	payload := o.bytes()
	sc.raw = payload[:0] // keep what the buffer grew to
	tok, err := p.keys.signPayload(c.alg, typIDToken, payload)
	if err != nil {
		return "", fmt.Errorf("sign ID token: %w", err)
	}
	return tok, nil
}

// tokenHash computes at_hash: the left half of the token's hash with the
// hash of the signing algorithm (SHA-512 for EdDSA), base64url.
func tokenHash(alg, token string) string {
	var in [2048]byte // the token hashed from the stack when it fits (the usual case)
	b := append(in[:0], token...)
	if alg == EdDSA {
		sum := sha512.Sum512(b)
		return encodeB64(sum[:len(sum)/2])
	}
	sum := sha256.Sum256(b)
	return encodeB64(sum[:len(sum)/2])
}

// errInvalidAccessToken covers every reason an access token is refused.
var errInvalidAccessToken = errors.New("access token is invalid, expired or revoked")

// verifyAccessToken checks an access token — a JWT's signature and type, or an opaque token's
// seal, chosen by its prefix alone — its issuer and expiry, that its client is still registered
// (a client removed from the configuration loses its tokens at once, of either format) and that
// its grant has not been revoked.
func (p *Provider) verifyAccessToken(ctx context.Context, tok string) (*accessClaims, *grantRecord, error) {
	var claims *accessClaims
	var ok bool
	if strings.HasPrefix(tok, opaqueAccessPrefix) {
		claims, ok = p.openOpaqueAccessToken(tok)
	} else {
		claims, ok = p.parseJWTAccessToken(tok)
	}
	if !ok || claims.Issuer != p.issuer || claims.GrantID == "" || p.clients[claims.ClientID] == nil || p.now().Unix() >= claims.Expiry {
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
	return claims, &g, nil
}

// parseJWTAccessToken checks a JWT access token's signature and type and decodes its claims.
func (p *Provider) parseJWTAccessToken(tok string) (*accessClaims, bool) {
	payload, typ, err := p.keys.verify(tok)
	if err != nil || typ != typAccessToken {
		return nil, false
	}
	var claims accessClaims
	if err := json.Unmarshal(payload, &claims); err != nil {
		return nil, false
	}
	return &claims, true
}

// verifyIDTokenHint checks that an id_token_hint is an ID token this
// provider issued (its expiry is not checked: hints are often expired).
func (p *Provider) verifyIDTokenHint(tok string) (*idTokenClaims, error) {
	payload, typ, err := p.keys.verify(tok)
	if err != nil || typ != typIDToken {
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
		if err := p.unindexGrant(ctx, gid, &g); err != nil {
			return err
		}
	}
	return nil
}

// encodeB64 is unpadded base64url, encoded on the stack when b is at most 64 bytes (one
// allocation, the string, where EncodeToString makes two).
func encodeB64(b []byte) string {
	var out [86]byte
	return string(base64.RawURLEncoding.AppendEncode(out[:0], b))
}
