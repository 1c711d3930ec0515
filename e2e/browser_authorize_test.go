package e2e

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/bridgekeeper/bridgekeeper/i18n"
	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
)

// TestBrowserAuthorizePage (issue 11): /authorize answers with the sign-in page itself, one
// round trip fewer than a redirect to /signin. In Chromium, through the real binary: a reload of
// that page shows the form again and signing in still works; Back from the code step, then a
// reload, shows the step under way and its code still reaches the app; the language picker keeps
// the app's request. Without JavaScript (no Sec-Fetch-Site, so the CSRF token is checked): an
// old form whose CSRF cookie was replaced gets the friendly CSRF page.
func TestBrowserAuthorizePage(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cb := newCallbackServer(t)
	conf := &oauth2.Config{ClientID: "demo-cli", Endpoint: publicClientEndpoint(ctx, t, p), RedirectURL: cb.URL, Scopes: []string{gooidc.ScopeOpenID}}
	run := func(t *testing.T, b context.Context, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(b, steps...); err != nil {
			loc, _ := chromedp.Run(b, chromedp.Location())
			t.Fatalf("browser at %s: %v\nlogs:\n%s", loc, err, tail(p.Logs(), 3000))
		}
	}
	at := func(t *testing.T, b context.Context, path string) {
		t.Helper()
		loc, err := chromedp.Run(b, chromedp.Location())
		must(t, err)
		if u, err := url.Parse(loc); err != nil || u.Path != path {
			t.Fatalf("the browser is at %s, want %s", loc, path)
		}
	}
	// waitFor waits until expr is true in the page shown, whichever document that is (an
	// evaluation during a navigation fails and is tried again).
	waitFor := func(t *testing.T, b context.Context, expr string) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); ; {
			if ok, err := chromedp.Run(b, chromedp.Evaluate[bool](expr)); err == nil && ok {
				return
			}
			if time.Now().After(deadline) {
				loc, _ := chromedp.Run(b, chromedp.Location())
				t.Fatalf("the browser at %s never had %s", loc, expr)
			}
			time.Sleep(20 * time.Millisecond) // the next poll
		}
	}
	// appRedeems waits for the callback with a code for state and redeems it as the app.
	appRedeems := func(t *testing.T, state, verifier string) {
		t.Helper()
		q := cb.next(t)
		if q.Get("state") != state || q.Get("code") == "" {
			t.Fatalf("the app got %v, want a code for state %q", q, state)
		}
		if _, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier)); err != nil {
			t.Fatalf("the app cannot redeem the code: %v", err)
		}
	}
	signIn := func(username string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			chromedp.WaitVisible(`input[name="username"]`),
			chromedp.SetValue(`input[name="username"]`, username),
			chromedp.SendKeys(`input[name="password"]`, demoPassword),
			chromedp.Submit(`input[name="password"]`),
		)
	}

	// signInForApp checks that the page names the app (appNamed), signs alice in and redeems the
	// app's code.
	signInForApp := func(t *testing.T, b context.Context, appNamed, state, verifier string) {
		t.Helper()
		if text, err := chromedp.Run(b, chromedp.Text(`main`)); err != nil || !strings.Contains(text, appNamed) {
			t.Errorf("the page does not name the app (%q): %q (%v)", appNamed, text, err)
		}
		run(t, b, signIn("alice"))
		appRedeems(t, state, verifier)
	}
	// open starts a sign-in for the app in a new browser: the /authorize page shows the form.
	open := func(t *testing.T) (b context.Context, state, verifier string) {
		t.Helper()
		b, state, verifier = testenv.Chromium(t), randomToken(t), oauth2.GenerateVerifier()
		run(t, b, chromedp.Navigate(conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier))), chromedp.WaitVisible(`input[name="username"]`))
		at(t, b, "/authorize")
		return b, state, verifier
	}

	t.Run("reload", func(t *testing.T) {
		b, state, verifier := open(t)
		run(t, b, chromedp.Reload(), chromedp.WaitVisible(`input[name="username"]`))
		at(t, b, "/authorize")
		signInForApp(t, b, "Sign in to continue to Demo CLI", state, verifier)
	})

	t.Run("back from the code step, then reload", func(t *testing.T) {
		b, state, verifier := open(t)
		run(t, b, signIn("dave"), chromedp.WaitVisible(`input[name="code"]`))
		at(t, b, "/signin/step")
		// Back to the /authorize page, then reload: the same request again keeps the sign-in
		// under way, so the step comes back and its code still works. (history.back(), not
		// chromedp.NavigateBack, which waits for a load event a page from the bfcache never fires;
		// the step page is marked, so the wait ends on the document Back brought.)
		run(t, b, chromedp.Evaluate[chromedp.Void](`window.bkBefore = true; history.back()`))
		waitFor(t, b, `!window.bkBefore && document.readyState === "complete"`)
		if loc, err := chromedp.Run(b, chromedp.Location()); err == nil {
			t.Logf("Back shows %s", loc) // the form (bfcache) or, re-requested, the step
		}
		run(t, b, chromedp.Reload(), chromedp.WaitVisible(`input[name="code"]`))
		at(t, b, "/signin/step")
		code := latestCode(ctx, t, p, "SMS", "+15555550104")
		run(t, b, chromedp.SendKeys(`input[name="code"]`, code), chromedp.Submit(`input[name="code"]`))
		appRedeems(t, state, verifier)
	})

	t.Run("language switch", func(t *testing.T) {
		b, state, verifier := open(t)
		run(t, b, chromedp.SetValue(`#language-picker`, "de"),
			chromedp.Submit(`#language-picker`),
			chromedp.WaitVisible(`html[lang="de"]`))
		at(t, b, "/signin")
		signInForApp(t, b, "Demo CLI", state, verifier)
	})

	t.Run("old form, CSRF cookie replaced", func(t *testing.T) {
		c := newClient()
		page, err := c.Get(ctx, conf.AuthCodeURL(randomToken(t), oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
		must(t, err)
		if page.URL.Path != "/authorize" || page.Status != http.StatusOK {
			t.Fatalf("authorize: %s (%d)", page.URL.Path, page.Status)
		}
		base, err := url.Parse(p.BaseURL)
		must(t, err)
		old := csrfToken(t, c.HTTP.Jar, base)
		c.HTTP.Jar.SetCookies(base, []*http.Cookie{{Name: "bk_csrf", Value: strings.Repeat("x", len(old)), Path: "/"}})
		refused := submit(ctx, t, c, page, map[string]string{"username": "alice", "password": demoPassword})
		bundle, err := i18n.New()
		must(t, err)
		if refused.Status != http.StatusForbidden || refused.URL.Path != "/signin" || !strings.Contains(refused.Text(), bundle.Localizer("en").T("error.CSRF")) {
			t.Fatalf("the old form: %s (%d): %s", refused.URL.Path, refused.Status, refused.Text())
		}
	})
}

// publicClientEndpoint is the demo's OpenID endpoint as its public client demo-cli uses it (the
// client id in the token request's body).
func publicClientEndpoint(ctx context.Context, t *testing.T, p *process) oauth2.Endpoint {
	t.Helper()
	prov, err := gooidc.NewProvider(ctx, p.BaseURL)
	must(t, err)
	endpoint := prov.Endpoint()
	endpoint.AuthStyle = oauth2.AuthStyleInParams
	return endpoint
}
