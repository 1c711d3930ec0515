package e2e

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/net/html"
	"golang.org/x/oauth2"

	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
)

// callbackServer is an app's loopback redirect URI (as a CLI would listen on): it records the
// query of every request to /callback.
type callbackServer struct {
	URL string // http://127.0.0.1:<port>/callback or http://[::1]:<port>/callback
	got chan url.Values
}

func newCallbackServer(t *testing.T) *callbackServer {
	t.Helper()
	return newCallbackServerOn(t, "127.0.0.1")
}

// newCallbackServerOn is newCallbackServer listening on the loopback address ip ("127.0.0.1"
// or "::1"); the test fails when the address cannot be bound.
func newCallbackServerOn(t *testing.T, ip string) *callbackServer {
	t.Helper()
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Fatalf("the loopback callback cannot listen on %s: %v", ip, err)
	}
	cb := &callbackServer{got: make(chan url.Values, 16)}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/callback" {
			http.NotFound(w, r)
			return
		}
		cb.got <- r.URL.Query()
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("you can close this window"))
	}))
	_ = srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	cb.URL = srv.URL + "/callback"
	return cb
}

// next returns the query of the callback the browser has just landed on.
func (cb *callbackServer) next(t *testing.T) url.Values {
	t.Helper()
	select {
	case q := <-cb.got:
		return q
	case <-time.After(10 * time.Second):
		t.Fatal("the callback was not called")
		return nil
	}
}

// randomToken returns a URL-safe random string for state and nonce.
func randomToken(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	_, err := rand.Read(b)
	must(t, err)
	return base64.RawURLEncoding.EncodeToString(b)
}

// noFollow returns a client sharing c's cookie jar that does not follow redirects.
func noFollow(c *webclient.Client) *http.Client {
	return &http.Client{
		Jar:           c.HTTP.Jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// submitFormWithAction submits the page's form whose action is action, with its hidden fields.
func submitFormWithAction(ctx context.Context, t *testing.T, c *webclient.Client, page *webclient.Page, action string) *webclient.Page {
	t.Helper()
	for _, f := range page.Find("form", "", "") {
		if webclient.Attr(f, "action") != action {
			continue
		}
		values := url.Values{}
		var visit func(n *html.Node)
		visit = func(n *html.Node) {
			if n.Type == html.ElementNode && n.Data == "input" && webclient.Attr(n, "name") != "" {
				values.Add(webclient.Attr(n, "name"), webclient.Attr(n, "value"))
			}
			for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
				visit(ch)
			}
		}
		visit(f)
		target, err := page.URL.Parse(action)
		must(t, err)
		next, err := c.PostForm(ctx, target.String(), values)
		must(t, err)
		return next
	}
	t.Fatalf("no form with action %q on %s: %s", action, page.URL.Path, page.Text())
	return nil
}

// signInOnPage fills and submits the sign-in form of the sign-in page: the page the authorize
// endpoint answers with, or /signin where other pages send the browser.
func signInOnPage(ctx context.Context, t *testing.T, c *webclient.Client, page *webclient.Page, username, password string) *webclient.Page {
	t.Helper()
	if page.URL.Path != "/authorize" && page.URL.Path != "/signin" || page.Status != http.StatusOK {
		t.Fatalf("expected the sign-in page, got %s (%d): %s", page.URL.Path, page.Status, page.Text())
	}
	return submit(ctx, t, c, page, map[string]string{"username": username, "password": password})
}

// TestOIDCGoClient drives the provider with go-oidc and golang.org/x/oauth2, an independent
// client implementation, as the public PKCE client demo-cli with a loopback redirect URI.
func TestOIDCGoClient(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	prov, err := gooidc.NewProvider(ctx, p.BaseURL)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	cb := newCallbackServer(t)
	endpoint := prov.Endpoint()
	endpoint.AuthStyle = oauth2.AuthStyleInParams
	conf := &oauth2.Config{
		ClientID:    "demo-cli",
		Endpoint:    endpoint,
		RedirectURL: cb.URL,
		Scopes:      []string{gooidc.ScopeOpenID, "profile", "email", gooidc.ScopeOfflineAccess},
	}
	verifier := prov.Verifier(&gooidc.Config{ClientID: "demo-cli"})

	type authz struct {
		state, nonce, verifier string
		url                    string
	}
	newAuthz := func(opts ...oauth2.AuthCodeOption) authz {
		a := authz{state: randomToken(t), nonce: randomToken(t), verifier: oauth2.GenerateVerifier()}
		opts = append(opts, gooidc.Nonce(a.nonce), oauth2.S256ChallengeOption(a.verifier))
		a.url = conf.AuthCodeURL(a.state, opts...)
		return a
	}
	// redeem checks the callback and exchanges its code, verifying the ID token.
	redeem := func(t *testing.T, a authz, q url.Values) (*oauth2.Token, *gooidc.IDToken, string) {
		t.Helper()
		if q.Get("state") != a.state || q.Get("code") == "" || q.Get("error") != "" {
			t.Fatalf("callback query = %v, want state %q and a code", q, a.state)
		}
		if iss := q.Get("iss"); iss != p.BaseURL {
			t.Fatalf("callback iss = %q, want %q", iss, p.BaseURL)
		}
		tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(a.verifier))
		if err != nil {
			t.Fatalf("exchange: %v", err)
		}
		raw, _ := tok.Extra("id_token").(string)
		idt, err := verifier.Verify(ctx, raw)
		if err != nil {
			t.Fatalf("verify ID token: %v", err)
		}
		if idt.Nonce != a.nonce {
			t.Fatalf("nonce = %q, want %q", idt.Nonce, a.nonce)
		}
		return tok, idt, raw
	}

	browser := newClient()
	first := newAuthz()
	page, err := browser.Get(ctx, first.url)
	must(t, err)
	page = signInOnPage(ctx, t, browser, page, "alice", demoPassword)
	if page.URL.Path != "/callback" {
		t.Fatalf("after sign-in the browser is at %s (%d): %s", page.URL, page.Status, page.Text())
	}
	tok, idt, rawID := redeem(t, first, cb.next(t))

	t.Run("ID token", func(t *testing.T) {
		if !slices.Contains(idt.Audience, "demo-cli") {
			t.Errorf("aud = %v", idt.Audience)
		}
		if idt.Issuer != p.BaseURL {
			t.Errorf("iss = %q, want %q", idt.Issuer, p.BaseURL)
		}
		if idt.AccessTokenHash == "" {
			t.Error("no at_hash in the ID token")
		} else if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			t.Errorf("at_hash: %v", err)
		}
		var claims struct {
			Email         string `json:"email"`
			EmailVerified bool   `json:"email_verified"`
			Name          string `json:"name"`
		}
		must(t, idt.Claims(&claims))
		if claims.Email != "alice@example.com" || !claims.EmailVerified || claims.Name != "Alice Example" {
			t.Errorf("claims = %+v", claims)
		}
		if idt.Subject == "" {
			t.Error("empty sub")
		}
	})

	t.Run("userinfo", func(t *testing.T) {
		ui, err := prov.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			t.Fatalf("userinfo: %v", err)
		}
		if ui.Subject != idt.Subject || ui.Email != "alice@example.com" || !ui.EmailVerified {
			t.Errorf("userinfo = %+v, want sub %q and alice's email", ui, idt.Subject)
		}
	})

	t.Run("refresh", func(t *testing.T) {
		if tok.RefreshToken == "" {
			t.Fatal("no refresh token for offline_access")
		}
		fresh, err := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
		if err != nil {
			t.Fatalf("refresh: %v", err)
		}
		if fresh.RefreshToken == "" || fresh.RefreshToken == tok.RefreshToken {
			t.Fatal("the refresh token was not rotated")
		}
		if fresh.AccessToken == "" || fresh.AccessToken == tok.AccessToken {
			t.Fatal("no new access token")
		}
		if raw, _ := fresh.Extra("id_token").(string); raw != "" {
			if _, err := verifier.Verify(ctx, raw); err != nil {
				t.Fatalf("refreshed ID token: %v", err)
			}
		}
		_, err = conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
		var re *oauth2.RetrieveError
		if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
			t.Fatalf("reusing the old refresh token: %v, want invalid_grant", err)
		}
	})

	t.Run("SSO", func(t *testing.T) {
		a := newAuthz()
		page, err := browser.Get(ctx, a.url)
		must(t, err)
		if page.URL.Path != "/callback" {
			t.Fatalf("a second authorization in the same browser ended at %s, not at the app: %s", page.URL, page.Text())
		}
		_, idt2, _ := redeem(t, a, cb.next(t))
		if idt2.Subject != idt.Subject {
			t.Errorf("sub = %q, want %q", idt2.Subject, idt.Subject)
		}
	})

	t.Run("prompt=none without a session", func(t *testing.T) {
		a := newAuthz(oauth2.SetAuthURLParam("prompt", "none"))
		page, err := newClient().Get(ctx, a.url)
		must(t, err)
		q := cb.next(t)
		if page.URL.Path != "/callback" || q.Get("error") != "login_required" || q.Get("state") != a.state || q.Get("code") != "" {
			t.Fatalf("prompt=none in a fresh browser: at %s with %v, want error=login_required", page.URL.Path, q)
		}
	})

	t.Run("RP-initiated logout", func(t *testing.T) {
		const postLogout = "http://127.0.0.1/logged-out"
		state := randomToken(t)
		u := p.BaseURL + "/end_session?" + url.Values{
			"id_token_hint":            {rawID},
			"post_logout_redirect_uri": {postLogout},
			"state":                    {state},
		}.Encode()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		must(t, err)
		resp, err := noFollow(browser).Do(req)
		must(t, err)
		_ = resp.Body.Close()
		// The provider answers a GET with 302 Found; 303 would do as well.
		if resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("end_session status = %d, want a redirect (302 or 303)", resp.StatusCode)
		}
		loc, err := url.Parse(resp.Header.Get("Location"))
		must(t, err)
		if got := loc.Scheme + "://" + loc.Host + loc.Path; got != postLogout || loc.Query().Get("state") != state {
			t.Fatalf("end_session redirected to %s, want %s with state", loc, postLogout)
		}
		// The browser's session is gone: prompt=none now answers login_required.
		a := newAuthz(oauth2.SetAuthURLParam("prompt", "none"))
		_, err = browser.Get(ctx, a.url)
		must(t, err)
		if q := cb.next(t); q.Get("error") != "login_required" {
			t.Fatalf("after logout prompt=none answered %v, want login_required", q)
		}
	})
}

// TestOIDCDemoApp signs in to the demo app (itself a go-oidc client of the provider), refreshes
// its tokens and signs out through RP-initiated logout.
func TestOIDCDemoApp(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := newClient()

	page, err := c.Get(ctx, p.BaseURL+"/demo/app")
	must(t, err)
	if page.Status != http.StatusOK || len(page.Find("a", "href", "/demo/app/login")) != 1 {
		t.Fatalf("the demo app landing has no sign-in link: %d %s", page.Status, page.Text())
	}
	page, err = c.Get(ctx, p.BaseURL+"/demo/app/login")
	must(t, err)
	page = signInOnPage(ctx, t, c, page, "alice", demoPassword)
	if page.URL.Path != "/demo/app" || page.Status != http.StatusOK {
		t.Fatalf("after sign-in: %s (%d): %s", page.URL, page.Status, page.Text())
	}
	text := page.Text()
	for _, want := range []string{"sub", "email", "alice@example.com", "Alice Example"} {
		if !strings.Contains(text, want) {
			t.Errorf("the demo app does not show %q: %s", want, text)
		}
	}

	page = submitFormWithAction(ctx, t, c, page, "/demo/app/refresh")
	if page.URL.Path != "/demo/app" || !strings.Contains(page.Text(), "Tokens refreshed.") || !strings.Contains(page.Text(), "alice@example.com") {
		t.Fatalf("after refresh: %s: %s", page.URL, page.Text())
	}

	page = submitFormWithAction(ctx, t, c, page, "/demo/app/signout")
	if page.URL.Path != "/demo/app" || len(page.Find("a", "href", "/demo/app/login")) != 1 || strings.Contains(page.Text(), "alice@example.com") {
		t.Fatalf("after sign-out: %s: %s", page.URL, page.Text())
	}
	// The provider's session ended too: the account page asks to sign in.
	page, err = c.Get(ctx, p.BaseURL+"/account")
	must(t, err)
	if page.URL.Path != "/signin" {
		t.Fatalf("the account page after the demo app's sign-out ended at %s", page.URL.Path)
	}
}
