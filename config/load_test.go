package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// env returns a getenv over a map.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// testKey returns a base64 cookie key made of one repeated byte.
func testKey(b byte) string {
	return base64.StdEncoding.EncodeToString([]byte(strings.Repeat(string(rune(b)), 32)))
}

// writeKeyFile writes n EC private keys as PEM into dir/name and returns the path.
func writeKeyFile(t *testing.T, dir, name string, n int) string {
	t.Helper()
	var out []byte
	for range n {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})...)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// writeFile writes content to a new file in a temporary folder.
func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "bridgekeeper.yaml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadExample(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "bridgekeeper.yaml")
	if err := os.WriteFile(path, src, 0o600); err != nil {
		t.Fatal(err)
	}
	writeKeyFile(t, dir, "signing-rsa.pem", 1)
	getenv := env(map[string]string{"COOKIE_KEY": testKey('a'), "WIKI_CLIENT_SECRET": "a-long-enough-client-secret"})
	cfg, err := Load(path, getenv)
	if err != nil {
		t.Fatalf("Load(example.yaml): %v", err)
	}
	if probs := cfg.Validate(); len(probs) > 0 {
		t.Fatalf("example.yaml has problems:\n%v", probs)
	}
	if got, want := cfg.OIDC.SigningKeys[0].File, filepath.Join(dir, "signing-rsa.pem"); got != want {
		t.Errorf("relative key file resolved to %q, want %q", got, want)
	}
	if cfg.Pool.Region != "eu-west-1" || cfg.Pool.ClientSecret != "" {
		t.Errorf("pool = %+v", cfg.Pool)
	}
	wantMappings := ClaimMappings{
		{Attribute: "custom:department", Claim: "department"},
		{Attribute: "custom:level", Claim: "level", Scope: "profile", Type: "number"},
	}
	if !reflect.DeepEqual(cfg.OIDC.ClaimMappings, wantMappings) {
		t.Errorf("claim mappings = %+v, want %+v", cfg.OIDC.ClaimMappings, wantMappings)
	}
	wiki := cfg.OIDC.Clients[0]
	if wiki.Secret != "a-long-enough-client-secret" || wiki.RefreshTokenTTL != 720*time.Hour || wiki.Name != "Company wiki" {
		t.Errorf("wiki client = %#v", wiki)
	}
	if !cfg.OIDC.Clients[1].Public {
		t.Error("cli client should be public")
	}
	if got, want := cfg.RedirectOrigins(), []string{"https://wiki.example.com", "http://127.0.0.1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("RedirectOrigins() = %v, want %v", got, want)
	}
}

func TestLoadDefaults(t *testing.T) {
	for _, content := range []string{"", "# nothing but a comment\n", "---\n"} {
		cfg, err := Load(writeFile(t, content), env(nil))
		if err != nil {
			t.Fatalf("Load(%q): %v", content, err)
		}
		if !reflect.DeepEqual(cfg, Default()) {
			t.Errorf("Load(%q) = %+v, want the defaults %+v", content, cfg, Default())
		}
	}
	d := Default()
	if d.Listen != "127.0.0.1:8080" || d.ShutdownTimeout != 15*time.Second || d.Pool.AuthFlow != "USER_SRP_AUTH" ||
		!d.Cookies.Secure || d.Store.URL != "memory://" || d.Store.KeyPrefix != "bk:" ||
		d.OIDC.CodeTTL != time.Minute || d.OIDC.SSOSessionTTL != 12*time.Hour || d.Log.Level != "info" {
		t.Errorf("Default() = %+v", d)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"), env(nil))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Load(missing) = %v, want a not-exist error", err)
	}
}

func TestExpand(t *testing.T) {
	getenv := env(map[string]string{"A": "alpha", "EMPTY": "", "N": "42"})
	tests := []struct {
		in, want, err string
	}{
		{in: "plain", want: "plain"},
		{in: "${A}", want: "alpha"},
		{in: "x-${A}-${N}-y", want: "x-alpha-42-y"},
		{in: "${MISSING:-fallback}", want: "fallback"},
		{in: "${EMPTY:-fallback}", want: "fallback"},
		{in: "${MISSING:-}", want: ""},
		{in: "${A:-unused}", want: "alpha"},
		{in: "${MISSING:-a:b-c}", want: "a:b-c"},
		{in: "$${A}", want: "${A}"},
		{in: "$2a$10$abc", want: "$2a$10$abc"},
		{in: "cost $5", want: "cost $5"},
		{in: "${MISSING}", err: "uses ${MISSING}, but the environment variable MISSING is not set"},
		{in: "${EMPTY}", err: "uses ${EMPTY}, but the environment variable EMPTY is not set"},
		{in: "${A", err: "has a ${ without a closing }"},
		{in: "${1A}", err: "has ${1A}, which is not a valid environment variable name"},
		{in: "${}", err: "not a valid environment variable name"},
	}
	for _, tt := range tests {
		got, err := expand(tt.in, getenv)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("expand(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("expand(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestLoadExpansionTypes(t *testing.T) {
	getenv := env(map[string]string{
		"SECURE": "false", "LIMIT": "7", "WINDOW": "30s", "NULLISH": "null", "SECRET": "123456", "HOST": "0.0.0.0",
	})
	cfg, err := Load(writeFile(t, `
listen: ${HOST}:${PORT:-9090}
cookies:
  secure: ${SECURE}
rate_limit:
  sign_in_per_ip: ${LIMIT}
  window: ${WINDOW}
pool:
  client_id: ${NULLISH}
  client_secret: ${SECRET}
  user_pool_id: "${MISSING_BUT_QUOTED:-local_abc}"
`), getenv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "0.0.0.0:9090" || cfg.Cookies.Secure || cfg.RateLimit.SignInPerIP != 7 ||
		cfg.RateLimit.Window != 30*time.Second || cfg.Pool.ClientID != "null" || cfg.Pool.ClientSecret != "123456" ||
		cfg.Pool.UserPoolID != "local_abc" {
		t.Errorf("expanded config = %+v", cfg)
	}
}

func TestLoadEnvValueCannotChangeStructure(t *testing.T) {
	// A value from the environment with YAML syntax stays one string.
	getenv := env(map[string]string{"ID": "x\nlisten: 0.0.0.0:1", "SECRET": "a: b # c"})
	cfg, err := Load(writeFile(t, "pool:\n  client_id: ${ID}\n  client_secret: ${SECRET}\n"), getenv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Pool.ClientID != "x\nlisten: 0.0.0.0:1" || cfg.Listen != DefaultListen || cfg.Pool.ClientSecret != "a: b # c" {
		t.Errorf("config = %+v", cfg)
	}
}

func TestLoadProblems(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    []string
	}{
		{"unknown top-level key", "lisen: x\n", []string{"lisen is not a known setting (did you mean listen?) (line 1)"}},
		{"unknown nested key", "pool:\n  regoin: eu-west-1\n  frobnicate: 1\n", []string{
			"pool.regoin is not a known setting (did you mean pool.region?) (line 2)",
			"pool.frobnicate is not a known setting (line 3)",
		}},
		// Removed keys are refused by name: neither did anything.
		{"removed keys", "pool:\n  required_group_admin: admins\ncookies:\n  domain: example.com\n", []string{
			"pool.required_group_admin is not a known setting (line 2)",
			"cookies.domain is not a known setting (line 4)",
		}},
		{"unknown key in a list item", "oidc:\n  clients:\n    - id: a\n      redirect_uri: [x]\n", []string{
			"oidc.clients[0].redirect_uri is not a known setting (did you mean oidc.clients[0].redirect_uris?) (line 4)",
		}},
		{"unknown key in a claim mapping", "oidc:\n  claim_mappings:\n    custom:x: {claim: x, typ: number}\n", []string{
			"oidc.claim_mappings.custom:x.typ is not a known setting (did you mean oidc.claim_mappings.custom:x.type?)",
		}},
		{"claim mapping of the wrong shape", "oidc:\n  claim_mappings:\n    custom:x: [a]\n", []string{
			"oidc.claim_mappings.custom:x must be a claim name or a mapping with claim, scope and type (line 3)",
		}},
		{"key set twice", "listen: a\nlisten: b\n", []string{"listen is set twice (line 2)"}},
		{"duration without unit", "shutdown_timeout: 15\n", []string{"shutdown_timeout must be a duration with a unit, such as 15s or 2m (got 15) (line 1)"}},
		{"bad duration", "oidc:\n  code_ttl: soon\n", []string{`oidc.code_ttl must be a duration such as 15s or 2m (got "soon") (line 2)`}},
		{"bad bool", "cookies:\n  secure: yes please\n", []string{`cookies.secure must be true or false (got "yes please") (line 2)`}},
		{"bad int", "rate_limit:\n  sign_in_per_ip: many\n", []string{`rate_limit.sign_in_per_ip must be a whole number (got "many") (line 2)`}},
		{"quoted number stays a string", "rate_limit:\n  sign_in_per_ip: \"5\"\n", []string{`rate_limit.sign_in_per_ip must be a whole number (got "5")`}},
		{"list where a value belongs", "listen: [a, b]\n", []string{"listen must be a single value, not a list or mapping (line 1)"}},
		{"value where a list belongs", "cookies:\n  keys: abc\n", []string{"cookies.keys must be a list (line 2)"}},
		{"value where a mapping belongs", "pool: eu-west-1\n", []string{"pool must be a mapping of settings (line 1)"}},
		{"not a mapping at all", "- a\n- b\n", []string{"the configuration must be a mapping of settings (line 1)"}},
		{"unset variable", "pool:\n  client_secret: ${NOT_SET}\n", []string{
			"pool.client_secret uses ${NOT_SET}, but the environment variable NOT_SET is not set (line 2)",
		}},
		{"unset variable and an unknown key", "shutdown_timeout: ${T}\nlisen: x\n", []string{
			"shutdown_timeout uses ${T}, but the environment variable T is not set (line 1)",
			"lisen is not a known setting (did you mean listen?) (line 2)",
		}},
		{"unset variable in a list", "cookies:\n  keys:\n    - ${K1:-a}\n    - \"${K2}\"\n", []string{
			"cookies.keys[1] uses ${K2}, but the environment variable K2 is not set (line 4)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeFile(t, tt.content), env(nil))
			var probs Problems
			if !errors.As(err, &probs) {
				t.Fatalf("Load error = %v, want Problems", err)
			}
			if len(probs) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(probs), len(tt.want), probs)
			}
			for i, w := range tt.want {
				if got := probs[i].String(); !strings.Contains(got, w) {
					t.Errorf("problem %d = %q, want %q", i, got, w)
				}
			}
		})
	}
}

func TestLoadBadYAML(t *testing.T) {
	_, err := Load(writeFile(t, "listen: [unclosed\n"), env(nil))
	if err == nil || !strings.Contains(err.Error(), "not valid YAML") {
		t.Fatalf("Load(bad YAML) = %v, want a YAML error", err)
	}
}

func TestEnvOverrides(t *testing.T) {
	file := `
listen: 127.0.0.1:1
public_url: https://file.example.com
log: {level: info, format: json}
pool: {client_secret: from-file}
cookies: {keys: [` + testKey('f') + `]}
store: {url: "memory://"}
`
	tests := []struct {
		env   string
		value string
		check func(*Config) bool
	}{
		{"BRIDGEKEEPER_LISTEN", "0.0.0.0:8443", func(c *Config) bool { return c.Listen == "0.0.0.0:8443" }},
		{"BRIDGEKEEPER_PUBLIC_URL", "https://env.example.com", func(c *Config) bool { return c.PublicURL == "https://env.example.com" }},
		{"BRIDGEKEEPER_LOG_LEVEL", "debug", func(c *Config) bool { return c.Log.Level == "debug" }},
		{"BRIDGEKEEPER_LOG_FORMAT", "text", func(c *Config) bool { return c.Log.Format == "text" }},
		{"BRIDGEKEEPER_POOL_CLIENT_SECRET", "from-env", func(c *Config) bool { return c.Pool.ClientSecret == "from-env" }},
		{"BRIDGEKEEPER_COOKIE_KEYS", testKey('1') + ", " + testKey('2') + ",", func(c *Config) bool {
			return reflect.DeepEqual(c.Cookies.Keys, []Secret{Secret(testKey('1')), Secret(testKey('2'))})
		}},
		{"BRIDGEKEEPER_STORE_URL", "redis://:pw@127.0.0.1:6379/0", func(c *Config) bool { return c.Store.URL == "redis://:pw@127.0.0.1:6379/0" }},
	}
	if len(tests) != len(EnvOverrides()) {
		t.Fatalf("%d overrides tested, %d exist", len(tests), len(EnvOverrides()))
	}
	path := writeFile(t, file)
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			without, err := Load(path, env(nil))
			if err != nil {
				t.Fatal(err)
			}
			if tt.check(without) {
				t.Fatalf("the file already has the overridden value")
			}
			with, err := Load(path, env(map[string]string{tt.env: tt.value}))
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(with) {
				t.Errorf("%s=%q not applied: %+v", tt.env, tt.value, with)
			}
			// An empty variable overrides nothing.
			empty, err := Load(path, env(map[string]string{tt.env: ""}))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(empty, without) {
				t.Errorf("empty %s changed the config", tt.env)
			}
		})
	}
}

func TestRegionFromPoolID(t *testing.T) {
	tests := map[string]string{
		"eu-west-1_AbC123":      "eu-west-1",
		"us-gov-west-1_X1":      "us-gov-west-1",
		"ap-southeast-2_abcDEF": "ap-southeast-2",
		"local_abc":             "",
		"nounderscore":          "",
		"":                      "",
	}
	for in, want := range tests {
		if got := RegionFromPoolID(in); got != want {
			t.Errorf("RegionFromPoolID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSecretNeverPrinted(t *testing.T) {
	cfg := Default()
	cfg.Pool.ClientSecret = "pool-secret-value"
	cfg.Store.URL = "redis://:store-password@h:6379"
	cfg.Cookies.Keys = []Secret{"cookie-key-value"}
	cfg.OIDC.Clients = []Client{{ID: "a", Secret: "client-secret-value"}}
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "secret", cfg.Pool.ClientSecret, "url", cfg.Store.URL)
	outputs := []string{fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), string(js), logged.String()}
	for _, out := range outputs {
		for _, secret := range []string{"pool-secret-value", "store-password", "cookie-key-value", "client-secret-value"} {
			if strings.Contains(out, secret) {
				t.Errorf("output leaks %q: %s", secret, out)
			}
		}
		if !strings.Contains(out, "[redacted]") {
			t.Errorf("output does not mark the redaction: %s", out)
		}
	}
	if Secret("").String() != "" {
		t.Error("an empty secret should print as empty")
	}
}
