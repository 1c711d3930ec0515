package e2e

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/oauth2"
)

// noContentCallback is an app's callback on ip that answers 204 No Content, after which a browser
// stays on the page that sent it there (a 204 ends a navigation without leaving the page). got
// receives each callback's query.
func noContentCallback(t *testing.T, ip string) (string, <-chan url.Values) {
	t.Helper()
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Fatalf("the callback cannot listen on %s: %v", ip, err)
	}
	got := make(chan url.Values, 4)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.URL.Query()
		w.WriteHeader(http.StatusNoContent)
	}))
	_ = srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL + "/callback", got
}

// auditContinuePage audits the continue page a sign-in for an app on the IPv6 loopback ends on
// (a form post cannot redirect there under the CSP, so the page moves on by a meta refresh). The
// app's callback answers 204, so once the browser has been there the page stays to be audited.
func auditContinuePage(a *auditor, base string) {
	t := a.t
	callback, got := noContentCallback(t, "::1")
	conf := &oauth2.Config{ClientID: "demo-cli", RedirectURL: callback, Scopes: []string{"openid"},
		Endpoint: oauth2.Endpoint{AuthURL: base + "/authorize", TokenURL: base + "/token"}}
	cli := a.profile()
	state := randomToken(t)
	a.do(cli, "open the sign-in for the CLI app", chromedp.Navigate(conf.AuthCodeURL(state, oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))))
	res, err := chromedp.RunResponse(cli, signInAs("alice", demoPassword))
	if err != nil || res == nil || res.Status != http.StatusOK {
		t.Fatalf("sign-in for the CLI app: %v %v", res, err)
	}
	select {
	case q := <-got:
		if q.Get("state") != state || q.Get("code") == "" {
			t.Fatalf("the app's callback got %v", q)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the continue page never moved on to the app's callback")
	}
	refresh, err := chromedp.Run(cli, chromedp.Evaluate[string](`(document.querySelector('meta[http-equiv="refresh"]') || {}).content || ""`))
	if err != nil || !strings.Contains(refresh, callback+"?") {
		t.Fatalf("the page shown is not the continue page to %s: refresh %q (%v)", callback, refresh, err)
	}
	a.audit(cli, "continue page (IPv6 loopback app)")
}
