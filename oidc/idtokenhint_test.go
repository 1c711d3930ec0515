package oidc

import (
	"testing"

	"golang.org/x/oauth2"
)

// TestIDTokenHintForSomeoneElse (issue 9, item 10; OIDC Core 3.1.2.1): when the person who signs
// in is not the subject of the app's id_token_hint, the app gets login_required, not a code.
func TestIDTokenHintForSomeoneElse(t *testing.T) {
	e := newEnv(t)
	c := e.newRP("app")
	alice := c.flow("alice")
	// bob's browser: no session, so the hint sends him to sign in, and bob signs in.
	b := e.newBrowser()
	res := b.authorize(c.authParams("s2", "n2", oauth2.SetAuthURLParam("id_token_hint", alice.raw)))
	if !res.atSignIn() {
		t.Fatalf("not at sign-in: %d %s", res.status, res.url)
	}
	res = b.signIn("bob")
	if res.location == nil {
		t.Fatalf("no redirect to the app: %d %s", res.status, res.body)
	}
	q := res.location.Query()
	if q.Get("error") != errLoginRequired || q.Get("code") != "" || q.Get("state") != "s2" {
		t.Fatalf("redirect %s, want login_required with state and no code", res.location)
	}
	// The same hint for the person who signs in gets a code.
	a := e.newBrowser()
	res = a.authorize(c.authParams("s3", "n3", oauth2.SetAuthURLParam("id_token_hint", alice.raw)))
	if !res.atSignIn() {
		t.Fatalf("not at sign-in: %d %s", res.status, res.url)
	}
	c.exchange(a.codeFrom(a.signIn("alice"), appRedirect, "s3"), "n3")
}
