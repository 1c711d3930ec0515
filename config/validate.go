package config

import (
	"encoding/pem"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/bridgekeeper/bridgekeeper/store"
)

// Limits shared with the OpenID provider, so an app's request stays small
// enough to carry in a cookie.
const (
	maxClientIDLen    = 64
	maxRedirectURILen = 256
)

// poolIDPattern matches Cognito user pool ids ("<region>_<id>"; emulators use
// other prefixes such as "local").
var poolIDPattern = regexp.MustCompile(`^[\w-]+_[0-9a-zA-Z]+$`)

// protocolClaims may not be produced by a claim mapping.
func protocolClaims() []string {
	return []string{"iss", "sub", "aud", "exp", "iat", "nbf", "auth_time", "nonce", "at_hash", "c_hash", "amr", "acr", "azp", "sid", "jti"}
}

// Validate checks every setting and returns every problem found, each named
// by its YAML path in plain words. It reads the signing key files (to check
// they exist and hold private keys) but does not parse the keys.
func (c *Config) Validate() Problems {
	var p Problems
	c.validateServer(&p)
	c.validatePool(&p)
	c.validatePasskeys(&p)
	c.validateCookies(&p)
	c.validateStore(&p)
	c.validateOIDC(&p)
	c.validateBranding(&p)
	c.ValidateAdmin(&p)
	c.validateLimits(&p)
	return p
}

func (c *Config) validateServer(p *Problems) {
	if c.Listen == "" {
		p.add("listen", "is required (host:port, e.g. %s)", DefaultListen)
	} else {
		validListen(p, "listen", c.Listen, DefaultListen)
	}
	if c.Metrics.Listen != "" {
		validListen(p, "metrics.listen", c.Metrics.Listen, "127.0.0.1:9090")
		if c.Metrics.Listen == c.Listen {
			p.add("metrics.listen", "must differ from listen (the metrics have a listener of their own)")
		}
	}

	switch u, err := url.Parse(c.PublicURL); {
	case c.PublicURL == "":
		p.add("public_url", "is required (the address people use, e.g. https://login.example.com)")
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		p.add("public_url", "must be an absolute URL such as https://login.example.com (got %q)", c.PublicURL)
	case u.Scheme != "https" && !IsLoopbackHost(u.Hostname()):
		p.add("public_url", "must use https unless it points at localhost")
	case u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.Contains(c.PublicURL, "#"):
		p.add("public_url", "must not contain a user name, query or fragment")
	case u.Path != "" && u.Path != "/":
		p.add("public_url", "must not have a path (Bridgekeeper serves at the root of its host; got %q)", u.Path)
	}

	for i, cidr := range c.TrustedProxies {
		if _, err := netip.ParsePrefix(cidr); err != nil {
			if _, err := netip.ParseAddr(cidr); err != nil {
				p.add(fmt.Sprintf("trusted_proxies[%d]", i), "must be an IP address or CIDR range such as 10.0.0.0/8 (got %q)", cidr)
			}
		}
	}

	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		p.add("log.level", "must be debug, info, warn or error (got %q)", c.Log.Level)
	}
	if !slices.Contains([]string{"json", "text"}, c.Log.Format) {
		p.add("log.format", "must be json or text (got %q)", c.Log.Format)
	}
	positive(p, "shutdown_timeout", c.ShutdownTimeout)

	if c.RateLimit.SignInPerIP < 1 {
		p.add("rate_limit.sign_in_per_ip", "must be at least 1 (got %d)", c.RateLimit.SignInPerIP)
	}
	positive(p, "rate_limit.window", c.RateLimit.Window)
}

func (c *Config) validatePool(p *Problems) {
	pool := c.Pool
	switch {
	case pool.UserPoolID == "":
		p.add("pool.user_pool_id", "is required (e.g. eu-west-1_AbCdEf123)")
	case !poolIDPattern.MatchString(pool.UserPoolID):
		p.add("pool.user_pool_id", "must look like <region>_<id>, e.g. eu-west-1_AbCdEf123 (got %q)", pool.UserPoolID)
	}
	switch derived := RegionFromPoolID(pool.UserPoolID); {
	case pool.Region == "" && pool.UserPoolID != "":
		p.add("pool.region", "is required: it cannot be derived from pool.user_pool_id %q", pool.UserPoolID)
	case pool.Region == "":
		// The missing pool id is reported already.
	case !regionPattern.MatchString(pool.Region):
		p.add("pool.region", "must be an AWS region such as eu-west-1 (got %q)", pool.Region)
	case derived != "" && derived != pool.Region:
		p.add("pool.region", "is %s, but pool.user_pool_id is in %s", pool.Region, derived)
	}
	if pool.ClientID == "" {
		p.add("pool.client_id", "is required (the app client id)")
	}
	optionalURL(p, "pool.endpoint", pool.Endpoint)
	optionalURL(p, "pool.issuer", pool.Issuer)
	optionalURL(p, "pool.jwks_url", pool.JWKSURL)
	if flows := SupportedAuthFlows(); !slices.Contains(flows, pool.AuthFlow) {
		p.add("pool.auth_flow", "must be %s (got %q)", strings.Join(flows, " or "), pool.AuthFlow)
	}
	if !pool.CustomAuthWithPassword && pool.AuthFlow != AuthFlowCustom {
		p.add("pool.custom_auth_with_password", "applies only when pool.auth_flow is %s (got %q)", AuthFlowCustom, pool.AuthFlow)
	}
	positive(p, "pool.call_timeout", pool.CallTimeout)
	if pool.RememberDevices && pool.AuthFlow != AuthFlowUserSRP {
		p.add("pool.remember_devices", "needs pool.auth_flow %s: Cognito tracks devices in SRP sign-ins only (got %s)", AuthFlowUserSRP, pool.AuthFlow)
	}
}

func (c *Config) validateCookies(p *Problems) {
	if len(c.Cookies.Keys) == 0 {
		p.add("cookies.keys", "needs at least one key (32 random bytes in base64, e.g. from `openssl rand -base64 32`; or set BRIDGEKEEPER_COOKIE_KEYS)")
	}
	seen := map[string]int{}
	for i, k := range c.Cookies.Keys {
		path := fmt.Sprintf("cookies.keys[%d]", i)
		b, err := decodeKey(string(k))
		switch {
		case err != nil:
			p.add(path, "must be %d bytes of base64 (it is not valid base64)", CookieKeyLen)
			continue
		case len(b) != CookieKeyLen:
			p.add(path, "must be %d bytes of base64 (got %d)", CookieKeyLen, len(b))
			continue
		}
		if j, dup := seen[string(b)]; dup {
			p.add(path, "is the same key as cookies.keys[%d]", j)
		}
		seen[string(b)] = i
	}
	u, err := url.Parse(c.PublicURL)
	if err != nil || u.Host == "" {
		return // public_url's own problem is reported already
	}
	switch {
	case !c.Cookies.Secure && u.Scheme == "https":
		p.add("cookies.secure", "may be false only when public_url is http on localhost")
	case c.Cookies.Secure && u.Scheme == "http":
		p.add("cookies.secure", "must be false when public_url uses http (browsers drop Secure cookies sent over http)")
	}
}

func (c *Config) validateStore(p *Problems) {
	raw := string(c.Store.URL)
	scheme, _, ok := strings.Cut(raw, "://")
	switch {
	case raw == "":
		p.add("store.url", "is required (memory:// or redis://host:6379)")
	case !ok || !slices.Contains([]string{"memory", "redis", "rediss", "unix"}, strings.ToLower(scheme)):
		// The URL may hold a password: name only its scheme.
		p.add("store.url", "must start with memory://, redis://, rediss:// or unix://")
	default:
		if _, err := url.Parse(raw); err != nil {
			p.add("store.url", "is not a valid URL")
		}
	}
	switch c.Store.Mode {
	case store.ModeSingle:
	case store.ModeCluster, store.ModeSentinel:
		if ok && strings.EqualFold(scheme, "memory") {
			p.add("store.mode", "%s needs a redis:// or rediss:// store.url", c.Store.Mode)
		}
	default:
		p.add("store.mode", "must be %s, %s or %s, not %q", store.ModeSingle, store.ModeCluster, store.ModeSentinel, c.Store.Mode)
	}
	if c.Store.WaitReplicas < 0 {
		p.add("store.wait_replicas", "must not be negative (got %d)", c.Store.WaitReplicas)
	}
	if c.Store.WaitReplicas > 0 {
		positive(p, "store.wait_timeout", c.Store.WaitTimeout)
		if ok && strings.EqualFold(scheme, "memory") {
			p.add("store.wait_replicas", "needs a Redis store.url (memory:// has no replicas)")
		}
	}
}

func (c *Config) validateOIDC(p *Problems) {
	o := c.OIDC
	positive(p, "oidc.code_ttl", o.CodeTTL)
	positive(p, "oidc.sso_session_ttl", o.SSOSessionTTL)

	if len(o.SigningKeys) == 0 && len(o.Clients) > 0 {
		p.add("oidc.signing_keys", "needs at least one key file when clients are configured")
	}
	kids := map[string]int{}
	allKIDs := len(o.SigningKeys) > 0
	for i, k := range o.SigningKeys {
		path := fmt.Sprintf("oidc.signing_keys[%d]", i)
		if k.Alg != "" && !slices.Contains([]string{AlgRS256, AlgES256, AlgEdDSA}, k.Alg) {
			p.add(path+".alg", "must be %s, %s or %s (got %q)", AlgRS256, AlgES256, AlgEdDSA, k.Alg)
		}
		if k.KID == "" {
			allKIDs = false
		} else if j, dup := kids[k.KID]; dup {
			p.add(path+".kid", "%q is already used by oidc.signing_keys[%d]", k.KID, j)
		} else {
			kids[k.KID] = i
		}
		if k.File == "" {
			p.add(path+".file", "is required (a PEM file holding a private key)")
			continue
		}
		n, err := countPrivateKeys(k.File)
		switch {
		case err != nil:
			p.add(path+".file", "cannot be read: %v", err)
		case n == 0:
			p.add(path+".file", "holds no PEM private key (%s)", k.File)
		case n > 1 && k.KID != "":
			p.add(path+".kid", "can only be set for a file holding one key (%s holds %d)", k.File, n)
		}
	}
	if o.SigningKeyID != "" && allKIDs {
		if _, ok := kids[o.SigningKeyID]; !ok {
			p.add("oidc.signing_key_id", "%q is not the kid of any of oidc.signing_keys", o.SigningKeyID)
		}
	}

	ids := map[string]int{}
	for i, cl := range o.Clients {
		c.validateClient(p, i, cl, ids)
	}

	claims := map[string]string{}
	for _, m := range o.ClaimMappings {
		path := "oidc.claim_mappings." + m.Attribute
		switch {
		case m.Claim == "":
			p.add(path, "needs a claim name")
		case slices.Contains(protocolClaims(), m.Claim):
			p.add(path, "may not set the protocol claim %q", m.Claim)
		case claims[m.Claim] != "":
			p.add(path, "maps to claim %q, which oidc.claim_mappings.%s already produces", m.Claim, claims[m.Claim])
		default:
			claims[m.Claim] = m.Attribute
		}
		if !slices.Contains([]string{"", "string", "boolean", "number", "json"}, m.Type) {
			p.add(path+".type", "must be string, boolean, number or json (got %q)", m.Type)
		}
		if m.Scope == "openid" || m.Scope == "offline_access" || strings.ContainsAny(m.Scope, " \t") {
			p.add(path+".scope", "cannot release claims (got %q)", m.Scope)
		}
	}
}

func (c *Config) validateClient(p *Problems, i int, cl Client, ids map[string]int) {
	path := fmt.Sprintf("oidc.clients[%d]", i)
	switch {
	case cl.ID == "":
		p.add(path+".id", "is required")
	case len(cl.ID) > maxClientIDLen:
		p.add(path+".id", "must be at most %d characters (got %d)", maxClientIDLen, len(cl.ID))
	case strings.ContainsFunc(cl.ID, func(r rune) bool { return r < 0x21 || r > 0x7e }):
		p.add(path+".id", "must be printable ASCII without spaces (got %q)", cl.ID)
	default:
		if j, dup := ids[cl.ID]; dup {
			p.add(path+".id", "%q is already used by oidc.clients[%d]", cl.ID, j)
		} else {
			ids[cl.ID] = i
		}
	}
	switch {
	case cl.Public && (cl.Secret != "" || cl.SecretHash != ""):
		p.add(path, "is public, so it must not have a secret or secret_hash")
	case cl.Public:
	case cl.Secret != "" && cl.SecretHash != "":
		p.add(path, "must have either secret or secret_hash, not both")
	case cl.SecretHash != "":
		if _, err := bcrypt.Cost([]byte(cl.SecretHash)); err != nil {
			p.add(path+".secret_hash", "must be a bcrypt hash (starting with $2a$, $2b$ or $2y$)")
		}
	case cl.Secret != "":
		if len(cl.Secret) < 16 {
			p.add(path+".secret", "must be at least 16 characters (got %d)", len(cl.Secret))
		}
	default:
		p.add(path, "needs a secret or secret_hash (or public: true for an app that cannot keep a secret)")
	}
	if len(cl.RedirectURIs) == 0 {
		p.add(path+".redirect_uris", "needs at least one URI")
	}
	for j, u := range cl.RedirectURIs {
		checkAppURI(p, fmt.Sprintf("%s.redirect_uris[%d]", path, j), u)
	}
	for j, u := range cl.PostLogoutRedirectURIs {
		checkAppURI(p, fmt.Sprintf("%s.post_logout_redirect_uris[%d]", path, j), u)
	}
	for j, s := range cl.Scopes {
		if s == "" || strings.ContainsFunc(s, func(r rune) bool { return r <= 0x20 || r == '"' || r == '\\' || r > 0x7e }) {
			p.add(fmt.Sprintf("%s.scopes[%d]", path, j), "must be one scope name without spaces (got %q)", s)
		}
	}
	nonNegative(p, path+".access_token_ttl", cl.AccessTokenTTL)
	nonNegative(p, path+".id_token_ttl", cl.IDTokenTTL)
	nonNegative(p, path+".refresh_token_ttl", cl.RefreshTokenTTL)
	if cl.SigningAlg != "" && !slices.Contains([]string{AlgRS256, AlgES256, AlgEdDSA}, cl.SigningAlg) {
		p.add(path+".signing_alg", "must be %s, %s or %s (got %q)", AlgRS256, AlgES256, AlgEdDSA, cl.SigningAlg)
	}
	if cl.AccessTokenFormat != "" && cl.AccessTokenFormat != AccessTokenJWT && cl.AccessTokenFormat != AccessTokenOpaque {
		p.add(path+".access_token_format", "must be %s or %s (got %q)", AccessTokenJWT, AccessTokenOpaque, cl.AccessTokenFormat)
	}
}

// checkAppURI checks a URI an app registered: absolute https, or http on a
// loopback host; no fragment; not too long.
func checkAppURI(p *Problems, path, raw string) {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		p.add(path, "must be an absolute https URL (http allowed only for localhost/127.0.0.1; got %q)", raw)
	case u.Scheme == "http" && !IsLoopbackHost(u.Hostname()):
		p.add(path, "must be an absolute https URL (http allowed only for localhost/127.0.0.1; got %q)", raw)
	case u.Fragment != "" || strings.Contains(raw, "#"):
		p.add(path, "must not contain a fragment (#…)")
	case u.User != nil:
		p.add(path, "must not contain a user name or password")
	case len(raw) > maxRedirectURILen:
		p.add(path, "must be at most %d characters (got %d)", maxRedirectURILen, len(raw))
	}
}

// optionalURL checks an optional service URL: empty, or absolute https, or
// http on a loopback host.
func optionalURL(p *Problems, path, raw string) {
	if raw == "" {
		return
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		p.add(path, "must be an absolute URL (got %q)", raw)
	case u.Scheme == "http" && !IsLoopbackHost(u.Hostname()):
		p.add(path, "must use https unless it points at localhost (got %q)", raw)
	}
}

// positive reports a duration that is not above zero.
func positive(p *Problems, path string, d time.Duration) {
	if d <= 0 {
		p.add(path, "must be longer than zero (got %s)", d)
	}
}

// nonNegative reports a negative duration.
func nonNegative(p *Problems, path string, d time.Duration) {
	if d < 0 {
		p.add(path, "must not be negative (got %s)", d)
	}
}

// countPrivateKeys counts the PEM private key blocks in a file.
func countPrivateKeys(file string) (int, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return n, nil
		}
		if strings.HasSuffix(b.Type, "PRIVATE KEY") {
			n++
		}
	}
}

// IsLoopbackHost reports whether host is localhost or a loopback IP address.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// validListen checks a host:port listen address at path; example is shown in the message.
func validListen(p *Problems, path, addr, example string) {
	if host, port, err := net.SplitHostPort(addr); err != nil {
		p.add(path, "must be host:port, e.g. %s (got %q)", example, addr)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		p.add(path, "must end with a port number from 0 to 65535 (got %q)", port)
	} else if host != "" && net.ParseIP(host) == nil && !validHostname(host) {
		p.add(path, "has an invalid host %q", host)
	}
}

// validHostname reports whether h is a syntactically valid DNS name.
func validHostname(h string) bool {
	if len(h) > 253 {
		return false
	}
	for label := range strings.SplitSeq(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
				return false
			}
		}
	}
	return true
}

// RedirectOrigins returns the distinct origins (scheme://host[:port]) of every
// client's redirect and post-logout redirect URIs, in configuration order.
// The web server allows forms to lead there (CSP form-action).
func (c *Config) RedirectOrigins() []string {
	var out []string
	for _, cl := range c.OIDC.Clients {
		for _, raw := range slices.Concat(cl.RedirectURIs, cl.PostLogoutRedirectURIs) {
			u, err := url.Parse(raw)
			if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
				continue
			}
			o := strings.ToLower(u.Scheme + "://" + u.Host)
			if !slices.Contains(out, o) {
				out = append(out, o)
			}
		}
	}
	return out
}
