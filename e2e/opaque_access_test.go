package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
	"github.com/bridgekeeper/bridgekeeper/internal/testredis"
	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
)

// TestOIDCOpaqueAccessTokens signs in through go-oidc and golang.org/x/oauth2 as an app whose
// access tokens are opaque (access_token_format: opaque), with two serve instances sharing
// Redis and the cookie keys: the token minted by one is read by the other's userinfo and
// introspection, its ID token's at_hash covers it, and revoking it on one ends it on both.
func TestOIDCOpaqueAccessTokens(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_, endpoint, poolID, clientID, clientSecret := localPool(t)
	cb := newRedisCallback(t)
	ports := []int{testenv.FreePort(t), testenv.FreePort(t)}
	base := func(i int) string { return fmt.Sprintf("http://127.0.0.1:%d", ports[i]) }
	sc := newServeConfig(t, base(0), endpoint, poolID, clientID, clientSecret, cb.URL+"/callback")
	sc.store = fmt.Sprintf("{url: %q, key_prefix: \"bk-opaque:\"}", testredis.Start(t))
	sc.accessTokenFormat = "opaque"
	start(t, "serve", "--config", sc.write(t, "one.yaml", ports[0]))
	start(t, "serve", "--config", sc.write(t, "two.yaml", ports[1]))

	prov, err := gooidc.NewProvider(ctx, base(0))
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	endpointOf := prov.Endpoint()
	endpointOf.AuthStyle = oauth2.AuthStyleInHeader
	conf := &oauth2.Config{ClientID: "app", ClientSecret: "app-secret-0123456789", Endpoint: endpointOf, RedirectURL: cb.URL + "/callback",
		Scopes: []string{gooidc.ScopeOpenID, "email", gooidc.ScopeOfflineAccess}}
	state, nonce, verifier := randomToken(t), randomToken(t), oauth2.GenerateVerifier()

	browser := webclient.New()
	page, err := browser.Get(ctx, conf.AuthCodeURL(state, gooidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)))
	must(t, err)
	page = signInOnPage(ctx, t, browser, page, "alice", demoPassword)
	q := cb.Last()
	if page.URL.Path != "/callback" || q.Get("state") != state || q.Get("code") == "" {
		t.Fatalf("callback: %s %v\n%s", page.URL, q, page.Text())
	}
	tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if !strings.HasPrefix(tok.AccessToken, "bkat_") || strings.Contains(tok.AccessToken, ".") {
		t.Fatalf("access token %.12s… is not an opaque token", tok.AccessToken)
	}
	rawID, _ := tok.Extra("id_token").(string)
	idt, err := prov.Verifier(&gooidc.Config{ClientID: "app", SupportedSigningAlgs: []string{gooidc.ES256}}).Verify(ctx, rawID)
	if err != nil {
		t.Fatalf("verify ID token: %v", err)
	}
	if idt.Nonce != nonce {
		t.Fatalf("nonce = %q, want %q", idt.Nonce, nonce)
	}
	if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
		t.Fatalf("at_hash over the opaque token: %v", err)
	}

	// Userinfo through go-oidc on the instance that minted it.
	ui, err := prov.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatalf("userinfo: %v", err)
	}
	if ui.Subject != idt.Subject || ui.Email != "alice@example.com" {
		t.Fatalf("userinfo = %+v", ui)
	}
	// Introspection on the other instance.
	intro := introspectOn(t, base(1), tok.AccessToken)
	if intro["active"] != true || intro["sub"] != idt.Subject || intro["client_id"] != "app" || intro["iss"] != base(0) ||
		intro["scope"] != "openid email offline_access" || intro["token_type"] != "Bearer" {
		t.Fatalf("introspection on instance 2: %v", intro)
	}
	// Revocation (RFC 7009) on the other instance ends it everywhere.
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base(1)+"/revoke", strings.NewReader(url.Values{"token": {tok.AccessToken}}.Encode()))
	must(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("app", "app-secret-0123456789")
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	if _, err := prov.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("userinfo after revocation: %v, want 401", err)
	}
	if got := introspectOn(t, base(0), tok.AccessToken); got["active"] != false {
		t.Fatalf("introspection after revocation: %v", got)
	}
}

// introspectOn introspects token on the instance at base as app.
func introspectOn(t *testing.T, base, token string) map[string]any {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/introspect", strings.NewReader(url.Values{"token": {token}}.Encode()))
	must(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("app", "app-secret-0123456789")
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	must(t, err)
	defer resp.Body.Close()
	var out map[string]any
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("introspect on %s: %d", base, resp.StatusCode)
	}
	must(t, json.NewDecoder(resp.Body).Decode(&out))
	return out
}
