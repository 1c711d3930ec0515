package e2e

import (
	"bytes"
	"debug/elf"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/bridgekeeper/bridgekeeper/config"
	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
)

// helmVersion is the Helm release the chart is linted and rendered with.
const helmVersion = "v3.19.5"

var staticBinary struct {
	once sync.Once
	path string
	err  error
}

// releaseBinary builds bridgekeeper with deploy/build-static.sh, exactly as deploy/Dockerfile does,
// once per test run.
func releaseBinary(t *testing.T) string {
	t.Helper()
	staticBinary.once.Do(func() {
		dir, err := os.MkdirTemp("", "bk-e2e-static-")
		if err != nil {
			staticBinary.err = err
			return
		}
		staticBinary.path = filepath.Join(dir, "bridgekeeper")
		cmd := exec.Command("bash", "deploy/build-static.sh", staticBinary.path)
		cmd.Dir = testenv.RepoRoot(t)
		cmd.Env = append(os.Environ(), "VERSION=v0.0.0-e2e")
		if out, err := cmd.CombinedOutput(); err != nil {
			staticBinary.err = errors.New("deploy/build-static.sh: " + err.Error() + "\n" + string(out))
		}
	})
	if staticBinary.err != nil {
		t.Fatal(staticBinary.err)
	}
	return staticBinary.path
}

// runBinary runs bin with args and returns its exit code and combined output.
func runBinary(t *testing.T, bin string, args ...string) (int, string) {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &ee):
		return ee.ExitCode(), string(out)
	default:
		t.Fatalf("run %s %v: %v", bin, args, err)
		return -1, ""
	}
}

// TestDeployStaticBinary: the container's binary is static (it runs in an empty image), carries
// its version, and its healthcheck subcommand passes against a running instance and fails
// against a missing page or a stopped one.
func TestDeployStaticBinary(t *testing.T) {
	bin := releaseBinary(t)
	f, err := elf.Open(bin)
	must(t, err)
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the release binary has a dynamic loader (PT_INTERP): it would not run FROM scratch")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the release binary links shared libraries: %v", libs)
	}
	f.Close()
	if code, out := runBinary(t, bin, "version"); code != 0 || !strings.Contains(out, "v0.0.0-e2e") {
		t.Errorf("version: %d %q, want the stamped v0.0.0-e2e", code, out)
	}

	p := startBinary(t, bin, "demo", "--listen", "127.0.0.1:0")
	for _, tc := range []struct {
		url  string
		code int
	}{
		{p.BaseURL + "/healthz", 0},
		{p.BaseURL + "/readyz", 0},
		{p.BaseURL + "/no-such-page", 1},
		{"ftp://127.0.0.1/", 2},
	} {
		if code, out := runBinary(t, bin, "healthcheck", tc.url); code != tc.code {
			t.Errorf("healthcheck %s: exit %d, want %d (%s)", tc.url, code, tc.code, out)
		}
	}
	p.Stop()
	if code, out := runBinary(t, bin, "healthcheck", p.BaseURL+"/healthz"); code != 1 {
		t.Errorf("healthcheck of a stopped instance: exit %d, want 1 (%s)", code, out)
	}
}

// TestDeployCommandsExist: the commands the Dockerfile and the systemd unit run are
// subcommands the binary has, with the arguments it takes.
func TestDeployCommandsExist(t *testing.T) {
	root := testenv.RepoRoot(t)
	code, usage := runBinary(t, bridgekeeperBinary(t), "help")
	if code != 0 {
		t.Fatalf("help: %d", code)
	}
	has := func(where, cmdline string) {
		fields := strings.Fields(strings.NewReplacer(`"`, " ", ",", " ", "[", " ", "]", " ").Replace(cmdline))
		if len(fields) == 0 {
			t.Errorf("%s: empty command", where)
			return
		}
		if !strings.Contains(usage, "bridgekeeper "+fields[0]+" ") {
			t.Errorf("%s runs %q, which is not a subcommand (usage:\n%s)", where, fields[0], usage)
		}
	}
	docker, err := os.ReadFile(filepath.Join(root, "deploy", "Dockerfile"))
	must(t, err)
	for _, re := range []string{`(?m)^CMD (\[.*\])`, `(?ms)^HEALTHCHECK .*?CMD \["/bridgekeeper", (.*?)\]`} {
		m := regexp.MustCompile(re).FindSubmatch(docker)
		if m == nil {
			t.Errorf("deploy/Dockerfile has no %s", re)
			continue
		}
		has("deploy/Dockerfile", string(m[1]))
	}
	unit, err := os.ReadFile(filepath.Join(root, "deploy", "systemd", "bridgekeeper.service"))
	must(t, err)
	n := 0
	for _, m := range regexp.MustCompile(`(?m)^ExecStart(?:Pre)?=/usr/local/bin/bridgekeeper (.*)$`).FindAllSubmatch(unit, -1) {
		has("deploy/systemd/bridgekeeper.service", string(m[1]))
		n++
	}
	if n != 2 {
		t.Errorf("the unit has %d bridgekeeper commands, want ExecStartPre and ExecStart", n)
	}
}

// renderedDoc is one document helm template printed.
type renderedDoc struct {
	Doc map[string]any
}

// helmTemplate renders the chart with --set values and returns its documents.
func helmTemplate(t *testing.T, helm, chart string, set ...string) []renderedDoc {
	t.Helper()
	args := []string{"template", "bk", chart}
	for _, s := range set {
		args = append(args, "--set", s)
	}
	out, err := exec.Command(helm, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("helm %v: %v\n%s", args, err, out)
	}
	var docs []renderedDoc
	dec := yaml.NewDecoder(bytes.NewReader(out))
	for {
		var d map[string]any
		if err := dec.Decode(&d); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			t.Fatalf("helm template output is not YAML: %v\n%s", err, out)
		}
		if d != nil {
			docs = append(docs, renderedDoc{Doc: d})
		}
	}
	return docs
}

// dig follows a path of map keys and list indexes through a decoded YAML document.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// TestHelmChart lints the chart strictly and renders it: every document has the apiVersion its
// kind belongs to, the Deployment has the probes, the non-root security context and the secret
// references the chart promises, the ConfigMap's bridgekeeper.yaml is a configuration
// Bridgekeeper accepts, and the options switch their documents on and off.
func TestHelmChart(t *testing.T) {
	helm := moduleBinary(t, "helm", "helm.sh/helm/v3", "helm.sh/helm/v3/cmd/helm", helmVersion)
	chart := filepath.Join(testenv.RepoRoot(t), "deploy", "helm", "bridgekeeper")
	if out, err := exec.Command(helm, "lint", "--strict", chart).CombinedOutput(); err != nil {
		t.Fatalf("helm lint --strict: %v\n%s", err, out)
	}

	wantAPI := map[string]string{
		"Deployment": "apps/v1", "Service": "v1", "ConfigMap": "v1",
		"HorizontalPodAutoscaler": "autoscaling/v2", "PodDisruptionBudget": "policy/v1",
	}
	docs := helmTemplate(t, helm, chart, "metrics.enabled=true")
	byKind := map[string]map[string]any{}
	for _, d := range docs {
		kind, _ := d.Doc["kind"].(string)
		if want, ok := wantAPI[kind]; !ok {
			t.Errorf("unexpected document kind %q", kind)
		} else if got := d.Doc["apiVersion"]; got != want {
			t.Errorf("%s has apiVersion %v, want %s", kind, got, want)
		}
		if dig(d.Doc, "metadata", "name") != "bk-bridgekeeper" {
			t.Errorf("%s is named %v", kind, dig(d.Doc, "metadata", "name"))
		}
		byKind[kind] = d.Doc
	}
	for kind := range wantAPI {
		if byKind[kind] == nil {
			t.Errorf("the default render has no %s", kind)
		}
	}

	dep := byKind["Deployment"]
	c := dig(dep, "spec", "template", "spec", "containers", 0)
	for _, tc := range []struct {
		path []any
		want any
	}{
		{[]any{"livenessProbe", "httpGet", "path"}, "/healthz"},
		{[]any{"readinessProbe", "httpGet", "path"}, "/readyz"},
		{[]any{"securityContext", "readOnlyRootFilesystem"}, true},
		{[]any{"securityContext", "allowPrivilegeEscalation"}, false},
		{[]any{"ports", 1, "name"}, "metrics"},
	} {
		if got := dig(c, tc.path...); got != tc.want {
			t.Errorf("container %v = %v, want %v", tc.path, got, tc.want)
		}
	}
	if dig(dep, "spec", "template", "spec", "securityContext", "runAsNonRoot") != true {
		t.Error("the pod does not require a non-root user")
	}
	if dig(dep, "spec", "replicas") != nil {
		t.Error("with autoscaling the Deployment must leave replicas to the HPA")
	}
	env := map[string]string{}
	for _, e := range dig(c, "env").([]any) {
		env[dig(e, "name").(string)], _ = dig(e, "valueFrom", "secretKeyRef", "name").(string)
	}
	for name, secret := range map[string]string{"BRIDGEKEEPER_COOKIE_KEYS": "bridgekeeper-cookie-keys", "BRIDGEKEEPER_STORE_URL": "bridgekeeper-redis"} {
		if env[name] != secret {
			t.Errorf("env %s comes from secret %q, want %q", name, env[name], secret)
		}
	}
	var keysSecret any
	for _, v := range dig(dep, "spec", "template", "spec", "volumes").([]any) {
		if dig(v, "name") == "signing-keys" {
			keysSecret = dig(v, "secret", "secretName")
		}
	}
	if keysSecret != "bridgekeeper-signing-keys" {
		t.Errorf("signing keys volume comes from %v", keysSecret)
	}
	if dig(byKind["HorizontalPodAutoscaler"], "spec", "scaleTargetRef", "name") != "bk-bridgekeeper" {
		t.Error("the HPA does not scale the Deployment")
	}

	// The configuration the chart writes is one Bridgekeeper accepts (the key files exist
	// only in the pod).
	raw, _ := dig(byKind["ConfigMap"], "data", "bridgekeeper.yaml").(string)
	path := filepath.Join(t.TempDir(), "bridgekeeper.yaml")
	must(t, os.WriteFile(path, []byte(raw), 0o600))
	getenv := func(k string) string {
		if k == "BRIDGEKEEPER_COOKIE_KEYS" {
			return "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
		}
		return ""
	}
	cfg, err := config.Load(path, getenv)
	if err != nil {
		t.Fatalf("the chart's bridgekeeper.yaml does not load: %v\n%s", err, raw)
	}
	for _, p := range cfg.Validate() {
		if !strings.HasPrefix(p.Path, "oidc.signing_keys") {
			t.Errorf("the chart's bridgekeeper.yaml: %s", p)
		}
	}
	if cfg.Listen != "0.0.0.0:8080" || cfg.Metrics.Listen != "0.0.0.0:9090" {
		t.Errorf("listen %q, metrics.listen %q", cfg.Listen, cfg.Metrics.Listen)
	}
	if len(cfg.OIDC.SigningKeys) != 1 || cfg.OIDC.SigningKeys[0].File != "/etc/bridgekeeper/keys/signing-rsa.pem" {
		t.Errorf("signing keys %+v", cfg.OIDC.SigningKeys)
	}

	// Switched off: no HPA (replicas set instead), no PDB, no Redis secret.
	var kinds []string
	for _, d := range helmTemplate(t, helm, chart, "autoscaling.enabled=false", "podDisruptionBudget.enabled=false", "redis.enabled=false", "replicaCount=1") {
		kinds = append(kinds, d.Doc["kind"].(string))
		if d.Doc["kind"] == "Deployment" {
			if dig(d.Doc, "spec", "replicas") != 1 {
				t.Errorf("replicas = %v, want 1", dig(d.Doc, "spec", "replicas"))
			}
			if strings.Contains(string(mustYAML(t, d.Doc)), "BRIDGEKEEPER_STORE_URL") {
				t.Error("redis.enabled=false still sets BRIDGEKEEPER_STORE_URL")
			}
		}
	}
	slices.Sort(kinds)
	if !slices.Equal(kinds, []string{"ConfigMap", "Deployment", "Service"}) {
		t.Errorf("documents without autoscaling, PDB: %v", kinds)
	}

	// A chart without the cookie key secret refuses to render.
	if out, err := exec.Command(helm, "template", "bk", chart, "--set", "secrets.cookieKeys.name=").CombinedOutput(); err == nil || !strings.Contains(string(out), "secrets.cookieKeys.name is required") {
		t.Errorf("render without cookie keys: %v\n%s", err, out)
	}
}

func mustYAML(t *testing.T, v any) []byte {
	t.Helper()
	b, err := yaml.Marshal(v)
	must(t, err)
	return b
}
