package e2e

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
)

// ssoCookieOf is the value of browser c's SSO cookie for the demo at base.
func ssoCookieOf(t *testing.T, c *webclient.Client, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	must(t, err)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "bk_sso" {
			return ck.Value
		}
	}
	t.Fatal("the browser has no SSO cookie")
	return ""
}

// TestSessionRotatesOnEverySignIn (issue 9, item 9): each sign-in, also the re-authentication
// that prompt=login or max_age asks for, gives the browser a new SSO cookie and the old one
// stops working; signing out afterwards still revokes what both sign-ins issued.
func TestSessionRotatesOnEverySignIn(t *testing.T) {
	d := startAppDemo(t, "")
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		again url.Values
	}{
		{"prompt=login", url.Values{"prompt": {"login"}}},
		{"max_age", url.Values{"max_age": {"0"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient()
			first := d.signIn(ctx, t, c, "alice", nil)
			old := ssoCookieOf(t, c, d.p.BaseURL)
			second := d.signIn(ctx, t, c, "alice", tc.again)
			if ssoCookieOf(t, c, d.p.BaseURL) == old {
				t.Fatal("the sign-in kept the SSO cookie")
			}
			// A browser holding the old cookie has no session any more…
			stale := newClient()
			u, err := url.Parse(d.p.BaseURL)
			must(t, err)
			stale.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "bk_sso", Value: old, Path: "/"}})
			loc, err := d.silently(t, stale).Location()
			must(t, err)
			if loc.Query().Get("error") != "login_required" || loc.Query().Get("code") != "" {
				t.Fatalf("prompt=none with the old cookie: %s", loc)
			}
			page, err := stale.Get(ctx, d.p.BaseURL+"/account")
			must(t, err)
			if page.URL.Path == "/account" {
				t.Fatalf("the old cookie still opens the account page: %s", page.Text())
			}
			// …while the new one has.
			if loc, err = d.silently(t, c).Location(); err != nil || loc.Query().Get("code") == "" {
				t.Fatalf("prompt=none with the new cookie: %v %v", loc, err)
			}
			// Signing out ends both sign-ins' refresh families.
			page, err = c.Get(ctx, d.p.BaseURL+"/account")
			must(t, err)
			expectAccount(t, page, "alice")
			submitFormWithAction(ctx, t, c, page, "/signout")
			for i, tok := range []tokenResponse{first, second} {
				if got := d.refresh(t, tok.RefreshToken); got.Error != "invalid_grant" {
					t.Errorf("sign-in %d's refresh token after sign-out: %d %+v", i+1, got.status, got)
				}
			}
		})
	}
}
