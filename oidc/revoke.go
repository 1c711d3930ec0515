package oidc

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
)

// Revoke serves RFC 7009 token revocation. Revoking a refresh token or an
// access token revokes its whole grant (the refresh-token family and the
// access tokens issued with it). Unknown tokens and tokens of other clients
// get the same 200 answer.
func (p *Provider) Revoke(w http.ResponseWriter, r *http.Request) {
	c, form, ok := p.clientRequest(w, r, clientEndpoint{name: "revoke", public: true, token: true})
	if !ok {
		return
	}
	ctx := r.Context()
	tok := form.Get("token")
	gid, err := p.grantOfToken(ctx, c, tok, form.Get("token_type_hint"), false)
	if err != nil {
		writeTokenError(w, p.serverError(ctx, "revoke: look up token", err))
		return
	}
	if gid != "" {
		if err := p.revokeGrant(ctx, gid); err != nil {
			writeTokenError(w, p.serverError(ctx, "revoke grant", err))
			return
		}
		p.log.InfoContext(ctx, "grant revoked by client", "client_id", c.ID)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

// grantOfToken finds the grant behind a refresh or access token of client c
// ("" when the token is unknown, not c's, or — with activeOnly — no longer
// usable). The hint only changes the lookup order.
func (p *Provider) grantOfToken(ctx context.Context, c *client, tok, hint string, activeOnly bool) (string, error) {
	lookups := []func() (string, error){
		func() (string, error) { return p.refreshGrantOf(ctx, c, tok, activeOnly) },
		func() (string, error) { return p.accessGrantOf(ctx, c, tok) },
	}
	if hint == "access_token" {
		lookups[0], lookups[1] = lookups[1], lookups[0]
	}
	for _, f := range lookups {
		gid, err := f()
		if err != nil || gid != "" {
			return gid, err
		}
	}
	return "", nil
}

// refreshGrantOf returns the grant of a refresh token belonging to c: the
// current token of its family or, unless activeOnly, a recently rotated one.
func (p *Provider) refreshGrantOf(ctx context.Context, c *client, tok string, activeOnly bool) (string, error) {
	gid, hash, ok := splitRefreshToken(tok)
	if !ok {
		return "", nil
	}
	var g grantRecord
	found, err := p.getJSON(ctx, keyGrant+gid, &g)
	if err != nil || !found || !g.Offline || g.ClientID != c.ID {
		return "", err
	}
	current := sameHash(hash, g.RefreshHash) && p.now().Unix() < g.RefreshExpires
	rotated := slices.ContainsFunc(g.RotatedHashes, func(h string) bool { return sameHash(h, hash) })
	if current || !activeOnly && (rotated || sameHash(hash, g.RefreshHash)) {
		return gid, nil
	}
	return "", nil
}

// accessGrantOf returns the grant of a valid access token issued to c.
func (p *Provider) accessGrantOf(ctx context.Context, c *client, tok string) (string, error) {
	claims, _, err := p.verifyAccessToken(ctx, tok)
	if errors.Is(err, errInvalidAccessToken) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if claims.ClientID != c.ID {
		return "", nil
	}
	return claims.GrantID, nil
}

// introspection is an RFC 7662 response.
type introspection struct {
	Active    bool     `json:"active"`
	Scope     string   `json:"scope,omitempty"`
	ClientID  string   `json:"client_id,omitempty"`
	Username  string   `json:"username,omitempty"`
	TokenType string   `json:"token_type,omitempty"`
	Exp       int64    `json:"exp,omitempty"`
	Iat       int64    `json:"iat,omitempty"`
	Sub       string   `json:"sub,omitempty"`
	Aud       []string `json:"aud,omitempty"`
	Iss       string   `json:"iss,omitempty"`
	Jti       string   `json:"jti,omitempty"`
}

// Introspect serves RFC 7662 token introspection, for authenticated
// (confidential) clients only. A client learns about access tokens issued
// to it or naming it as audience, and about its own refresh tokens;
// anything else is reported inactive.
func (p *Provider) Introspect(w http.ResponseWriter, r *http.Request) {
	c, form, ok := p.clientRequest(w, r, clientEndpoint{name: "introspect", token: true})
	if !ok {
		return
	}
	ctx := r.Context()
	tok := form.Get("token")
	res, err := p.introspect(ctx, c, tok)
	if err != nil {
		writeTokenError(w, p.serverError(ctx, "introspect", err))
		return
	}
	writeNoStoreJSON(w, http.StatusOK, res)
}

// introspect describes tok to client c.
func (p *Provider) introspect(ctx context.Context, c *client, tok string) (*introspection, error) {
	claims, g, err := p.verifyAccessToken(ctx, tok)
	switch {
	case err == nil:
		if claims.ClientID != c.ID && !claims.Audience.Contains(c.ID) {
			return &introspection{}, nil
		}
		return &introspection{
			Active: true, Scope: claims.Scope, ClientID: claims.ClientID, Username: g.Username,
			TokenType: "Bearer", Exp: claims.Expiry, Iat: claims.IssuedAt, Sub: claims.Subject,
			Aud: claims.Audience, Iss: claims.Issuer, Jti: claims.ID,
		}, nil
	case !errors.Is(err, errInvalidAccessToken):
		return nil, err
	}
	gid, err := p.refreshGrantOf(ctx, c, tok, true)
	if err != nil || gid == "" {
		return &introspection{}, err
	}
	var gr grantRecord
	found, err := p.getJSON(ctx, keyGrant+gid, &gr)
	if err != nil || !found {
		return &introspection{}, err
	}
	return &introspection{
		Active: true, Scope: strings.Join(gr.Scopes, " "), ClientID: gr.ClientID, Username: gr.Username,
		TokenType: "refresh_token", Exp: gr.RefreshExpires, Sub: gr.Subject, Iss: p.issuer,
	}, nil
}
