package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// TestLogLinesPerSignIn (issue 11) counts what one complete sign-in writes to the log at the
// default level: one access-log line per request, and besides them only the events that matter
// (a person signed in, an app got tokens). Every other record of a routine sign-in is debug.
func TestLogLinesPerSignIn(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "log.yaml")
	must(t, os.WriteFile(cfg, []byte("log: {level: info, format: json}\n"), 0o600))
	p := start(t, "demo", "--listen", "127.0.0.1:0", "--config", cfg)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	prov, err := gooidc.NewProvider(ctx, p.BaseURL)
	must(t, err)
	cb := newCallbackServer(t)
	endpoint := prov.Endpoint()
	endpoint.AuthStyle = oauth2.AuthStyleInParams
	conf := &oauth2.Config{ClientID: "demo-cli", Endpoint: endpoint, RedirectURL: cb.URL, Scopes: []string{gooidc.ScopeOpenID, "email"}}

	// An access-log line is written once its handler has returned, maybe after the client has
	// the answer: wait for discovery's before counting from there, and for /token's at the end.
	waitForLine := func(path string) []string {
		t.Helper()
		for {
			lines := strings.Split(p.Logs(), "\n")
			lines = lines[:len(lines)-1]
			if slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, `"path":"`+path+`"`) }) {
				return lines
			}
			select {
			case <-ctx.Done():
				t.Fatalf("no access-log line for %s:\n%s", path, strings.Join(lines, "\n"))
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	before := len(waitForLine("/.well-known/openid-configuration"))
	verifier := oauth2.GenerateVerifier()
	browser := newClient()
	page, err := browser.Get(ctx, conf.AuthCodeURL("state-1", oauth2.S256ChallengeOption(verifier)))
	must(t, err)
	page = signInOnPage(ctx, t, browser, page, "alice", demoPassword)
	if page.URL.Path != "/callback" {
		t.Fatalf("after sign-in the browser is at %s (%d): %s", page.URL, page.Status, page.Text())
	}
	if _, err := conf.Exchange(ctx, cb.next(t).Get("code"), oauth2.VerifierOption(verifier)); err != nil {
		t.Fatalf("exchange: %v", err)
	}
	lines := waitForLine("/token")[before:]
	var requests []string
	var events []string
	for _, l := range lines {
		var rec struct{ Msg, Path string }
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		if rec.Msg == "request" {
			requests = append(requests, rec.Path)
		} else {
			events = append(events, rec.Msg)
		}
	}
	if want := []string{"/authorize", "/signin", "/token"}; !slices.Equal(requests, want) {
		t.Errorf("access-log lines for %v, want one per request: %v", requests, want)
	}
	if want := []string{"SSO session started", "tokens issued"}; !slices.Equal(events, want) {
		t.Errorf("events logged per sign-in: %q, want only %q\n%s", events, want, strings.Join(lines, "\n"))
	}
}
