package oidc

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/bridgekeeper/bridgekeeper/identity"
)

// Defaults for lifetimes left at zero in Config and Client.
const (
	DefaultAccessTokenTTL  = time.Hour
	DefaultIDTokenTTL      = time.Hour
	DefaultRefreshTokenTTL = 30 * 24 * time.Hour
	DefaultSessionTTL      = 12 * time.Hour // as config's oidc.sso_session_ttl default
	DefaultCodeTTL         = 60 * time.Second
)

// Config is everything a Provider needs: settings, clients, keys and the
// dependencies it calls (store, upstream, the web layer's callbacks, logger,
// clock and random source).
type Config struct {
	// Issuer is the provider's issuer URL (https, or http on a loopback host
	// for the demo), without query or fragment. Endpoints live below it.
	Issuer string
	// Clients are the registered relying parties.
	Clients []Client
	// Keys are the signing keys; every one is published in JWKS.
	Keys []SigningKey
	// SigningKeyID, when set, names the key that signs for its algorithm;
	// otherwise the last (newest) key of each algorithm signs.
	SigningKeyID string
	// ClaimMappings release custom pool attributes as claims.
	ClaimMappings []ClaimMapping
	// UILocales are the page languages advertised as ui_locales_supported.
	UILocales []string

	// CookieName names the SSO cookie. Default "__Host-bk_sso", or "bk_sso"
	// when InsecureCookie is set.
	CookieName string
	// CookieKeys seal the SSO cookie and sign-out confirmations with
	// internal/cookiecodec: 32 bytes each, newest first. The first key seals;
	// every key opens, so keys rotate by prepending a new one.
	CookieKeys [][]byte
	// InsecureCookie drops the Secure attribute (only for http://localhost).
	InsecureCookie bool

	// SessionTTL is the SSO session lifetime from sign-in (default 12h, the documented
	// oidc.sso_session_ttl default; the demo uses it too).
	SessionTTL time.Duration
	// CodeTTL is the authorization code lifetime (default 60s).
	CodeTTL time.Duration
	// AccessTokenTTL, IDTokenTTL and RefreshTokenTTL are defaults for clients
	// that set none. A refresh token's lifetime restarts at each rotation.
	AccessTokenTTL  time.Duration
	IDTokenTTL      time.Duration
	RefreshTokenTTL time.Duration

	// Store keeps codes, sessions and refresh-token families.
	Store Store
	// NotFound is the store's not-found sentinel (store.ErrNotFound),
	// compared with errors.Is.
	NotFound error
	// Unavailable is the store's sentinel for "cannot serve right now"
	// (store.ErrUnavailable): such failures, and upstream failures wrapping
	// ErrUpstreamUnavailable, are answered temporarily_unavailable (503 with
	// Retry-After), never invalid_grant. Nil: every failure is server_error.
	Unavailable error
	// Upstream refreshes and revokes the pool's refresh tokens. Nil skips
	// upstream checks (tests and pools without refresh tokens).
	Upstream Upstream

	// StartLogin is called when /authorize needs the person to sign in: park
	// req (a small JSON-friendly value) and send the browser to the sign-in
	// pages; after sign-in call Provider.Login with it. Required.
	StartLogin func(w http.ResponseWriter, r *http.Request, req *AuthRequest)
	// RenderError shows an error page to the person (unknown client, bad
	// redirect URI, bad sign-out request) with status e.Status; e's title and
	// message are catalog message ids (MessageID) to show in the person's
	// language, e.UILocales the request's ui_locales. Default: plain text in
	// English.
	RenderError func(w http.ResponseWriter, r *http.Request, e *ErrorPage)
	// ConfirmLogout asks the person whether to sign out, when an end-session
	// request cannot prove it comes from the signed-in person's app. The page
	// must POST prompt.Fields to prompt.Action. Default: a minimal HTML form.
	ConfirmLogout func(w http.ResponseWriter, r *http.Request, prompt *LogoutPrompt)
	// Continue shows a page that takes the browser on to target, a client's redirect or
	// post-logout URI, at once (meta refresh) and with a link, when a form post cannot be
	// answered with a redirect there (NeedsContinuePage). clientName may be empty. Default: a
	// minimal HTML page.
	Continue func(w http.ResponseWriter, r *http.Request, target, clientName string)
	// LoggedOut shows the "you are signed out" page when an end-session
	// request has no post_logout_redirect_uri. Default: plain text.
	LoggedOut func(w http.ResponseWriter, r *http.Request)

	// ClientAuthLimits limits failed client authentication per client id and address
	// (optional: none).
	ClientAuthLimits ClientAuthLimiter

	// CodeIssueLimits limits the authorization codes issued per SSO session (optional: none).
	CodeIssueLimits CodeIssueLimiter
	// LiveGrants is how many refresh-token families one person may hold at one client; a new
	// one revokes the least recently used beyond it (default DefaultLiveGrants).
	LiveGrants int

	// TokensIssued, when set, is called after each successful token response
	// with the grant type and the client id (the metrics).
	TokensIssued func(grant, clientID string)

	// Logger receives operational logs; never secrets. Default: discard.
	Logger *slog.Logger
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// Rand is the random source for codes, tokens and ids. Default crypto/rand.
	Rand io.Reader
}

// Client is a registered relying party.
type Client struct {
	// ID is the client_id.
	ID string
	// Name is shown to people ("Sign in to continue to <Name>").
	Name string
	// SecretHash is a bcrypt hash of the client secret.
	SecretHash string
	// Secret is a plain secret (demo only); it is hashed at load.
	Secret string
	// Public marks a client without a secret (SPA, native app): it must use
	// PKCE S256 and authenticates with "none".
	Public bool
	// RedirectURIs must match exactly; for public clients a loopback URI
	// (http://127.0.0.1/... or http://[::1]/...) matches any port (RFC 8252).
	RedirectURIs []string
	// PostLogoutRedirectURIs are the registered post_logout_redirect_uri values.
	PostLogoutRedirectURIs []string
	// Scopes the client may be granted; empty means every supported scope.
	Scopes []string
	// AccessTokenTTL, IDTokenTTL and RefreshTokenTTL override the defaults.
	AccessTokenTTL  time.Duration
	IDTokenTTL      time.Duration
	RefreshTokenTTL time.Duration
	// SigningAlg signs this client's tokens: RS256 (default), ES256 or EdDSA.
	SigningAlg string
	// AccessTokenAudience is the access token's aud; default the client id.
	AccessTokenAudience []string
	// AccessTokenFormat is AccessTokenJWT (default: an RFC 9068 JWT signed with SigningAlg) or
	// AccessTokenOpaque (a sealed string only this provider can read; see opaque.go).
	AccessTokenFormat string
}

// Access token formats (Client.AccessTokenFormat).
const (
	AccessTokenJWT    = "jwt"
	AccessTokenOpaque = "opaque"
)

// ClaimMapping releases a pool attribute (typically custom:...) as a claim.
type ClaimMapping struct {
	// Attribute is the claim name in the upstream identity, e.g. "custom:department".
	Attribute string
	// Claim is the name in Bridgekeeper's tokens and userinfo, e.g. "department".
	Claim string
	// Scope releases the claim; default "profile".
	Scope string
	// Type converts string values: "string" (default), "boolean", "number" or "json".
	Type string
}

// Upstream is the identity provider behind Bridgekeeper (Cognito): each
// refresh re-checks the person there, and sign-out revokes its refresh token.
type Upstream interface {
	// Refresh uses the upstream refresh token and returns the person's current
	// claims (and a new refresh token if upstream rotated it). It returns an
	// error wrapping ErrUpstreamDenied when the person may no longer have
	// tokens (disabled, signed out everywhere, token revoked or expired).
	Refresh(ctx context.Context, subject, username, refreshToken string) (UpstreamRefresh, error)
	// Revoke revokes the upstream refresh token.
	Revoke(ctx context.Context, refreshToken string) error
}

// UpstreamRefresh is the result of a successful upstream refresh.
type UpstreamRefresh struct {
	// Claims are the person's verified upstream ID token claims (none keeps the grant's).
	Claims identity.Claims
	// RefreshToken is set when upstream issued a new refresh token.
	RefreshToken string
}

// ErrUpstreamDenied marks an upstream refresh refused for the person (as
// opposed to upstream being unreachable); the token endpoint answers
// invalid_grant and revokes the refresh-token family.
var ErrUpstreamDenied = errors.New("oidc: upstream denied the refresh")

// ErrUpstreamUnavailable marks an upstream refresh that failed because upstream
// could not answer (throttling, an outage); the refresh token stays valid and
// the client is asked to try again later.
var ErrUpstreamUnavailable = errors.New("oidc: upstream unavailable")

// RetryAfter is how long apps and people are asked to wait (Retry-After) when
// the store or upstream cannot answer for a moment.
const RetryAfter = 5 * time.Second

// ErrNoSession is returned by CurrentSession when the browser has no valid SSO session.
var ErrNoSession = errors.New("oidc: no SSO session")
