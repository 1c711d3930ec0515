package oidc

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

func TestNeedsContinuePage(t *testing.T) {
	for _, tc := range []struct {
		target string
		want   bool
	}{
		{"http://[::1]:8080/callback?code=x", true},
		{"http://[::1]/callback", true},
		{"https://[2001:db8::1]/cb", true},
		{"http://127.0.0.1:8080/callback", false},
		{"https://app.example.com/cb", false},
		{"http://[::ffff:127.0.0.1]/cb", true}, // still an IPv6 literal to CSP
		{"com.example.app:/cb", false},
		{"::not a url", false},
	} {
		if got := NeedsContinuePage(tc.target); got != tc.want {
			t.Errorf("NeedsContinuePage(%q) = %v, want %v", tc.target, got, tc.want)
		}
	}
}

// TestContinuePageAfterPost: a sign-in posted for an IPv6 loopback redirect URI ends on the
// continue page (no redirect the browser's form-action would block), which moves on to the
// callback with the code; an IPv4 loopback URI and a GET (an SSO session) are plain redirects.
func TestContinuePageAfterPost(t *testing.T) {
	var got struct{ target, name string }
	e := newEnv(t, func(c *Config) {
		c.Continue = func(w http.ResponseWriter, r *http.Request, target, clientName string) {
			got.target, got.name = target, clientName
			defaultContinue(w, r, target, clientName)
		}
	})
	pkce := func(redirect string) []string {
		return []string{"redirect_uri", redirect, "code_challenge", oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier()), "code_challenge_method", "S256"}
	}
	for _, tc := range []struct {
		name, redirect string
		continuePage   bool
	}{
		{"ipv6", "http://[::1]:8080/callback", true},
		{"ipv4", "http://127.0.0.1:8080/callback", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := e.newBrowser()
			got.target = ""
			if res := b.authorize(authParams("spa", pkce(tc.redirect)...)); !res.atSignIn() {
				t.Fatalf("authorize did not start a sign-in: %d %s", res.status, res.url)
			}
			res := b.signIn("alice")
			if !tc.continuePage {
				b.codeFrom(res, tc.redirect, "state-spa")
				if got.target != "" {
					t.Errorf("continue page shown for %s", tc.redirect)
				}
				return
			}
			if res.status != http.StatusOK || res.location != nil {
				t.Fatalf("sign-in post answered %d (Location %v), want the continue page", res.status, res.location)
			}
			if !strings.HasPrefix(got.target, tc.redirect+"?") || !strings.Contains(got.target, "code=") || got.name != "spa" {
				t.Fatalf("continue page for %q (client %q), want the callback with a code", got.target, got.name)
			}
			if cc := res.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("continue page Cache-Control %q", cc)
			}
			if want := `content="0;url=` + html.EscapeString(got.target) + `"`; !strings.Contains(res.body, want) {
				t.Errorf("continue page has no meta refresh %s:\n%s", want, res.body)
			}
			// With the SSO session, /authorize (a GET, no form) redirects at once.
			again := b.authorize(authParams("spa", pkce(tc.redirect)...))
			b.codeFrom(again, tc.redirect, "state-spa")
		})
	}
}
