package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/i18n"
	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
)

// TestSignUp creates an account through the real pages: the pool's required name, the email the
// code goes to and the password policy are asked up front; a taken username gets the neutral
// sentence; "Send a new code" and the emailed code confirm the account; the sign-in page then
// has the username filled in, and the sign-in ends at the app that was waiting (the demo app).
// mallory, who never confirmed, is sent from sign-in to the same confirmation page.
func TestSignUp(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	ctx := context.Background()
	bundle, err := i18n.New()
	must(t, err)
	en := bundle.Localizer("en")
	c := newClient()

	// An app is waiting: the demo app's sign-in parks its authorization request.
	page, err := c.Get(ctx, p.BaseURL+"/demo/app/login")
	must(t, err)
	if links := page.Links("Create an account"); page.URL.Path != "/authorize" || len(links) != 1 || links[0] != "/signup" {
		t.Fatalf("no sign-up link on the sign-in page: %s", page.Body)
	}
	page, err = c.Get(ctx, p.BaseURL+"/signup")
	must(t, err)
	if page.Status != http.StatusOK || len(page.Find("input", "name", "userAttributes.name")) != 1 || len(page.Find("input", "name", "userAttributes.email")) != 1 ||
		!strings.Contains(page.Text(), "8 characters") {
		t.Fatalf("the sign-up page lacks the required name, the email or the policy: %d %s", page.Status, page.Text())
	}
	for _, in := range page.Find("input", "name", "password") {
		if webclient.Attr(in, "autocomplete") != "new-password" {
			t.Errorf("password autocomplete %q", webclient.Attr(in, "autocomplete"))
		}
	}
	fields := func(username string) map[string]string {
		return map[string]string{"username": username, "password": "N3w-Passw0rd!", "password_confirm": "N3w-Passw0rd!",
			"userAttributes.name": "Nina Example", "userAttributes.email": "nina@example.com"}
	}
	taken := submit(ctx, t, c, page, fields("alice"))
	if taken.Status != http.StatusUnprocessableEntity || !strings.Contains(taken.Text(), en.T("error.UsernameExists")) {
		t.Fatalf("a taken username: %d %s", taken.Status, taken.Text())
	}
	if strings.Contains(taken.Body, "N3w-Passw0rd!") || !strings.Contains(taken.Body, `value="Nina Example"`) {
		t.Fatal("the page must keep what was typed, except the password")
	}

	page = submit(ctx, t, c, taken, fields("nina"))
	if page.URL.Path != "/signup/confirm" || page.Status != http.StatusOK {
		t.Fatalf("after sign-up: %s %d %s", page.URL.Path, page.Status, page.Text())
	}
	page = confirmAndSignIn(ctx, t, p, c, page, "nina", "nina@example.com", "N3w-Passw0rd!")
	expectDemoApp(t, page, "nina@example.com")

	// mallory signed up but never confirmed: the sign-in sends her to the confirmation page.
	m := newClient()
	page = signIn(ctx, t, m, p.BaseURL, "mallory", demoPassword)
	if page.URL.Path != "/signup/confirm" || !strings.Contains(page.Text(), en.T("error.UserNotConfirmed")) {
		t.Fatalf("mallory's sign-in: %s %s", page.URL.Path, page.Text())
	}
	expectAccount(t, confirmAndSignIn(ctx, t, p, m, page, "mallory", "mallory@example.com", demoPassword), "mallory")
}

// expectDemoApp checks that a sign-in ended at the demo app, which shows the ID token's email.
func expectDemoApp(t *testing.T, page *webclient.Page, email string) {
	t.Helper()
	if page.URL.Path != "/demo/app" || page.Status != http.StatusOK || !strings.Contains(page.Text(), email) {
		t.Fatalf("expected the demo app signed in as %s, got %s (%d): %s", email, page.URL.Path, page.Status, page.Text())
	}
}

// confirmAndSignIn asks for a new code on the confirmation page, refuses a wrong one, confirms
// with the right one, and signs in from the sign-in page, which has the username filled in. It
// returns the page the sign-in ends at.
func confirmAndSignIn(ctx context.Context, t *testing.T, p *process, c *webclient.Client, page *webclient.Page, username, email, password string) *webclient.Page {
	t.Helper()
	page = resendAndConfirm(ctx, t, p, c, page, email)
	if page.URL.Path != "/signin" || !strings.Contains(page.Text(), "Your account is confirmed.") || !strings.Contains(page.Body, `value="`+username+`"`) {
		t.Fatalf("after confirming: %s %s", page.URL.Path, page.Text())
	}
	return submit(ctx, t, c, page, map[string]string{"password": password})
}

// resendAndConfirm asks for a new code on the confirmation page, refuses the replaced one, and
// confirms with the new one; it returns the page confirming leads to.
func resendAndConfirm(ctx context.Context, t *testing.T, p *process, c *webclient.Client, page *webclient.Page, email string) *webclient.Page {
	t.Helper()
	old := latestCode(ctx, t, p, "EMAIL", email)
	page = submitFormWithAction(ctx, t, c, page, "/signup/confirm/resend")
	if page.URL.Path != "/signup/confirm" || !strings.Contains(page.Text(), "We sent you a new code.") {
		t.Fatalf("after Send a new code: %s %s", page.URL.Path, page.Text())
	}
	code := latestCode(ctx, t, p, "EMAIL", email)
	if code != old {
		wrong := submit(ctx, t, c, page, map[string]string{"code": old})
		if wrong.Status != http.StatusUnprocessableEntity || wrong.URL.Path != "/signup/confirm" {
			t.Fatalf("the replaced code: %d %s", wrong.Status, wrong.Text())
		}
	}
	return submit(ctx, t, c, page, map[string]string{"code": code})
}

// signUpUserAuth signs username up in choice-based mode, starting from page (a sign-in page),
// and confirms the account with the emailed code, which signs the person in at once: it returns the page that leads
// to (the account page, or the app that was waiting).
func signUpUserAuth(ctx context.Context, t *testing.T, p *process, c *webclient.Client, page *webclient.Page, username string) *webclient.Page {
	t.Helper()
	links := page.Links("Create an account")
	if len(links) != 1 {
		t.Fatalf("no sign-up link on %s: %s", page.URL.Path, page.Text())
	}
	page, err := c.Get(ctx, p.BaseURL+links[0])
	must(t, err)
	email := username + "@example.com"
	page = submit(ctx, t, c, page, map[string]string{"username": username, "password": "N3w-Passw0rd!", "password_confirm": "N3w-Passw0rd!",
		"userAttributes.name": username + " Example", "userAttributes.email": email})
	if page.URL.Path != "/signup/confirm" {
		t.Fatalf("after sign-up: %s %d %s", page.URL.Path, page.Status, page.Text())
	}
	// The first code (a resend would count in the demo's code-send limit, shared by the tests).
	return submit(ctx, t, c, page, map[string]string{"code": latestCode(ctx, t, p, "EMAIL", email)})
}
