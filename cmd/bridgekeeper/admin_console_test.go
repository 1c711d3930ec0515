package main

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/config"
	"github.com/bridgekeeper/bridgekeeper/internal/csrf"
	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
	"github.com/bridgekeeper/bridgekeeper/oidc"
)

// consoleApp is the wired service over a seeded demo pool, with a clock the test moves.
type consoleApp struct {
	base   string
	api    *cip.Client
	seed   *demoSeed
	offset atomic.Int64 // added to the pages' clock
}

func startConsoleApp(t *testing.T) *consoleApp {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	hs := httptest.NewServer(localpool.New(localpool.Options{}).Handler())
	t.Cleanup(hs.Close)
	creds := credentials.NewStaticCredentialsProvider("x", "x", "")
	poolCfg := cognito.Config{Region: "us-east-1", Endpoint: hs.URL, StaticCredentials: &creds}
	api, err := cognito.NewAPI(ctx, poolCfg)
	if err != nil {
		t.Fatal(err)
	}
	seed, err := seedDemo(ctx, api, false, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	poolCfg.UserPoolID, poolCfg.ClientID, poolCfg.ClientSecret = seed.PoolID, seed.ClientID, seed.ClientSecret
	poolCfg.Issuer = hs.URL + "/" + seed.PoolID
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ca := &consoleApp{base: "http://" + ln.Addr().String(), api: api, seed: seed}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	signing, err := oidc.GenerateKey(oidc.RS256)
	if err != nil {
		t.Fatal(err)
	}
	a, err := build(ctx, appConfig{
		Listener: ln, PublicURL: ca.base, Pool: poolCfg, CookieKeys: [][]byte{key}, SigningKeys: []oidc.SigningKey{signing},
		SignInPerIP: 1000, Admin: config.DefaultAdmin(), Logger: slog.New(slog.DiscardHandler),
		Now: func() time.Time { return time.Now().Add(time.Duration(ca.offset.Load())) },
	})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = a.Serve(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done; _ = a.Close() })
	return ca
}

// signIn posts the sign-in form on page (the sign-in page) and answers the TOTP step when one
// comes, with the code of the 30-second step at totpAt (each code is accepted once).
func (ca *consoleApp) signIn(t *testing.T, c *webclient.Client, page *webclient.Page, username, password, totpSecret string, totpAt time.Time) *webclient.Page {
	t.Helper()
	ctx := context.Background()
	if page.URL.Path != "/signin" {
		t.Fatalf("expected the sign-in page, got %s (%d): %s", page.URL.Path, page.Status, page.Text())
	}
	form, err := page.Form("password")
	if err != nil {
		t.Fatal(err)
	}
	if err := form.Set("username", username); err != nil {
		t.Fatal(err)
	}
	if err := form.Set("password", password); err != nil {
		t.Fatal(err)
	}
	page, err = c.Submit(ctx, form, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if totpSecret != "" {
		form, err := page.Form("code")
		if err != nil {
			t.Fatalf("no code step: %s", page.Text())
		}
		if err := form.Set("code", localpool.TOTP(totpSecret, totpAt)); err != nil {
			t.Fatal(err)
		}
		if page, err = c.Submit(ctx, form, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	return page
}

func (ca *consoleApp) get(t *testing.T, c *webclient.Client, path string) *webclient.Page {
	t.Helper()
	page, err := c.Get(context.Background(), ca.base+path)
	if err != nil {
		t.Fatal(err)
	}
	return page
}

func (ca *consoleApp) post(t *testing.T, c *webclient.Client, path string) *webclient.Page {
	t.Helper()
	u, _ := url.Parse(ca.base)
	token := ""
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if strings.HasSuffix(ck.Name, "bk_csrf") {
			token = ck.Value
		}
	}
	page, err := c.PostForm(context.Background(), ca.base+path, url.Values{csrf.FormField: {token}})
	if err != nil {
		t.Fatal(err)
	}
	return page
}

func (ca *consoleApp) enabled(t *testing.T, username string) bool {
	t.Helper()
	u, err := ca.api.AdminGetUser(context.Background(), &cip.AdminGetUserInput{UserPoolId: aws.String(ca.seed.PoolID), Username: aws.String(username)})
	if err != nil {
		t.Fatal(err)
	}
	return u.Enabled
}

// TestAdminActionNeedsARecentSignIn: an administrator whose sign-in is older than
// admin.recent_sign_in signs in again before any action (GET or a direct POST) and comes back
// to the same confirmation page; a sign-in without MFA cannot act at all.
func TestAdminActionNeedsARecentSignIn(t *testing.T) {
	ca := startConsoleApp(t)
	c := webclient.New()
	page := ca.signIn(t, c, ca.get(t, c, "/admin/users/alice"), "admin", demoPassword, ca.seed.AdminSecret, time.Now())
	if page.URL.Path != "/admin/users/alice" || page.Status != http.StatusOK {
		t.Fatalf("after signing in: %s (%d) %s", page.URL, page.Status, page.Text())
	}
	if page := ca.get(t, c, "/admin/users/alice/disable"); page.Status != http.StatusOK || page.URL.Path != "/admin/users/alice/disable" {
		t.Fatalf("a fresh sign-in must reach the confirmation page: %s (%d)", page.URL, page.Status)
	}

	ca.offset.Store(int64(config.DefaultAdminRecentSignIn + time.Second))
	if page := ca.get(t, c, "/admin/users/alice"); page.URL.Path != "/admin/users/alice" {
		t.Fatalf("an old sign-in may still look: got %s", page.URL)
	}
	page = ca.post(t, c, "/admin/users/alice/disable")
	if page.URL.Path != "/signin" || !ca.enabled(t, "alice") {
		t.Fatalf("a direct POST with an old sign-in: at %s, alice enabled %t", page.URL, ca.enabled(t, "alice"))
	}
	page = ca.get(t, c, "/admin/users/alice/disable")
	if page.URL.Path != "/signin" || !strings.Contains(page.Text(), "please sign in again") || len(page.Find("input", "value", "admin")) != 1 {
		t.Fatalf("an old sign-in must sign in again, username kept: %s %s", page.URL, page.Text())
	}
	ca.offset.Store(0)
	page = ca.signIn(t, c, page, "admin", demoPassword, ca.seed.AdminSecret, time.Now().Add(30*time.Second))
	if page.URL.Path != "/admin/users/alice/disable" || page.Status != http.StatusOK {
		t.Fatalf("after signing in again the admin is at %s (%d), want the same confirmation page", page.URL, page.Status)
	}
	if page = ca.post(t, c, "/admin/users/alice/disable"); page.URL.Path != "/admin/users/alice" || ca.enabled(t, "alice") {
		t.Fatalf("after confirming: %s, alice enabled %t", page.URL, ca.enabled(t, "alice"))
	}

	// An administrator without MFA can look, but not act.
	if _, err := ca.api.AdminAddUserToGroup(context.Background(), &cip.AdminAddUserToGroupInput{
		UserPoolId: aws.String(ca.seed.PoolID), Username: aws.String("grace"), GroupName: aws.String(config.DefaultAdminGroup),
	}); err != nil {
		t.Fatal(err)
	}
	g := webclient.New()
	page = ca.signIn(t, g, ca.get(t, g, "/admin"), "grace", demoPassword, "", time.Time{})
	if page.URL.Path != "/admin" || page.Status != http.StatusOK {
		t.Fatalf("grace, an admin without MFA, at %s (%d)", page.URL, page.Status)
	}
	page = ca.get(t, g, "/admin/users/bob/disable")
	if page.Status != http.StatusForbidden || !strings.Contains(page.Text(), "two-step verification") {
		t.Fatalf("an action without MFA: %d %s", page.Status, page.Text())
	}
}
