package e2e

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/i18n"
	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
)

func newClient() *webclient.Client { return webclient.New() }

const demoPassword = "Passw0rd!"

// signIn opens the sign-in page and submits a username and password.
func signIn(ctx context.Context, t *testing.T, c *webclient.Client, base, username, password string) *webclient.Page {
	t.Helper()
	page, err := c.Get(ctx, base+"/signin")
	if err != nil {
		t.Fatal(err)
	}
	form, err := page.Form("password")
	if err != nil {
		t.Fatal(err)
	}
	must(t, form.Set("username", username))
	must(t, form.Set("password", password))
	next, err := c.Submit(ctx, form, "", "")
	if err != nil {
		t.Fatal(err)
	}
	return next
}

// submit fills fields on the page's form that has the first field, presses an optional button
// (name=value) and returns the next page.
func submit(ctx context.Context, t *testing.T, c *webclient.Client, page *webclient.Page, fields map[string]string, button ...string) *webclient.Page {
	t.Helper()
	var key string
	for k := range fields {
		key = k
		break
	}
	if len(button) == 2 && key == "" {
		key = button[0]
	}
	form, err := page.Form(key)
	if err != nil {
		t.Fatalf("%v\npage text: %s", err, page.Text())
	}
	for k, v := range fields {
		must(t, form.Set(k, v))
	}
	var next *webclient.Page
	if len(button) == 2 {
		next, err = c.Submit(ctx, form, button[0], button[1])
	} else {
		next, err = c.Submit(ctx, form, "", "")
	}
	if err != nil {
		t.Fatal(err)
	}
	return next
}

func expectAccount(t *testing.T, page *webclient.Page, username string) {
	t.Helper()
	if page.URL.Path != "/account" || page.Status != http.StatusOK || !strings.Contains(page.Text(), username) {
		t.Fatalf("expected the account page for %s, got %s (%d): %s", username, page.URL.Path, page.Status, page.Text())
	}
}

func expectStep(t *testing.T, page *webclient.Page, wantText string) {
	t.Helper()
	if page.URL.Path != "/signin/step" || page.Status != http.StatusOK || !strings.Contains(strings.ToLower(page.Text()), strings.ToLower(wantText)) {
		t.Fatalf("expected a step page mentioning %q, got %s (%d): %s", wantText, page.URL.Path, page.Status, page.Text())
	}
}

// expectStepError checks that a wrong answer kept the step: the same page again with status, the
// catalog's English message for msgID, and an empty code field (codes are never echoed).
func expectStepError(t *testing.T, page *webclient.Page, status int, wantText, msgID string) {
	t.Helper()
	bundle, err := i18n.New()
	must(t, err)
	msg := bundle.Localizer("en").T(msgID)
	if page.URL.Path != "/signin/step" || page.Status != status || !strings.Contains(strings.ToLower(page.Text()), strings.ToLower(wantText)) || !strings.Contains(page.Text(), msg) {
		t.Fatalf("expected the %q step again with %d and %q, got %s (%d): %s", wantText, status, msg, page.URL.Path, page.Status, page.Text())
	}
	for _, in := range page.Find("input", "name", "code") {
		if v := webclient.Attr(in, "value"); v != "" {
			t.Errorf("the code field keeps %q", v)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var secretRE = regexp.MustCompile(`carol\b.*?secret[: ]+([A-Z2-7]{16,})`)

func totpNow(secret string) string { return localpool.TOTP(secret, time.Now()) }

// otpauthSecret reads the secret out of the setup page's otpauth:// link.
func otpauthSecret(t *testing.T, page *webclient.Page) string {
	t.Helper()
	return otpauthURI(t, page).Query().Get("secret")
}

// otpauthURI is the setup page's otpauth:// link.
func otpauthURI(t *testing.T, page *webclient.Page) *url.URL {
	t.Helper()
	for _, a := range page.Find("a", "", "") {
		href := webclient.Attr(a, "href")
		if strings.HasPrefix(href, "otpauth://") {
			u, err := url.Parse(href)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
	}
	t.Fatalf("no otpauth:// link on %s: %s", page.URL.Path, page.Text())
	return nil
}

// TestDemoUsers signs in as every demo user over HTTP, through the real pages of the real binary.
func TestDemoUsers(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	ctx := context.Background()
	m := secretRE.FindStringSubmatch(p.Stdout())
	if m == nil {
		t.Fatalf("the demo did not print carol's TOTP secret:\n%s", p.Stdout())
	}
	carolSecret := m[1]

	t.Run("alice/password only", func(t *testing.T) {
		c := newClient()
		expectAccount(t, signIn(ctx, t, c, p.BaseURL, "alice", demoPassword), "alice")
	})
	t.Run("alice/wrong password", func(t *testing.T) {
		c := newClient()
		page := signIn(ctx, t, c, p.BaseURL, "alice", "nope-nope")
		if page.Status != http.StatusUnauthorized || !strings.Contains(page.Text(), "alice") && !strings.Contains(page.Body, `value="alice"`) {
			t.Fatalf("wrong password: status %d, page %s", page.Status, page.Text())
		}
		if strings.Contains(page.Body, "nope-nope") {
			t.Fatal("the page echoes the password")
		}
	})
	t.Run("bob/new password with required name", func(t *testing.T) {
		c := newClient()
		page := signIn(ctx, t, c, p.BaseURL, "bob", "TempPassw0rd!")
		expectStep(t, page, "password")
		if len(page.Find("input", "name", "userAttributes.name")) != 1 {
			t.Fatalf("no name field on the new-password page: %s", page.Body)
		}
		page = submit(ctx, t, c, page, map[string]string{"password": "N3w-Passw0rd!", "password_confirm": "N3w-Passw0rd!", "userAttributes.name": "Bob Builder"})
		expectAccount(t, page, "bob")
		// The new password works from now on.
		expectAccount(t, signIn(ctx, t, newClient(), p.BaseURL, "bob", "N3w-Passw0rd!"), "bob")
	})
	t.Run("carol/authenticator app", func(t *testing.T) {
		c := newClient()
		page := signIn(ctx, t, c, p.BaseURL, "carol", demoPassword)
		expectStep(t, page, "authenticator")
		// Her authenticator's name from setup, never Cognito's default, and a way out.
		if txt := page.Text(); !strings.Contains(txt, "carol's phone") || strings.Contains(txt, "TOTP device") {
			t.Errorf("the authenticator page does not name carol's device: %s", txt)
		}
		if links := page.Links("Start again"); !slices.Equal(links, []string{"/signin/restart"}) {
			t.Errorf("the authenticator page's way out: %q", links)
		}
		page = submit(ctx, t, c, page, map[string]string{"code": "000000"})
		expectStepError(t, page, http.StatusUnprocessableEntity, "authenticator", "error.CodeMismatch")
		page = submit(ctx, t, c, page, map[string]string{"code": totpNow(carolSecret)})
		expectAccount(t, page, "carol")
	})
	t.Run("dave/SMS", func(t *testing.T) {
		c := newClient()
		page := signIn(ctx, t, c, p.BaseURL, "dave", demoPassword)
		expectStep(t, page, "text message")
		page = submit(ctx, t, c, page, map[string]string{"code": latestCode(ctx, t, p, "SMS", "+15555550104")})
		expectAccount(t, page, "dave")
	})
	t.Run("erin/email", func(t *testing.T) {
		c := newClient()
		page := signIn(ctx, t, c, p.BaseURL, "erin", demoPassword)
		expectStep(t, page, "email")
		page = submit(ctx, t, c, page, map[string]string{"code": latestCode(ctx, t, p, "EMAIL", "erin@example.com")})
		expectAccount(t, page, "erin")
	})
	t.Run("frank/chooses an MFA method", func(t *testing.T) {
		c := newClient()
		page := signIn(ctx, t, c, p.BaseURL, "frank", demoPassword)
		form, err := page.Form("method")
		if err != nil {
			t.Fatalf("%v: %s", err, page.Text())
		}
		got := strings.Join(form.Buttons(), " ")
		if !strings.Contains(got, "method=SMS_MFA") || !strings.Contains(got, "method=SOFTWARE_TOKEN_MFA") {
			t.Fatalf("choice buttons = %s", got)
		}
		page = submit(ctx, t, c, page, nil, "method", "SMS_MFA")
		expectStep(t, page, "text message")
		if links := page.Links("Use another method"); !slices.Equal(links, []string{"/signin/restart"}) {
			t.Errorf("frank chose a method; the code page offers another: %q", links)
		}
		page = submit(ctx, t, c, page, map[string]string{"code": latestCode(ctx, t, p, "SMS", "+15555550106")})
		expectAccount(t, page, "frank")
	})
	t.Run("grace/no MFA", func(t *testing.T) {
		expectAccount(t, signIn(ctx, t, newClient(), p.BaseURL, "grace", demoPassword), "grace")
	})
	t.Run("sign out", func(t *testing.T) {
		c := newClient()
		page := signIn(ctx, t, c, p.BaseURL, "alice", demoPassword)
		expectAccount(t, page, "alice")
		page = submit(ctx, t, c, page, nil)
		if page.URL.Path != "/signed-out" {
			t.Fatalf("after sign-out: %s", page.URL.Path)
		}
		page, err := c.Get(ctx, p.BaseURL+"/account")
		must(t, err)
		if page.URL.Path != "/signin" {
			t.Fatalf("account page after sign-out ended at %s", page.URL.Path)
		}
	})
	t.Run("reload keeps progress", func(t *testing.T) {
		c := newClient()
		page := signIn(ctx, t, c, p.BaseURL, "carol", demoPassword)
		expectStep(t, page, "authenticator")
		again, err := c.Get(ctx, p.BaseURL+"/signin/step")
		must(t, err)
		expectStep(t, again, "authenticator")
		again, err = c.Get(ctx, p.BaseURL+"/signin")
		must(t, err)
		expectStep(t, again, "authenticator")
	})
	t.Run("a used Cognito session restarts the sign-in, keeping the username", func(t *testing.T) {
		c := newClient()
		page := signIn(ctx, t, c, p.BaseURL, "dave", demoPassword)
		expectStep(t, page, "text message")
		replayUsedSession(ctx, t, c, p, page, "dave", "SMS", "+15555550104")
	})
	t.Run("logs hold no secrets", func(t *testing.T) {
		logs := p.Logs()
		for _, secret := range []string{demoPassword, "TempPassw0rd!", "N3w-Passw0rd!", carolSecret} {
			if strings.Contains(logs, secret) {
				t.Errorf("the logs contain %q", secret)
			}
		}
	})
}

// TestDemoMFARequired: with --mfa-required, grace sets up an authenticator at her next sign-in.
func TestDemoMFARequired(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0", "--mfa-required")
	ctx := context.Background()
	c := newClient()
	page := signIn(ctx, t, c, p.BaseURL, "grace", demoPassword)
	if page.URL.Path != "/signin/step" {
		t.Fatalf("grace was not asked to set up MFA: %s %s", page.URL.Path, page.Text())
	}
	// The demo pool offers an authenticator and email, so grace chooses first.
	form, err := page.Form("method")
	if err != nil {
		t.Fatalf("grace was not asked which MFA to set up: %v\n%s", err, page.Text())
	}
	if !slices.Contains(form.Buttons(), "method=SOFTWARE_TOKEN_MFA") {
		t.Fatalf("the choice does not offer an authenticator app: %v", form.Buttons())
	}
	page = submit(ctx, t, c, page, nil, "method", "SOFTWARE_TOKEN_MFA")
	if len(page.Find("svg", "", "")) == 0 {
		t.Fatalf("no QR code on the setup page: %s", page.Text())
	}
	secret := otpauthSecret(t, page)
	// The issuer the demo configures reaches the page (one source for the engine and the pages).
	if uri := otpauthURI(t, page); uri.Query().Get("issuer") != "Bridgekeeper demo" || uri.Host != "totp" || uri.Path != "/Bridgekeeper demo:grace" {
		t.Errorf("otpauth URI %s does not name the demo's issuer", uri)
	}
	if !strings.Contains(strings.ReplaceAll(page.Text(), " ", ""), secret) {
		t.Fatal("the secret is not shown as text")
	}
	page = submit(ctx, t, c, page, map[string]string{"code": totpNow(secret), "device_name": "Grace's phone"})
	expectAccount(t, page, "grace")

	// From now on grace signs in with her authenticator.
	c2 := newClient()
	page = signIn(ctx, t, c2, p.BaseURL, "grace", demoPassword)
	expectStep(t, page, "authenticator")
	// TOTP codes are single use per time step in Cognito; wait for the next step by moving to it.
	code := localpool.TOTP(secret, time.Now().Add(30*time.Second))
	page = submit(ctx, t, c2, page, map[string]string{"code": code})
	expectAccount(t, page, "grace")
}

// replayUsedSession answers the code step on page (a code sent over medium to to), then
// replays it with the flow cookie from before: Cognito's session is single-use, so the sign-in
// starts again, keeping the username.
func replayUsedSession(ctx context.Context, t *testing.T, c *webclient.Client, p *process, page *webclient.Page, username, medium, to string) {
	t.Helper()
	u, _ := url.Parse(p.BaseURL)
	var saved *http.Cookie
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "bk_flow" {
			saved = ck
		}
	}
	if saved == nil {
		t.Fatal("no flow cookie")
	}
	form, err := page.Form("code")
	must(t, err)
	must(t, form.Set("code", latestCode(ctx, t, p, medium, to)))
	done, err := c.Submit(ctx, form, "", "")
	must(t, err)
	expectAccount(t, done, username)
	c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "bk_flow", Value: saved.Value, Path: "/"}})
	page, err = c.Submit(ctx, form, "", "")
	must(t, err)
	if page.URL.Path != "/signin" || !strings.Contains(page.Text(), "took too long") || len(page.Find("input", "value", username)) != 1 {
		t.Fatalf("replayed session: %s %s", page.URL.Path, page.Text())
	}
}
