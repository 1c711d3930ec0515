package oidc

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/identity"
	"github.com/bridgekeeper/bridgekeeper/store"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/gorilla/securecookie"
	"golang.org/x/oauth2"
)

func TestNewRejectsBadConfig(t *testing.T) {
	base := func() Config {
		return Config{
			Issuer: "https://id.example", Clients: testClients(), Keys: testKeys(),
			CookieKeys: [][]byte{[]byte(strings.Repeat("k", 32))},
			Store:      store.NewMemory(store.MemoryOptions{}), NotFound: store.ErrNotFound,
			StartLogin: func(http.ResponseWriter, *http.Request, *AuthRequest) {},
		}
	}
	if _, err := New(base()); err != nil {
		t.Fatalf("base config: %v", err)
	}
	client := func(c Client) func(*Config) { return func(cfg *Config) { cfg.Clients = []Client{c} } }
	tests := []struct {
		name string
		edit func(*Config)
	}{
		{"http issuer off loopback", func(c *Config) { c.Issuer = "http://id.example" }},
		{"issuer with query", func(c *Config) { c.Issuer = "https://id.example/?x=1" }},
		{"relative issuer", func(c *Config) { c.Issuer = "/id" }},
		{"no store", func(c *Config) { c.Store = nil }},
		{"no not-found error", func(c *Config) { c.NotFound = nil }},
		{"no StartLogin", func(c *Config) { c.StartLogin = nil }},
		{"no keys", func(c *Config) { c.Keys = nil }},
		{"no cookie keys", func(c *Config) { c.CookieKeys = nil }},
		{"short cookie key", func(c *Config) { c.CookieKeys[0] = []byte("short") }},
		{"long cookie key", func(c *Config) { c.CookieKeys[0] = []byte(strings.Repeat("k", 33)) }},
		{"__Host- cookie without Secure", func(c *Config) { c.InsecureCookie = true; c.CookieName = "__Host-x" }},
		{"client without id", client(Client{Secret: "s", RedirectURIs: []string{"https://a.example/cb"}})},
		{"client without redirect", client(Client{ID: "a", Secret: "s"})},
		{"redirect with fragment", client(Client{ID: "a", Secret: "s", RedirectURIs: []string{"https://a.example/cb#x"}})},
		{"relative redirect", client(Client{ID: "a", Secret: "s", RedirectURIs: []string{"/cb"}})},
		{"redirect too long", client(Client{ID: "a", Secret: "s", RedirectURIs: []string{"https://a.example/" + strings.Repeat("x", 600)}})},
		{"public with secret", client(Client{ID: "a", Public: true, Secret: "s", RedirectURIs: []string{"https://a.example/cb"}})},
		{"confidential without secret", client(Client{ID: "a", RedirectURIs: []string{"https://a.example/cb"}})},
		{"secret and hash", client(Client{ID: "a", Secret: "s", SecretHash: app2Hash(), RedirectURIs: []string{"https://a.example/cb"}})},
		{"hash that is not bcrypt", client(Client{ID: "a", SecretHash: "sha256:abc", RedirectURIs: []string{"https://a.example/cb"}})},
		{"unsupported scope", client(Client{ID: "a", Secret: "s", Scopes: []string{"openid", "admin"}, RedirectURIs: []string{"https://a.example/cb"}})},
		{"unknown algorithm", client(Client{ID: "a", Secret: "s", SigningAlg: "HS256", RedirectURIs: []string{"https://a.example/cb"}})},
		{"refresh shorter than access", client(Client{ID: "a", Secret: "s", AccessTokenTTL: time.Hour, RefreshTokenTTL: time.Minute, RedirectURIs: []string{"https://a.example/cb"}})},
		{"duplicate client", func(c *Config) { c.Clients = append(c.Clients, c.Clients[0]) }},
		{"mapping onto a protocol claim", func(c *Config) { c.ClaimMappings = []ClaimMapping{{Attribute: "custom:x", Claim: "sub"}} }},
		{"mapping with unknown type", func(c *Config) { c.ClaimMappings = []ClaimMapping{{Attribute: "custom:x", Claim: "x", Type: "date"}} }},
		{"mapping mapped twice", func(c *Config) {
			c.ClaimMappings = []ClaimMapping{{Attribute: "custom:x", Claim: "x"}, {Attribute: "custom:y", Claim: "x"}}
		}},
		{"mapping released by openid", func(c *Config) {
			c.ClaimMappings = []ClaimMapping{{Attribute: "custom:x", Claim: "x", Scope: "openid"}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base()
			tt.edit(&cfg)
			if _, err := New(cfg); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

// Each client gets tokens signed with its algorithm; go-oidc verifies them
// (at_hash uses SHA-512 for EdDSA).
func TestSigningAlgorithmsPerClient(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ client, alg string }{{"app", RS256}, {"es", ES256}, {"ed", EdDSA}} {
		t.Run(tc.alg, func(t *testing.T) {
			tok := e.newRP(tc.client).flow("alice")
			for _, raw := range []string{tok.raw, tok.oauth.AccessToken} {
				jws, err := jose.ParseSignedCompact(raw, []jose.SignatureAlgorithm{jose.SignatureAlgorithm(tc.alg)})
				if err != nil {
					t.Fatalf("not %s: %v", tc.alg, err)
				}
				if jws.Signatures[0].Header.KeyID == "" {
					t.Error("no kid")
				}
			}
			if e.userinfoStatus(tok.oauth.AccessToken) != 200 {
				t.Error("userinfo refused the access token")
			}
		})
	}
}

// Access tokens follow RFC 9068.
func TestAccessTokenFormat(t *testing.T) {
	e := newEnv(t)
	tok := e.newRP("app", "openid", "groups", "email").flow("bob")
	jws, err := jose.ParseSignedCompact(tok.oauth.AccessToken, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	if typ := jws.Signatures[0].Header.ExtraHeaders[jose.HeaderType]; typ != "at+jwt" {
		t.Errorf("typ = %v", typ)
	}
	var claims map[string]any
	if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &claims); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"iss", "exp", "aud", "sub", "client_id", "iat", "jti", "scope", "auth_time", "sid"} {
		if _, ok := claims[c]; !ok {
			t.Errorf("access token lacks %s", c)
		}
	}
	if claims["client_id"] != "app" || claims["aud"] != "app" || claims["scope"] != "openid groups email" {
		t.Errorf("claims %v", claims)
	}
	if amr, _ := claims["amr"].([]any); len(amr) != 3 || amr[2] != "mfa" {
		t.Errorf("amr = %v, want [pwd otp mfa]", claims["amr"])
	}
	if _, ok := claims["email"]; ok {
		t.Error("personal claims in the access token")
	}

	aliceTok := e.newRP("app", "openid", "groups").flow("alice", oauth2.SetAuthURLParam("prompt", "login"))
	if aliceTok.claims["groups"] == nil {
		t.Error("no groups claim in the ID token with the groups scope")
	}

	// A configured audience replaces the client id.
	e2 := newEnv(t, func(c *Config) {
		c.Clients[0].AccessTokenAudience = []string{"https://api.example", "https://other.example"}
	})
	tok = e2.newRP("app").flow("alice")
	jws, _ = jose.ParseSignedCompact(tok.oauth.AccessToken, []jose.SignatureAlgorithm{jose.RS256})
	_ = json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &claims)
	if aud, _ := claims["aud"].([]any); len(aud) != 2 || aud[0] != "https://api.example" {
		t.Errorf("aud = %v", claims["aud"])
	}
}

// A signed-in browser gets codes for other apps without signing in again.
func TestSingleSignOnAcrossApps(t *testing.T) {
	e := newEnv(t)
	first := e.newRP("app").flow("alice")
	res := e.authorize(authParams("app2"))
	if res.atSignIn() {
		t.Fatal("the second app asked the person to sign in again")
	}
	second := e.newRP("app2").exchange(e.codeFrom(res, app2Redirect, "state-app2"), "nonce-app2")
	if second.claims["sid"] != first.claims["sid"] || second.claims["sub"] != first.claims["sub"] {
		t.Error("the apps see different sessions")
	}
	if n := e.loginCount(); n != 1 {
		t.Errorf("%d sign-ins started, want 1", n)
	}
}

// Login without an app leaves the browser signed in for the account page.
func TestLoginWithoutAppAndCurrentSession(t *testing.T) {
	e := newEnv(t)
	res := e.signIn("bob")
	if res.status != 200 || res.body != "account page" {
		t.Fatalf("got %d %q", res.status, res.body)
	}
	req := e.browserRequest()
	s, err := e.p.CurrentSession(req)
	if err != nil {
		t.Fatal(err)
	}
	if s.Subject != "sub-bob" || s.Username != "bob" || !slices.Equal(s.AMR, []string{"pwd", "otp", "mfa"}) ||
		!s.AuthenticatedAt().Equal(e.clock.Now()) || !s.ExpiresAt.Equal(e.clock.Now().Add(DefaultSessionTTL)) || s.ID == "" {
		t.Errorf("session %+v", s)
	}
	if s.Claims.String("email") != "bob@example.com" {
		t.Errorf("claims %s", s.Claims)
	}
	// The app then gets a code at once.
	e.codeFrom(e.authorize(authParams("app")), appRedirect, "state-app")

	if _, err := e.p.CurrentSession(httptest.NewRequest(http.MethodGet, "/", nil)); !errors.Is(err, ErrNoSession) {
		t.Errorf("no cookie: err = %v", err)
	}
	e.clock.Advance(DefaultSessionTTL)
	if _, err := e.p.CurrentSession(req); !errors.Is(err, ErrNoSession) {
		t.Errorf("expired session: err = %v", err)
	}
	wantAuthError(t, e.authorize(authParams("app", "prompt", "none")), appRedirect, errLoginRequired, "state-app")
}

// browserRequest builds a request carrying the browser's cookies.
func (e *testEnv) browserRequest() *http.Request {
	req := httptest.NewRequest(http.MethodGet, e.srv.URL+"/", nil)
	for _, c := range e.browser.Jar.Cookies(req.URL) {
		req.AddCookie(c)
	}
	return req
}

// Logout ends the session, its grants and the upstream token.
func TestLogout(t *testing.T) {
	e := newEnv(t)
	tok := e.newRP("app", "openid", "offline_access").flow("alice")
	rec := httptest.NewRecorder()
	if err := e.p.Logout(rec, e.browserRequest()); err != nil {
		t.Fatal(err)
	}
	cookie := rec.Result().Cookies()[0]
	if cookie.Name != "bk_sso" || cookie.MaxAge != -1 {
		t.Errorf("cookie not cleared: %+v", cookie)
	}
	wantTokenError(t, e.refresh("app", tok.oauth.RefreshToken), 400, errInvalidGrant)
	if !slices.Equal(e.up.revokedTokens(), []string{"up-alice"}) {
		t.Errorf("upstream revocations %v", e.up.revokedTokens())
	}
	if _, err := e.p.CurrentSession(e.browserRequest()); !errors.Is(err, ErrNoSession) {
		t.Error("session survived Logout")
	}
	if n := e.store.Len(); n != 1 { // only the redeemed code's replay marker is left
		t.Errorf("%d store entries left after logout", n)
	}
}

// EndAllSessions signs a person out of every browser.
func TestEndAllSessions(t *testing.T) {
	e := newEnv(t)
	tok1 := e.newRP("app", "openid", "offline_access").flow("alice")
	other := e.newBrowser()
	tok2 := other.newRP("app2", "openid", "offline_access").flow("alice")
	bob := e.newBrowser().newRP("app", "openid", "offline_access").flow("bob")
	if err := e.p.EndAllSessions(context.Background(), "sub-alice"); err != nil {
		t.Fatal(err)
	}
	wantTokenError(t, e.refresh("app", tok1.oauth.RefreshToken), 400, errInvalidGrant)
	wantTokenError(t, e.refresh("app2", tok2.oauth.RefreshToken), 400, errInvalidGrant)
	wantAuthError(t, other.authorize(authParams("app", "prompt", "none")), appRedirect, errLoginRequired, "state-app")
	if res := e.refresh("app", bob.oauth.RefreshToken); res.status != 200 {
		t.Fatalf("another person's session was ended too: %s", res.raw)
	}
}

// A different person signing in on the same browser ends the first session.
func TestSwitchingPersonEndsPreviousSession(t *testing.T) {
	e := newEnv(t)
	alice := e.newRP("app", "openid", "offline_access").flow("alice")
	res := e.authorize(authParams("app", "prompt", "login"))
	if !res.atSignIn() {
		t.Fatal("prompt=login did not ask")
	}
	code := e.codeFrom(e.signIn("bob"), appRedirect, "state-app")
	bob := e.redeem("app", code, appRedirect)
	if bob.status != 200 {
		t.Fatal(bob.raw)
	}
	wantTokenError(t, e.refresh("app", alice.oauth.RefreshToken), 400, errInvalidGrant)
	s, err := e.p.CurrentSession(e.browserRequest())
	if err != nil || s.Subject != "sub-bob" {
		t.Fatalf("session %v %v", s, err)
	}
}

// Re-authentication of the same person replaces (and revokes) the old
// upstream token but keeps the apps' refresh tokens working.
func TestReauthenticationKeepsGrants(t *testing.T) {
	e := newEnv(t)
	tok := e.newRP("app", "openid", "offline_access").flow("alice")
	users := testUsers()
	alice := users["alice"]
	if err := e.p.Login(httptest.NewRecorder(), e.browserRequest(), nil, alice, "up-alice-2"); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(e.up.revokedTokens(), []string{"up-alice"}) {
		t.Errorf("revoked %v", e.up.revokedTokens())
	}
	if res := e.refresh("app", tok.oauth.RefreshToken); res.status != 200 {
		t.Fatalf("refresh after re-authentication: %s", res.raw)
	}
	if last := e.up.refreshed[len(e.up.refreshed)-1]; last != "up-alice-2" {
		t.Errorf("refreshed upstream with %q", last)
	}
}

// Refresh re-reads the person's claims upstream and follows upstream rotation.
func TestRefreshUpdatesClaimsAndUpstreamToken(t *testing.T) {
	e := newEnv(t)
	e.up.rotate = true
	c := e.newRP("app", "openid", "offline_access", "email")
	tok := c.flow("alice")
	e.up.mu.Lock()
	e.up.claims["sub-alice"] = mustClaims(map[string]any{"email": "alice@new.example", "email_verified": true})
	e.up.mu.Unlock()
	res := e.refresh("app", tok.oauth.RefreshToken)
	if res.status != 200 {
		t.Fatal(res.raw)
	}
	second := c.verify((&oauth2.Token{AccessToken: res.body["access_token"].(string)}).WithExtra(res.body), "")
	if second.claims["email"] != "alice@new.example" {
		t.Errorf("email after refresh = %v", second.claims["email"])
	}
	ui, err := c.userinfo(&oauth2.Token{AccessToken: res.body["access_token"].(string), TokenType: "Bearer"})
	if err != nil || ui["email"] != "alice@new.example" {
		t.Errorf("userinfo after refresh: %v %v", ui, err)
	}
	if res := e.refresh("app", res.body["refresh_token"].(string)); res.status != 200 {
		t.Fatal(res.raw)
	}
	if got := e.up.refreshed; !slices.Equal(got, []string{"up-alice", "up-alice-rotated-1"}) {
		t.Errorf("upstream tokens used: %v", got)
	}
}

// Downscoping on refresh, and refresh token expiry.
func TestRefreshScopeAndExpiry(t *testing.T) {
	e := newEnv(t)
	tok := e.newRP("app", "openid", "offline_access", "email").flow("alice")
	res := e.refresh("app", tok.oauth.RefreshToken, "scope", "openid")
	if res.status != 200 || res.body["scope"] != "openid" {
		t.Fatalf("downscoped refresh: %s", res.raw)
	}
	rt := res.body["refresh_token"].(string)
	wantTokenError(t, e.refresh("app", rt, "scope", "openid profile"), 400, errInvalidScope)
	// The refused request did not use the token up.
	res = e.refresh("app", rt)
	if res.status != 200 || res.body["scope"] != "openid offline_access email" {
		t.Fatalf("refresh keeps the original scope: %s", res.raw)
	}
	e.clock.Advance(DefaultRefreshTokenTTL)
	wantTokenError(t, e.refresh("app", res.body["refresh_token"].(string)), 400, errInvalidGrant)
}

// Public clients get refresh tokens too (they rotate).
func TestPublicClientRefresh(t *testing.T) {
	e := newEnv(t)
	c := e.newRP("spa", "openid", "offline_access")
	tok := c.flow("alice")
	if tok.oauth.RefreshToken == "" {
		t.Fatal("no refresh token for the public client")
	}
	res := e.refresh("spa", tok.oauth.RefreshToken)
	if res.status != 200 {
		t.Fatal(res.raw)
	}
	// A public client cannot redeem a confidential client's refresh token.
	other := e.newRP("app", "openid", "offline_access").flow("alice")
	wantTokenError(t, e.refresh("spa", other.oauth.RefreshToken), 400, errInvalidGrant)
}

// A client's allowed scopes limit what it is granted.
func TestClientScopeLimits(t *testing.T) {
	e := newEnv(t)
	tok := e.newRP("limited", "openid", "email", "profile", "offline_access").flow("alice")
	if got := tok.oauth.Extra("scope"); got != "openid email" {
		t.Errorf("granted %v", got)
	}
	if tok.oauth.RefreshToken != "" {
		t.Error("refresh token for a client not allowed offline_access")
	}
	if _, ok := tok.claims["name"]; ok {
		t.Error("profile claims for a client not allowed profile")
	}
	// Its access token lives five minutes.
	e.clock.Advance(5 * time.Minute)
	if e.userinfoStatus(tok.oauth.AccessToken) != 401 {
		t.Error("expired access token accepted")
	}
}

// RFC 7009 revocation.
func TestRevoke(t *testing.T) {
	e := newEnv(t)
	tok := e.newRP("app", "openid", "offline_access").flow("alice")
	other := e.newRP("app2", "openid", "offline_access").flow("alice")

	// Another client's token: 200, but nothing happens.
	if res := e.post(PathRevoke, url.Values{"token": {other.oauth.RefreshToken}}, "app", "app-secret"); res.status != 200 {
		t.Fatalf("revoke: %d", res.status)
	}
	if res := e.refresh("app2", other.oauth.RefreshToken); res.status != 200 {
		t.Fatal("a client revoked another client's token")
	}
	// Unknown token: 200.
	if res := e.post(PathRevoke, url.Values{"token": {"nonsense"}}, "app", "app-secret"); res.status != 200 || res.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("unknown token: %d", res.status)
	}
	// Refresh token: the family is gone, access tokens included.
	if res := e.post(PathRevoke, url.Values{"token": {tok.oauth.RefreshToken}, "token_type_hint": {"refresh_token"}}, "app", "app-secret"); res.status != 200 {
		t.Fatal(res.raw)
	}
	wantTokenError(t, e.refresh("app", tok.oauth.RefreshToken), 400, errInvalidGrant)
	if e.userinfoStatus(tok.oauth.AccessToken) != 401 {
		t.Error("access token survived revocation of its refresh token")
	}
	// Access token (public client, hint given): revokes its grant.
	spa := e.newRP("spa", "openid", "offline_access").flow("alice")
	if res := e.post(PathRevoke, url.Values{"token": {spa.oauth.AccessToken}, "token_type_hint": {"access_token"}, "client_id": {"spa"}}, "", ""); res.status != 200 {
		t.Fatal(res.raw)
	}
	if e.userinfoStatus(spa.oauth.AccessToken) != 401 {
		t.Error("revoked access token still works")
	}
	wantTokenError(t, e.refresh("spa", spa.oauth.RefreshToken), 400, errInvalidGrant)
	wantTokenError(t, e.post(PathRevoke, url.Values{"token": {"x"}}, "app", "bad"), 401, errInvalidClient)
	wantTokenError(t, e.post(PathRevoke, url.Values{}, "app", "app-secret"), 400, errInvalidRequest)
}

// RFC 7662 introspection.
func TestIntrospect(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.Clients[1].AccessTokenAudience = []string{"app2", "app"} // app2's tokens are also for the "app" API
	})
	tok := e.newRP("app", "openid", "offline_access").flow("alice")
	introspect := func(clientID, secret, token string) map[string]any {
		t.Helper()
		res := e.post(PathIntrospect, url.Values{"token": {token}}, clientID, secret)
		if res.status != 200 || res.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("introspect: %d %s", res.status, res.raw)
		}
		return res.body
	}
	at := introspect("app", "app-secret", tok.oauth.AccessToken)
	if at["active"] != true || at["sub"] != "sub-alice" || at["client_id"] != "app" || at["token_type"] != "Bearer" ||
		at["scope"] != "openid offline_access" || at["username"] != "alice" || at["iss"] != e.p.Issuer() {
		t.Errorf("access token: %v", at)
	}
	rt := introspect("app", "app-secret", tok.oauth.RefreshToken)
	if rt["active"] != true || rt["token_type"] != "refresh_token" || rt["sub"] != "sub-alice" {
		t.Errorf("refresh token: %v", rt)
	}
	if got := introspect("app2", "app2-secret", tok.oauth.AccessToken); got["active"] != false || len(got) != 1 {
		t.Errorf("another client learnt about the token: %v", got)
	}
	if got := introspect("app2", "app2-secret", tok.oauth.RefreshToken); got["active"] != false {
		t.Errorf("another client learnt about the refresh token: %v", got)
	}
	// A resource server named in aud may introspect.
	tok2 := e.newRP("app2").flow("alice")
	if got := introspect("app", "app-secret", tok2.oauth.AccessToken); got["active"] != true {
		t.Errorf("audience could not introspect: %v", got)
	}
	if got := introspect("app", "app-secret", "garbage"); got["active"] != false {
		t.Error("garbage is active")
	}
	// Rotated and revoked tokens are inactive.
	res := e.refresh("app", tok.oauth.RefreshToken)
	if got := introspect("app", "app-secret", tok.oauth.RefreshToken); got["active"] != false {
		t.Errorf("rotated refresh token is active: %v", got)
	}
	e.post(PathRevoke, url.Values{"token": {res.body["refresh_token"].(string)}}, "app", "app-secret")
	if got := introspect("app", "app-secret", res.body["access_token"].(string)); got["active"] != false {
		t.Errorf("revoked access token is active: %v", got)
	}
}

// Token endpoint details.
func TestTokenEndpointErrors(t *testing.T) {
	e := newEnv(t)
	wantTokenError(t, e.post(PathToken, url.Values{}, "app", "app-secret"), 400, errInvalidRequest)
	wantTokenError(t, e.post(PathToken, url.Values{"grant_type": {"password"}}, "app", "app-secret"), 400, errUnsupportedGrantType)
	wantTokenError(t, e.post(PathToken, url.Values{"grant_type": {"client_credentials"}}, "app", "app-secret"), 400, errUnsupportedGrantType)
	wantTokenError(t, e.post(PathToken, url.Values{"grant_type": {"authorization_code"}}, "app", "app-secret"), 400, errInvalidRequest)
	wantTokenError(t, e.post(PathToken, url.Values{"grant_type": {"refresh_token"}}, "app", "app-secret"), 400, errInvalidRequest)
	wantTokenError(t, e.post(PathToken, url.Values{"grant_type": {"authorization_code"}, "code": {"forged"}, "redirect_uri": {appRedirect}}, "app", "app-secret"), 400, errInvalidGrant)
	if res := e.get(PathToken); res.status != http.StatusMethodNotAllowed {
		t.Errorf("GET /token: %d", res.status)
	}
}

// Userinfo details.
func TestUserInfoErrors(t *testing.T) {
	e := newEnv(t)
	tok := e.newRP("app").flow("alice")
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+PathUserInfo, nil)
	res := e.send(req)
	if res.status != 401 || res.header.Get("WWW-Authenticate") != `Bearer realm="bridgekeeper"` {
		t.Errorf("no token: %d %q", res.status, res.header.Get("WWW-Authenticate"))
	}
	req.Header.Set("Authorization", "Bearer nonsense")
	res = e.send(req)
	if res.status != 401 || !strings.Contains(res.header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Errorf("bad token: %d %q", res.status, res.header.Get("WWW-Authenticate"))
	}
	req.Header.Set("Authorization", "Basic abc")
	if res := e.send(req); res.status != 400 {
		t.Errorf("basic scheme: %d", res.status)
	}
	both := e.post(PathUserInfo, url.Values{"access_token": {tok.oauth.AccessToken}}, "", "", "Authorization", "Bearer "+tok.oauth.AccessToken)
	if both.status != 400 {
		t.Errorf("token twice: %d", both.status)
	}
	req.Header.Set("Authorization", "bearer "+tok.oauth.AccessToken) // the scheme is case-insensitive
	if res := e.send(req); res.status != 200 {
		t.Errorf("lower-case scheme: %d", res.status)
	}
}

// CORS: discovery, JWKS and userinfo for anyone; token and revoke for the
// origins of registered redirect URIs.
func TestCORS(t *testing.T) {
	e := newEnv(t)
	preflight := func(path, origin string) apiResponse {
		req, _ := http.NewRequest(http.MethodOptions, e.srv.URL+path, nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		return e.send(req)
	}
	if res := preflight(PathToken, "https://spa.example"); res.header.Get("Access-Control-Allow-Origin") != "https://spa.example" ||
		!strings.Contains(res.header.Get("Access-Control-Allow-Headers"), "Authorization") || res.status != 204 {
		t.Errorf("token preflight from a registered origin: %d %v", res.status, res.header)
	}
	if res := preflight(PathToken, "https://evil.example"); res.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("token preflight allowed an unknown origin")
	}
	if res := preflight(PathUserInfo, "https://anything.example"); res.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("userinfo CORS: %v", res.header)
	}
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+PathDiscovery, nil)
	req.Header.Set("Origin", "https://x.example")
	if res := e.send(req); res.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Error("discovery without CORS")
	}
	if res := preflight(PathIntrospect, "https://spa.example"); res.header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("introspection is CORS-enabled")
	}
}

// The SSO cookie: attributes, tampering, and key rotation.
func TestSSOCookie(t *testing.T) {
	e := newEnv(t)
	cfg := e.cfg
	cfg.InsecureCookie = false
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	if err := p.Login(rec, httptest.NewRequest(http.MethodPost, "/signin", nil), nil, testUsers()["alice"], "up-alice"); err != nil {
		t.Fatal(err)
	}
	ck := rec.Result().Cookies()[0]
	if ck.Name != "__Host-bk_sso" || !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" ||
		ck.Domain != "" || ck.MaxAge != int(DefaultSessionTTL.Seconds()) {
		t.Errorf("cookie %+v", ck)
	}
	if strings.Contains(ck.Value, "sub-alice") {
		t.Error("cookie content is readable")
	}
	withCookie := func(p *Provider, c *http.Cookie) *http.Request {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.AddCookie(c)
		return req
	}
	if s, err := p.CurrentSession(withCookie(p, ck)); err != nil || s.Subject != "sub-alice" {
		t.Fatalf("session: %v %v", s, err)
	}
	tampered := *ck
	tail := "xx"
	if strings.HasSuffix(ck.Value, tail) {
		tail = "yy" // a different value, or nothing is tampered
	}
	tampered.Value = ck.Value[:len(ck.Value)-2] + tail
	if _, err := p.CurrentSession(withCookie(p, &tampered)); !errors.Is(err, ErrNoSession) {
		t.Error("tampered cookie accepted")
	}
	// A cookie for a session that does not exist (forged with the keys) is ignored.
	forged, _ := p.sealer.seal(p.cookieName, ssoCookie{ID: "made-up", Subject: "sub-alice"})
	if _, err := p.CurrentSession(withCookie(p, &http.Cookie{Name: p.cookieName, Value: forged})); !errors.Is(err, ErrNoSession) {
		t.Error("cookie for an unknown session accepted")
	}
	// Rotation: a new key in front still reads cookies made with the old one.
	cfg.CookieKeys = append([][]byte{[]byte(strings.Repeat("n", 32))}, cfg.CookieKeys...)
	rotated, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := rotated.CurrentSession(withCookie(rotated, ck)); err != nil || s.Subject != "sub-alice" {
		t.Fatalf("old cookie after rotation: %v %v", s, err)
	}
	// Without the old key it is unreadable.
	cfg.CookieKeys = cfg.CookieKeys[:1]
	onlyNew, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := onlyNew.CurrentSession(withCookie(onlyNew, ck)); !errors.Is(err, ErrNoSession) {
		t.Error("cookie readable without its key")
	}
}

// An issuer with a path mounts every endpoint below it.
func TestIssuerWithPath(t *testing.T) {
	e := newEnv(t)
	cfg := e.cfg
	cfg.Issuer = e.srv.URL + "/auth"
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p.Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL + "/auth" + PathDiscovery)
	if err != nil {
		t.Fatal(err)
	}
	var doc discoveryDocument
	_ = json.NewDecoder(res.Body).Decode(&doc)
	res.Body.Close()
	if doc.Issuer != e.srv.URL+"/auth" || doc.TokenEndpoint != e.srv.URL+"/auth/token" {
		t.Fatalf("doc %+v", doc)
	}
	for _, path := range []string{PathJWKS, PathAuthorize, PathToken, PathUserInfo, PathEndSession} {
		res, err := http.Get(srv.URL + "/auth" + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode == http.StatusNotFound {
			t.Errorf("%s not mounted under the issuer path", path)
		}
	}
}

// Cancel tells the app the person gave up; stale parked requests are refused.
func TestCancelAndStaleRequests(t *testing.T) {
	e := newEnv(t)
	e.authorize(authParams("app"))
	req := e.lastStartLogin()
	rec := httptest.NewRecorder()
	if err := e.p.Cancel(rec, httptest.NewRequest(http.MethodPost, "/", nil), req); err != nil {
		t.Fatal(err)
	}
	loc, _ := url.Parse(rec.Header().Get("Location"))
	if loc.Query().Get("error") != errAccessDenied || loc.Query().Get("state") != "state-app" {
		t.Errorf("cancel went to %s", loc)
	}
	stale := *req
	stale.RedirectURI = "https://evil.example/cb"
	if err := e.p.Login(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/", nil), &stale, testUsers()["alice"], "up-alice"); err == nil {
		t.Error("Login accepted a parked request with an unregistered redirect URI")
	}
	if err := e.p.Cancel(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/", nil), &stale); err == nil {
		t.Error("Cancel redirected to an unregistered URI")
	}
	if err := e.p.Login(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/", nil), nil, identity.Identity{}, ""); err == nil {
		t.Error("Login without a subject")
	}
}

// The parked request stays small: its worst case is measured here and
// documented in doc.go (the web layer parks it next to a Cognito session).
func TestAuthRequestWorstCaseSize(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	maxAge := int64(1 << 40)
	// The longest claim names a client can request individually.
	var names []string
	for _, s := range claimScopes() {
		names = append(names, scopeClaims(s)...)
	}
	slices.SortFunc(names, func(a, b string) int { return len(b) - len(a) })
	req := AuthRequest{
		ClientID: long(maxClientIDLength), RedirectURI: long(maxRedirectURILength), Scopes: supportedScopes(nil),
		State: long(maxStateLength), Nonce: long(maxNonceLength), CodeChallenge: long(43),
		Prompt: []string{"login", "consent", "select_account"}, MaxAge: &maxAge, LoginHint: long(maxLoginHintLength),
		UILocales:   strings.Fields(strings.Repeat("x ", maxUILocalesLength/2)),
		HintSubject: long(64), RequestedAt: time.Now().Unix(),
		UserinfoClaims: names[:maxRequestedClaims], IDTokenClaims: names[:maxRequestedClaims],
	}
	raw, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) > 2000 {
		t.Fatalf("worst-case AuthRequest is %d bytes of JSON", len(raw))
	}
	t.Logf("worst-case AuthRequest JSON: %d bytes", len(raw))

	// The parser enforces those bounds.
	e := newEnv(t)
	e.authorize(authParams("app", "ui_locales", strings.Repeat("fr-CA ", 40), "login_hint", long(maxLoginHintLength+1),
		"claims", `{"userinfo":{"name":null,"email":null,"email_verified":null,"phone_number":null,"phone_number_verified":null,`+
			`"address":null,"given_name":null,"family_name":null,"nickname":null,"locale":null}}`))
	parked := e.lastStartLogin()
	if strings.Join(parked.UILocales, " ") != strings.TrimSpace(strings.Repeat("fr-CA ", 10)) || parked.LoginHint != "" ||
		len(parked.UserinfoClaims) != maxRequestedClaims {
		t.Errorf("bounds not applied: %d locales, hint %d, %d claims", len(parked.UILocales), len(parked.LoginHint), len(parked.UserinfoClaims))
	}
	wantAuthError(t, e.authorize(authParams("app", "nonce", long(maxNonceLength+1))), appRedirect, errInvalidRequest, "state-app")
}

func TestConvertClaim(t *testing.T) {
	tests := []struct {
		in   any
		typ  string
		want any
		ok   bool
	}{
		{"true", "boolean", true, true},
		{"False", "boolean", false, true},
		{true, "boolean", true, true},
		{"yes", "boolean", nil, false},
		{"42", "number", int64(42), true},
		{"4.5", "number", 4.5, true},
		{float64(3), "number", float64(3), true},
		{"x", "number", nil, false},
		{`{"a":1}`, "json", map[string]any{"a": float64(1)}, true},
		{`{`, "json", nil, false},
		{"plain", "", "plain", true},
		{"", "string", nil, false},
		{nil, "", nil, false},
	}
	for _, tt := range tests {
		got, ok := convertClaim(tt.in, tt.typ)
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(tt.want)
		if ok != tt.ok || (ok && string(g) != string(w)) {
			t.Errorf("convertClaim(%v, %q) = %v %v, want %v %v", tt.in, tt.typ, got, ok, tt.want, tt.ok)
		}
	}
}

// Upstream bookkeeping claims are not kept.
func TestStoredClaimsDropBookkeeping(t *testing.T) {
	in := map[string]any{"iss": "x", "exp": 1, "token_use": "id", "email": "a@b", "cognito:groups": []any{"g"}}
	out, err := mustClaims(in).Map()
	if err != nil || len(out) != 2 || out["email"] != "a@b" {
		t.Errorf("stored claims = %v, %v", out, err)
	}
}

// An id_token_hint for someone other than the signed-in person: prompt=none
// fails with login_required; otherwise the person is asked to sign in.
func TestIDTokenHintForAnotherPerson(t *testing.T) {
	e := newEnv(t)
	bobToken := e.newBrowser().newRP("app").flow("bob")
	e.newRP("app").flow("alice")
	wantAuthError(t, e.authorize(authParams("app", "prompt", "none", "id_token_hint", bobToken.raw)), appRedirect, errLoginRequired, "state-app")
	res := e.authorize(authParams("app", "id_token_hint", bobToken.raw))
	if !res.atSignIn() {
		t.Fatal("a hint for another person did not lead to the sign-in page")
	}
	if got := e.lastStartLogin().HintSubject; got != "sub-bob" {
		t.Errorf("HintSubject = %q", got)
	}
}

// End-session edge cases: no session at all, and a hint for another person.
func TestEndSessionEdgeCases(t *testing.T) {
	e := newEnv(t)
	bobToken := e.newBrowser().newRP("app").flow("bob")

	// Nobody signed in here: a valid request just goes back to the app.
	res := e.endSession(url.Values{"id_token_hint": {bobToken.raw}, "post_logout_redirect_uri": {appLogout}, "state": {"s"}})
	if res.location == nil || res.location.String() != appLogout+"?state=s" {
		t.Fatalf("went to %v", res.location)
	}

	// Alice is signed in; the app holds Bob's token: ask Alice first.
	e.newRP("app").flow("alice")
	page := e.endSession(url.Values{"id_token_hint": {bobToken.raw}, "post_logout_redirect_uri": {appLogout}})
	if page.location != nil || !strings.Contains(page.body, "logout_confirm") {
		t.Fatalf("signed out without asking: %v", page.location)
	}
	wantStillSignedIn(t, e)
	// A confirmation token from another session, or a stale one, does not count.
	form := url.Values{"logout_confirm": {"forged"}, "client_id": {"app"}}
	if res := e.postForm(PathEndSession, form); !strings.Contains(res.body, "logout_confirm") {
		t.Fatal("a forged confirmation signed the person out")
	}
	e.clock.Advance(confirmTTL + time.Second)
	if res := e.confirmLogout(page); !strings.Contains(res.body, "logout_confirm") {
		t.Fatal("an expired confirmation signed the person out")
	}
	wantStillSignedIn(t, e)
	// client_id naming a different app than the hint is refused.
	wantErrorPage(t, e.endSession(url.Values{"id_token_hint": {bobToken.raw}, "client_id": {"app2"}}))
}

// A parked request older than an hour cannot complete.
func TestParkedRequestExpires(t *testing.T) {
	e := newEnv(t)
	if !e.authorize(authParams("app")).atSignIn() {
		t.Fatal("not at sign-in")
	}
	e.clock.Advance(maxParkedAge + time.Minute)
	if res := e.signIn("alice"); res.status != http.StatusInternalServerError || res.location != nil {
		t.Fatalf("stale parked request completed: %d %v", res.status, res.location)
	}
}

// An issuer with a trailing slash is kept exactly ("iss" is compared
// verbatim); endpoints are built without the slash.
func TestIssuerTrailingSlash(t *testing.T) {
	e := newEnv(t)
	cfg := e.cfg
	cfg.Issuer = e.srv.URL + "/"
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	doc := p.discovery()
	if doc.Issuer != e.srv.URL+"/" || doc.TokenEndpoint != e.srv.URL+"/token" || doc.JWKSURI != e.srv.URL+PathJWKS {
		t.Fatalf("doc %+v", doc)
	}
	e.setProvider(p)
	tok := e.newRP("app").flow("alice") // go-oidc checks iss against the discovered issuer
	if tok.claims["iss"] != e.srv.URL+"/" {
		t.Errorf("iss = %v", tok.claims["iss"])
	}
}

func TestHashClientSecret(t *testing.T) {
	if _, err := HashClientSecret("short"); err == nil {
		t.Fatal("short secret accepted")
	}
	h, err := HashClientSecret("a-long-enough-client-secret")
	if err != nil {
		t.Fatal(err)
	}
	c, err := newClient(Client{ID: "x", SecretHash: h, RedirectURIs: []string{"https://x.example/cb"}}, &Config{}, &keySet{signers: map[string]SigningKey{RS256: testKeys()[0]}})
	if err != nil {
		t.Fatal(err)
	}
	if !c.secretMatches("a-long-enough-client-secret") || c.secretMatches("a-long-enough-client-secreT") {
		t.Fatal("hash does not verify the secret")
	}
}

// SSO cookies sealed the way releases before the one sealer did (securecookie under SHA-256
// derived key pairs) still open, so an upgrade signs nobody out; new cookies use cookiecodec.
func TestSSOCookieOfThePreviousRelease(t *testing.T) {
	e := newEnv(t)
	cfg := e.cfg
	rec := httptest.NewRecorder()
	if err := e.p.Login(rec, httptest.NewRequest(http.MethodPost, "/signin", nil), nil, testUsers()["alice"], "up-alice"); err != nil {
		t.Fatal(err)
	}
	current := rec.Result().Cookies()[0]
	var sso ssoCookie
	if err := e.p.sealer.open(current.Name, current.Value, &sso); err != nil {
		t.Fatal(err)
	}
	// The previous release's sealing, written out independently of sealer.go.
	key := cfg.CookieKeys[0]
	hash := sha256.Sum256(append([]byte("bridgekeeper sso hash\x00"), key...))
	block := sha256.Sum256(append([]byte("bridgekeeper sso block\x00"), key...))
	old := securecookie.New(hash[:], block[:]).SetSerializer(securecookie.JSONEncoder{})
	oldValue, err := old.Encode(current.Name, sso)
	if err != nil {
		t.Fatal(err)
	}
	if oldValue == current.Value || len(current.Value) >= len(oldValue) {
		t.Errorf("the new cookie (%d bytes) is not the compact cookiecodec one (old %d bytes)", len(current.Value), len(oldValue))
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(&http.Cookie{Name: current.Name, Value: oldValue})
	if s, err := e.p.CurrentSession(req); err != nil || s.Subject != "sub-alice" {
		t.Fatalf("a previous release's SSO cookie: %v %v", s, err)
	}
	// Under another name it opens neither way.
	if err := e.p.sealer.open("other", oldValue, &sso); err == nil {
		t.Error("a previous release's value opened under another name")
	}
}
