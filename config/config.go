package config

import (
	"time"

	"github.com/bridgekeeper/bridgekeeper/store"
)

// Defaults for settings left out of the file.
const (
	DefaultListen          = "127.0.0.1:8080"
	DefaultLogLevel        = "info"
	DefaultLogFormat       = "json"
	DefaultShutdownTimeout = 15 * time.Second
	DefaultAuthFlow        = AuthFlowUserSRP
	DefaultStoreURL        = "memory://"
	DefaultKeyPrefix       = "bk:"
	// DefaultStoreWaitTimeout bounds store.wait_replicas' wait.
	DefaultStoreWaitTimeout = 500 * time.Millisecond
	DefaultCodeTTL          = 60 * time.Second
	DefaultSSOSessionTTL    = 12 * time.Hour
	DefaultSignInPerIP      = 30
	DefaultRateLimitWindow  = time.Minute
	// DefaultCallTimeout bounds one Cognito call, retries included (pool.call_timeout).
	DefaultCallTimeout = 10 * time.Second
)

// Cognito authentication flows (pool.auth_flow).
const (
	AuthFlowUserSRP      = "USER_SRP_AUTH"
	AuthFlowUserPassword = "USER_PASSWORD_AUTH"
	// AuthFlowUserAuth is choice-based sign-in: the username first, then a password, a
	// one-time code or a passkey (see pool.passkey_rp_id).
	AuthFlowUserAuth = "USER_AUTH"
	// AuthFlowCustom is custom authentication: the pool's Lambda triggers ask questions, after
	// the password when pool.custom_auth_with_password is true (the default).
	AuthFlowCustom = "CUSTOM_AUTH"
)

// SupportedAuthFlows are the flows pool.auth_flow accepts: the ones the sign-in engine can
// start, so check-config and serve accept the same files.
func SupportedAuthFlows() []string {
	return []string{AuthFlowUserSRP, AuthFlowUserPassword, AuthFlowUserAuth, AuthFlowCustom}
}

// Token signing algorithms (oidc.signing_keys[].alg, oidc.clients[].signing_alg).
const (
	AlgRS256 = "RS256"
	AlgES256 = "ES256"
	AlgEdDSA = "EdDSA"
)

// Access token formats (oidc.clients[].access_token_format).
const (
	AccessTokenJWT    = "jwt"
	AccessTokenOpaque = "opaque"
)

// Config is the whole configuration of a Bridgekeeper process. Load fills it
// from a YAML file and the environment; Validate reports what is wrong with it.
type Config struct {
	// Listen is the host:port the HTTP server binds (default 127.0.0.1:8080).
	Listen string `yaml:"listen"`
	// PublicURL is the URL people and apps reach Bridgekeeper at, such as
	// https://login.example.com. It is the OpenID Connect issuer. Required.
	PublicURL string `yaml:"public_url"`
	// TrustedProxies are the CIDR ranges of load balancers whose
	// X-Forwarded-For header is believed when finding a client's IP address.
	// Empty means the TCP peer address is the client.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// Log configures the process log.
	Log Log `yaml:"log"`
	// ShutdownTimeout bounds how long in-flight requests may finish after a
	// stop signal (default 15s).
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// Pool describes the Cognito user pool and app client.
	Pool Pool `yaml:"pool"`
	// Cookies configures the keys and attributes of Bridgekeeper's cookies.
	Cookies Cookies `yaml:"cookies"`
	// Store says where server-side state lives.
	Store Store `yaml:"store"`
	// OIDC configures the OpenID Connect provider.
	OIDC OIDC `yaml:"oidc"`
	// RateLimit bounds how fast one IP address may post sign-in forms.
	RateLimit RateLimit `yaml:"rate_limit"`
	// Limits bounds password, code and code-send guessing per username (limits.go).
	Limits Limits `yaml:"limits"`
	// Metrics configures the Prometheus metrics listener.
	Metrics Metrics `yaml:"metrics"`
	// Admin configures the admin console and command line.
	Admin Admin `yaml:"admin"`
	// SignUp configures self-service sign-up.
	SignUp SignUp `yaml:"signup"`
	// Branding is the deployment's look: name, logo, colours, footer links.
	Branding Branding `yaml:"branding"`
}

// Metrics configures the Prometheus metrics listener.
type Metrics struct {
	// Listen is the host:port serving /metrics on a listener of its own,
	// e.g. 127.0.0.1:9090. Empty (the default) serves no metrics.
	Listen string `yaml:"listen"`
}

// Log configures logging.
type Log struct {
	// Level is debug, info (default), warn or error.
	Level string `yaml:"level"`
	// Format is json (default) or text.
	Format string `yaml:"format"`
}

// Pool describes the Cognito user pool and its app client.
type Pool struct {
	// Region is the AWS region, e.g. eu-west-1. Derived from UserPoolID when
	// omitted and the pool id starts with a region.
	Region string `yaml:"region"`
	// UserPoolID is the pool id, e.g. eu-west-1_AbCdEf123. Required.
	UserPoolID string `yaml:"user_pool_id"`
	// ClientID is the app client id. Required.
	ClientID string `yaml:"client_id"`
	// ClientSecret is the app client secret, when the client has one.
	ClientSecret Secret `yaml:"client_secret"`
	// Endpoint overrides the Cognito endpoint URL (a local emulator).
	Endpoint string `yaml:"endpoint"`
	// Issuer overrides the issuer expected in the pool's ID tokens (emulators
	// whose tokens do not carry the real Cognito issuer).
	Issuer string `yaml:"issuer"`
	// JWKSURL overrides where the pool's token signing keys are fetched.
	JWKSURL string `yaml:"jwks_url"`
	// AuthFlow is the flow sign-ins start with: USER_SRP_AUTH (default),
	// USER_PASSWORD_AUTH, USER_AUTH or CUSTOM_AUTH (SupportedAuthFlows).
	AuthFlow string `yaml:"auth_flow"`
	// PasskeyRPID is the passkey relying party id (USER_AUTH): the domain the
	// pool's WebAuthn configuration names, public_url's host (the default) or
	// a parent domain of it. See PasskeyRelyingParty.
	PasskeyRPID string `yaml:"passkey_rp_id"`
	// CustomAuthWithPassword (CUSTOM_AUTH only, default true) asks for the password, proven
	// with SRP, before the pool's custom questions; false asks the questions first and no
	// password.
	CustomAuthWithPassword bool `yaml:"custom_auth_with_password"`
	// RememberDevices offers "Remember this browser" on the SMS and authenticator code pages
	// and lists remembered browsers on the account page. The pool's device tracking must be
	// on (always, or user opt-in) and auth_flow USER_SRP_AUTH: Cognito tracks devices in SRP
	// sign-ins only.
	RememberDevices bool `yaml:"remember_devices"`
	// CallTimeout bounds each Cognito call, its retries included (default 10s); past it the
	// person sees the "try again in a moment" page.
	CallTimeout time.Duration `yaml:"call_timeout"`
}

// Cookies configures Bridgekeeper's cookies.
type Cookies struct {
	// Keys are base64-encoded 32-byte keys, newest first: the first one
	// seals new cookies and every one opens them, so keys rotate by
	// prepending a new one and later removing the oldest.
	Keys []Secret `yaml:"keys"`
	// Secure sets the Secure attribute and the __Host- name prefix (default
	// true). It may be false only when public_url is http on localhost.
	Secure bool `yaml:"secure"`
}

// Store says where server-side state lives.
type Store struct {
	// URL is memory:// (default: one process only) or redis://…, rediss://…
	// or unix://… for a shared Redis or Valkey.
	URL Secret `yaml:"url"`
	// KeyPrefix is put in front of every Redis key (default "bk:").
	KeyPrefix string `yaml:"key_prefix"`
	// Mode says how a redis:// URL is read: single (default), cluster (Redis
	// Cluster, redis://h1:6379?addr=h2:6379&addr=h3:6379) or sentinel
	// (redis://s1:26379?master_name=M&addr=s2:26379).
	Mode string `yaml:"mode"`
	// WaitReplicas, when positive, makes the writes whose loss in a failover
	// would matter (a redeemed code, a rotated refresh token) wait until that
	// many replicas have them (Redis's WAIT), for at most WaitTimeout.
	WaitReplicas int           `yaml:"wait_replicas"`
	WaitTimeout  time.Duration `yaml:"wait_timeout"`
}

// OIDC configures the OpenID Connect provider.
type OIDC struct {
	// SigningKeys are PEM files holding the private keys tokens are signed
	// with. Every key is published; see SigningKeyID for which one signs.
	SigningKeys []SigningKey `yaml:"signing_keys"`
	// SigningKeyID names the key that signs; by default the last key listed
	// for each algorithm signs.
	SigningKeyID string `yaml:"signing_key_id"`
	// Clients are the apps allowed to use Bridgekeeper.
	Clients []Client `yaml:"clients"`
	// ClaimMappings release pool attributes as token claims, keyed by the
	// attribute name (e.g. custom:department).
	ClaimMappings ClaimMappings `yaml:"claim_mappings"`
	// CodeTTL is the lifetime of an authorization code (default 60s).
	CodeTTL time.Duration `yaml:"code_ttl"`
	// SSOSessionTTL is how long a sign-in is remembered (default 12h).
	SSOSessionTTL time.Duration `yaml:"sso_session_ttl"`
}

// SigningKey is one PEM file of private signing keys.
type SigningKey struct {
	// File is the PEM file's path; a relative path is resolved against the
	// configuration file's folder.
	File string `yaml:"file"`
	// Alg is RS256, ES256 or EdDSA; optional, it follows from the key type.
	Alg string `yaml:"alg"`
	// KID overrides the key id (by default the key's RFC 7638 thumbprint).
	// Only for files holding one key.
	KID string `yaml:"kid"`
}

// Client is an app registered with the OpenID Connect provider.
type Client struct {
	// ID is the client_id. Required and unique.
	ID string `yaml:"id"`
	// Name is shown to people ("continue to <name>"); default the id.
	Name string `yaml:"name"`
	// Secret is the client secret in plain text (write it as ${ENV_VAR}).
	Secret Secret `yaml:"secret"`
	// SecretHash is a bcrypt hash of the client secret.
	SecretHash string `yaml:"secret_hash"`
	// Public marks a client without a secret (single-page or native app).
	Public bool `yaml:"public"`
	// RedirectURIs are the exact URIs codes may be sent to. At least one.
	RedirectURIs []string `yaml:"redirect_uris"`
	// PostLogoutRedirectURIs are where the app may send people after sign-out.
	PostLogoutRedirectURIs []string `yaml:"post_logout_redirect_uris"`
	// Scopes the client may ask for; empty means every supported scope.
	Scopes []string `yaml:"scopes"`
	// AccessTokenTTL, IDTokenTTL and RefreshTokenTTL override the provider's
	// defaults (zero keeps them).
	AccessTokenTTL  time.Duration `yaml:"access_token_ttl"`
	IDTokenTTL      time.Duration `yaml:"id_token_ttl"`
	RefreshTokenTTL time.Duration `yaml:"refresh_token_ttl"`
	// SigningAlg signs this client's tokens: RS256 (default), ES256 or EdDSA.
	SigningAlg string `yaml:"signing_alg"`
	// AccessTokenFormat is jwt (default: an RFC 9068 JWT signed with SigningAlg) or opaque
	// (a sealed string the app cannot read; resource servers use introspection or userinfo).
	AccessTokenFormat string `yaml:"access_token_format"`
}

// RateLimit bounds sign-in attempts.
type RateLimit struct {
	// SignInPerIP is how many sign-in form posts one IP address may make per
	// Window (default 30).
	SignInPerIP int `yaml:"sign_in_per_ip"`
	// Window is the counting window (default 1m).
	Window time.Duration `yaml:"window"`
}

// Default returns a Config holding every default and nothing else.
func Default() *Config {
	return &Config{
		Listen:          DefaultListen,
		Log:             Log{Level: DefaultLogLevel, Format: DefaultLogFormat},
		ShutdownTimeout: DefaultShutdownTimeout,
		Pool:            Pool{AuthFlow: DefaultAuthFlow, CustomAuthWithPassword: true, CallTimeout: DefaultCallTimeout},
		Cookies:         Cookies{Secure: true},
		Store:           Store{URL: DefaultStoreURL, KeyPrefix: DefaultKeyPrefix, Mode: store.ModeSingle, WaitTimeout: DefaultStoreWaitTimeout},
		OIDC:            OIDC{CodeTTL: DefaultCodeTTL, SSOSessionTTL: DefaultSSOSessionTTL},
		RateLimit:       RateLimit{SignInPerIP: DefaultSignInPerIP, Window: DefaultRateLimitWindow},
		Limits:          DefaultLimits(),
		Admin:           DefaultAdmin(),
	}
}
