package e2e

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
)

// startUserAuthDemo runs the demo in choice-based mode (USER_AUTH), on localhost.
func startUserAuthDemo(t *testing.T) *process {
	t.Helper()
	p := start(t, "demo", "--listen", "127.0.0.1:0", "--auth-flow", "USER_AUTH")
	if !strings.HasPrefix(p.BaseURL, "http://localhost:") {
		t.Fatalf("the choice-based demo must run on localhost (passkeys need a domain), got %s", p.BaseURL)
	}
	return p
}

// enterUsername opens the username-first sign-in page and continues with username.
func enterUsername(ctx context.Context, t *testing.T, c *webclient.Client, base, username string) *webclient.Page {
	t.Helper()
	page, err := c.Get(ctx, base+"/signin")
	must(t, err)
	return submit(ctx, t, c, page, map[string]string{"username": username})
}

// choiceButtons are the ways the choice page offers, as name=value.
func choiceButtons(t *testing.T, page *webclient.Page) string {
	t.Helper()
	form, err := page.Form("method")
	if err != nil {
		t.Fatalf("%v: %s", err, page.Text())
	}
	return strings.Join(form.Buttons(), " ")
}

// signOut posts the account page's sign-out form (with the page's CSRF token).
func signOut(ctx context.Context, t *testing.T, c *webclient.Client, base string, account *webclient.Page) {
	t.Helper()
	form, err := account.Form("_csrf")
	must(t, err)
	form.Action, _ = url.Parse(base + "/signout")
	form.Values = url.Values{"_csrf": form.Values["_csrf"]}
	page, err := c.Submit(ctx, form, "", "")
	must(t, err)
	if page.URL.Path != "/signed-out" {
		t.Fatalf("after sign-out: %s", page.URL.Path)
	}
}

// TestUserAuthDemo signs in through the real binary in --auth-flow USER_AUTH mode: the choice
// page, each first factor the demo users have, judy without a password, a password followed by
// MFA, a wrong code, an unknown username and a used session.
func TestUserAuthDemo(t *testing.T) {
	p := startUserAuthDemo(t)
	ctx := context.Background()
	if out := p.Stdout(); !strings.Contains(out, "judy") || !strings.Contains(out, "kim") || !strings.Contains(out, "http://localhost:") {
		t.Fatalf("the demo does not list judy, kim or its localhost address:\n%s", out)
	}
	m := secretRE.FindStringSubmatch(p.Stdout())
	if m == nil {
		t.Fatalf("the demo did not print carol's TOTP secret:\n%s", p.Stdout())
	}
	carolSecret := m[1]

	t.Run("the sign-in page asks for the username first", func(t *testing.T) {
		page, err := newClient().Get(ctx, p.BaseURL+"/signin")
		must(t, err)
		if len(page.Find("input", "name", "username")) != 1 || len(page.Find("input", "name", "password")) != 0 {
			t.Fatalf("username-first page: %s", page.Body)
		}
	})
	for _, tt := range []struct {
		username, choices, method, page, medium, to, amr string
	}{
		{"alice", "method=PASSWORD_SRP method=EMAIL_OTP", "EMAIL_OTP", "email", "EMAIL", "alice@example.com", "otp"},
		// kim: a verified phone and no MFA, so a text-message code is a first factor.
		{"kim", "method=PASSWORD_SRP method=SMS_OTP", "SMS_OTP", "text message", "SMS", "+15555550111", "sms"},
	} {
		t.Run(tt.username+"/choice page, "+tt.method+" with a wrong code first", func(t *testing.T) {
			c := newClient()
			page := enterUsername(ctx, t, c, p.BaseURL, tt.username)
			if got := choiceButtons(t, page); got != tt.choices {
				t.Fatalf("%s's choices = %q", tt.username, got)
			}
			page = submit(ctx, t, c, page, nil, "method", tt.method)
			expectStep(t, page, tt.page)
			if len(page.Find("input", "maxlength", "8")) != 1 {
				t.Fatalf("the sign-in code field does not take 8 digits: %s", page.Body)
			}
			code := latestCode(ctx, t, p, tt.medium, tt.to)
			wrong := "00000000"
			if code == wrong {
				wrong = "11111111"
			}
			page = submit(ctx, t, c, page, map[string]string{"code": wrong})
			expectStepError(t, page, http.StatusUnprocessableEntity, tt.page, "error.CodeMismatch")
			page = submit(ctx, t, c, page, map[string]string{"code": code})
			expectAccount(t, page, tt.username)
			if !strings.Contains(p.Logs(), "amr=["+tt.amr+"]") {
				t.Fatalf("%s's sign-in did not prove amr %s:\n%s", tt.username, tt.amr, tail(p.Logs(), 2000))
			}
		})
	}
	t.Run("alice/password, then remembered beside the username", func(t *testing.T) {
		c := newClient()
		page := enterUsername(ctx, t, c, p.BaseURL, "alice")
		page = submit(ctx, t, c, page, nil, "method", "PASSWORD_SRP")
		expectStep(t, page, "password")
		page = submit(ctx, t, c, page, map[string]string{"password": "nope-nope"})
		if page.Status != http.StatusUnauthorized || strings.Contains(page.Body, "nope-nope") {
			t.Fatalf("a wrong password: %d %s", page.Status, page.Text())
		}
		page = submit(ctx, t, c, page, map[string]string{"password": demoPassword})
		expectAccount(t, page, "alice")
		if !strings.Contains(page.Text(), "Add a passkey") && !strings.Contains(page.Body, "data-passkey=\"create\"") {
			t.Fatalf("the account page offers no passkey: %s", page.Body)
		}
		signOut(ctx, t, c, p.BaseURL, page)
		// This browser signed in with a password: the field is beside the username.
		expectAccount(t, signIn(ctx, t, c, p.BaseURL, "alice", demoPassword), "alice")
	})
	t.Run("judy/no password, the emailed code at once", func(t *testing.T) {
		c := newClient()
		page := enterUsername(ctx, t, c, p.BaseURL, "judy")
		expectStep(t, page, "email")
		first := latestCode(ctx, t, p, "EMAIL", "judy@example.com")
		before := outboxCount(ctx, t, p, "judy@example.com")
		// "Send a new code" starts her sign-in again: a new code, and the first one is spent.
		page = pressSendNewCode(ctx, t, c, page)
		expectStep(t, page, "email")
		code := latestCode(ctx, t, p, "EMAIL", "judy@example.com")
		if n := outboxCount(ctx, t, p, "judy@example.com"); code == first || n != before+1 {
			t.Fatalf("Send a new code sent %d codes, want 1 new one", n-before)
		}
		page = submit(ctx, t, c, page, map[string]string{"code": code})
		expectAccount(t, page, "judy")
		// The browser remembers the email code: next time the code is sent at once.
		signOut(ctx, t, c, p.BaseURL, page)
		page = enterUsername(ctx, t, c, p.BaseURL, "judy")
		expectStep(t, page, "email")
	})
	// passwordThenMFA signs username in with the password, their only first factor with MFA set
	// up (so no choice page), and returns the MFA page, which mentions mfaPage.
	passwordThenMFA := func(t *testing.T, c *webclient.Client, username, mfaPage string) *webclient.Page {
		t.Helper()
		page := enterUsername(ctx, t, c, p.BaseURL, username)
		expectStep(t, page, "password")
		page = submit(ctx, t, c, page, map[string]string{"password": demoPassword})
		expectStep(t, page, mfaPage)
		return page
	}
	t.Run("carol/password, then her authenticator", func(t *testing.T) {
		c := newClient()
		page := passwordThenMFA(t, c, "carol", "authenticator")
		page = submit(ctx, t, c, page, map[string]string{"code": totpNow(carolSecret)})
		expectAccount(t, page, "carol")
	})
	t.Run("erin/Send a new code on the email MFA page asks the password beside the username", func(t *testing.T) {
		c := newClient()
		page := passwordThenMFA(t, c, "erin", "email")
		before := outboxCount(ctx, t, p, "erin@example.com")
		page = pressSendNewCode(ctx, t, c, page)
		if page.URL.Path != "/signin" || len(page.Find("input", "name", "password")) != 1 || !strings.Contains(page.Body, `value="erin"`) ||
			!strings.Contains(page.Text(), "we never keep it") {
			t.Fatalf("after Send a new code: %s %s", page.URL.Path, page.Text())
		}
		page = submit(ctx, t, c, page, map[string]string{"password": demoPassword})
		expectStep(t, page, "email")
		if n := outboxCount(ctx, t, p, "erin@example.com"); n != before+1 {
			t.Fatalf("%d new codes after the password, want 1", n-before)
		}
		expectAccount(t, submit(ctx, t, c, page, map[string]string{"code": latestCode(ctx, t, p, "EMAIL", "erin@example.com")}), "erin")
	})
	t.Run("an unknown username looks like a password-only account", func(t *testing.T) {
		c := newClient()
		page := enterUsername(ctx, t, c, p.BaseURL, "nobody-here")
		expectStep(t, page, "password")
		page = submit(ctx, t, c, page, map[string]string{"password": demoPassword})
		if page.Status != http.StatusUnauthorized || !strings.Contains(page.Text(), "username or password is incorrect") {
			t.Fatalf("unknown username: %d %s", page.Status, page.Text())
		}
	})
	t.Run("a used session restarts the sign-in, keeping the username", func(t *testing.T) {
		c := newClient()
		page := enterUsername(ctx, t, c, p.BaseURL, "judy")
		expectStep(t, page, "email")
		replayUsedSession(ctx, t, c, p, page, "judy", "EMAIL", "judy@example.com")
	})
	t.Run("the passkey endpoints refuse what is not under way", func(t *testing.T) {
		c := newClient()
		page, err := c.Get(ctx, p.BaseURL+"/signin")
		must(t, err)
		form, err := page.Form("username")
		must(t, err)
		form.Action, _ = url.Parse(p.BaseURL + "/signin/passkey-options")
		reply, err := c.Submit(ctx, form, "", "")
		must(t, err)
		if reply.Status != http.StatusConflict || !strings.Contains(reply.Body, `"redirect"`) {
			t.Fatalf("passkey options without a passkey step: %d %s", reply.Status, reply.Body)
		}
	})
	t.Run("sign-up signs the new person in at once", func(t *testing.T) {
		c := newClient()
		page, err := c.Get(ctx, p.BaseURL+"/signin")
		must(t, err)
		expectAccount(t, signUpUserAuth(ctx, t, p, c, page, "olivia"), "olivia")
	})
	t.Run("sign-up while an app waits ends at the app", func(t *testing.T) {
		c := newClient()
		page, err := c.Get(ctx, p.BaseURL+"/demo/app/login")
		must(t, err)
		expectDemoApp(t, signUpUserAuth(ctx, t, p, c, page, "peggy"), "peggy@example.com")
	})
	t.Run("grace/from an app, the passkey offer and Not now go on to the app, and it is not asked again", func(t *testing.T) {
		c := newClient()
		page, err := c.Get(ctx, p.BaseURL+"/demo/app/login")
		must(t, err)
		page = submit(ctx, t, c, page, map[string]string{"username": "grace"})
		page = submit(ctx, t, c, page, nil, "method", "PASSWORD_SRP")
		page = submit(ctx, t, c, page, map[string]string{"password": demoPassword})
		// No JavaScript here: the add button is for passkey.js, a sentence says so, "Not now" is a form.
		if page.URL.Path != "/signin/passkey-offer" || page.Status != http.StatusOK || !strings.Contains(page.Body, "Adding a passkey needs JavaScript") ||
			len(page.Find("button", "name", "passkey_offer")) != 1 || len(page.Find("form", "data-passkey", "create")) != 1 {
			t.Fatalf("after a password sign-in from an app: %s %d %s", page.URL.Path, page.Status, page.Text())
		}
		page = submit(ctx, t, c, page, nil, "passkey_offer", "not_now")
		expectDemoApp(t, page, "grace@example.com")
		// A reload of the offer after going on shows no offer (the sign-in is done).
		if again, err := c.Get(ctx, p.BaseURL+"/signin/passkey-offer"); err != nil || again.URL.Path == "/signin/passkey-offer" {
			t.Fatalf("the offer after going on: %v %s", err, again.URL.Path)
		}
		if out := submitFormWithAction(ctx, t, c, page, "/demo/app/signout"); out.URL.Path != "/demo/app" {
			t.Fatalf("the demo app's sign-out: %s %s", out.URL.Path, out.Text())
		}
		page, err = c.Get(ctx, p.BaseURL+"/demo/app/login")
		must(t, err)
		// This browser said "Not now": the next password sign-in from the app goes straight on.
		page = submit(ctx, t, c, page, map[string]string{"username": "grace", "password": demoPassword})
		expectDemoApp(t, page, "grace@example.com")
	})
	t.Run("logs hold no secrets", func(t *testing.T) {
		logs := p.Logs()
		for _, secret := range []string{demoPassword, carolSecret, "nope-nope", latestCode(ctx, t, p, "SMS", "+15555550111")} {
			if strings.Contains(logs, secret) {
				t.Errorf("the logs contain %q", secret)
			}
		}
	})
}
