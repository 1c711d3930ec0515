package oidc

// One test per module of the OpenID Foundation's Basic OP certification
// plan (oidcc-basic-certification-test-plan, response_type=code). Each test
// is named after its module: TestConformance_<module, dashes as underscores>.
// docs/conformance.md lists them with their status.

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"
)

// oidcc-server: the happy flow with client_secret_basic; the ID token is
// checked by go-oidc (signature, iss, aud, exp, nonce) and at_hash.
func TestConformance_oidcc_server(t *testing.T) {
	e := newEnv(t)
	c := e.newRP("app")
	tok := c.flow("alice")
	if tok.oauth.TokenType != "Bearer" {
		t.Errorf("token_type = %q", tok.oauth.TokenType)
	}
	if tok.oauth.Expiry.IsZero() {
		t.Error("no expires_in")
	}
	cl := tok.claims
	if cl["sub"] != "sub-alice" || cl["aud"] != "app" || cl["iss"] != e.p.Issuer() {
		t.Errorf("sub/aud/iss = %v/%v/%v", cl["sub"], cl["aud"], cl["iss"])
	}
	iat, exp := cl["iat"].(float64), cl["exp"].(float64)
	if iat != float64(e.clock.Now().Unix()) || exp-iat != DefaultIDTokenTTL.Seconds() {
		t.Errorf("iat %v exp %v", iat, exp)
	}
	if cl["auth_time"] != float64(e.clock.Now().Unix()) {
		t.Errorf("auth_time = %v", cl["auth_time"])
	}
	if sid, _ := cl["sid"].(string); sid == "" {
		t.Error("no sid")
	}
	if amr, _ := cl["amr"].([]any); len(amr) != 1 || amr[0] != "pwd" {
		t.Errorf("amr = %v", cl["amr"])
	}
	if _, ok := cl["email"]; ok {
		t.Error("email released without the email scope")
	}
	ui, err := c.userinfo(tok.oauth)
	if err != nil {
		t.Fatal(err)
	}
	if ui["sub"] != "sub-alice" {
		t.Errorf("userinfo sub = %v", ui["sub"])
	}
}

// oidcc-response-type-missing: an error goes back to the client.
func TestConformance_oidcc_response_type_missing(t *testing.T) {
	e := newEnv(t)
	params := authParams("app")
	params.Del("response_type")
	wantAuthError(t, e.authorize(params), appRedirect, errInvalidRequest, "state-app")

	params.Set("response_type", "id_token")
	wantAuthError(t, e.authorize(params), appRedirect, errUnsupportedResponseType, "state-app")
}

// oidcc-idtoken-signature: with no algorithm requested the ID token is
// RS256, with a kid that is in the JWKS.
func TestConformance_oidcc_idtoken_signature(t *testing.T) {
	e := newEnv(t)
	tok := e.newRP("app").flow("alice")
	jws, err := jose.ParseSignedCompact(tok.raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatalf("ID token is not RS256: %v", err)
	}
	kid := jws.Signatures[0].Header.KeyID
	var set jose.JSONWebKeySet
	res := e.get(PathJWKS)
	if err := json.Unmarshal([]byte(res.body), &set); err != nil {
		t.Fatal(err)
	}
	keys := set.Key(kid)
	if len(keys) != 1 {
		t.Fatalf("kid %q found %d times in JWKS", kid, len(keys))
	}
	if _, err := jws.Verify(keys[0].Key); err != nil {
		t.Fatalf("ID token does not verify with the published key: %v", err)
	}
	if typ := jws.Signatures[0].Header.ExtraHeaders[jose.HeaderType]; typ != "JWT" {
		t.Errorf("typ = %v", typ)
	}
}

// oidcc-idtoken-unsigned: not applicable — the suite skips it because
// "none" is not advertised. The provider never signs with "none".
func TestConformance_oidcc_idtoken_unsigned(t *testing.T) {
	e := newEnv(t)
	var doc map[string]any
	if err := json.Unmarshal([]byte(e.get(PathDiscovery).body), &doc); err != nil {
		t.Fatal(err)
	}
	for _, a := range doc["id_token_signing_alg_values_supported"].([]any) {
		if a == "none" {
			t.Fatal(`"none" advertised`)
		}
	}
	cfg := e.cfg
	cfg.Clients = []Client{{ID: "x", Secret: "s", SigningAlg: "none", RedirectURIs: []string{"https://x.example/cb"}}}
	if _, err := New(cfg); err == nil {
		t.Fatal(`a client with SigningAlg "none" was accepted`)
	}
}

// userinfoRequest obtains tokens for alice with the given scopes.
func userinfoTokens(t *testing.T, e *testEnv, scopes ...string) *tokens {
	t.Helper()
	return e.newRP("app", scopes...).flow("alice")
}

// oidcc-userinfo-get: bearer header, GET.
func TestConformance_oidcc_userinfo_get(t *testing.T) {
	e := newEnv(t)
	tok := userinfoTokens(t, e, "openid")
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+PathUserInfo, nil)
	req.Header.Set("Authorization", "Bearer "+tok.oauth.AccessToken)
	res := e.send(req)
	if res.status != 200 || res.body["sub"] != tok.claims["sub"] {
		t.Fatalf("userinfo: %d %s", res.status, res.raw)
	}
	if res.header.Get("Content-Type") != "application/json" {
		t.Errorf("Content-Type = %q", res.header.Get("Content-Type"))
	}
}

// oidcc-userinfo-post-header: bearer header, POST.
func TestConformance_oidcc_userinfo_post_header(t *testing.T) {
	e := newEnv(t)
	tok := userinfoTokens(t, e, "openid")
	res := e.post(PathUserInfo, url.Values{}, "", "", "Authorization", "Bearer "+tok.oauth.AccessToken)
	if res.status != 200 || res.body["sub"] != "sub-alice" {
		t.Fatalf("userinfo: %d %s", res.status, res.raw)
	}
}

// oidcc-userinfo-post-body: the access token in a form body.
func TestConformance_oidcc_userinfo_post_body(t *testing.T) {
	e := newEnv(t)
	tok := userinfoTokens(t, e, "openid")
	res := e.post(PathUserInfo, url.Values{"access_token": {tok.oauth.AccessToken}}, "", "")
	if res.status != 200 || res.body["sub"] != "sub-alice" {
		t.Fatalf("userinfo: %d %s", res.status, res.raw)
	}
}

// oidcc-ensure-request-without-nonce-succeeds-for-code-flow.
func TestConformance_oidcc_ensure_request_without_nonce_succeeds_for_code_flow(t *testing.T) {
	e := newEnv(t)
	c := e.newRP("app")
	params := c.authParams("s1", "")
	if params.Has("nonce") {
		t.Fatal("test setup: nonce present")
	}
	code := e.login(params, "alice")
	tok := c.exchange(code, "")
	if _, ok := tok.claims["nonce"]; ok {
		t.Error("ID token has a nonce nobody asked for")
	}
}

// scopeClaimsTest runs a flow with scopes and checks the userinfo claims
// (and that the same claims are in the ID token).
func scopeClaimsTest(t *testing.T, scopes []string, want map[string]any, absent ...string) {
	t.Helper()
	e := newEnv(t)
	c := e.newRP("app", scopes...)
	tok := c.flow("alice")
	ui, err := c.userinfo(tok.oauth)
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range want {
		got, _ := json.Marshal(ui[name])
		exp, _ := json.Marshal(v)
		if string(got) != string(exp) {
			t.Errorf("userinfo %s = %s, want %s", name, got, exp)
		}
		idGot, _ := json.Marshal(tok.claims[name])
		if string(idGot) != string(exp) {
			t.Errorf("ID token %s = %s, want %s", name, idGot, exp)
		}
	}
	for _, name := range absent {
		if _, ok := ui[name]; ok {
			t.Errorf("userinfo has %s, which the scopes do not release", name)
		}
	}
	if !strings.Contains(" "+tok.oauth.Extra("scope").(string)+" ", " "+scopes[len(scopes)-1]+" ") {
		t.Errorf("granted scope %q lacks %q", tok.oauth.Extra("scope"), scopes[len(scopes)-1])
	}
}

// oidcc-scope-profile.
func TestConformance_oidcc_scope_profile(t *testing.T) {
	scopeClaimsTest(t, []string{"openid", "profile"}, map[string]any{
		"name": "Alice Liddell", "given_name": "Alice", "family_name": "Liddell",
		"preferred_username": "alice", "updated_at": 1700000000, "department": "engineering", "level": 7,
	}, "email", "phone_number", "address", "groups")
}

// oidcc-scope-email.
func TestConformance_oidcc_scope_email(t *testing.T) {
	scopeClaimsTest(t, []string{"openid", "email"}, map[string]any{
		"email": "alice@example.com", "email_verified": true,
	}, "name", "phone_number", "address")
}

// oidcc-scope-address.
func TestConformance_oidcc_scope_address(t *testing.T) {
	scopeClaimsTest(t, []string{"openid", "address"}, map[string]any{
		"address": map[string]any{"formatted": "1 Rabbit Hole, Wonderland"},
	}, "name", "email")
}

// oidcc-scope-phone.
func TestConformance_oidcc_scope_phone(t *testing.T) {
	scopeClaimsTest(t, []string{"openid", "phone"}, map[string]any{
		"phone_number": "+15550100", "phone_number_verified": false,
	}, "name", "email")
}

// oidcc-scope-all.
func TestConformance_oidcc_scope_all(t *testing.T) {
	scopeClaimsTest(t, []string{"openid", "profile", "email", "address", "phone", "groups"}, map[string]any{
		"name": "Alice Liddell", "email": "alice@example.com", "phone_number": "+15550100",
		"address": map[string]any{"formatted": "1 Rabbit Hole, Wonderland"}, "groups": []string{"admins", "readers"},
	})
}

// oidcc-alternate-happy-flow: reversed scope order and reordered query
// parameters make no difference.
func TestConformance_oidcc_alternate_happy_flow(t *testing.T) {
	e := newEnv(t)
	c := e.newRP("app", "email", "profile", "openid")
	verifier := oauth2.GenerateVerifier()
	sum := oauth2.S256ChallengeFromVerifier(verifier)
	raw := "nonce=n1&scope=" + url.QueryEscape("email profile openid") + "&state=s1&code_challenge_method=S256" +
		"&redirect_uri=" + url.QueryEscape(appRedirect) + "&code_challenge=" + sum + "&response_type=code&client_id=app"
	res := e.get(PathAuthorize + "?" + raw)
	if !res.atSignIn() {
		t.Fatalf("not at sign-in: %d %s", res.status, res.url)
	}
	code := e.codeFrom(e.signIn("alice"), appRedirect, "s1")
	tok := c.exchange(code, "n1", oauth2.VerifierOption(verifier))
	if tok.claims["email"] != "alice@example.com" || tok.claims["name"] != "Alice Liddell" {
		t.Errorf("claims: %v", tok.claims)
	}
	if got := tok.oauth.Extra("scope"); got != "email profile openid" {
		t.Errorf("scope = %v", got)
	}
}

// displayTest checks that a display value does not cause an error and the
// login page is shown.
func displayTest(t *testing.T, display string) {
	e := newEnv(t)
	c := e.newRP("app")
	params := c.authParams("s", "n", oauth2.SetAuthURLParam("display", display))
	res := e.authorize(params)
	if !res.atSignIn() {
		t.Fatalf("display=%s: not at sign-in (%d %s)", display, res.status, res.url)
	}
	c.exchange(e.codeFrom(e.signIn("alice"), appRedirect, "s"), "n")
}

// oidcc-display-page.
func TestConformance_oidcc_display_page(t *testing.T) { displayTest(t, "page") }

// oidcc-display-popup.
func TestConformance_oidcc_display_popup(t *testing.T) { displayTest(t, "popup") }

// oidcc-prompt-login: a second request with prompt=login asks again, and
// the new auth_time is later.
func TestConformance_oidcc_prompt_login(t *testing.T) {
	e := newEnv(t)
	c := e.newRP("app")
	first := c.flow("alice")
	e.clock.Advance(5 * time.Second)
	params := c.authParams("s2", "n2", oauth2.SetAuthURLParam("prompt", "login"))
	res := e.authorize(params)
	if !res.atSignIn() {
		t.Fatalf("prompt=login did not ask to sign in: %d %s", res.status, res.url)
	}
	if !e.lastStartLogin().ForceLogin() {
		t.Error("parked request does not say a fresh sign-in is required")
	}
	second := c.exchange(e.codeFrom(e.signIn("alice"), appRedirect, "s2"), "n2")
	if second.claims["auth_time"].(float64) <= first.claims["auth_time"].(float64) {
		t.Errorf("auth_time %v not after %v", second.claims["auth_time"], first.claims["auth_time"])
	}
	if second.claims["sid"] != first.claims["sid"] {
		t.Error("re-authentication of the same person started a new session")
	}
}

// oidcc-prompt-none-not-logged-in: login_required, without showing a page.
func TestConformance_oidcc_prompt_none_not_logged_in(t *testing.T) {
	e := newEnv(t)
	params := authParams("app", "prompt", "none")
	wantAuthError(t, e.authorize(params), appRedirect, errLoginRequired, "state-app")
	if e.lastStartLogin() != nil {
		t.Error("prompt=none started a sign-in")
	}
}

// oidcc-prompt-none-logged-in: a code without interaction, same sub and auth_time.
func TestConformance_oidcc_prompt_none_logged_in(t *testing.T) {
	e := newEnv(t)
	c := e.newRP("app")
	first := c.flow("alice")
	e.clock.Advance(3 * time.Second)
	res := e.authorize(c.authParams("s2", "n2", oauth2.SetAuthURLParam("prompt", "none")))
	second := c.exchange(e.codeFrom(res, appRedirect, "s2"), "n2")
	if second.claims["sub"] != first.claims["sub"] || second.claims["auth_time"] != first.claims["auth_time"] {
		t.Errorf("sub/auth_time changed: %v/%v vs %v/%v", second.claims["sub"], second.claims["auth_time"], first.claims["sub"], first.claims["auth_time"])
	}
}

// oidcc-max-age-1: after more than a second, max_age=1 asks again.
func TestConformance_oidcc_max_age_1(t *testing.T) {
	e := newEnv(t)
	c := e.newRP("app")
	first := c.flow("alice")
	e.clock.Advance(time.Second)
	res := e.authorize(c.authParams("s2", "n2", oauth2.SetAuthURLParam("max_age", "1")))
	if !res.atSignIn() {
		t.Fatalf("max_age=1 did not ask to sign in: %d %s", res.status, res.url)
	}
	second := c.exchange(e.codeFrom(e.signIn("alice"), appRedirect, "s2"), "n2")
	at, ok := second.claims["auth_time"].(float64)
	if !ok || at <= first.claims["auth_time"].(float64) {
		t.Errorf("auth_time %v not after %v", second.claims["auth_time"], first.claims["auth_time"])
	}
}

// oidcc-max-age-10000: a recent session satisfies max_age=10000.
func TestConformance_oidcc_max_age_10000(t *testing.T) {
	e := newEnv(t)
	c := e.newRP("app")
	first := c.flow("alice", oauth2.SetAuthURLParam("max_age", "15000"))
	// A huge max_age is no constraint at all (and must not overflow).
	res := e.authorize(c.authParams("s1", "n1", oauth2.SetAuthURLParam("max_age", "9223372036854775807")))
	e.codeFrom(res, appRedirect, "s1")
	e.clock.Advance(time.Minute)
	res = e.authorize(c.authParams("s2", "n2", oauth2.SetAuthURLParam("max_age", "10000")))
	second := c.exchange(e.codeFrom(res, appRedirect, "s2"), "n2")
	if second.claims["sub"] != first.claims["sub"] || second.claims["auth_time"] != first.claims["auth_time"] {
		t.Errorf("sub/auth_time changed")
	}
}

// oidcc-ensure-request-with-unknown-parameter-succeeds.
func TestConformance_oidcc_ensure_request_with_unknown_parameter_succeeds(t *testing.T) {
	e := newEnv(t)
	c := e.newRP("app")
	c.flow("alice", oauth2.SetAuthURLParam("extra", "foobar"))
}

// oidcc-id-token-hint: prompt=none with the first ID token as hint succeeds
// at once, for the same sub and auth_time.
func TestConformance_oidcc_id_token_hint(t *testing.T) {
	e := newEnv(t)
	c := e.newRP("app")
	first := c.flow("alice")
	e.clock.Advance(2 * time.Second)
	res := e.authorize(c.authParams("s2", "n2", oauth2.SetAuthURLParam("prompt", "none"), oauth2.SetAuthURLParam("id_token_hint", first.raw)))
	second := c.exchange(e.codeFrom(res, appRedirect, "s2"), "n2")
	if second.claims["sub"] != first.claims["sub"] || second.claims["auth_time"] != first.claims["auth_time"] {
		t.Errorf("sub/auth_time changed")
	}
}

// oidcc-login-hint: the hint reaches the sign-in page, no error.
func TestConformance_oidcc_login_hint(t *testing.T) {
	e := newEnv(t)
	c := e.newRP("app")
	res := e.authorize(c.authParams("s", "n", oauth2.SetAuthURLParam("login_hint", "alice@example.com")))
	if !res.atSignIn() {
		t.Fatalf("not at sign-in: %d", res.status)
	}
	if got := e.lastStartLogin().LoginHint; got != "alice@example.com" {
		t.Errorf("LoginHint = %q", got)
	}
	c.exchange(e.codeFrom(e.signIn("alice"), appRedirect, "s"), "n")
}

// oidcc-ui-locales: the locales reach the sign-in page, no error.
func TestConformance_oidcc_ui_locales(t *testing.T) {
	e := newEnv(t)
	c := e.newRP("app")
	res := e.authorize(c.authParams("s", "n", oauth2.SetAuthURLParam("ui_locales", "se fr-CA fr")))
	if !res.atSignIn() {
		t.Fatalf("not at sign-in: %d", res.status)
	}
	if got := e.lastStartLogin().UILocales; !slices.Equal(got, []string{"se", "fr-CA", "fr"}) {
		t.Errorf("UILocales = %q", got)
	}
	c.exchange(e.codeFrom(e.signIn("alice"), appRedirect, "s"), "n")
}

// oidcc-claims-locales: accepted and ignored.
func TestConformance_oidcc_claims_locales(t *testing.T) {
	e := newEnv(t)
	e.newRP("app").flow("alice", oauth2.SetAuthURLParam("claims_locales", "se"))
}

// oidcc-ensure-request-with-acr-values-succeeds: acr_values do not cause an
// error (no acr claim is returned: the suite warns, which does not fail).
func TestConformance_oidcc_ensure_request_with_acr_values_succeeds(t *testing.T) {
	e := newEnv(t)
	e.newRP("app").flow("alice", oauth2.SetAuthURLParam("acr_values", "1 2"))
}

// oidcc-codereuse: a second use of a code is invalid_grant.
func TestConformance_oidcc_codereuse(t *testing.T) {
	e := newEnv(t)
	code := e.login(authParams("app"), "alice")
	if res := e.redeem("app", code, appRedirect); res.status != 200 {
		t.Fatalf("first use: %d %s", res.status, res.raw)
	}
	wantTokenError(t, e.redeem("app", code, appRedirect), 400, errInvalidGrant)
}

// oidcc-codereuse-30seconds: reuse after 30 s is invalid_grant and revokes
// the access (and refresh) token the first use issued.
func TestConformance_oidcc_codereuse_30seconds(t *testing.T) {
	e := newEnv(t)
	code := e.login(authParams("app", "scope", "openid offline_access"), "alice")
	first := e.redeem("app", code, appRedirect)
	if first.status != 200 {
		t.Fatalf("first use: %d %s", first.status, first.raw)
	}
	at, rt := first.body["access_token"].(string), first.body["refresh_token"].(string)
	if e.userinfoStatus(at) != 200 {
		t.Fatal("fresh access token refused")
	}
	e.clock.Advance(30 * time.Second)
	wantTokenError(t, e.redeem("app", code, appRedirect), 400, errInvalidGrant)
	if got := e.userinfoStatus(at); got != 401 {
		t.Errorf("access token from the reused code still works: %d", got)
	}
	wantTokenError(t, e.refresh("app", rt), 400, errInvalidGrant)
}

// oidcc-ensure-registered-redirect-uri: an unregistered redirect URI is an
// error page, never a redirect.
func TestConformance_oidcc_ensure_registered_redirect_uri(t *testing.T) {
	e := newEnv(t)
	params := authParams("app")
	params.Set("redirect_uri", "https://app.example/callback/evil")
	wantErrorPage(t, e.authorize(params))
	if e.lastStartLogin() != nil {
		t.Error("sign-in started for an unregistered redirect URI")
	}
}

// oidcc-ensure-post-request-succeeds: the authorization request as a form POST.
func TestConformance_oidcc_ensure_post_request_succeeds(t *testing.T) {
	e := newEnv(t)
	c := e.newRP("app")
	res := e.postForm(PathAuthorize, c.authParams("s", "n"))
	if !res.atSignIn() {
		t.Fatalf("not at sign-in: %d %s", res.status, res.body)
	}
	c.exchange(e.codeFrom(e.signIn("alice"), appRedirect, "s"), "n")

	// And with a session, the POST answers at once.
	res = e.postForm(PathAuthorize, c.authParams("s2", "n2"))
	c.exchange(e.codeFrom(res, appRedirect, "s2"), "n2")
}

// oidcc-server-client-secret-post: client_secret_post, and the token
// response headers (no caching, JSON).
func TestConformance_oidcc_server_client_secret_post(t *testing.T) {
	e := newEnv(t)
	code := e.login(authParams("app"), "alice")
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {appRedirect},
		"client_id": {"app"}, "client_secret": {"app-secret"}}
	res := e.post(PathToken, form, "", "")
	if res.status != 200 {
		t.Fatalf("token: %d %s", res.status, res.raw)
	}
	if res.header.Get("Cache-Control") != "no-store" || res.header.Get("Pragma") != "no-cache" {
		t.Errorf("cache headers: %v", res.header)
	}
	if res.header.Get("Content-Type") != "application/json" {
		t.Errorf("Content-Type = %q", res.header.Get("Content-Type"))
	}
	if res.body["token_type"] != "Bearer" || res.body["expires_in"] != float64(3600) || res.body["id_token"] == nil {
		t.Errorf("body: %s", res.raw)
	}
	if _, ok := res.body["refresh_token"]; ok {
		t.Error("refresh token issued without offline_access")
	}
}

// oidcc-request-uri-unsigned-supported-correctly-or-rejected-as-unsupported:
// rejected with request_uri_not_supported (the suite skips it, as "none" is
// not in request_object_signing_alg_values_supported).
func TestConformance_oidcc_request_uri_unsigned_supported_correctly_or_rejected_as_unsupported(t *testing.T) {
	e := newEnv(t)
	params := authParams("app", "request_uri", "https://app.example/request.jwt")
	wantAuthError(t, e.authorize(params), appRedirect, errRequestURINotSupported, "state-app")
}

// unsignedRequestObject builds an alg=none request object.
func unsignedRequestObject(claims map[string]any) string {
	header := encodeB64([]byte(`{"alg":"none"}`))
	body, _ := json.Marshal(claims)
	return header + "." + encodeB64(body) + "."
}

// oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported:
// rejected with request_not_supported.
func TestConformance_oidcc_unsigned_request_object_supported_correctly_or_rejected_as_unsupported(t *testing.T) {
	e := newEnv(t)
	obj := unsignedRequestObject(map[string]any{"client_id": "app", "response_type": "code", "scope": "openid", "redirect_uri": appRedirect})
	wantAuthError(t, e.authorize(authParams("app", "request", obj)), appRedirect, errRequestNotSupported, "state-app")
}

// oidcc-claims-essential: the claims parameter asks for name in userinfo;
// the request succeeds and name is returned (only where asked for, and only
// to a client allowed the profile scope).
func TestConformance_oidcc_claims_essential(t *testing.T) {
	e := newEnv(t)
	c := e.newRP("app")
	tok := c.flow("alice", oauth2.SetAuthURLParam("claims", `{"userinfo":{"name":{"essential":true}}}`))
	ui, err := c.userinfo(tok.oauth)
	if err != nil {
		t.Fatal(err)
	}
	if ui["name"] != "Alice Liddell" {
		t.Errorf("userinfo name = %v", ui["name"])
	}
	if _, ok := tok.claims["name"]; ok {
		t.Error("name in the ID token, but it was requested for userinfo only")
	}
	if _, ok := ui["email"]; ok {
		t.Error("email released without being requested")
	}

	limited := e.newRP("limited")
	tok = limited.flow("alice", oauth2.SetAuthURLParam("claims", `{"userinfo":{"name":{"essential":true}},"id_token":{"email":null}}`))
	ui, err = limited.userinfo(tok.oauth)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ui["name"]; ok {
		t.Error("name released to a client not allowed the profile scope")
	}
	if tok.claims["email"] != "alice@example.com" {
		t.Errorf("requested ID token claim email = %v", tok.claims["email"])
	}

	params := authParams("app", "claims", `{"userinfo":`)
	wantAuthError(t, e.authorize(params), appRedirect, errInvalidRequest, "state-app")
}

// oidcc-ensure-request-object-with-redirect-uri: request objects are not
// supported, so the error goes to the redirect_uri of the query, never to
// one inside the object.
func TestConformance_oidcc_ensure_request_object_with_redirect_uri(t *testing.T) {
	e := newEnv(t)
	obj := unsignedRequestObject(map[string]any{"client_id": "app", "redirect_uri": "https://app.example/other"})
	wantAuthError(t, e.authorize(authParams("app", "request", obj)), appRedirect, errRequestNotSupported, "state-app")
}

// oidcc-refresh-token: refresh works, rotates, keeps the ID token claims
// consistent, and is bound to its client.
func TestConformance_oidcc_refresh_token(t *testing.T) {
	e := newEnv(t)
	c := e.newRP("app", "openid", "offline_access")
	first := c.flow("alice", oauth2.SetAuthURLParam("prompt", "consent"))
	rt := first.oauth.RefreshToken
	if rt == "" {
		t.Fatal("no refresh token for offline_access")
	}
	if len(rt) < 43 || strings.Trim(rt, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") != "" {
		t.Errorf("refresh token %d chars, unexpected characters", len(rt))
	}
	e.clock.Advance(2 * time.Second)
	res := e.refresh("app", rt)
	if res.status != 200 {
		t.Fatalf("refresh: %d %s", res.status, res.raw)
	}
	if res.header.Get("Cache-Control") != "no-store" {
		t.Error("refresh response may be cached")
	}
	newRT, _ := res.body["refresh_token"].(string)
	if newRT == "" || newRT == rt {
		t.Fatal("refresh token not rotated")
	}
	if res.body["access_token"] == first.oauth.AccessToken {
		t.Error("same access token again")
	}
	second := c.verify((&oauth2.Token{AccessToken: res.body["access_token"].(string)}).WithExtra(res.body), "")
	for _, claim := range []string{"iss", "sub", "aud", "auth_time"} {
		if second.claims[claim] != first.claims[claim] {
			t.Errorf("%s changed on refresh: %v → %v", claim, first.claims[claim], second.claims[claim])
		}
	}
	if second.claims["iat"].(float64) <= first.claims["iat"].(float64) {
		t.Error("iat of the refreshed ID token is not new")
	}
	if _, ok := second.claims["nonce"]; ok {
		t.Error("refreshed ID token has a nonce")
	}
	if _, ok := second.claims["azp"]; ok {
		t.Error("azp appeared")
	}
	if e.userinfoStatus(res.body["access_token"].(string)) != 200 {
		t.Error("refreshed access token refused by userinfo")
	}

	// A second client's refresh token is useless to the first.
	other := e.newRP("app2", "openid", "offline_access").flow("alice")
	wantTokenError(t, e.refresh("app", other.oauth.RefreshToken), 400, errInvalidGrant)
	if res := e.refresh("app2", other.oauth.RefreshToken); res.status != 200 {
		t.Fatalf("the refresh token stopped working for its own client after a foreign attempt: %s", res.raw)
	}
}

// oidcc-ensure-request-with-valid-pkce-succeeds: PKCE from a confidential client.
func TestConformance_oidcc_ensure_request_with_valid_pkce_succeeds(t *testing.T) {
	e := newEnv(t)
	c := e.newRP("app")
	verifier := oauth2.GenerateVerifier()
	code := e.login(c.authParams("s", "n", oauth2.S256ChallengeOption(verifier)), "alice")
	c.exchange(code, "n", oauth2.VerifierOption(verifier))
}
