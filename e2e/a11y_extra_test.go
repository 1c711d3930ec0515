package e2e

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"golang.org/x/oauth2"
)

// holdingListener accepts connections on ip and never answers them until the test ends, so a
// browser sent there stays on the page that sent it (its navigation pending).
func holdingListener(t *testing.T, ip string) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Fatalf("cannot listen on %s: %v", ip, err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return ln
}

// auditContinuePage audits the continue page a sign-in for an app on the IPv6 loopback ends on
// (a form post cannot redirect there under the CSP, so the page moves on by a meta refresh). The
// app's callback holds the browser's request, so the page stays to be audited.
func auditContinuePage(a *auditor, base string) {
	t := a.t
	ln := holdingListener(t, "::1")
	callback := "http://" + ln.Addr().String() + "/callback"
	conf := &oauth2.Config{ClientID: "demo-cli", RedirectURL: callback, Scopes: []string{"openid"},
		Endpoint: oauth2.Endpoint{AuthURL: base + "/authorize", TokenURL: base + "/token"}}
	cli := a.profile()
	a.do(cli, "open the sign-in for the CLI app", chromedp.Navigate(conf.AuthCodeURL(randomToken(t), oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))))
	a.visit(cli, "continue page (IPv6 loopback app)", http.StatusOK, signInAs("alice", demoPassword))
	refresh, err := chromedp.Run(cli, chromedp.Evaluate[string](`(document.querySelector('meta[http-equiv="refresh"]') || {}).content || ""`))
	if err != nil || !strings.Contains(refresh, callback+"?") {
		t.Fatalf("the page audited is not the continue page to %s: refresh %q (%v)", callback, refresh, err)
	}
}
