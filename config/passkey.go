package config

import (
	"net"
	"net/url"
	"strings"
)

// PasskeyRelyingParty is the passkey relying party id: pool.passkey_rp_id, or public_url's host
// when that is empty. It is lower case and has no port.
func (c *Config) PasskeyRelyingParty() string {
	if c.Pool.PasskeyRPID != "" {
		return strings.ToLower(c.Pool.PasskeyRPID)
	}
	u, err := url.Parse(c.PublicURL)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// validatePasskeys checks the relying party against public_url the way browsers do: a passkey
// belongs to a domain name (never an IP address), and a page may use one for its own host or a
// parent domain of it.
func (c *Config) validatePasskeys(p *Problems) {
	u, err := url.Parse(c.PublicURL)
	if err != nil || u.Host == "" {
		return // public_url's own problem is reported already
	}
	host := strings.ToLower(u.Hostname())
	rp := c.PasskeyRelyingParty()
	switch {
	case c.Pool.AuthFlow != AuthFlowUserAuth:
		if c.Pool.PasskeyRPID != "" {
			p.add("pool.passkey_rp_id", "is only used with pool.auth_flow %s (passkeys need choice-based sign-in)", AuthFlowUserAuth)
		}
	case net.ParseIP(rp) != nil && c.Pool.PasskeyRPID != "":
		p.add("pool.passkey_rp_id", "is the IP address %s, but browsers refuse passkeys for IP addresses: use a domain name", rp)
	case net.ParseIP(rp) != nil:
		p.add("public_url", "has the IP address %s as its host, but browsers refuse passkeys for IP addresses: use a domain name (http://localhost for a local test), or set pool.passkey_rp_id", rp)
	case strings.Contains(rp, "/") || strings.Contains(rp, ":") || strings.HasPrefix(rp, ".") || strings.HasSuffix(rp, "."):
		p.add("pool.passkey_rp_id", "must be a bare domain name such as login.example.com, without scheme, port or path (got %q)", c.Pool.PasskeyRPID)
	case host != rp && !strings.HasSuffix(host, "."+rp):
		p.add("pool.passkey_rp_id", "is %s, but browsers only let %s use passkeys of its own host or a parent domain of it (e.g. %s)", rp, host, host)
	}
}
