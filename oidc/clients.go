package oidc

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Bounds on registered values, so an authorization request stays small
// enough to park in a cookie.
const (
	maxRedirectURILength = 256
	maxClientIDLength    = 64
)

// client is a registered client after validation, with resolved defaults.
type client struct {
	Client
	secretSHA       []byte // SHA-256 of a plain Secret
	scopes          map[string]bool
	accessTokenTTL  time.Duration
	idTokenTTL      time.Duration
	refreshTokenTTL time.Duration
	alg             string
	atAudience      []string
	opaqueAccess    bool // access tokens are opaque (AccessTokenOpaque), not JWTs
}

// newClient validates c and resolves its defaults from cfg.
func newClient(c Client, cfg *Config, ks *keySet) (*client, error) {
	if c.ID == "" {
		return nil, errors.New("client without id")
	}
	if len(c.ID) > maxClientIDLength {
		return nil, fmt.Errorf("client %q: id longer than %d characters", c.ID, maxClientIDLength)
	}
	cl := &client{Client: c, scopes: map[string]bool{}}
	switch {
	case c.Public && (c.Secret != "" || c.SecretHash != ""):
		return nil, fmt.Errorf("client %q: a public client has no secret", c.ID)
	case c.Public:
	case c.SecretHash != "":
		if _, err := bcrypt.Cost([]byte(c.SecretHash)); err != nil {
			return nil, fmt.Errorf("client %q: secret hash is not a bcrypt hash: %w", c.ID, err)
		}
		if c.Secret != "" {
			return nil, fmt.Errorf("client %q: set either secret or secret hash, not both", c.ID)
		}
	case c.Secret != "":
		sum := sha256.Sum256([]byte(c.Secret))
		cl.secretSHA = sum[:]
		cl.Secret = ""
	default:
		return nil, fmt.Errorf("client %q: a confidential client needs a secret (or mark it public)", c.ID)
	}
	if len(c.RedirectURIs) == 0 {
		return nil, fmt.Errorf("client %q: no redirect URIs", c.ID)
	}
	for _, u := range append(slices.Clone(c.RedirectURIs), c.PostLogoutRedirectURIs...) {
		if err := checkRegisteredURI(u); err != nil {
			return nil, fmt.Errorf("client %q: %w", c.ID, err)
		}
	}
	if len(c.Scopes) == 0 {
		for _, s := range supportedScopes(cfg.ClaimMappings) {
			cl.scopes[s] = true
		}
	}
	for _, s := range c.Scopes {
		if !slices.Contains(supportedScopes(cfg.ClaimMappings), s) {
			return nil, fmt.Errorf("client %q: unsupported scope %q", c.ID, s)
		}
		cl.scopes[s] = true
	}
	cl.scopes[scopeOpenID] = true
	cl.accessTokenTTL = firstPositive(c.AccessTokenTTL, cfg.AccessTokenTTL, DefaultAccessTokenTTL)
	cl.idTokenTTL = firstPositive(c.IDTokenTTL, cfg.IDTokenTTL, DefaultIDTokenTTL)
	cl.refreshTokenTTL = firstPositive(c.RefreshTokenTTL, cfg.RefreshTokenTTL, DefaultRefreshTokenTTL)
	if cl.refreshTokenTTL < cl.accessTokenTTL {
		return nil, fmt.Errorf("client %q: refresh token lifetime is shorter than the access token's", c.ID)
	}
	cl.alg = c.SigningAlg
	if cl.alg == "" {
		cl.alg = RS256
	}
	if _, ok := ks.signers[cl.alg]; !ok {
		return nil, fmt.Errorf("client %q: no %s signing key configured", c.ID, cl.alg)
	}
	switch c.AccessTokenFormat {
	case "", AccessTokenJWT:
	case AccessTokenOpaque:
		cl.opaqueAccess = true
	default:
		return nil, fmt.Errorf("client %q: access token format %q is neither %s nor %s", c.ID, c.AccessTokenFormat, AccessTokenJWT, AccessTokenOpaque)
	}
	cl.atAudience = c.AccessTokenAudience
	if len(cl.atAudience) == 0 {
		cl.atAudience = []string{c.ID}
	}
	return cl, nil
}

// checkRegisteredURI checks a registered redirect URI: absolute, no fragment,
// bounded length.
func checkRegisteredURI(raw string) error {
	if len(raw) > maxRedirectURILength {
		return fmt.Errorf("redirect URI longer than %d characters", maxRedirectURILength)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return fmt.Errorf("redirect URI %q is not an absolute URI", raw)
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return fmt.Errorf("redirect URI %q has a fragment", raw)
	}
	if (u.Scheme == "http" || u.Scheme == "https") && u.Host == "" {
		return fmt.Errorf("redirect URI %q has no host", raw)
	}
	return nil
}

// redirectURIAllowed reports whether raw is one of the client's redirect URIs:
// an exact string match, or for a public client the RFC 8252 loopback rule
// (any port on http://127.0.0.1 or http://[::1], the rest identical).
func (c *client) redirectURIAllowed(raw string) bool {
	if slices.Contains(c.RedirectURIs, raw) {
		return true
	}
	if !c.Public {
		return false
	}
	got, err := url.Parse(raw)
	if err != nil || !isLoopbackIPURI(got) {
		return false
	}
	for _, reg := range c.RedirectURIs {
		want, err := url.Parse(reg)
		if err != nil || !isLoopbackIPURI(want) {
			continue
		}
		if got.Hostname() == want.Hostname() && got.EscapedPath() == want.EscapedPath() &&
			got.RawQuery == want.RawQuery && got.User == nil && !got.ForceQuery && got.Fragment == "" {
			return true
		}
	}
	return false
}

// isLoopbackIPURI reports whether u is http on a loopback IP literal
// (127.0.0.1 or [::1]); "localhost" does not count (RFC 8252 §8.3).
func isLoopbackIPURI(u *url.URL) bool {
	if u.Scheme != "http" || u.User != nil || u.Fragment != "" {
		return false
	}
	h := u.Hostname()
	if h != "127.0.0.1" && h != "::1" {
		return false
	}
	if p := u.Port(); p != "" {
		if _, err := net.LookupPort("tcp", p); err != nil {
			return false
		}
	}
	return true
}

// allowsScope reports whether the client may be granted scope s.
func (c *client) allowsScope(s string) bool { return c.scopes[s] }

// secretMatches checks a presented secret in constant time (bcrypt for
// hashed secrets, SHA-256 digests for plain ones).
func (c *client) secretMatches(secret string) bool {
	if c.Public || secret == "" {
		return false
	}
	if c.secretSHA != nil {
		sum := sha256.Sum256([]byte(secret))
		return subtle.ConstantTimeCompare(sum[:], c.secretSHA) == 1
	}
	return bcrypt.CompareHashAndPassword([]byte(c.SecretHash), []byte(secret)) == nil
}

// Client authentication methods.
const (
	authBasic = "client_secret_basic"
	authPost  = "client_secret_post"
	authNone  = "none"
)

// errClientAuth is a failed client authentication; method tells whether the
// client tried HTTP Basic (so the 401 carries WWW-Authenticate: Basic).
type errClientAuth struct {
	desc  string
	basic bool
}

func (e *errClientAuth) Error() string { return e.desc }

// authenticateClient identifies the calling client from an already parsed
// form: client_secret_basic, client_secret_post, or none for public clients.
// allowPublic is false where public clients may not call (introspection).
func (p *Provider) authenticateClient(r *http.Request, form url.Values, allowPublic bool) (*client, error) {
	user, pass, hasBasic := r.BasicAuth()
	postSecret, hasPostSecret := form["client_secret"]
	formID := form.Get("client_id")
	switch {
	case hasBasic && hasPostSecret:
		return nil, &errClientAuth{desc: "more than one client authentication method", basic: true}
	case hasBasic:
		id, err1 := url.QueryUnescape(user)
		secret, err2 := url.QueryUnescape(pass)
		if err1 != nil || err2 != nil {
			return nil, &errClientAuth{desc: "malformed client credentials", basic: true}
		}
		if formID != "" && formID != id {
			return nil, &errClientAuth{desc: "client_id does not match the authenticated client", basic: true}
		}
		c := p.clients[id]
		if c != nil && c.Public && secret == "" {
			// Some libraries send a public client's id in Basic with an
			// empty password; that is authentication method "none".
			if !allowPublic {
				return nil, &errClientAuth{desc: "public clients may not use this endpoint", basic: true}
			}
			return c, nil
		}
		if c == nil || c.Public || !p.checkSecret(c, secret) {
			return nil, &errClientAuth{desc: "client authentication failed", basic: true}
		}
		return c, nil
	case hasPostSecret:
		c := p.clients[formID]
		if c == nil || c.Public || len(postSecret) != 1 || !p.checkSecret(c, postSecret[0]) {
			return nil, &errClientAuth{desc: "client authentication failed"}
		}
		return c, nil
	default:
		c := p.clients[formID]
		if c == nil || !c.Public {
			return nil, &errClientAuth{desc: "client authentication failed"}
		}
		if !allowPublic {
			return nil, &errClientAuth{desc: "public clients may not use this endpoint"}
		}
		return c, nil
	}
}

// checkSecret verifies a client secret, remembering the SHA-256 of the last
// secret that passed a bcrypt check so valid clients do not pay bcrypt on
// every request.
func (p *Provider) checkSecret(c *client, secret string) bool {
	if c.secretSHA != nil {
		return c.secretMatches(secret)
	}
	sum := sha256.Sum256([]byte(secret))
	if v, ok := p.secretCache.Load(c.ID); ok {
		if subtle.ConstantTimeCompare(v.([]byte), sum[:]) == 1 {
			return true
		}
	}
	if !c.secretMatches(secret) {
		return false
	}
	p.secretCache.Store(c.ID, sum[:])
	return true
}

// firstPositive returns the first positive duration.
func firstPositive(ds ...time.Duration) time.Duration {
	for _, d := range ds {
		if d > 0 {
			return d
		}
	}
	return 0
}

// HashClientSecret returns the bcrypt hash to configure as Client.SecretHash.
func HashClientSecret(secret string) (string, error) {
	if len(secret) < 16 {
		return "", errors.New("oidc: a client secret needs at least 16 characters")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(secret), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("oidc: hash client secret: %w", err)
	}
	return string(h), nil
}
