package config

import (
	"strings"
	"testing"
)

func TestValidatePasskeys(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name             string
		publicURL, rpID  string
		flow             string
		want             string // the one problem expected; empty for none
		wantRelyingParty string
	}{
		{"default is the host", "https://login.example.com", "", AuthFlowUserAuth, "", "login.example.com"},
		{"a parent domain", "https://login.example.com", "example.com", AuthFlowUserAuth, "", "example.com"},
		{"localhost over http", "http://localhost:8080", "", AuthFlowUserAuth, "", "localhost"},
		{"case does not matter", "https://Login.Example.com", "EXAMPLE.com", AuthFlowUserAuth, "", "example.com"},
		{"another domain", "https://login.example.com", "example.org", AuthFlowUserAuth,
			"pool.passkey_rp_id is example.org, but browsers only let login.example.com use passkeys of its own host or a parent domain of it", "example.org"},
		{"a child domain", "https://example.com", "login.example.com", AuthFlowUserAuth,
			"pool.passkey_rp_id is login.example.com, but browsers only let example.com use passkeys", "login.example.com"},
		{"a lookalike suffix", "https://badexample.com", "example.com", AuthFlowUserAuth, "pool.passkey_rp_id is example.com, but browsers only let badexample.com", "example.com"},
		{"an IP address host", "http://127.0.0.1:8080", "", AuthFlowUserAuth,
			"public_url has the IP address 127.0.0.1 as its host, but browsers refuse passkeys for IP addresses", "127.0.0.1"},
		{"an IP address relying party", "https://login.example.com", "192.0.2.1", AuthFlowUserAuth,
			"pool.passkey_rp_id is the IP address 192.0.2.1, but browsers refuse passkeys for IP addresses", "192.0.2.1"},
		{"a URL instead of a name", "https://login.example.com", "https://login.example.com", AuthFlowUserAuth,
			"pool.passkey_rp_id must be a bare domain name", "https://login.example.com"},
		{"an IP host without passkeys", "http://127.0.0.1:8080", "", AuthFlowUserSRP, "", "127.0.0.1"},
		{"set without USER_AUTH", "https://login.example.com", "example.com", AuthFlowUserSRP,
			"pool.passkey_rp_id is only used with pool.auth_flow USER_AUTH", "example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validConfig(t, dir)
			c.PublicURL, c.Pool.PasskeyRPID, c.Pool.AuthFlow = tt.publicURL, tt.rpID, tt.flow
			if strings.HasPrefix(tt.publicURL, "http:") {
				c.Cookies.Secure = false
			}
			probs := c.Validate()
			switch {
			case tt.want == "" && len(probs) > 0:
				t.Fatalf("problems: %v", probs)
			case tt.want != "" && (len(probs) != 1 || !strings.HasPrefix(probs[0].String(), tt.want)):
				t.Fatalf("problems %v, want one starting %q", probs, tt.want)
			}
			if got := c.PasskeyRelyingParty(); got != tt.wantRelyingParty {
				t.Errorf("PasskeyRelyingParty() = %q, want %q", got, tt.wantRelyingParty)
			}
		})
	}
}
