package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
	"github.com/bridgekeeper/bridgekeeper/internal/testredis"
	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
)

// TestAdminCLISignOutOverSharedRedis runs `bridgekeeper admin sign-out` with the service's own
// configuration file while the service runs on a shared Redis store: the person's SSO session
// and refresh tokens end at once, the audit entry is in the shared store, and the same command
// against a configuration without a shared store says that only Cognito's side was done.
func TestAdminCLISignOutOverSharedRedis(t *testing.T) {
	ctx := context.Background()
	_, endpoint, poolID, clientID, clientSecret := localPool(t)
	cb := newRedisCallback(t)
	redirectURI := cb.URL + "/callback"
	port := testenv.FreePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	sc := newServeConfig(t, base, endpoint, poolID, clientID, clientSecret, redirectURI)
	sc.store = fmt.Sprintf(`{url: %q, key_prefix: "bk-cli:"}`, testredis.Start(t))
	cfg := sc.write(t, "serve.yaml", port)
	start(t, "serve", "--config", cfg)

	// alice signs in to the app and gets a refresh token.
	c := webclient.New()
	verifier := "cli-verifier-" + strings.Repeat("v", 40)
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{
		"client_id": {"app"}, "redirect_uri": {redirectURI}, "response_type": {"code"}, "scope": {"openid offline_access"},
		"state": {"s1"}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
	}
	page, err := c.Get(ctx, base+"/authorize?"+q.Encode())
	must(t, err)
	submit(ctx, t, c, page, map[string]string{"username": "alice", "password": demoPassword})
	code := cb.Last().Get("code")
	tok := tokenRequest(t, base, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI}, "code_verifier": {verifier}})
	if tok.RefreshToken == "" {
		t.Fatalf("no refresh token: %d %+v", tok.status, tok)
	}
	// The SSO session answers prompt=none with a code, before the sign-out.
	q.Set("prompt", "none")
	q.Set("state", "s2")
	_, err = c.Get(ctx, base+"/authorize?"+q.Encode())
	must(t, err)
	if got := cb.Last(); got.Get("state") != "s2" || got.Get("code") == "" {
		t.Fatalf("prompt=none before the sign-out: %v", got)
	}

	cli := func(config string, args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, bridgekeeperBinary(t), append([]string{"admin", "--config", config, "--actor", "ops-e2e"}, args...)...)
		cmd.Env = os.Environ()
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			err = fmt.Errorf("%w: %s", err, stderr.String())
		}
		return string(out), err
	}
	out, err := cli(cfg, "--json", "sign-out", "alice")
	if err != nil {
		t.Fatalf("sign-out: %v\n%s", err, out)
	}
	var res struct {
		Command       string `json:"command"`
		User          string `json:"user"`
		SessionsEnded bool   `json:"sessions_ended"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Command != "sign-out" || res.User != "alice" || !res.SessionsEnded {
		t.Fatalf("sign-out output %q (%v)", out, err)
	}

	// Bridgekeeper's side ended too: the refresh token is refused and the browser's SSO session
	// no longer signs alice in silently.
	if after := tokenRequest(t, base, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}); after.Error != "invalid_grant" {
		t.Fatalf("refresh after the CLI sign-out: %d %+v", after.status, after)
	}
	q.Set("state", "s3")
	_, err = c.Get(ctx, base+"/authorize?"+q.Encode())
	must(t, err)
	if got := cb.Last(); got.Get("state") != "s3" || got.Get("error") != "login_required" {
		t.Fatalf("prompt=none after the CLI sign-out: %v", got)
	}

	// The audit entry is in the shared store, with the CLI's actor.
	out, err = cli(cfg, "--json", "audit", "--user", "alice")
	if err != nil {
		t.Fatalf("audit: %v\n%s", err, out)
	}
	var entries []struct{ Actor, Via, Action, Target, Result string }
	if err := json.Unmarshal([]byte(out), &entries); err != nil || len(entries) != 1 ||
		entries[0] != (struct{ Actor, Via, Action, Target, Result string }{"ops-e2e", "cli", "sign-out", "alice", "ok"}) {
		t.Fatalf("audit after the sign-out (%v): %s", err, out)
	}

	// Without a shared store only Cognito's side can be done, and the CLI says so.
	sc.store = `{url: "memory://"}`
	out, err = cli(sc.write(t, "memory.yaml", testenv.FreePort(t)), "sign-out", "alice")
	if err != nil || !strings.Contains(out, "Only Cognito's side was done") {
		t.Fatalf("sign-out without a shared store: %v\n%s", err, out)
	}
}
