package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/config"
	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// env returns a getenv over a map.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// writeConfig writes a configuration file and returns its path.
func writeConfig(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "bridgekeeper.yaml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

var cookieKey = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))

// goodConfig is a valid configuration for a local run; the cookie key comes
// from the environment.
const goodConfig = `
listen: 127.0.0.1:0
public_url: http://localhost:8080
log: {level: info, format: json}
pool:
  user_pool_id: eu-west-1_AbC123
  client_id: abc123
cookies:
  keys: ["${COOKIE_KEY}"]
  secure: false
oidc:
  signing_keys: [{file: signing.pem}]
`

// writeConfigWithKey writes a configuration file and, next to it, the
// signing key file goodConfig names.
func writeConfigWithKey(t *testing.T, content string) string {
	t.Helper()
	path := writeConfig(t, content)
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	pemData := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), "signing.pem"), pemData, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestVersion(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"version"}, &out, &errOut, env(nil)); code != 0 {
		t.Fatalf("version exited %d: %s", code, errOut.String())
	}
	if got, want := out.String(), "bridgekeeper "+version()+"\n"; got != want || version() == "" {
		t.Errorf("version printed %q, want %q", got, want)
	}
	out.Reset()
	if code := run(context.Background(), []string{"--version"}, &out, &errOut, env(nil)); code != 0 || !strings.HasPrefix(out.String(), "bridgekeeper ") {
		t.Errorf("--version = %d %q", code, out.String())
	}
	if code := run(context.Background(), []string{"version", "extra"}, &out, &errOut, env(nil)); code != 2 {
		t.Errorf("version with an argument exited %d, want 2", code)
	}
}

func TestVersionFrom(t *testing.T) {
	withVCS := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "3f2a1b9c0d1e2f3a4b5c"}, {Key: "vcs.modified", Value: "true"},
	}}
	tests := []struct {
		stamped string
		bi      *debug.BuildInfo
		ok      bool
		want    string
	}{
		{"v1.2.3", nil, false, "v1.2.3"},
		{"", nil, false, "devel"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "v0.4.0"}}, true, "v0.4.0"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true, "devel"},
		{"", withVCS, true, "devel (3f2a1b9c0d1e, modified)"},
		{"v2.0.0", &debug.BuildInfo{Main: debug.Module{Version: "v0.4.0"}, Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}}}, true, "v2.0.0 (abc)"},
	}
	for _, tt := range tests {
		if got := versionFrom(tt.stamped, tt.bi, tt.ok); got != tt.want {
			t.Errorf("versionFrom(%q, %+v) = %q, want %q", tt.stamped, tt.bi, got, tt.want)
		}
	}
}

func TestCheckConfig(t *testing.T) {
	tests := []struct {
		name     string
		content  string
		env      map[string]string
		code     int
		stdout   string
		problems []string
	}{
		{name: "good", content: goodConfig, env: map[string]string{"COOKIE_KEY": cookieKey}, code: 0, stdout: ": ok\n"},
		{name: "every validation problem", content: `
public_url: http://login.example.com
pool:
  auth_flow: MAGIC_AUTH
cookies:
  keys: [MTIzNDU2Nzg5MDEy]
oidc:
  clients:
    - {id: a, public: true, redirect_uris: [http://app.example.com/cb]}
    - {id: a, public: true, redirect_uris: [https://app.example.com/cb]}
`, code: 1, problems: []string{
			"public_url must use https unless it points at localhost",
			"pool.user_pool_id is required",
			"pool.client_id is required",
			`pool.auth_flow must be USER_SRP_AUTH or USER_PASSWORD_AUTH or USER_AUTH or CUSTOM_AUTH (got "MAGIC_AUTH")`,
			"cookies.keys[0] must be 32 bytes of base64 (got 12)",
			"cookies.secure must be false when public_url uses http",
			"oidc.signing_keys needs at least one key file when clients are configured",
			"oidc.clients[0].redirect_uris[0] must be an absolute https URL (http allowed only for localhost/127.0.0.1",
			`oidc.clients[1].id "a" is already used by oidc.clients[0]`,
		}},
		{name: "unknown keys and unset variables", content: "lisen: x\npool:\n  client_secret: ${NOT_SET}\n", code: 1, problems: []string{
			"pool.client_secret uses ${NOT_SET}, but the environment variable NOT_SET is not set (line 3)",
			"lisen is not a known setting (did you mean listen?) (line 1)",
		}},
		{name: "unknown key", content: "lisen: x\n", code: 1, problems: []string{
			"lisen is not a known setting (did you mean listen?) (line 1)",
		}},
		{name: "not YAML", content: "a: [\n", code: 1, problems: []string{"not valid YAML"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfigWithKey(t, tt.content)
			var out, errOut bytes.Buffer
			code := run(context.Background(), []string{"check-config", path}, &out, &errOut, env(tt.env))
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", code, tt.code, out.String(), errOut.String())
			}
			if tt.stdout != "" && out.String() != path+tt.stdout {
				t.Errorf("stdout = %q, want %q", out.String(), path+tt.stdout)
			}
			if tt.code != 0 && out.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", out.String())
			}
			for _, p := range tt.problems {
				if !strings.Contains(errOut.String(), p) {
					t.Errorf("stderr does not name %q:\n%s", p, errOut.String())
				}
			}
			if n := strings.Count(errOut.String(), "\n  - "); len(tt.problems) > 1 && n != len(tt.problems) {
				t.Errorf("listed %d problems, want %d:\n%s", n, len(tt.problems), errOut.String())
			}
		})
	}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"check-config"}, &out, &errOut, env(nil)); code != 2 {
		t.Errorf("check-config without a file exited %d, want 2", code)
	}
	if code := run(context.Background(), []string{"check-config", filepath.Join(t.TempDir(), "absent.yaml")}, &out, &errOut, env(nil)); code != 1 || !strings.Contains(errOut.String(), "no such file") {
		t.Errorf("check-config of a missing file = %d %q", code, errOut.String())
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{nil, 2},
		{[]string{"frobnicate"}, 2},
		{[]string{"help"}, 0},
		{[]string{"--help"}, 0},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		code := run(context.Background(), tt.args, &out, &errOut, env(nil))
		if code != tt.code || !strings.Contains(out.String()+errOut.String(), "bridgekeeper serve --config FILE") {
			t.Errorf("run(%q) = %d, output %q", tt.args, code, out.String()+errOut.String())
		}
	}
}

// firstLine waits for the first line a running command writes to out, failing the test if the
// command exits first.
func firstLine(t *testing.T, out, stderr *testutil.Buffer, exited <-chan int) string {
	t.Helper()
	for {
		text, changed := out.Snapshot()
		if line, _, ok := strings.Cut(text, "\n"); ok {
			return line
		}
		select {
		case <-changed:
		case code := <-exited:
			t.Fatalf("exited %d early: %s", code, stderr.String())
		}
	}
}

func TestServe(t *testing.T) {
	path := writeConfigWithKey(t, goodConfig)
	stdout, stderr := &testutil.Buffer{}, &testutil.Buffer{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	exited := make(chan int, 1)
	go func() {
		exited <- run(ctx, []string{"serve", "--config", path}, stdout, stderr, env(map[string]string{"COOKIE_KEY": cookieKey}))
	}()
	line := firstLine(t, stdout, stderr, exited)
	m := regexp.MustCompile(`listening on http://(127\.0\.0\.1:[0-9]+) \(public URL http://localhost:8080\)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("serve printed %q", line)
	}
	base := "http://" + m[1]
	for path, want := range map[string]int{
		"/healthz": 200, "/readyz": 200, "/static/css/app.css": 200, "/nowhere": 404,
		"/signin": 200, "/.well-known/openid-configuration": 200,
	} {
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, res.StatusCode, want)
		}
	}
	cancel()
	if code := <-exited; code != 0 {
		t.Errorf("serve exited %d after cancel: %s", code, stderr.String())
	}
	logs := stderr.String()
	for _, want := range []string{`"msg":"request"`, `"path":"/healthz"`, `"msg":"stopped"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
}

func TestServeRefusesBadConfig(t *testing.T) {
	var out, errOut bytes.Buffer
	path := writeConfig(t, goodConfig) // COOKIE_KEY unset
	if code := run(context.Background(), []string{"serve", "--config", path}, &out, &errOut, env(nil)); code != 1 {
		t.Fatalf("serve exited %d, want 1", code)
	}
	if !strings.Contains(errOut.String(), "cookies.keys[0] uses ${COOKIE_KEY}") {
		t.Errorf("stderr = %q", errOut.String())
	}
	if code := run(context.Background(), []string{"serve", "--bogus"}, &out, &errOut, env(nil)); code != 2 {
		t.Errorf("serve --bogus exited %d, want 2", code)
	}
}

// check-config and serve accept the same pool.auth_flow values: every flow the configuration
// accepts, the sign-in engine starts, and every other value both refuse.
func TestCheckConfigAndServeAgreeOnAuthFlows(t *testing.T) {
	v := cognito.NewJWKSVerifier(context.Background(), cognito.Config{}, nil)
	for _, flow := range []string{config.AuthFlowUserSRP, config.AuthFlowUserPassword, config.AuthFlowUserAuth, config.AuthFlowCustom, "MAGIC_AUTH"} {
		cfg := config.Default()
		cfg.Pool.AuthFlow = flow
		checked := true
		for _, p := range cfg.Validate() {
			if p.Path == "pool.auth_flow" {
				checked = false
			}
		}
		_, err := cognito.New(struct{ cognito.API }{}, cognito.Config{UserPoolID: "eu-west-1_x", ClientID: "c", AuthFlow: flow}, cognito.Deps{Rand: rand.Reader, Verifier: v})
		if served := err == nil; checked != served {
			t.Errorf("pool.auth_flow %s: check-config accepts it: %v, serve accepts it: %v (%v)", flow, checked, served, err)
		}
	}
}
