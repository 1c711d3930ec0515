package e2e

import (
	"context"
	"net/url"
	"regexp"
	"testing"
	"time"
)

// TestIDTokenHintForSomeoneElse (issue 9, item 10, through the binary): the app names alice with
// id_token_hint, but grace signs in; the app gets login_required (OIDC Core 3.1.2.1), not a code
// for grace. The same hint with alice signing in gets a code.
func TestIDTokenHintForSomeoneElse(t *testing.T) {
	d := startAppDemo(t, "")
	ctx := context.Background()
	alice := d.signIn(ctx, t, newClient(), "alice", nil)
	if alice.IDToken == "" {
		t.Fatal("no ID token for alice")
	}
	hint := url.Values{"id_token_hint": {alice.IDToken}, "state": {"hinted"}}

	c := newClient()
	page, err := c.Get(ctx, d.authorizeURL(hint))
	must(t, err)
	page = submit(ctx, t, c, page, map[string]string{"username": "grace", "password": demoPassword})
	got := d.cb.Last()
	if page.URL.Path != "/callback" || got.Get("error") != "login_required" || got.Get("code") != "" || got.Get("state") != "hinted" {
		t.Fatalf("grace signed in for alice's hint: %s %v\n%s", page.URL, got, page.Text())
	}
	if !d.p.WaitLogged(regexp.MustCompile("sign-in does not match id_token_hint"), 10*time.Second) {
		t.Error("no log line says the sign-in did not match the id_token_hint")
	}

	// The person the hint names gets a code.
	d.signIn(ctx, t, newClient(), "alice", hint)
}
