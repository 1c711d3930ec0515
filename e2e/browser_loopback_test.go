package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
)

// TestBrowserLoopbackRedirect signs in through the public client demo-cli in Chromium with an
// IPv4 and an IPv6 loopback redirect URI (RFC 8252, any port): the sign-in form's post must end
// at the app's callback with a code the app can redeem. A CSP form-action source list cannot
// name an IPv6 address, so this is where a policy that blocks the redirect shows.
func TestBrowserLoopbackRedirect(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	endpoint := publicClientEndpoint(ctx, t, p)

	for _, ip := range []string{"127.0.0.1", "::1"} {
		t.Run(ip, func(t *testing.T) {
			cb := newCallbackServerOn(t, ip)
			conf := &oauth2.Config{ClientID: "demo-cli", Endpoint: endpoint, RedirectURL: cb.URL, Scopes: []string{gooidc.ScopeOpenID}}
			state, verifier := randomToken(t), oauth2.GenerateVerifier()
			b := testenv.Chromium(t)
			err := chromedp.Do(b,
				chromedp.Navigate(conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier))),
				chromedp.WaitVisible(`input[name="username"]`),
			)
			if err != nil {
				t.Fatalf("browser: %v\nlogs:\n%s", err, tail(p.Logs(), 3000))
			}
			// The sign-in page says which app asked, by its client name.
			if text, err := chromedp.Run(b, chromedp.Text(`main`)); err != nil || !strings.Contains(text, "Sign in to continue to Demo CLI") {
				t.Errorf("the sign-in page does not name the app: %q (%v)", text, err)
			}
			err = chromedp.Do(b,
				chromedp.SendKeys(`input[name="username"]`, "alice"),
				chromedp.SendKeys(`input[name="password"]`, demoPassword),
				chromedp.Submit(`input[name="password"]`),
			)
			if err != nil {
				t.Fatalf("browser: %v\nlogs:\n%s", err, tail(p.Logs(), 3000))
			}
			var q map[string][]string
			select {
			case q = <-cb.got:
			case <-b.Done():
				t.Fatalf("the browser never reached %s", cb.URL)
			case <-time.After(30 * time.Second):
				loc, _ := chromedp.Run(b, chromedp.Location())
				body, _ := chromedp.Run(b, chromedp.Text(`body`))
				t.Fatalf("the browser never reached %s; it is at %s: %q", cb.URL, loc, body)
			}
			if got := q["state"]; len(got) != 1 || got[0] != state || len(q["code"]) != 1 {
				t.Fatalf("callback query = %v, want state %q and a code", q, state)
			}
			if _, err := conf.Exchange(ctx, q["code"][0], oauth2.VerifierOption(verifier)); err != nil {
				t.Fatalf("the app cannot redeem the code: %v", err)
			}
			must(t, chromedp.Do(b, chromedp.WaitVisible(`body`)))
			loc, err := chromedp.Run(b, chromedp.Location())
			must(t, err)
			if want := cb.URL + "?"; len(loc) < len(want) || loc[:len(want)] != want {
				t.Errorf("the browser shows %s, want the callback %s", loc, cb.URL)
			}
		})
	}
}
