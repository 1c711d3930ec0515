package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
)

// virtualAuthenticator adds a platform authenticator with user verification to the browser of
// ctx (DevTools' WebAuthn domain), as a phone's or laptop's passkey provider would be.
func virtualAuthenticator(t *testing.T, ctx context.Context) webauthn.AuthenticatorID {
	t.Helper()
	if _, err := chromedp.Call(ctx, webauthn.Enable, webauthn.EnableParams{}); err != nil {
		t.Fatalf("WebAuthn.enable: %v", err)
	}
	res, err := chromedp.Call(ctx, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &webauthn.VirtualAuthenticatorOptions{
		Protocol: webauthn.AuthenticatorProtocolCtap2, Transport: webauthn.AuthenticatorTransportInternal,
		HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
	}})
	if err != nil {
		t.Fatalf("WebAuthn.addVirtualAuthenticator: %v", err)
	}
	return res.AuthenticatorID
}

// usernameFirst opens the sign-in page and continues with username.
func usernameFirst(base, username string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(base+"/signin"),
		chromedp.WaitVisible(`input[name="username"]`),
		chromedp.SendKeys(`input[name="username"]`, username),
		chromedp.Submit(`input[name="username"]`),
	)
}

// choosePassword picks the password on the choice page and types the demo password.
func choosePassword() chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(`button[value="PASSWORD_SRP"]`),
		chromedp.Click(`button[value="PASSWORD_SRP"]`),
		chromedp.WaitVisible(`input[name="password"]`),
		chromedp.SendKeys(`input[name="password"]`, demoPassword),
		chromedp.Submit(`input[name="password"]`),
	)
}

// bodyText is the page's visible text.
func bodyText(t *testing.T, ctx context.Context) string {
	t.Helper()
	body, err := chromedp.Run(ctx, chromedp.Text(`body`))
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// TestBrowserPasskey registers a passkey from the account page in headless Chromium with a
// virtual authenticator, signs out, and signs in with it; then, with JavaScript off, the passkey
// page explains that a passkey needs it and the person signs in another way.
func TestBrowserPasskey(t *testing.T) {
	p := startUserAuthDemo(t)

	t.Run("register, sign out, sign in with the passkey", func(t *testing.T) {
		ctx := testenv.Chromium(t)
		auth := virtualAuthenticator(t, ctx)
		err := chromedp.Do(ctx,
			usernameFirst(p.BaseURL, "alice"),
			choosePassword(),
			chromedp.WaitVisible(`form[action="/signout"]`),
			// After a password sign-in the account page offers a passkey; passkey.js shows its button.
			chromedp.WaitVisible(`form[data-passkey="create"] button[data-passkey-start]`),
			chromedp.Click(`form[data-passkey="create"] button[data-passkey-start]`),
			chromedp.WaitVisible(`form[action="/account/passkeys/delete"]`),
		)
		if err != nil {
			t.Fatalf("browser: %v\nlogs:\n%s", err, tail(p.Logs(), 3000))
		}
		if body := bodyText(t, ctx); !strings.Contains(body, "passkey was added") {
			t.Fatalf("after adding a passkey: %q", body)
		}
		creds, err := chromedp.Call(ctx, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: auth})
		if err != nil || len(creds.Credentials) != 1 || !creds.Credentials[0].IsResidentCredential {
			t.Fatalf("the authenticator holds %+v (%v), want one discoverable passkey", creds, err)
		}

		err = chromedp.Do(ctx,
			chromedp.Click(`form[action="/signout"] button`),
			chromedp.WaitVisible(`a[href="/signin"]`),
			usernameFirst(p.BaseURL, "alice"),
			// The passkey is offered first.
			chromedp.WaitVisible(`li:first-child button[value="WEB_AUTHN"]`),
			chromedp.Click(`button[value="WEB_AUTHN"]`),
			chromedp.WaitVisible(`button[data-passkey-start]`),
			chromedp.Click(`button[data-passkey-start]`),
			chromedp.WaitVisible(`form[action="/signout"]`),
		)
		if err != nil {
			t.Fatalf("browser: %v\nlogs:\n%s", err, tail(p.Logs(), 3000))
		}
		if body := bodyText(t, ctx); !strings.Contains(body, "alice") {
			t.Fatalf("the passkey sign-in did not reach alice's account page: %q", body)
		}
		if !strings.Contains(p.Logs(), "amr=[hwk]") {
			t.Errorf("the passkey sign-in's AMR is not [hwk]:\n%s", tail(p.Logs(), 3000))
		}
	})

	t.Run("from an app, the offer adds a passkey and goes on to the app", func(t *testing.T) {
		ctx := testenv.Chromium(t)
		auth := virtualAuthenticator(t, ctx)
		err := chromedp.Do(ctx,
			chromedp.Navigate(p.BaseURL+"/demo/app/login"),
			chromedp.WaitVisible(`input[name="username"]`),
			chromedp.SendKeys(`input[name="username"]`, "grace"),
			chromedp.Submit(`input[name="username"]`),
			choosePassword(),
			// The app waits; passkey.js shows the offer's add button.
			chromedp.WaitVisible(`form[data-passkey="create"] button[data-passkey-start]`),
			chromedp.Click(`form[data-passkey="create"] button[data-passkey-start]`),
			chromedp.WaitVisible(`form[action="/demo/app/signout"]`),
		)
		if err != nil {
			t.Fatalf("browser: %v\nlogs:\n%s", err, tail(p.Logs(), 3000))
		}
		if body := bodyText(t, ctx); !strings.Contains(body, "grace@example.com") {
			t.Fatalf("the offer did not go on to the demo app: %q", body)
		}
		creds, err := chromedp.Call(ctx, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: auth})
		if err != nil || len(creds.Credentials) != 1 {
			t.Fatalf("the authenticator holds %+v (%v), want the passkey added from the offer", creds, err)
		}
		// The pool has it: grace's account page lists it.
		err = chromedp.Do(ctx, chromedp.Navigate(p.BaseURL+"/account"), chromedp.WaitVisible(`form[action="/account/passkeys/delete"]`))
		if err != nil {
			t.Fatalf("the account page lists no passkey: %v\n%s", err, bodyText(t, ctx))
		}
	})

	t.Run("without JavaScript the passkey page offers the other ways", func(t *testing.T) {
		ctx := testenv.Chromium(t)
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		err := chromedp.Do(ctx,
			usernameFirst(p.BaseURL, "alice"),
			chromedp.WaitVisible(`button[value="WEB_AUTHN"]`),
			chromedp.Click(`button[value="WEB_AUTHN"]`),
			chromedp.WaitVisible(`form[action="/signin/choose"] button`),
		)
		if err != nil {
			t.Fatalf("browser: %v\nlogs:\n%s", err, tail(p.Logs(), 3000))
		}
		body := bodyText(t, ctx)
		if !strings.Contains(body, "A passkey needs JavaScript") || strings.Contains(body, "Use my passkey") {
			t.Fatalf("the passkey page without JavaScript: %q", body)
		}
		err = chromedp.Do(ctx,
			chromedp.Click(`form[action="/signin/choose"] button`),
			choosePassword(),
			chromedp.WaitVisible(`form[action="/signout"]`),
		)
		if err != nil {
			t.Fatalf("browser: %v\nlogs:\n%s", err, tail(p.Logs(), 3000))
		}
	})
}
