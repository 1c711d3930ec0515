package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// validConfig returns a configuration without problems, using key files in dir.
func validConfig(t *testing.T, dir string) *Config {
	t.Helper()
	c := Default()
	c.PublicURL = "https://login.example.com"
	c.Pool.UserPoolID = "eu-west-1_AbC123"
	c.Pool.Region = "eu-west-1"
	c.Pool.ClientID = "client123"
	c.Cookies.Keys = []Secret{Secret(testKey('a')), Secret(testKey('b'))}
	c.OIDC.SigningKeys = []SigningKey{{File: writeKeyFile(t, dir, "one.pem", 1), KID: "k1"}}
	c.OIDC.Clients = []Client{
		{ID: "app", Secret: "0123456789abcdef0123", RedirectURIs: []string{"https://app.example.com/cb"}},
		{ID: "spa", Public: true, RedirectURIs: []string{"http://localhost:3000/cb", "http://127.0.0.1/cb", "http://[::1]:8080/cb"}},
	}
	c.OIDC.ClaimMappings = ClaimMappings{{Attribute: "custom:dept", Claim: "department"}}
	return c
}

func TestValidateValid(t *testing.T) {
	c := validConfig(t, t.TempDir())
	if probs := c.Validate(); len(probs) > 0 {
		t.Fatalf("valid config has problems:\n%v", probs)
	}
	if c.Validate().Err() != nil {
		t.Fatal("Err() of no problems should be nil")
	}
}

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	twoKeys := writeKeyFile(t, dir, "two.pem", 2)
	notPEM := filepath.Join(dir, "not.pem")
	writeFileAt(t, notPEM, "hello")
	hash, err := bcrypt.GenerateFromPassword([]byte("a secret of some length"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		mutate func(c *Config)
		want   []string
	}{
		// Server.
		{"listen missing", func(c *Config) { c.Listen = "" }, []string{"listen is required (host:port, e.g. 127.0.0.1:8080)"}},
		{"listen without port", func(c *Config) { c.Listen = "localhost" }, []string{`listen must be host:port, e.g. 127.0.0.1:8080 (got "localhost")`}},
		{"listen bad port", func(c *Config) { c.Listen = ":99999" }, []string{`listen must end with a port number from 0 to 65535 (got "99999")`}},
		{"listen bad host", func(c *Config) { c.Listen = "bad host:80" }, []string{`listen has an invalid host "bad host"`}},
		{"metrics.listen without port", func(c *Config) { c.Metrics.Listen = "localhost" }, []string{`metrics.listen must be host:port, e.g. 127.0.0.1:9090 (got "localhost")`}},
		{"metrics.listen bad port", func(c *Config) { c.Metrics.Listen = "127.0.0.1:70000" }, []string{`metrics.listen must end with a port number from 0 to 65535 (got "70000")`}},
		{"metrics.listen same as listen", func(c *Config) { c.Metrics.Listen = c.Listen }, []string{"metrics.listen must differ from listen (the metrics have a listener of their own)"}},
		{"listen any host", func(c *Config) { c.Listen = ":8080" }, nil},
		{"public_url missing", func(c *Config) { c.PublicURL = "" }, []string{"public_url is required"}},
		{"public_url relative", func(c *Config) { c.PublicURL = "login.example.com" }, []string{`public_url must be an absolute URL such as https://login.example.com (got "login.example.com")`}},
		{"public_url http", func(c *Config) { c.PublicURL = "http://login.example.com" }, []string{
			"public_url must use https unless it points at localhost",
			"cookies.secure must be false when public_url uses http",
		}},
		{"public_url http localhost", func(c *Config) { c.PublicURL = "http://localhost:8080"; c.Cookies.Secure = false }, nil},
		{"public_url http 127.0.0.1", func(c *Config) { c.PublicURL = "http://127.0.0.1:8080"; c.Cookies.Secure = false }, nil},
		{"public_url query", func(c *Config) { c.PublicURL = "https://login.example.com?x=1" }, []string{"public_url must not contain a user name, query or fragment"}},
		{"public_url path", func(c *Config) { c.PublicURL = "https://example.com/login" }, []string{`public_url must not have a path`}},
		{"public_url trailing slash", func(c *Config) { c.PublicURL = "https://login.example.com/" }, nil},
		{"trusted proxies", func(c *Config) { c.TrustedProxies = []string{"10.0.0.0/8", "192.168.1.1", "nonsense"} }, []string{
			`trusted_proxies[2] must be an IP address or CIDR range such as 10.0.0.0/8 (got "nonsense")`,
		}},
		{"log level", func(c *Config) { c.Log.Level = "verbose" }, []string{`log.level must be debug, info, warn or error (got "verbose")`}},
		{"log format", func(c *Config) { c.Log.Format = "xml" }, []string{`log.format must be json or text (got "xml")`}},
		{"shutdown timeout", func(c *Config) { c.ShutdownTimeout = 0 }, []string{"shutdown_timeout must be longer than zero (got 0s)"}},
		{"rate limit", func(c *Config) { c.RateLimit = RateLimit{} }, []string{
			"rate_limit.sign_in_per_ip must be at least 1 (got 0)", "rate_limit.window must be longer than zero (got 0s)",
		}},
		// Pool.
		{"pool id missing", func(c *Config) { c.Pool.UserPoolID = "" }, []string{"pool.user_pool_id is required"}},
		{"pool id malformed", func(c *Config) { c.Pool.UserPoolID = "eu-west-1:abc" }, []string{`pool.user_pool_id must look like <region>_<id>`}},
		{"region not derivable", func(c *Config) { c.Pool.UserPoolID = "local_abc"; c.Pool.Region = "" }, []string{
			`pool.region is required: it cannot be derived from pool.user_pool_id "local_abc"`,
		}},
		{"emulator pool with region", func(c *Config) { c.Pool.UserPoolID = "local_abc"; c.Pool.Endpoint = "http://127.0.0.1:9229" }, nil},
		{"region mismatch", func(c *Config) { c.Pool.Region = "us-east-1" }, []string{"pool.region is us-east-1, but pool.user_pool_id is in eu-west-1"}},
		{"region malformed", func(c *Config) { c.Pool.Region = "Europe" }, []string{`pool.region must be an AWS region such as eu-west-1 (got "Europe")`}},
		{"client id missing", func(c *Config) { c.Pool.ClientID = "" }, []string{"pool.client_id is required"}},
		{"unknown auth flow", func(c *Config) { c.Pool.AuthFlow = "MAGIC_AUTH" }, []string{
			`pool.auth_flow must be USER_SRP_AUTH or USER_PASSWORD_AUTH or USER_AUTH or CUSTOM_AUTH (got "MAGIC_AUTH")`,
		}},
		{"password auth flow", func(c *Config) { c.Pool.AuthFlow = AuthFlowUserPassword }, nil},
		{"choice-based sign-in", func(c *Config) { c.Pool.AuthFlow = AuthFlowUserAuth }, nil},
		{"custom auth after the password", func(c *Config) { c.Pool.AuthFlow = AuthFlowCustom }, nil},
		{"custom auth without a password", func(c *Config) { c.Pool.AuthFlow = AuthFlowCustom; c.Pool.CustomAuthWithPassword = false }, nil},
		{"custom_auth_with_password without custom auth", func(c *Config) { c.Pool.CustomAuthWithPassword = false }, []string{
			`pool.custom_auth_with_password applies only when pool.auth_flow is CUSTOM_AUTH (got "USER_SRP_AUTH")`,
		}},
		{"endpoint http remote", func(c *Config) { c.Pool.Endpoint = "http://cognito.example.com" }, []string{`pool.endpoint must use https unless it points at localhost`}},
		{"issuer relative", func(c *Config) { c.Pool.Issuer = "/pool" }, []string{`pool.issuer must be an absolute URL (got "/pool")`}},
		{"jwks https", func(c *Config) { c.Pool.JWKSURL = "https://keys.example.com/jwks.json" }, nil},
		{"call timeout zero", func(c *Config) { c.Pool.CallTimeout = 0 }, []string{"pool.call_timeout must be longer than zero (got 0s)"}},
		{"call timeout", func(c *Config) { c.Pool.CallTimeout = 3 * time.Second }, nil},
		// Cookies.
		{"no cookie keys", func(c *Config) { c.Cookies.Keys = nil }, []string{"cookies.keys needs at least one key"}},
		{"short cookie key", func(c *Config) { c.Cookies.Keys[1] = "MTIzNDU2Nzg5MDEy" }, []string{"cookies.keys[1] must be 32 bytes of base64 (got 12)"}},
		{"cookie key not base64", func(c *Config) { c.Cookies.Keys[0] = "!!!" }, []string{"cookies.keys[0] must be 32 bytes of base64 (it is not valid base64)"}},
		{"cookie key url alphabet", func(c *Config) {
			c.Cookies.Keys[0] = "-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_8"
		}, nil},
		{"duplicate cookie key", func(c *Config) { c.Cookies.Keys[1] = c.Cookies.Keys[0] }, []string{"cookies.keys[1] is the same key as cookies.keys[0]"}},
		{"insecure cookies on https", func(c *Config) { c.Cookies.Secure = false }, []string{"cookies.secure may be false only when public_url is http on localhost"}},
		// Store.
		{"store url empty", func(c *Config) { c.Store.URL = "" }, []string{"store.url is required"}},
		{"store url scheme", func(c *Config) { c.Store.URL = "postgres://user:hunter2@db" }, []string{"store.url must start with memory://, redis://, rediss:// or unix://"}},
		{"store mode unknown", func(c *Config) { c.Store.Mode = "galaxy" }, []string{`store.mode must be single, cluster or sentinel, not "galaxy"`}},
		{"store mode cluster on memory", func(c *Config) { c.Store.Mode = "cluster" }, []string{"store.mode cluster needs a redis:// or rediss:// store.url"}},
		{"store wait negative", func(c *Config) { c.Store.WaitReplicas = -1 }, []string{"store.wait_replicas must not be negative (got -1)"}},
		{"store wait on memory", func(c *Config) { c.Store.WaitReplicas = 1 }, []string{"store.wait_replicas needs a Redis store.url (memory:// has no replicas)"}},
		{"store wait without timeout", func(c *Config) {
			c.Store.URL = "redis://127.0.0.1:6379"
			c.Store.WaitReplicas, c.Store.WaitTimeout = 1, 0
		}, []string{"store.wait_timeout must be longer than zero"}},
		{"store redis", func(c *Config) { c.Store.URL = "redis://:pw@127.0.0.1:6379/0" }, nil},
		// OIDC.
		{"code ttl", func(c *Config) { c.OIDC.CodeTTL = -time.Second }, []string{"oidc.code_ttl must be longer than zero (got -1s)"}},
		{"sso ttl", func(c *Config) { c.OIDC.SSOSessionTTL = 0 }, []string{"oidc.sso_session_ttl must be longer than zero"}},
		{"no signing keys", func(c *Config) { c.OIDC.SigningKeys = nil }, []string{"oidc.signing_keys needs at least one key file when clients are configured"}},
		{"no signing keys, no clients", func(c *Config) { c.OIDC.SigningKeys = nil; c.OIDC.Clients = nil }, nil},
		{"key file missing", func(c *Config) { c.OIDC.SigningKeys[0].File = filepath.Join(dir, "absent.pem") }, []string{"oidc.signing_keys[0].file cannot be read"}},
		{"key file empty path", func(c *Config) { c.OIDC.SigningKeys[0].File = "" }, []string{"oidc.signing_keys[0].file is required"}},
		{"key file not PEM", func(c *Config) { c.OIDC.SigningKeys[0].File = notPEM }, []string{"oidc.signing_keys[0].file holds no PEM private key"}},
		{"kid on a two-key file", func(c *Config) { c.OIDC.SigningKeys[0].File = twoKeys }, []string{"oidc.signing_keys[0].kid can only be set for a file holding one key"}},
		{"two-key file without kid", func(c *Config) { c.OIDC.SigningKeys[0] = SigningKey{File: twoKeys} }, nil},
		{"key alg", func(c *Config) { c.OIDC.SigningKeys[0].Alg = "HS256" }, []string{`oidc.signing_keys[0].alg must be RS256, ES256 or EdDSA (got "HS256")`}},
		{"duplicate kid", func(c *Config) {
			c.OIDC.SigningKeys = append(c.OIDC.SigningKeys, SigningKey{File: c.OIDC.SigningKeys[0].File, KID: "k1"})
		}, []string{`oidc.signing_keys[1].kid "k1" is already used by oidc.signing_keys[0]`}},
		{"signing key id unknown", func(c *Config) { c.OIDC.SigningKeyID = "k9" }, []string{`oidc.signing_key_id "k9" is not the kid of any of oidc.signing_keys`}},
		{"signing key id known", func(c *Config) { c.OIDC.SigningKeyID = "k1" }, nil},
		{"client id missing", func(c *Config) { c.OIDC.Clients[0].ID = "" }, []string{"oidc.clients[0].id is required"}},
		{"client id too long", func(c *Config) { c.OIDC.Clients[0].ID = strings.Repeat("x", 65) }, []string{"oidc.clients[0].id must be at most 64 characters (got 65)"}},
		{"client id with space", func(c *Config) { c.OIDC.Clients[0].ID = "my app" }, []string{`oidc.clients[0].id must be printable ASCII without spaces`}},
		{"duplicate client ids", func(c *Config) { c.OIDC.Clients[1].ID = "app" }, []string{`oidc.clients[1].id "app" is already used by oidc.clients[0]`}},
		{"public with secret", func(c *Config) { c.OIDC.Clients[1].Secret = "0123456789abcdef0123" }, []string{"oidc.clients[1] is public, so it must not have a secret or secret_hash"}},
		{"secret and hash", func(c *Config) { c.OIDC.Clients[0].SecretHash = string(hash) }, []string{"oidc.clients[0] must have either secret or secret_hash, not both"}},
		{"hash only", func(c *Config) { c.OIDC.Clients[0].Secret = ""; c.OIDC.Clients[0].SecretHash = string(hash) }, nil},
		{"hash not bcrypt", func(c *Config) { c.OIDC.Clients[0].Secret = ""; c.OIDC.Clients[0].SecretHash = "sha256:abc" }, []string{"oidc.clients[0].secret_hash must be a bcrypt hash"}},
		{"short secret", func(c *Config) { c.OIDC.Clients[0].Secret = "short" }, []string{"oidc.clients[0].secret must be at least 16 characters (got 5)"}},
		{"no secret", func(c *Config) { c.OIDC.Clients[0].Secret = "" }, []string{"oidc.clients[0] needs a secret or secret_hash (or public: true"}},
		{"no redirect uris", func(c *Config) { c.OIDC.Clients[0].RedirectURIs = nil }, []string{"oidc.clients[0].redirect_uris needs at least one URI"}},
		{"http redirect uri", func(c *Config) {
			c.OIDC.Clients[0].RedirectURIs = append(c.OIDC.Clients[0].RedirectURIs, "https://ok.example.com/cb", "http://app.example.com/cb")
		}, []string{`oidc.clients[0].redirect_uris[2] must be an absolute https URL (http allowed only for localhost/127.0.0.1; got "http://app.example.com/cb")`}},
		{"relative redirect uri", func(c *Config) { c.OIDC.Clients[0].RedirectURIs[0] = "/cb" }, []string{"oidc.clients[0].redirect_uris[0] must be an absolute https URL"}},
		{"custom scheme redirect uri", func(c *Config) { c.OIDC.Clients[0].RedirectURIs[0] = "com.example.app:/cb" }, []string{"oidc.clients[0].redirect_uris[0] must be an absolute https URL"}},
		{"redirect uri fragment", func(c *Config) { c.OIDC.Clients[0].RedirectURIs[0] = "https://app.example.com/cb#x" }, []string{"oidc.clients[0].redirect_uris[0] must not contain a fragment"}},
		{"redirect uri user", func(c *Config) { c.OIDC.Clients[0].RedirectURIs[0] = "https://u:p@app.example.com/cb" }, []string{"oidc.clients[0].redirect_uris[0] must not contain a user name or password"}},
		{"redirect uri long", func(c *Config) {
			c.OIDC.Clients[0].RedirectURIs[0] = "https://app.example.com/" + strings.Repeat("a", 240)
		}, []string{"oidc.clients[0].redirect_uris[0] must be at most 256 characters (got 264)"}},
		{"post logout uri", func(c *Config) { c.OIDC.Clients[0].PostLogoutRedirectURIs = []string{"ftp://x"} }, []string{"oidc.clients[0].post_logout_redirect_uris[0] must be an absolute https URL"}},
		{"scope with space", func(c *Config) { c.OIDC.Clients[0].Scopes = []string{"openid", "a b"} }, []string{`oidc.clients[0].scopes[1] must be one scope name without spaces (got "a b")`}},
		{"negative ttl", func(c *Config) { c.OIDC.Clients[0].RefreshTokenTTL = -time.Hour }, []string{"oidc.clients[0].refresh_token_ttl must not be negative (got -1h0m0s)"}},
		{"signing alg", func(c *Config) { c.OIDC.Clients[0].SigningAlg = "none" }, []string{`oidc.clients[0].signing_alg must be RS256, ES256 or EdDSA (got "none")`}},
		{"access token format", func(c *Config) { c.OIDC.Clients[0].AccessTokenFormat = "JWT" }, []string{`oidc.clients[0].access_token_format must be jwt or opaque (got "JWT")`}},
		{"access token format opaque", func(c *Config) { c.OIDC.Clients[0].AccessTokenFormat = AccessTokenOpaque }, nil},
		{"access token format jwt", func(c *Config) { c.OIDC.Clients[0].AccessTokenFormat = AccessTokenJWT }, nil},
		{"claim to protocol claim", func(c *Config) { c.OIDC.ClaimMappings[0].Claim = "sub" }, []string{`oidc.claim_mappings.custom:dept may not set the protocol claim "sub"`}},
		{"claim without name", func(c *Config) { c.OIDC.ClaimMappings[0].Claim = "" }, []string{"oidc.claim_mappings.custom:dept needs a claim name"}},
		{"claim twice", func(c *Config) {
			c.OIDC.ClaimMappings = append(c.OIDC.ClaimMappings, ClaimMapping{Attribute: "custom:team", Claim: "department"})
		}, []string{`oidc.claim_mappings.custom:team maps to claim "department", which oidc.claim_mappings.custom:dept already produces`}},
		{"claim type", func(c *Config) { c.OIDC.ClaimMappings[0].Type = "date" }, []string{`oidc.claim_mappings.custom:dept.type must be string, boolean, number or json (got "date")`}},
		{"claim scope", func(c *Config) { c.OIDC.ClaimMappings[0].Scope = "openid" }, []string{`oidc.claim_mappings.custom:dept.scope cannot release claims (got "openid")`}},
		// Several at once: every one is reported.
		{"several problems", func(c *Config) {
			c.PublicURL = ""
			c.Pool.ClientID = ""
			c.OIDC.Clients[1].ID = "app"
		}, []string{"public_url is required", "pool.client_id is required", `oidc.clients[1].id "app" is already used by oidc.clients[0]`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validConfig(t, dir)
			tt.mutate(c)
			probs := c.Validate()
			if len(probs) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(probs), len(tt.want), probs)
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(probs[i].String(), w) {
					t.Errorf("problem %d = %q, want it to start with %q", i, probs[i], w)
				}
			}
		})
	}
}

func TestValidateNeverShowsSecrets(t *testing.T) {
	c := validConfig(t, t.TempDir())
	c.Store.URL = "postgres://user:hunter2@db"
	c.Cookies.Keys[0] = "c2VjcmV0LWJ1dC1zaG9ydA=="
	c.OIDC.Clients[0].Secret = "tiny"
	for _, p := range c.Validate() {
		for _, s := range []string{"hunter2", "c2VjcmV0LWJ1dC1zaG9ydA", "tiny"} {
			if strings.Contains(p.String(), s) {
				t.Errorf("problem %q shows the secret %q", p, s)
			}
		}
	}
}

func TestKeyBytes(t *testing.T) {
	c := Cookies{Keys: []Secret{Secret(testKey('x')), Secret(strings.TrimRight(testKey('y'), "="))}}
	keys, err := c.KeyBytes()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || string(keys[0]) != strings.Repeat("x", 32) || string(keys[1]) != strings.Repeat("y", 32) {
		t.Errorf("KeyBytes() = %q", keys)
	}
	c.Keys = append(c.Keys, "c2hvcnQ=")
	if _, err := c.KeyBytes(); err == nil || !strings.Contains(err.Error(), "cookies.keys[2]") {
		t.Errorf("KeyBytes() with a short key = %v", err)
	}
}

func TestProblemsError(t *testing.T) {
	ps := Problems{{Path: "a", Message: "is wrong"}, {Message: "the file is odd", Line: 3}}
	if got, want := ps.Error(), "a is wrong\nthe file is odd (line 3)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !slices.Equal([]string{ps[0].String()}, []string{"a is wrong"}) {
		t.Error("String() mismatch")
	}
}

// writeFileAt writes content to path.
func writeFileAt(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
