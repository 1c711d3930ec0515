package e2e

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
)

// consoleDemo is a running demo with what the console scenarios need.
type consoleDemo struct {
	p           *process
	adminSecret string
	conf        *oauth2.Config
	cb          *callbackServer
}

func startConsoleDemo(ctx context.Context, t *testing.T) *consoleDemo {
	t.Helper()
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	m := adminSecretRE.FindStringSubmatch(p.Stdout())
	if m == nil {
		t.Fatalf("the demo printed no admin TOTP secret:\n%s", p.Stdout())
	}
	prov, err := gooidc.NewProvider(ctx, p.BaseURL)
	must(t, err)
	d := &consoleDemo{p: p, adminSecret: m[1], cb: newCallbackServer(t)}
	endpoint := prov.Endpoint()
	endpoint.AuthStyle = oauth2.AuthStyleInParams
	d.conf = &oauth2.Config{ClientID: "demo-cli", Endpoint: endpoint, RedirectURL: d.cb.URL, Scopes: []string{gooidc.ScopeOpenID, gooidc.ScopeOfflineAccess}}
	return d
}

// appTokens signs username in through an app (the public client demo-cli with PKCE) in browser
// c and returns the app's tokens; c keeps the SSO session.
func (d *consoleDemo) appTokens(ctx context.Context, t *testing.T, c *webclient.Client, username, password string) *oauth2.Token {
	t.Helper()
	state, verifier := randomToken(t), oauth2.GenerateVerifier()
	page, err := c.Get(ctx, d.conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)))
	must(t, err)
	page = signInOnPage(ctx, t, c, page, username, password)
	if page.URL.Path != "/callback" {
		t.Fatalf("%s's app sign-in ended at %s: %s", username, page.URL.Path, page.Text())
	}
	q := d.cb.next(t)
	tok, err := d.conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	must(t, err)
	if tok.RefreshToken == "" {
		t.Fatal("no refresh token")
	}
	return tok
}

// refreshFails asserts that the app's refresh token no longer works.
func (d *consoleDemo) refreshFails(ctx context.Context, t *testing.T, tok *oauth2.Token) {
	t.Helper()
	_, err := d.conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Fatalf("refresh after the admin action: %v, want invalid_grant", err)
	}
}

// ssoEnded asserts that browser c's SSO session is gone.
func (d *consoleDemo) ssoEnded(ctx context.Context, t *testing.T, c *webclient.Client) {
	t.Helper()
	page, err := c.Get(ctx, d.p.BaseURL+"/account")
	must(t, err)
	if page.URL.Path != "/signin" {
		t.Fatalf("the SSO session survived: /account shows %s", page.URL.Path)
	}
}

// adminBrowser opens /admin without a session, signs in as the demo admin (password and TOTP)
// and checks that the sign-in came back to the page asked for.
func (d *consoleDemo) adminBrowser(ctx context.Context, t *testing.T, path string) (*webclient.Client, *webclient.Page) {
	t.Helper()
	c := newClient()
	page, err := c.Get(ctx, d.p.BaseURL+path)
	must(t, err)
	page = signInOnPage(ctx, t, c, page, "admin", demoPassword)
	expectStep(t, page, "authenticator")
	page = submit(ctx, t, c, page, map[string]string{"code": totpNow(d.adminSecret)})
	if page.URL.RequestURI() != path || page.Status != http.StatusOK {
		t.Fatalf("after signing in the admin is at %s (%d), want %s: %s", page.URL.RequestURI(), page.Status, path, page.Text())
	}
	return c, page
}

// act opens an action's confirmation page from the user page and confirms it.
func (d *consoleDemo) act(ctx context.Context, t *testing.T, c *webclient.Client, username, linkText, says string) *webclient.Page {
	t.Helper()
	page, err := c.Get(ctx, d.p.BaseURL+"/admin/users/"+url.PathEscape(username))
	must(t, err)
	links := page.Links(linkText)
	if len(links) != 1 {
		t.Fatalf("no %q link on %s's page: %s", linkText, username, page.Text())
	}
	page, err = c.Get(ctx, d.p.BaseURL+links[0])
	must(t, err)
	if page.Status != http.StatusOK || !strings.Contains(page.Text(), says) {
		t.Fatalf("confirmation page %s (%d) does not say %q: %s", links[0], page.Status, says, page.Text())
	}
	return submitFormWithAction(ctx, t, c, page, links[0])
}

func TestAdminConsole(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	d := startConsoleDemo(ctx, t)
	base := d.p.BaseURL
	admin, page := d.adminBrowser(ctx, t, "/admin?field=username&q=ali")
	if links := page.Links("alice"); len(links) != 1 || links[0] != "/admin/users/alice" {
		t.Fatalf("searching for ali: %v\n%s", links, page.Text())
	}

	t.Run("pagination", func(t *testing.T) {
		page, err := admin.Get(ctx, base+"/admin")
		must(t, err)
		seen := map[string]bool{}
		for pages := 1; ; pages++ {
			rows := 0
			for _, a := range page.Find("a", "", "") {
				if href := webclient.Attr(a, "href"); strings.HasPrefix(href, "/admin/users/") {
					if seen[href] {
						t.Fatalf("%s on two pages", href)
					}
					seen[href] = true
					rows++
				}
			}
			next := page.Links("Next page")
			if len(next) == 0 {
				if pages != 3 {
					t.Fatalf("%d users on %d pages, want 3 pages of at most 20", len(seen), pages)
				}
				break
			}
			if rows != 20 {
				t.Fatalf("page %d has %d users, want 20", pages, rows)
			}
			page, err = admin.Get(ctx, base+next[0])
			must(t, err)
		}
		for _, u := range []string{"admin", "alice", "user01", "user45"} {
			if !seen["/admin/users/"+u] {
				t.Errorf("%s is on no page", u)
			}
		}
	})

	t.Run("reset by code", func(t *testing.T) {
		alice := newClient()
		tok := d.appTokens(ctx, t, alice, "alice", demoPassword)
		page := d.act(ctx, t, admin, "alice", "Force a password reset", "sends alice a code")
		if page.URL.Path != "/admin/users/alice" || !strings.Contains(page.Text(), "password reset was forced") {
			t.Fatalf("after the reset: %s %s", page.URL, page.Text())
		}
		d.ssoEnded(ctx, t, alice)
		d.refreshFails(ctx, t, tok)
		page = signIn(ctx, t, alice, base, "alice", demoPassword)
		if page.URL.Path != "/reset" {
			t.Fatalf("alice's next sign-in: %s %s", page.URL.Path, page.Text())
		}
		code := latestCode(ctx, t, d.p, "EMAIL", "alice@example.com")
		page = submit(ctx, t, alice, page, map[string]string{"code": code, "password": "Al1ce-Passw0rd!", "password_confirm": "Al1ce-Passw0rd!"})
		if page.URL.Path != "/signin" {
			t.Fatalf("after alice's reset: %s %s", page.URL.Path, page.Text())
		}
		if page := signIn(ctx, t, newClient(), base, "alice", demoPassword); page.Status != http.StatusUnauthorized {
			t.Fatalf("alice's old password still works: %s %d", page.URL.Path, page.Status)
		}
		expectAccount(t, signIn(ctx, t, newClient(), base, "alice", "Al1ce-Passw0rd!"), "alice")
		page, err := admin.Get(ctx, base+"/admin/audit?user=alice")
		must(t, err)
		if !strings.Contains(page.Text(), "Force a password reset") || !strings.Contains(page.Text(), "admin (console)") {
			t.Fatalf("no audit entry for the reset: %s", page.Text())
		}
	})

	t.Run("temporary password", func(t *testing.T) {
		u := newClient()
		tok := d.appTokens(ctx, t, u, "user01", demoPassword)
		page := d.act(ctx, t, admin, "user01", "Set a temporary password", "temporary password")
		codes := page.Find("code", "id", "temporary-password")
		if len(codes) != 1 || codes[0].FirstChild == nil {
			t.Fatalf("no temporary password shown: %s", page.Text())
		}
		temp := codes[0].FirstChild.Data
		if strings.Contains(d.p.Logs(), temp) {
			t.Fatal("the temporary password is in the log")
		}
		d.ssoEnded(ctx, t, u)
		d.refreshFails(ctx, t, tok)
		page = signIn(ctx, t, u, base, "user01", temp)
		expectStep(t, page, "password")
		page = submit(ctx, t, u, page, map[string]string{"password": "Us3r01-Passw0rd!", "password_confirm": "Us3r01-Passw0rd!"})
		expectAccount(t, page, "user01")
	})

	t.Run("no verified contact offers a temporary password", func(t *testing.T) {
		page, err := admin.Get(ctx, base+"/admin/users/user45/reset-password")
		must(t, err)
		if !strings.Contains(page.Text(), "no verified email address or phone number") || len(page.Links("Set a temporary password")) != 1 || len(page.Find("form", "method", "post")) != 0 {
			t.Fatalf("user45's reset page: %s", page.Text())
		}
		values := url.Values{"_csrf": {csrfToken(t, admin.HTTP.Jar, page.URL)}}
		page, err = admin.PostForm(ctx, base+"/admin/users/user45/reset-password", values)
		must(t, err)
		if page.Status != http.StatusUnprocessableEntity || !strings.Contains(page.Text(), "no verified email address") {
			t.Fatalf("posting user45's reset anyway: %d %s", page.Status, page.Text())
		}
	})

	t.Run("disable and enable", func(t *testing.T) {
		u := newClient()
		tok := d.appTokens(ctx, t, u, "user02", demoPassword)
		page := d.act(ctx, t, admin, "user02", "Disable", "can no longer sign in")
		if !strings.Contains(page.Text(), "account is disabled") {
			t.Fatalf("after disabling: %s", page.Text())
		}
		d.ssoEnded(ctx, t, u)
		d.refreshFails(ctx, t, tok)
		page = signIn(ctx, t, newClient(), base, "user02", demoPassword)
		if page.Status != http.StatusUnauthorized || !strings.Contains(page.Text(), "This account has been disabled") {
			t.Fatalf("a disabled user's sign-in: %d %s", page.Status, page.Text())
		}
		page = d.act(ctx, t, admin, "user02", "Enable", "can sign in again")
		if !strings.Contains(page.Text(), "account is enabled") {
			t.Fatalf("after enabling: %s", page.Text())
		}
		expectAccount(t, signIn(ctx, t, newClient(), base, "user02", demoPassword), "user02")
	})

	t.Run("sign out everywhere and reset MFA", func(t *testing.T) {
		u := newClient()
		tok := d.appTokens(ctx, t, u, "user03", demoPassword)
		d.act(ctx, t, admin, "user03", "Sign out everywhere", "every session and refresh token ends")
		d.ssoEnded(ctx, t, u)
		d.refreshFails(ctx, t, tok)
		page := d.act(ctx, t, admin, "carol", "Reset MFA", "MFA is optional in this user pool")
		if !strings.Contains(page.Text(), "every MFA method is off") {
			t.Fatalf("after resetting carol's MFA: %s", page.Text())
		}
		expectAccount(t, signIn(ctx, t, newClient(), base, "carol", demoPassword), "carol")
	})

	t.Run("forget remembered devices", func(t *testing.T) {
		dave := newClient()
		if _, asked := smsSignIn(ctx, t, d.p, dave, true); !asked {
			t.Fatal("dave's first sign-in asked no code")
		}
		if _, asked := smsSignIn(ctx, t, d.p, dave, false); asked {
			t.Fatal("dave's remembered browser was asked for a code")
		}
		page, err := admin.Get(ctx, base+"/admin/users/dave")
		must(t, err)
		if len(page.Links("Forget remembered devices")) != 1 {
			t.Fatalf("dave's page offers no way to forget his remembered device: %s", page.Text())
		}
		page = d.act(ctx, t, admin, "dave", "Forget remembered devices", "each asks for MFA again at the next sign-in")
		if !strings.Contains(page.Text(), "the remembered devices are forgotten") {
			t.Fatalf("after forgetting dave's devices: %s", page.Text())
		}
		// The browser dave had remembered falls back to the code, with no error page.
		if page, asked := smsSignIn(ctx, t, d.p, dave, false); !asked {
			t.Fatalf("a device the admin forgot still skipped the code: %s", page.Text())
		}
		page, err = admin.Get(ctx, base+"/admin/audit?user=dave")
		must(t, err)
		if !strings.Contains(page.Text(), "Forget remembered devices") || !strings.Contains(page.Text(), "dave") {
			t.Fatalf("the audit list does not show the forgotten devices: %s", page.Text())
		}
	})

	t.Run("non-admins get 403 everywhere", func(t *testing.T) {
		u := newClient()
		expectAccount(t, signIn(ctx, t, u, base, "grace", demoPassword), "grace")
		for _, path := range []string{"/admin", "/admin/audit", "/admin/users/bob", "/admin/users/bob/disable", "/admin/users/bob/reset-password", "/admin/nowhere"} {
			page, err := u.Get(ctx, base+path)
			must(t, err)
			if page.Status != http.StatusForbidden || !strings.Contains(page.Text(), "This page is for administrators") {
				t.Errorf("GET %s as grace: %d %s", path, page.Status, page.URL.Path)
			}
		}
		account, err := u.Get(ctx, base+"/account")
		must(t, err)
		values := url.Values{"_csrf": {csrfToken(t, u.HTTP.Jar, account.URL)}}
		for _, action := range []string{"disable", "reset-password", "temporary-password", "sign-out", "reset-mfa", "enable", "forget-devices"} {
			page, err := u.PostForm(ctx, base+"/admin/users/bob/"+action, values)
			must(t, err)
			if page.Status != http.StatusForbidden {
				t.Errorf("POST %s as grace: %d", action, page.Status)
			}
		}
		page, err := admin.Get(ctx, base+"/admin/users/bob")
		must(t, err)
		if !strings.Contains(page.Text(), "Disable") {
			t.Fatalf("bob was changed by a refused POST: %s", page.Text())
		}
		page, err = admin.Get(ctx, base+"/admin/audit?actor=grace")
		must(t, err)
		if n := strings.Count(page.Text(), "Refused"); n != 5 {
			t.Errorf("grace's refused attempts in the audit: %d, want 5 (capped per minute)", n)
		}
	})
}
