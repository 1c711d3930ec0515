package compare

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/bridgekeeper/bridgekeeper/oidc"
)

// The user every sign-in uses, in the local user pool and in the peers.
const (
	benchUser     = "bench"
	benchPassword = "Bench-passw0rd!"
	benchEmail    = "bench@example.com"
	// benchRedirect is the app's redirect URI: never fetched, the code is read from the redirect.
	benchRedirect = "http://127.0.0.1:9/callback"
	benchScope    = "openid profile email"
)

// The two sign-in flows of the pool Bridgekeeper is measured with.
const (
	FlowPassword = "USER_PASSWORD_AUTH"
	FlowSRP      = "USER_SRP_AUTH"
	flowPeer     = "password" // the peers check a plain password
)

// The signing algorithms measured.
const (
	AlgES256 = "ES256"
	AlgRS256 = "RS256"
)

// Opaque access tokens (oidc.clients[].access_token_format: opaque) are measured beside the
// default JWTs for the password flow, on the build being measured (not the baseline, which may
// not know the setting).
const (
	opaqueFormat      = "opaque"
	opaqueTokenPrefix = "bkat_" // how an opaque access token starts (oidc/opaque.go)
)

const bridgekeeperSeed = `pools:
  - name: bench
    alias_attributes: [email]
    clients:
      - name: bridgekeeper
        generate_secret: true
        auth_flows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
    users:
      - username: ` + benchUser + `
        password: "` + benchPassword + `"
        attributes: {email: ` + benchEmail + `, email_verified: "true", name: Bench User}
`

var (
	jsonLineRE  = regexp.MustCompile(`^(\{.*\})$`)
	listeningRE = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
)

// Provider names of the two Bridgekeeper builds a run can measure.
const (
	providerBridgekeeper = "bridgekeeper"
	providerBaseline     = "baseline" // Options.Baseline: an earlier build, for before/after
)

// envProvider is the provider name of the Bridgekeeper binary run with extra environment
// (Options.BridgekeeperEnv): "bridgekeeper[GOMAXPROCS=1]".
func envProvider(env []string) string {
	return providerBridgekeeper + "[" + strings.Join(env, " ") + "]"
}

// isEnvProvider says whether provider is an envProvider name.
func isEnvProvider(provider string) bool {
	return strings.HasPrefix(provider, providerBridgekeeper+"[")
}

// scratchName is name as a directory name that may stand unquoted in serve's YAML: every byte
// but letters, digits, '.', '_' and '-' becomes '_'.
func scratchName(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '.' || r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '_'
	}, name)
}

// startBridgekeeper runs `bridgekeeper localpool` and one `bridgekeeper serve` per flow against
// it, each serve with one app client per algorithm; the configuration is the shipped default
// (log level info, JSON logs, memory store) but for limits a benchmark from one address needs.
func startBridgekeeper(ctx context.Context, name, bin, dir string, flows []string, tune serveTuning) ([]*Variant, []*proc, error) {
	dir = filepath.Join(dir, scratchName(name))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, err
	}
	seed := filepath.Join(dir, "seed.yaml")
	if err := os.WriteFile(seed, []byte(bridgekeeperSeed), 0o600); err != nil {
		return nil, nil, err
	}
	pool, line, err := startProc(ctx, name+" localpool", nil, dir, jsonLineRE, bin, "localpool", "--listen", "127.0.0.1:0", "--seed", seed, "--json")
	if err != nil {
		return nil, nil, err
	}
	procs := []*proc{pool}
	var info struct {
		Endpoint string `json:"endpoint"`
		Pools    []struct {
			ID      string `json:"id"`
			Issuer  string `json:"issuer"`
			Clients []struct {
				ID     string `json:"id"`
				Secret string `json:"secret"`
			} `json:"clients"`
		} `json:"pools"`
	}
	if err := json.Unmarshal([]byte(line), &info); err != nil || len(info.Pools) != 1 || len(info.Pools[0].Clients) != 1 {
		return nil, procs, fmt.Errorf("bridgekeeper localpool printed %q (%v)", line, err)
	}
	keys, err := WriteSigningKeys(dir)
	if err != nil {
		return nil, procs, err
	}
	var variants []*Variant
	for _, flow := range flows {
		secret := rand.Text()
		var (
			srv     *proc
			base    string
			metrics string
		)
		// The port is chosen before serve listens (the issuer names it), so another process may
		// take it in between: try a few.
		for attempt := 0; srv == nil; attempt++ {
			port, err := freePort()
			if err != nil {
				return nil, procs, err
			}
			t := tune
			if t.metrics {
				if t.metricsPort, err = freePort(); err != nil {
					return nil, procs, err
				}
				metrics = fmt.Sprintf("http://127.0.0.1:%d/metrics", t.metricsPort)
			}
			path := filepath.Join(dir, "bridgekeeper-"+flow+".yaml")
			lp := LocalPool{Endpoint: info.Endpoint, PoolID: info.Pools[0].ID, Issuer: info.Pools[0].Issuer,
				ClientID: info.Pools[0].Clients[0].ID, ClientSecret: info.Pools[0].Clients[0].Secret}
			if err := os.WriteFile(path, []byte(serveConfigTuned(port, lp, flow, keys, secret, t)), 0o600); err != nil {
				return nil, procs, err
			}
			srv, base, err = startProc(ctx, name+" serve "+flow, t.env, dir, listeningRE, bin, "serve", "--config", path)
			if err != nil && attempt == 2 {
				return nil, procs, err
			}
		}
		procs = append(procs, srv)
		for _, v := range bridgekeeperVariants(name, base, flow, secret, tune.opaque) {
			v.procs, v.extra, v.metricsURL = []*proc{srv}, []*proc{pool}, metrics
			variants = append(variants, v)
		}
	}
	return variants, procs, nil
}

// serveTuning is what a benchmark changes in serve's configuration beyond the shipped defaults.
type serveTuning struct {
	metrics     bool          // serve the metrics on a listener of their own (metricsPort)
	metricsPort int           // chosen by startBridgekeeper
	lifetime    time.Duration // when not 0: the code, SSO session and access token lifetime
	opaque      bool          // also an app per algorithm with opaque access tokens (password flow)
	env         []string      // serve's extra environment (NAME=VALUE), e.g. GOMAXPROCS=1
}

// yaml is the tuning's configuration: top-level lines, oidc lines, and what a client's and the
// rate limit's settings add.
func (t serveTuning) yaml() (top, oidc, client, rateLimit string) {
	if t.metrics {
		top = fmt.Sprintf("metrics: {listen: 127.0.0.1:%d}\n", t.metricsPort)
	}
	if t.lifetime > 0 {
		top += fmt.Sprintf("admin: {recent_sign_in: %s}\n", t.lifetime) // at most the session's
		oidc = fmt.Sprintf("  code_ttl: %[1]s\n  sso_session_ttl: %[1]s\n", t.lifetime)
		// The ID token keeps its default lifetime: it is no record in the store, and the driver
		// verifies it after the token request, which a loaded machine can delay past a short one.
		client = fmt.Sprintf(", access_token_ttl: %s", t.lifetime)
		rateLimit = fmt.Sprintf(", window: %s", t.lifetime)
	}
	return top, oidc, client, rateLimit
}

// bridgekeeperVariants are the variants (one per signing algorithm, and with opaque one more
// per algorithm for the password flow) of one serve at base.
func bridgekeeperVariants(name, base, flow, secret string, opaque bool) []*Variant {
	var variants []*Variant
	for _, o := range []bool{false, true} {
		if o && !opaqueFlow(opaque, flow) {
			continue
		}
		for _, alg := range []string{AlgES256, AlgRS256} {
			variants = append(variants, &Variant{
				Provider: name, Alg: alg, Flow: flow, Opaque: o,
				Issuer: base, ClientID: benchClientID(alg, o), ClientSecret: secret, RedirectURI: benchRedirect,
				Scope: benchScope, Username: benchUser, Password: benchPassword, UserField: "username",
			})
		}
	}
	return variants
}

// opaqueFlow reports whether a serve of flow has the opaque apps.
func opaqueFlow(opaque bool, flow string) bool { return opaque && flow == FlowPassword }

// benchClientID is the app of an algorithm, with opaque access tokens or not.
func benchClientID(alg string, opaque bool) string {
	id := "bench-" + strings.ToLower(alg)
	if opaque {
		id += "-" + opaqueFormat
	}
	return id
}

// ServeConfig is the configuration of one `bridgekeeper serve` on port against the local pool,
// signing with keys (WriteSigningKeys); secret is its OpenID clients' secret. For the password
// flow it has the opaque-token apps too.
func ServeConfig(port int, pool LocalPool, flow string, keys map[string]string, secret string) string {
	return serveConfigTuned(port, pool, flow, keys, secret, serveTuning{opaque: true})
}

// serveConfigTuned is ServeConfig with the tuning applied.
func serveConfigTuned(port int, pool LocalPool, flow string, keys map[string]string, secret string, tune serveTuning) string {
	cookieKey := make([]byte, 32)
	_, _ = rand.Read(cookieKey) // crypto/rand never fails
	top, oidcLines, client, rateLimit := tune.yaml()
	var opaqueClients string
	if opaqueFlow(tune.opaque, flow) {
		for _, alg := range []string{AlgES256, AlgRS256} {
			opaqueClients += fmt.Sprintf("    - {id: %s, secret: %s, redirect_uris: [%s], signing_alg: %s, access_token_format: %s%s}\n",
				benchClientID(alg, true), secret, benchRedirect, alg, opaqueFormat, client)
		}
	}
	return fmt.Sprintf(`%[13]slisten: 127.0.0.1:%[1]d
public_url: http://127.0.0.1:%[1]d
pool:
  region: us-east-1
  user_pool_id: %[2]s
  client_id: %[3]s
  client_secret: %[4]s
  endpoint: %[5]s
  issuer: %[6]s
  jwks_url: %[6]s/.well-known/jwks.json
  auth_flow: %[7]s
cookies: {keys: [%[8]s], secure: false}
store: {url: "memory://"}
rate_limit: {sign_in_per_ip: 1000000000%[16]s}
oidc:
%[14]s  signing_keys: [{file: %[9]s}, {file: %[10]s}]
  clients:
    - {id: bench-es256, secret: %[11]s, redirect_uris: [%[12]s], signing_alg: ES256%[15]s}
    - {id: bench-rs256, secret: %[11]s, redirect_uris: [%[12]s], signing_alg: RS256%[15]s}
%[17]s`, port, pool.PoolID, pool.ClientID, pool.ClientSecret, pool.Endpoint, pool.Issuer, flow,
		base64.StdEncoding.EncodeToString(cookieKey), keys[AlgES256], keys[AlgRS256], secret, benchRedirect, top, oidcLines, client, rateLimit, opaqueClients)
}

// WriteSigningKeys writes one ES256 and one RS256 key into dir and returns their files by
// algorithm.
func WriteSigningKeys(dir string) (map[string]string, error) {
	files := map[string]string{}
	for _, alg := range []string{AlgES256, AlgRS256} {
		k, err := oidc.GenerateKey(alg)
		if err != nil {
			return nil, err
		}
		pemBytes, err := oidc.MarshalKeyPEM(k)
		if err != nil {
			return nil, err
		}
		files[alg] = filepath.Join(dir, "signing-"+strings.ToLower(alg)+".pem")
		if err := os.WriteFile(files[alg], pemBytes, 0o600); err != nil {
			return nil, err
		}
	}
	return files, nil
}
