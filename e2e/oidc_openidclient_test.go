package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
)

// nodeConversation is a running e2e/node script that exchanges one JSON object per line.
type nodeConversation struct {
	stdin  io.WriteCloser
	lines  *bufio.Scanner
	mu     sync.Mutex
	stderr bytes.Buffer
}

// startNodeConversation runs e2e/node/<script> with a line-based JSON conversation on its
// standard input and output. The process is killed at cleanup if it has not exited.
func startNodeConversation(ctx context.Context, t *testing.T, script string) *nodeConversation {
	t.Helper()
	node := testenv.Node(t)
	dir := testenv.NodeDir(t)
	cmd := exec.CommandContext(ctx, node, filepath.Join(dir, script))
	cmd.Dir = dir
	nc := &nodeConversation{}
	stdin, err := cmd.StdinPipe()
	must(t, err)
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	cmd.Stderr = writerFunc(func(b []byte) (int, error) {
		nc.mu.Lock()
		defer nc.mu.Unlock()
		return nc.stderr.Write(b)
	})
	must(t, cmd.Start())
	nc.stdin = stdin
	nc.lines = bufio.NewScanner(stdout)
	nc.lines.Buffer(make([]byte, 0, 64<<10), 4<<20)
	t.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return nc
}

func (nc *nodeConversation) Stderr() string {
	nc.mu.Lock()
	defer nc.mu.Unlock()
	return nc.stderr.String()
}

// send writes v as one JSON line.
func (nc *nodeConversation) send(t *testing.T, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	must(t, err)
	if _, err := nc.stdin.Write(append(b, '\n')); err != nil {
		t.Fatalf("write to node: %v\nstderr:\n%s", err, nc.Stderr())
	}
}

// receive reads one JSON line into out.
func (nc *nodeConversation) receive(t *testing.T, out any) {
	t.Helper()
	if !nc.lines.Scan() {
		t.Fatalf("node stopped without answering (%v)\nstderr:\n%s", nc.lines.Err(), nc.Stderr())
	}
	if err := json.Unmarshal(nc.lines.Bytes(), out); err != nil {
		t.Fatalf("node printed something that is not the expected JSON: %v\n%s\nstderr:\n%s", err, nc.lines.Text(), nc.Stderr())
	}
}

// openidClientResult is the script's final answer (see e2e/node/openid-client-flow.mjs).
type openidClientResult struct {
	IDTokenClaims   map[string]any `json:"id_token_claims"`
	TokenType       string         `json:"token_type"`
	Scope           string         `json:"scope"`
	HasRefreshToken bool           `json:"has_refresh_token"`
	UserInfo        map[string]any `json:"userinfo"`
	Refresh         struct {
		Rotated        bool   `json:"rotated"`
		NewAccessToken bool   `json:"new_access_token"`
		IDTokenSub     string `json:"id_token_sub"`
	} `json:"refresh"`
	ReuseError         string `json:"reuse_error"`
	FamilyRevokedError string `json:"family_revoked_error"`
}

// TestOIDCOpenIDClient runs openid-client v6 (a certified relying party, in node) against the
// provider as the confidential demo-app (client_secret_basic) and the public demo-cli (PKCE, no
// client authentication). The Go test plays the browser: it opens the authorization URL the
// library built, signs in through the real pages and hands the callback URL back.
func TestOIDCOpenIDClient(t *testing.T) {
	testenv.Node(t)
	testenv.NodeDir(t)
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	cases := []struct {
		name         string
		clientID     string
		clientSecret string
		// redirectURI and browse return the redirect URI to register with the library and the
		// callback URL the browser reaches after signing in at the authorization URL.
		setup func(t *testing.T) (redirectURI string, browse func(t *testing.T, authURL string) string)
	}{
		{
			name: "confidential demo-app", clientID: "demo-app", clientSecret: "demo-app-secret",
			setup: func(t *testing.T) (string, func(*testing.T, string) string) {
				redirect := p.BaseURL + "/demo/app/callback"
				return redirect, func(t *testing.T, authURL string) string {
					c := newClient()
					// Stop before the demo app's own callback: this code belongs to openid-client.
					follow := c.HTTP.CheckRedirect
					c.HTTP.CheckRedirect = func(req *http.Request, via []*http.Request) error {
						if req.URL.Path == "/demo/app/callback" {
							return http.ErrUseLastResponse
						}
						return follow(req, via)
					}
					page, err := c.Get(ctx, authURL)
					must(t, err)
					page = signInOnPage(ctx, t, c, page, "alice", demoPassword)
					if page.Status != http.StatusSeeOther && page.Status != http.StatusFound {
						t.Fatalf("sign-in did not redirect to the app: %s (%d): %s", page.URL, page.Status, page.Text())
					}
					loc, err := page.URL.Parse(page.Header.Get("Location"))
					must(t, err)
					if !strings.HasPrefix(loc.String(), redirect+"?") {
						t.Fatalf("redirected to %s, want %s", loc.Redacted(), redirect)
					}
					return loc.String()
				}
			},
		},
		{
			name: "public demo-cli", clientID: "demo-cli",
			setup: func(t *testing.T) (string, func(*testing.T, string) string) {
				cb := newCallbackServer(t)
				return cb.URL, func(t *testing.T, authURL string) string {
					c := newClient()
					page, err := c.Get(ctx, authURL)
					must(t, err)
					page = signInOnPage(ctx, t, c, page, "alice", demoPassword)
					if page.URL.Path != "/callback" {
						t.Fatalf("after sign-in the browser is at %s (%d): %s", page.URL.Path, page.Status, page.Text())
					}
					if q := cb.next(t); q.Get("code") == "" {
						t.Fatalf("callback without a code: %v", q)
					}
					return page.URL.String()
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			redirect, browse := tc.setup(t)
			nc := startNodeConversation(ctx, t, "openid-client-flow.mjs")
			in := map[string]string{
				"issuer": p.BaseURL, "client_id": tc.clientID, "redirect_uri": redirect,
				"scope": "openid profile email offline_access",
			}
			if tc.clientSecret != "" {
				in["client_secret"] = tc.clientSecret
			}
			nc.send(t, in)
			var start struct {
				AuthorizationURL  string `json:"authorization_url"`
				State             string `json:"state"`
				TokenEndpointAuth string `json:"token_endpoint_auth"`
			}
			nc.receive(t, &start)
			if !strings.HasPrefix(start.AuthorizationURL, p.BaseURL+"/authorize?") || !strings.Contains(start.AuthorizationURL, "code_challenge_method=S256") {
				t.Fatalf("authorization URL = %s", start.AuthorizationURL)
			}
			nc.send(t, map[string]string{"callback_url": browse(t, start.AuthorizationURL)})
			var res openidClientResult
			nc.receive(t, &res)

			if res.IDTokenClaims["iss"] != p.BaseURL || res.IDTokenClaims["aud"] != tc.clientID {
				t.Errorf("ID token iss/aud = %v/%v", res.IDTokenClaims["iss"], res.IDTokenClaims["aud"])
			}
			if res.IDTokenClaims["email"] != "alice@example.com" || res.IDTokenClaims["at_hash"] == nil {
				t.Errorf("ID token claims = %v", res.IDTokenClaims)
			}
			sub, _ := res.IDTokenClaims["sub"].(string)
			if sub == "" || res.UserInfo["sub"] != sub || res.UserInfo["email"] != "alice@example.com" || res.UserInfo["name"] != "Alice Example" {
				t.Errorf("userinfo = %v, ID token sub %q", res.UserInfo, sub)
			}
			if !strings.EqualFold(res.TokenType, "bearer") || !res.HasRefreshToken {
				t.Errorf("token_type %q, refresh token %v", res.TokenType, res.HasRefreshToken)
			}
			if !res.Refresh.Rotated || !res.Refresh.NewAccessToken {
				t.Errorf("refresh = %+v, want a rotated refresh token and a new access token", res.Refresh)
			}
			if res.Refresh.IDTokenSub != "" && res.Refresh.IDTokenSub != sub {
				t.Errorf("refreshed ID token sub = %q, want %q", res.Refresh.IDTokenSub, sub)
			}
			if res.ReuseError != "invalid_grant" || res.FamilyRevokedError != "invalid_grant" {
				t.Errorf("reusing the old refresh token: %q, then the new one: %q; want invalid_grant twice", res.ReuseError, res.FamilyRevokedError)
			}
		})
	}
	if logs := p.Logs(); strings.Contains(logs, "demo-app-secret") || strings.Contains(logs, demoPassword) {
		t.Error("the logs contain a secret")
	}
}
