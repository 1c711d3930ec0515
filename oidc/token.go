package oidc

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/logx"
)

// Token serves the token endpoint: authorization_code and refresh_token
// grants, with client_secret_basic, client_secret_post, or none for public
// clients. Responses are never cached.
func (p *Provider) Token(w http.ResponseWriter, r *http.Request) {
	c, form, ok := p.clientRequest(w, r, clientEndpoint{name: "token", public: true})
	if !ok {
		return
	}
	ctx := r.Context()
	var (
		resp *tokenResponse
		oe   *oauthError
	)
	switch gt := form.Get("grant_type"); gt {
	case "authorization_code":
		resp, oe = p.codeGrant(ctx, c, form)
	case "refresh_token":
		resp, oe = p.refreshGrant(ctx, c, form)
	case "":
		oe = newError(errInvalidRequest, descNoGrantType)
	default:
		oe = newError(errUnsupportedGrantType, descGrantType)
	}
	if oe != nil {
		p.log.InfoContext(ctx, "token request refused", "client_id", c.ID, "grant_type", truncate(form.Get("grant_type"), 32), "error", oe.code, "reason", oe.desc)
		writeTokenError(w, oe)
		return
	}
	sc := p.bufs.get()
	writeNoStoreJSONIn(sc, w, http.StatusOK, resp)
	p.bufs.put(sc)
	if p.cfg.TokensIssued != nil {
		p.cfg.TokensIssued(form.Get("grant_type"), c.ID)
	}
}

// serverError logs err and returns the generic server_error, or temporarily_unavailable (503,
// Retry-After) when the store or upstream cannot answer for a moment.
func (p *Provider) serverError(ctx context.Context, what string, err error) *oauthError {
	p.log.ErrorContext(ctx, what, "err", err)
	if p.isUnavailable(err) {
		return &oauthError{code: errTemporarilyUnavailable, desc: descUnavailable, status: http.StatusServiceUnavailable}
	}
	return &oauthError{code: errServerError, desc: descServerError, status: http.StatusInternalServerError}
}

// isUnavailable reports whether err means the store or upstream cannot answer right now.
func (p *Provider) isUnavailable(err error) bool {
	return errors.Is(err, ErrUpstreamUnavailable) || (p.unavailable != nil && errors.Is(err, p.unavailable))
}

// unavailableError is the error sent to the app's redirect URI when err kept the authorization
// endpoint from answering: temporarily_unavailable when the store cannot answer for a moment
// (RFC 6749 §4.1.2.1), server_error otherwise.
func (p *Provider) unavailableError(err error) *oauthError {
	if p.isUnavailable(err) {
		return newError(errTemporarilyUnavailable, descUnavailable)
	}
	return newError(errServerError, descServerError)
}

// codeGrant redeems an authorization code.
func (p *Provider) codeGrant(ctx context.Context, c *client, form url.Values) (*tokenResponse, *oauthError) {
	code := form.Get("code")
	if code == "" {
		return nil, newError(errInvalidRequest, descNoCode)
	}
	key := keyCode + hashSecret(code)
	var rec codeRecord
	found, err := p.getJSON(ctx, key, &rec)
	if err != nil {
		return nil, p.serverError(ctx, "read authorization code", err)
	}
	invalid := newError(errInvalidGrant, descCodeInvalid)
	if !found {
		return nil, invalid
	}
	if rec.Redeemed {
		p.codeReplayed(ctx, rec.ClientID, rec.GrantID)
		return nil, invalid
	}
	if rec.ClientID != c.ID {
		p.log.WarnContext(ctx, "authorization code presented by another client", "client_id", c.ID)
		return nil, invalid
	}
	if p.now().Unix() >= rec.Expires {
		return nil, invalid
	}
	if form.Get("redirect_uri") != rec.RedirectURI {
		return nil, newError(errInvalidGrant, descRedirectMismatch)
	}
	verifier := form.Get("code_verifier")
	switch {
	case rec.Challenge != "" && !pkceMatches(verifier, rec.Challenge):
		return nil, newError(errInvalidGrant, descPKCEFailed)
	case rec.Challenge == "" && verifier != "":
		return nil, newError(errInvalidGrant, descVerifierUnexpected)
	}
	alive, err := p.sessionAlive(ctx, rec.SessionID, rec.Upstream)
	if err != nil {
		return nil, p.serverError(ctx, "check session", err)
	}
	if !alive {
		return nil, newError(errInvalidGrant, descSessionEnded)
	}

	gid, err := p.randomToken(16)
	if err != nil {
		return nil, p.serverError(ctx, "grant id", err)
	}
	g := &grantRecord{
		ClientID:  c.ID,
		Identity:  rec.Identity,
		SessionID: rec.SessionID,
		Scopes:    rec.Scopes,
		ClaimsUI:  rec.ClaimsUI,
		ClaimsID:  rec.ClaimsID,
		Upstream:  rec.Upstream,
		Offline:   slices.Contains(rec.Scopes, scopeOfflineAccess),
		Created:   p.now().Unix(),
	}
	var refreshToken string
	if g.Offline {
		if refreshToken, g.RefreshHash, err = p.newRefreshToken(gid); err != nil {
			return nil, p.serverError(ctx, "refresh token", err)
		}
		g.RefreshExpires = p.now().Add(c.refreshTokenTTL).Unix()
	}
	// Write the grant and its index entries (making room under the live-grant
	// cap) before consuming the code: the code's swap is the one write that
	// commits the redemption, so a store failure before it leaves the code
	// valid and nothing issued (the client may try again), and only a read
	// follows it. A replay that sees the redeemed marker always finds
	// something to revoke.
	if err := p.setJSON(ctx, keyGrant+gid, g, grantTTL(c, g)); err != nil {
		return nil, p.serverError(ctx, "store grant", err)
	}
	if err := p.capGrants(ctx, g); err != nil {
		p.revokeQuietly(ctx, gid)
		return nil, p.serverError(ctx, "cap live grants", err)
	}
	if err := p.indexGrant(ctx, gid, g, grantTTL(c, g)); err != nil {
		p.revokeQuietly(ctx, gid)
		return nil, p.serverError(ctx, "index grant", err)
	}
	if g.Offline && g.Upstream {
		if err := p.keepUpstream(ctx, g.SessionID); err != nil {
			p.revokeQuietly(ctx, gid)
			return nil, p.serverError(ctx, "keep upstream token", err)
		}
	}
	var prev codeMarker
	marker := codeRecord{codeMarker: codeMarker{ClientID: c.ID, Redeemed: true, GrantID: gid}, Expires: p.now().Add(p.codeReplayWindow()).Unix()}
	found, err = p.swapJSON(ctx, key, marker, &prev, p.codeReplayWindow())
	if err != nil || !found || prev.Redeemed {
		if rerr := p.revokeGrant(ctx, gid); rerr != nil {
			p.log.ErrorContext(ctx, "revoke grant", "err", rerr)
		}
		if err != nil {
			return nil, p.serverError(ctx, "consume authorization code", err)
		}
		if prev.Redeemed {
			p.codeReplayed(ctx, prev.ClientID, prev.GrantID)
		}
		return nil, invalid
	}
	// A sign-out that ran since the first check may have missed the new grant.
	if alive, err = p.sessionAlive(ctx, rec.SessionID, rec.Upstream); err != nil || !alive {
		p.revokeQuietly(ctx, gid)
		if err != nil {
			return nil, p.serverError(ctx, "check session", err)
		}
		return nil, newError(errInvalidGrant, descSessionEnded)
	}
	resp, err := p.issueTokens(c, gid, g, g.Scopes, rec.Nonce, refreshToken)
	if err != nil {
		return nil, p.serverError(ctx, "issue tokens", err)
	}
	logx.Info(ctx, p.log, "tokens issued", slog.String("client_id", c.ID), slog.String("sub", g.Subject), slog.String("grant_type", "authorization_code"), slog.Bool("refresh", g.Offline))
	return resp, nil
}

// codeReplayed revokes what a replayed code issued to clientID (grant gid; RFC 6749 §4.1.2).
func (p *Provider) codeReplayed(ctx context.Context, clientID, gid string) {
	p.log.WarnContext(ctx, "authorization code replayed; revoking its tokens", "client_id", clientID)
	if err := p.revokeGrant(ctx, gid); err != nil {
		p.log.ErrorContext(ctx, "revoke grant of replayed code", "err", err)
	}
}

// pkceMatches checks an S256 code verifier against the challenge.
func pkceMatches(verifier, challenge string) bool {
	if !validVerifier(verifier) {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	return subtle.ConstantTimeCompare([]byte(encodeB64(sum[:])), []byte(challenge)) == 1
}

// refreshGrant rotates a refresh token: the presented token is replaced in
// its family (presenting it again revokes the family), the person is
// re-checked upstream, and new tokens are issued.
func (p *Provider) refreshGrant(ctx context.Context, c *client, form url.Values) (*tokenResponse, *oauthError) {
	tok := form.Get("refresh_token")
	if tok == "" {
		return nil, newError(errInvalidRequest, descNoRefreshToken)
	}
	invalid := newError(errInvalidGrant, descRefreshInvalid)
	gid, hash, ok := splitRefreshToken(tok)
	if !ok {
		return nil, invalid
	}
	var g grantRecord
	found, err := p.getJSON(ctx, keyGrant+gid, &g)
	if err != nil {
		return nil, p.serverError(ctx, "read grant", err)
	}
	if !found || !g.Offline {
		return nil, invalid
	}
	if !sameHash(hash, g.RefreshHash) {
		if slices.ContainsFunc(g.RotatedHashes, func(h string) bool { return sameHash(h, hash) }) {
			p.refreshReused(ctx, gid)
		}
		return nil, invalid
	}
	if g.ClientID != c.ID {
		p.log.WarnContext(ctx, "refresh token presented by another client", "client_id", c.ID)
		return nil, invalid
	}
	now := p.now()
	if now.Unix() >= g.RefreshExpires {
		return nil, invalid
	}
	scopes := g.Scopes
	if raw, ok := form["scope"]; ok {
		scopes = strings.Fields(raw[0])
		for _, s := range scopes {
			if !slices.Contains(g.Scopes, s) {
				return nil, newError(errInvalidScope, descScopeExceeds)
			}
		}
	}

	if g.Upstream && p.upstream != nil {
		if oe := p.refreshUpstream(ctx, gid, &g, c.refreshTokenTTL); oe != nil {
			return nil, oe
		}
	}

	// Rotate. Two concurrent uses race on the swap: the loser finds another
	// token current and revokes the family.
	newToken, newHash, err := p.newRefreshToken(gid)
	if err != nil {
		return nil, p.serverError(ctx, "refresh token", err)
	}
	g.RotatedHashes = append([]string{hash}, g.RotatedHashes...)[:min(len(g.RotatedHashes)+1, maxRotatedHashes)]
	g.RefreshHash = newHash
	g.RefreshExpires = now.Add(c.refreshTokenTTL).Unix()
	// Keep the indexes that sign-out uses alive as long as the family is, before
	// the swap: the swap is the one write that rotates, so a store failure before
	// it leaves the presented token current, and nothing after it can fail.
	if err := p.indexGrant(ctx, gid, &g, c.refreshTokenTTL); err != nil {
		return nil, p.serverError(ctx, "index grant", err)
	}
	var prev grantRecord
	found, err = p.swapJSON(ctx, keyGrant+gid, g, &prev, c.refreshTokenTTL)
	if err != nil {
		return nil, p.serverError(ctx, "rotate refresh token", err)
	}
	if !found {
		return nil, invalid // revoked meanwhile
	}
	if !sameHash(prev.RefreshHash, hash) {
		p.refreshReused(ctx, gid)
		return nil, invalid
	}
	resp, err := p.issueTokens(c, gid, &g, scopes, "", newToken)
	if err != nil {
		return nil, p.serverError(ctx, "issue tokens", err)
	}
	p.log.InfoContext(ctx, "tokens issued", "client_id", c.ID, "sub", g.Subject, "grant_type", "refresh_token")
	return resp, nil
}

// refreshUpstream re-checks the person upstream with the session's upstream
// refresh token, updating the grant's claims and the stored token, which is
// then kept at least need longer.
func (p *Provider) refreshUpstream(ctx context.Context, gid string, g *grantRecord, need time.Duration) *oauthError {
	var up upstreamRecord
	found, err := p.getJSON(ctx, keyUpstream+g.SessionID, &up)
	if err != nil {
		return p.serverError(ctx, "read upstream token", err)
	}
	denied := newError(errInvalidGrant, descRefreshInvalid)
	if !found {
		p.revokeQuietly(ctx, gid)
		return denied
	}
	res, err := p.upstream.Refresh(ctx, g.Subject, g.Username, up.Token)
	if errors.Is(err, ErrUpstreamDenied) {
		p.log.InfoContext(ctx, "upstream refused the refresh; revoking the grant", "sub", g.Subject, "client_id", g.ClientID)
		p.revokeQuietly(ctx, gid)
		return denied
	}
	if err != nil {
		return p.serverError(ctx, "upstream refresh", err)
	}
	if res.Claims != nil {
		g.Claims = res.Claims
	}
	token := up.Token
	if res.RefreshToken != "" {
		token = res.RefreshToken
	}
	// Re-store (also extending its lifetime while the session's grants are in use).
	ttl, err := p.upstreamTTL(ctx, g.SessionID, need)
	if err != nil {
		return p.serverError(ctx, "store upstream token", err)
	}
	if err := p.setJSON(ctx, keyUpstream+g.SessionID, upstreamRecord{Token: token}, ttl); err != nil {
		return p.serverError(ctx, "store upstream token", err)
	}
	return nil
}

// refreshReused revokes a family whose used refresh token came back.
func (p *Provider) refreshReused(ctx context.Context, gid string) {
	p.log.WarnContext(ctx, "refresh token reused; revoking its family")
	p.revokeQuietly(ctx, gid)
}

// revokeQuietly revokes a grant, logging failures.
func (p *Provider) revokeQuietly(ctx context.Context, gid string) {
	if err := p.revokeGrant(ctx, gid); err != nil {
		p.log.ErrorContext(ctx, "revoke grant", "err", err)
	}
}
