package oidc

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/cookiecodec"
)

// Opaque access tokens (Client.AccessTokenFormat AccessTokenOpaque) are a fixed prefix and an
// AEAD-sealed record (internal/cookiecodec: XChaCha20-Poly1305) of what verifyAccessToken needs:
// grant, subject, client, scopes, expiry and an id. They are sealed under keys derived from the
// configured cookie keys for this one purpose, so every instance sharing the cookie keys opens
// them, the first key seals and every key opens (rotation as for the SSO cookie), and no other
// sealed value (cookies, sign-out confirmations) opens as an access token, nor the other way.
const (
	// opaqueAccessPrefix starts every opaque access token. A JWT starts with "eyJ" (a JSON
	// header), so the prefix alone picks the format: neither parser is tried on the other's token.
	opaqueAccessPrefix = "bkat_"
	// opaqueAccessName is sealed in as associated data; it has a space, so it is no cookie's
	// or form field's name.
	opaqueAccessName = "bridgekeeper access token"
	// opaqueAccessKeyPurpose derives the sealing keys from the cookie keys.
	opaqueAccessKeyPurpose = "oidc opaque access token"
	// maxOpaqueAccessTokenLength bounds an opaque access token, prefix included: the codec's
	// MaxLength (the rest) refuses longer input before it is decoded, and fails to mint a longer one.
	maxOpaqueAccessTokenLength = 1024
)

// opaqueAccess is the sealed record of an opaque access token.
type opaqueAccess struct {
	GrantID  string `json:"g"`
	Subject  string `json:"s"`
	ClientID string `json:"c"`
	Scope    string `json:"sc"`
	Expiry   int64  `json:"e"`
	IssuedAt int64  `json:"i"`
	ID       string `json:"j"`
}

// newOpaqueAccessCodec builds the sealer of opaque access tokens from the cookie keys (newest
// first); maxAge is the longest access token lifetime of any client.
func newOpaqueAccessCodec(cookieKeys [][]byte, maxAge time.Duration, now func() time.Time, rand io.Reader) (*cookiecodec.Codec, error) {
	keys, err := cookiecodec.DeriveKeys(cookieKeys, opaqueAccessKeyPurpose)
	if err != nil {
		return nil, fmt.Errorf("opaque access tokens: %w", err)
	}
	codec, err := cookiecodec.New(keys, cookiecodec.Options{
		MaxAge: maxAge, MaxLength: maxOpaqueAccessTokenLength - len(opaqueAccessPrefix), Now: now, Rand: rand,
	})
	if err != nil {
		return nil, fmt.Errorf("opaque access tokens: %w", err)
	}
	return codec, nil
}

// sealOpaqueAccessToken mints an opaque access token from the claims a JWT access token would
// carry (only the ones verifyAccessToken needs are kept).
func (p *Provider) sealOpaqueAccessToken(claims *accessClaims) (string, error) {
	sc := p.bufs.get()
	defer p.bufs.put(sc) // the codec seals a copy of the record
	raw, err := sc.marshal(&opaqueAccess{
		GrantID: claims.GrantID, Subject: claims.Subject, ClientID: claims.ClientID, Scope: claims.Scope,
		Expiry: claims.Expiry, IssuedAt: claims.IssuedAt, ID: claims.ID,
	})
	if err != nil {
		return "", fmt.Errorf("encode opaque access token: %w", err)
	}
	sealed, err := p.opaqueCodec.Encode(opaqueAccessName, raw)
	if err != nil {
		return "", fmt.Errorf("seal opaque access token: %w", err)
	}
	return opaqueAccessPrefix + sealed, nil
}

// openOpaqueAccessToken opens an opaque access token (tok starts with opaqueAccessPrefix) into
// the claims a JWT access token of its client would carry: issuer and audience are the
// provider's and the client's. It reports false for anything that does not open (tampered,
// truncated, too long, another key, sealed too long ago), or whose client is no longer registered.
// Expiry and the grant are checked by verifyAccessToken, as for JWTs.
func (p *Provider) openOpaqueAccessToken(tok string) (*accessClaims, bool) {
	var raw []byte
	if err := p.opaqueCodec.Decode(opaqueAccessName, strings.TrimPrefix(tok, opaqueAccessPrefix), &raw); err != nil {
		return nil, false
	}
	var o opaqueAccess
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, false
	}
	c := p.clients[o.ClientID]
	if c == nil {
		return nil, false
	}
	return &accessClaims{
		Issuer: p.issuer, Subject: o.Subject, Audience: c.atAudience, Expiry: o.Expiry, IssuedAt: o.IssuedAt,
		ID: o.ID, ClientID: o.ClientID, Scope: o.Scope, GrantID: o.GrantID,
	}, true
}
