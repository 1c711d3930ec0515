package compare

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The peers' versions: the ones the issue measured.
const (
	zitadelModule  = "github.com/zitadel/oidc/v3"
	zitadelVersion = "v3.52.0"
	zitadelServer  = zitadelModule + "/example/server"
	// oidcProviderVersion is the npm package oidc-provider's version.
	oidcProviderVersion = "9.13.3"
)

//go:embed oidc-provider.mjs
var oidcProviderServer []byte

var readyRE = regexp.MustCompile(`(?:listening on|server listening)`)

// buildZitadel builds zitadel/oidc's example OpenID provider in a scratch module under cache
// (from the Go module proxy, once) and returns the binary.
func buildZitadel(ctx context.Context, cache string) (string, error) {
	dir := filepath.Join(cache, "zitadel-oidc-"+zitadelVersion)
	bin := filepath.Join(dir, "example-server")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	gomod := "module benchpeer\n\ngo 1.24\n\nrequire " + zitadelModule + " " + zitadelVersion + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		return "", err
	}
	for _, args := range [][]string{
		{"mod", "download", zitadelModule + "@" + zitadelVersion},
		{"build", "-mod=mod", "-o", bin, zitadelServer},
	} {
		if _, err := goIn(ctx, dir, args...); err != nil {
			return "", err
		}
	}
	return bin, nil
}

// goIn runs the go command in dir and returns its standard output.
func goIn(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go %v (in %s): %w\n%s", args, dir, err, stderr.String())
	}
	return string(out), nil
}

// slackTag tells a peer run at timer slack slack (Options.PeerSlack) apart in names:
// "[slack=1ms]"; "" for 0, the slack it inherited.
func slackTag(slack time.Duration) string {
	if slack == 0 {
		return ""
	}
	return "[slack=" + slack.String() + "]"
}

// startZitadel runs the example provider of zitadel/oidc: in-memory storage, its own login page
// (a plain password check), RS256 ID tokens and opaque access tokens; with every thread at timer
// slack slack when it is not 0.
func startZitadel(ctx context.Context, bin, dir string, slack time.Duration) ([]*Variant, []*proc, error) {
	port, err := freePort()
	if err != nil {
		return nil, nil, err
	}
	users := map[string]any{"bench": map[string]any{
		"ID": "bench", "Username": benchUser, "Password": benchPassword, "FirstName": "Bench", "LastName": "User",
		"Email": benchEmail, "EmailVerified": true, "PreferredLanguage": "en",
	}}
	raw, err := json.Marshal(users)
	if err != nil {
		return nil, nil, err
	}
	usersFile := filepath.Join(dir, "zitadel-users.json")
	if err := os.WriteFile(usersFile, raw, 0o600); err != nil {
		return nil, nil, err
	}
	env := []string{"PORT=" + strconv.Itoa(port), "REDIRECT_URI=" + benchRedirect, "USERS_FILE=" + usersFile}
	p, _, err := startProcSlack(ctx, slack, "zitadel/oidc example server"+slackTag(slack), env, dir, readyRE, bin)
	if err != nil {
		return nil, nil, err
	}
	return []*Variant{{
		Provider: "zitadel", Slack: slack, Alg: AlgRS256, Flow: flowPeer,
		Issuer: fmt.Sprintf("http://localhost:%d/", port), ClientID: "web", ClientSecret: "secret", RedirectURI: benchRedirect,
		Scope: benchScope, Username: benchUser, Password: benchPassword, UserField: "username",
		procs: []*proc{p},
	}}, []*proc{p}, nil
}

// installOIDCProvider installs the npm package oidc-provider under cache (once) and writes the
// benchmark's server script beside it.
func installOIDCProvider(ctx context.Context, cache string) (string, error) {
	dir := filepath.Join(cache, "oidc-provider-"+oidcProviderVersion)
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "oidc-provider", "package.json")); err != nil {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"private": true, "type": "module"}`+"\n"), 0o644); err != nil {
			return "", err
		}
		cmd := exec.CommandContext(ctx, "npm", "install", "--no-audit", "--no-fund", "--save-exact", "oidc-provider@"+oidcProviderVersion)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("npm install oidc-provider@%s (in %s): %w\n%s", oidcProviderVersion, dir, err, out)
		}
	}
	script := filepath.Join(dir, "server.mjs")
	return script, os.WriteFile(script, oidcProviderServer, 0o644)
}

// startOIDCProvider runs oidc-provider under node with one client per algorithm; with every
// thread at timer slack slack when it is not 0.
func startOIDCProvider(ctx context.Context, script, dir string, slack time.Duration) ([]*Variant, []*proc, error) {
	port, err := freePort()
	if err != nil {
		return nil, nil, err
	}
	secret := rand.Text()
	env := []string{"PORT=" + strconv.Itoa(port), "REDIRECT_URI=" + benchRedirect, "CLIENT_SECRET=" + secret, "USER_EMAIL=" + benchEmail}
	p, _, err := startProcSlack(ctx, slack, "oidc-provider"+slackTag(slack), env, dir, readyRE, "node", script)
	if err != nil {
		return nil, nil, err
	}
	var variants []*Variant
	for _, alg := range []string{AlgES256, AlgRS256} {
		variants = append(variants, &Variant{
			Provider: "oidc-provider", Slack: slack, Alg: alg, Flow: flowPeer,
			Issuer: fmt.Sprintf("http://127.0.0.1:%d", port), ClientID: "bench-" + strings.ToLower(alg), ClientSecret: secret, RedirectURI: benchRedirect,
			Scope: benchScope, Username: benchUser, Password: benchPassword, UserField: "login",
			procs: []*proc{p},
		})
	}
	return variants, []*proc{p}, nil
}
