package oidc

// One test per module of the OpenID Foundation's Config OP plan
// (oidcc-config-certification-test-plan), RP-Initiated Logout OP plan
// (oidcc-rp-initiated-logout-certification-test-plan), and the modules of
// the Dynamic OP plan that apply to statically registered code-flow clients.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"
)

// oidcc-discovery-endpoint-verification: the metadata has every required
// and recommended value, only registered names, and a usable JWKS.
func TestConformance_oidcc_discovery_endpoint_verification(t *testing.T) {
	e := newEnv(t)
	res := e.get(PathDiscovery)
	if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
		t.Fatalf("discovery: %d %s", res.status, res.header.Get("Content-Type"))
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(res.body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["issuer"] != e.p.Issuer() {
		t.Errorf("issuer = %v", doc["issuer"])
	}
	for _, ep := range []string{"authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri",
		"revocation_endpoint", "introspection_endpoint", "end_session_endpoint"} {
		if s, _ := doc[ep].(string); !strings.HasPrefix(s, e.p.Issuer()+"/") {
			t.Errorf("%s = %v", ep, doc[ep])
		}
	}
	contains := func(field string, want ...string) {
		t.Helper()
		list, ok := doc[field].([]any)
		if !ok {
			t.Errorf("%s is not an array: %v", field, doc[field])
			return
		}
		for _, w := range want {
			if !slices.Contains(list, any(w)) {
				t.Errorf("%s = %v lacks %q", field, list, w)
			}
		}
	}
	contains("response_types_supported", "code")
	contains("subject_types_supported", "public")
	contains("id_token_signing_alg_values_supported", "RS256", "ES256", "EdDSA")
	contains("scopes_supported", "openid", "profile", "email", "address", "phone", "offline_access")
	contains("grant_types_supported", "authorization_code", "refresh_token")
	contains("token_endpoint_auth_methods_supported", "client_secret_basic", "client_secret_post", "none")
	contains("code_challenge_methods_supported", "S256")
	contains("claims_supported", "sub", "iss", "auth_time", "email", "name", "groups", "department")
	contains("response_modes_supported", "query")
	if doc["code_challenge_methods_supported"].([]any)[0] != "S256" || len(doc["code_challenge_methods_supported"].([]any)) != 1 {
		t.Error("code challenge methods other than S256 advertised")
	}
	// request_uri_parameter_supported defaults to true, so it must be explicit.
	if v, ok := doc["request_uri_parameter_supported"]; !ok || v != false {
		t.Errorf("request_uri_parameter_supported = %v", v)
	}
	if doc["claims_parameter_supported"] != true || doc["authorization_response_iss_parameter_supported"] != true {
		t.Error("claims_parameter_supported / iss parameter not advertised")
	}
	registered := regexp.MustCompile(`^(issuer|[a-z_]+_(endpoint|supported|uri)|introspection_endpoint_auth_methods_supported)$`)
	for k := range maps.Keys(doc) {
		if !registered.MatchString(k) {
			t.Errorf("unexpected metadata field %q", k)
		}
	}
	locales, _ := doc["ui_locales_supported"].([]any)
	if !slices.Equal(locales, []any{"en", "fr"}) {
		t.Errorf("ui_locales_supported = %v", locales)
	}

	jwks := e.get(PathJWKS)
	if jwks.status != 200 || jwks.header.Get("Access-Control-Allow-Origin") != "" && jwks.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("jwks: %d", jwks.status)
	}
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal([]byte(jwks.body), &set); err != nil {
		t.Fatal(err)
	}
	if len(set.Keys) != 3 {
		t.Fatalf("%d keys published, want 3", len(set.Keys))
	}
	kids := map[string]bool{}
	for _, k := range set.Keys {
		for _, private := range []string{"d", "p", "q", "dp", "dq", "qi"} {
			if _, ok := k[private]; ok {
				t.Fatalf("private key material %q published", private)
			}
		}
		kid, _ := k["kid"].(string)
		if kid == "" || kids[kid] || k["use"] != "sig" || k["alg"] == nil {
			t.Errorf("bad key entry %v", k)
		}
		kids[kid] = true
	}
	// A real client library accepts the document (it checks the issuer).
	e.newRP("app")
}

// oidcc-rp-initiated-logout-discovery-endpoint-verification.
func TestConformance_oidcc_rp_initiated_logout_discovery_endpoint_verification(t *testing.T) {
	e := newEnv(t)
	var doc map[string]any
	if err := json.Unmarshal([]byte(e.get(PathDiscovery).body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["end_session_endpoint"] != e.p.Issuer()+PathEndSession {
		t.Fatalf("end_session_endpoint = %v", doc["end_session_endpoint"])
	}
	if res := e.get(PathEndSession); res.status != 200 {
		t.Fatalf("end_session_endpoint answers %d", res.status)
	}
}

// signedIn runs a flow for app (with offline_access) and returns its tokens.
func signedIn(t *testing.T, e *testEnv) *tokens {
	t.Helper()
	return e.newRP("app", "openid", "offline_access").flow("alice")
}

// wantSignedOut checks that prompt=none now fails, the refresh token is
// revoked and the upstream token was revoked.
func wantSignedOut(t *testing.T, e *testEnv, tok *tokens) {
	t.Helper()
	wantAuthError(t, e.authorize(authParams("app", "prompt", "none")), appRedirect, errLoginRequired, "state-app")
	wantTokenError(t, e.refresh("app", tok.oauth.RefreshToken), 400, errInvalidGrant)
	if e.userinfoStatus(tok.oauth.AccessToken) != 401 {
		t.Error("access token still accepted by userinfo after sign-out")
	}
	if !slices.Contains(e.up.revokedTokens(), "up-alice") {
		t.Error("the upstream refresh token was not revoked")
	}
}

// wantStillSignedIn checks that the SSO session survived.
func wantStillSignedIn(t *testing.T, e *testEnv) {
	t.Helper()
	res := e.authorize(authParams("app", "prompt", "none"))
	e.codeFrom(res, appRedirect, "state-app")
}

// endSession sends the browser to the end-session endpoint.
func (e *testEnv) endSession(params url.Values) result {
	e.t.Helper()
	return e.get(PathEndSession + "?" + params.Encode())
}

// confirmLogout submits the confirmation form the end-session endpoint showed.
func (e *testEnv) confirmLogout(page result) result {
	e.t.Helper()
	if page.status != 200 || !strings.Contains(page.body, `name="logout_confirm"`) {
		e.t.Fatalf("no confirmation form: %d %s", page.status, page.body)
	}
	form := url.Values{}
	for _, m := range regexp.MustCompile(`name="([^"]+)" value="([^"]*)"`).FindAllStringSubmatch(page.body, -1) {
		form.Set(m[1], htmlUnescape(m[2]))
	}
	return e.postForm(PathEndSession, form)
}

// htmlUnescape undoes html/template's attribute escaping of the values used here.
func htmlUnescape(s string) string {
	return strings.NewReplacer("&#43;", "+", "&#61;", "=", "&amp;", "&", "&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}

// oidcc-rp-initiated-logout: hint + registered URI + state → signed out and
// sent back with the state; prompt=none then fails.
func TestConformance_oidcc_rp_initiated_logout(t *testing.T) {
	e := newEnv(t)
	tok := signedIn(t, e)
	res := e.endSession(url.Values{"id_token_hint": {tok.raw}, "post_logout_redirect_uri": {appLogout}, "state": {"bye"}})
	if res.location == nil || res.location.String() != appLogout+"?state=bye" {
		t.Fatalf("went to %v (%d %s)", res.location, res.status, res.body)
	}
	wantSignedOut(t, e, tok)
}

// oidcc-rp-initiated-logout-bad-post-logout-redirect-uri: no redirect.
func TestConformance_oidcc_rp_initiated_logout_bad_post_logout_redirect_uri(t *testing.T) {
	e := newEnv(t)
	tok := signedIn(t, e)
	wantErrorPage(t, e.endSession(url.Values{"id_token_hint": {tok.raw}, "post_logout_redirect_uri": {"https://evil.example/"}, "state": {"s"}}))
	wantStillSignedIn(t, e)
}

// oidcc-rp-initiated-logout-modified-id-token-hint: alg changed to none.
func TestConformance_oidcc_rp_initiated_logout_modified_id_token_hint(t *testing.T) {
	e := newEnv(t)
	tok := signedIn(t, e)
	parts := strings.Split(tok.raw, ".")
	modified := encodeB64([]byte(`{"alg":"none"}`)) + "." + parts[1] + "."
	wantErrorPage(t, e.endSession(url.Values{"id_token_hint": {modified}, "post_logout_redirect_uri": {appLogout}, "state": {"s"}}))
	wantStillSignedIn(t, e)
}

// oidcc-rp-initiated-logout-no-id-token-hint: a post_logout_redirect_uri
// that cannot be tied to a client is refused without redirecting.
func TestConformance_oidcc_rp_initiated_logout_no_id_token_hint(t *testing.T) {
	e := newEnv(t)
	signedIn(t, e)
	wantErrorPage(t, e.endSession(url.Values{"post_logout_redirect_uri": {appLogout}, "state": {"s"}}))
	wantStillSignedIn(t, e)

	// With client_id (RP-Initiated Logout 1.0 §2) the person is asked first,
	// then sent back.
	page := e.endSession(url.Values{"client_id": {"app"}, "post_logout_redirect_uri": {appLogout}, "state": {"s"}})
	if page.location != nil {
		t.Fatalf("redirected without confirmation to %s", page.location)
	}
	if !strings.Contains(page.body, "The App asks you to sign out") {
		t.Errorf("confirmation page does not name the app: %s", page.body)
	}
	res := e.confirmLogout(page)
	if res.location == nil || res.location.String() != appLogout+"?state=s" {
		t.Fatalf("after confirmation went to %v", res.location)
	}
	wantAuthError(t, e.authorize(authParams("app", "prompt", "none")), appRedirect, errLoginRequired, "state-app")
}

// oidcc-rp-initiated-logout-no-params: the person confirms and is signed out.
func TestConformance_oidcc_rp_initiated_logout_no_params(t *testing.T) {
	e := newEnv(t)
	tok := signedIn(t, e)
	page := e.get(PathEndSession)
	wantStillSignedIn(t, e) // showing the question signs nobody out
	res := e.confirmLogout(page)
	if res.location != nil || res.status != 200 || !strings.Contains(res.body, "signed out") {
		t.Fatalf("after confirmation: %d %v %s", res.status, res.location, res.body)
	}
	wantSignedOut(t, e, tok)
}

// oidcc-rp-initiated-logout-no-post-logout-redirect-uri: a valid hint signs
// out at once and shows the signed-out page.
func TestConformance_oidcc_rp_initiated_logout_no_post_logout_redirect_uri(t *testing.T) {
	e := newEnv(t)
	tok := signedIn(t, e)
	res := e.endSession(url.Values{"id_token_hint": {tok.raw}, "state": {"s"}})
	if res.location != nil || res.status != 200 || !strings.Contains(res.body, "signed out") {
		t.Fatalf("got %d %v %s", res.status, res.location, res.body)
	}
	wantSignedOut(t, e, tok)
}

// oidcc-rp-initiated-logout-no-state: redirected without a state.
func TestConformance_oidcc_rp_initiated_logout_no_state(t *testing.T) {
	e := newEnv(t)
	tok := signedIn(t, e)
	res := e.endSession(url.Values{"id_token_hint": {tok.raw}, "post_logout_redirect_uri": {appLogout}})
	if res.location == nil || res.location.String() != appLogout {
		t.Fatalf("went to %v", res.location)
	}
	wantSignedOut(t, e, tok)
}

// oidcc-rp-initiated-logout-only-state: confirmation, then the signed-out page.
func TestConformance_oidcc_rp_initiated_logout_only_state(t *testing.T) {
	e := newEnv(t)
	tok := signedIn(t, e)
	page := e.endSession(url.Values{"state": {"s"}})
	res := e.confirmLogout(page)
	if res.location != nil || res.status != 200 {
		t.Fatalf("got %d %v", res.status, res.location)
	}
	wantSignedOut(t, e, tok)
}

// oidcc-rp-initiated-logout-query-added-to-post-logout-redirect-uri: exact match only.
func TestConformance_oidcc_rp_initiated_logout_query_added_to_post_logout_redirect_uri(t *testing.T) {
	e := newEnv(t)
	tok := signedIn(t, e)
	wantErrorPage(t, e.endSession(url.Values{"id_token_hint": {tok.raw}, "post_logout_redirect_uri": {appLogout + "?foo=bar"}, "state": {"s"}}))
	wantStillSignedIn(t, e)
}

// oidcc-rp-initiated-logout-bad-id-token-hint: a hint signed by someone else.
func TestConformance_oidcc_rp_initiated_logout_bad_id_token_hint(t *testing.T) {
	e := newEnv(t)
	tok := signedIn(t, e)
	var claims map[string]any
	parts := strings.Split(tok.raw, ".")
	payload, _ := decodeB64(parts[1])
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	foreign, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for name, key := range map[string]any{"foreign key": foreign, "own kid, foreign key": foreign} {
		kid := "suite-key"
		if strings.HasPrefix(name, "own kid") {
			kid = testKeys()[1].ID // the provider's ES256 kid
		}
		forged := signWith(t, jose.ES256, key, kid, claims)
		wantErrorPage(t, e.endSession(url.Values{"id_token_hint": {forged}, "post_logout_redirect_uri": {appLogout}, "state": {"s"}}))
		wantStillSignedIn(t, e)
	}
}

// signWith signs claims with an arbitrary key (a token this provider did not issue).
func signWith(t *testing.T, alg jose.SignatureAlgorithm, key any, kid string, claims any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: key, KeyID: kid}}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	s, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// --- Dynamic OP plan modules that apply to static code-flow clients ---

// oidcc-ensure-redirect-uri-in-authorization-request: without redirect_uri
// (the client has two registered) the person sees an error page.
func TestConformance_oidcc_ensure_redirect_uri_in_authorization_request(t *testing.T) {
	e := newEnv(t)
	params := authParams("app")
	params.Del("redirect_uri")
	wantErrorPage(t, e.authorize(params))
}

// queryClient registers a client whose redirect URI has a query.
func queryClient(cfg *Config) {
	cfg.Clients = append(cfg.Clients, Client{ID: "query", Secret: "query-secret", RedirectURIs: []string{"https://q.example/cb?foo=bar"}})
}

// oidcc-redirect-uri-query-OK: a registered query survives, with the
// response parameters added.
func TestConformance_oidcc_redirect_uri_query_OK(t *testing.T) {
	e := newEnv(t, queryClient)
	params := authParams("app")
	params.Set("client_id", "query")
	params.Set("redirect_uri", "https://q.example/cb?foo=bar")
	if !e.authorize(params).atSignIn() {
		t.Fatal("not at sign-in")
	}
	res := e.signIn("alice")
	if res.location == nil || res.location.Query().Get("foo") != "bar" || res.location.Query().Get("code") == "" {
		t.Fatalf("redirect %v", res.location)
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {res.location.Query().Get("code")}, "redirect_uri": {"https://q.example/cb?foo=bar"}}
	if tr := e.post(PathToken, form, "query", "query-secret"); tr.status != 200 {
		t.Fatalf("token: %s", tr.raw)
	}
}

// oidcc-redirect-uri-query-mismatch: a different query is not registered.
func TestConformance_oidcc_redirect_uri_query_mismatch(t *testing.T) {
	e := newEnv(t, queryClient)
	params := authParams("app")
	params.Set("client_id", "query")
	params.Set("redirect_uri", "https://q.example/cb?foo=baz")
	wantErrorPage(t, e.authorize(params))
}

// oidcc-redirect-uri-query-added: a query added to a registered URI is not registered.
func TestConformance_oidcc_redirect_uri_query_added(t *testing.T) {
	e := newEnv(t)
	params := authParams("app")
	params.Set("redirect_uri", appRedirect+"?foo=bar")
	wantErrorPage(t, e.authorize(params))
}

// oidcc-idtoken-rs256: an RS256 client gets RS256 ID tokens (the other
// algorithms are covered by TestSigningAlgorithmsPerClient).
func TestConformance_oidcc_idtoken_rs256(t *testing.T) {
	e := newEnv(t)
	tok := e.newRP("app").flow("alice")
	if _, err := jose.ParseSignedCompact(tok.raw, []jose.SignatureAlgorithm{jose.RS256}); err != nil {
		t.Fatal(err)
	}
}

// oidcc-server-rotate-keys: adding a key publishes it next to the old one;
// the new key signs; tokens signed by the old key stay valid.
func TestConformance_oidcc_server_rotate_keys(t *testing.T) {
	oldKey := testKeys()[0]
	e1 := newEnv(t, func(c *Config) {
		c.Keys = []SigningKey{oldKey}
		c.Clients = slices.DeleteFunc(c.Clients, func(cl Client) bool { return cl.SigningAlg != "" })
	})
	oldToken := e1.newRP("app").flow("alice")

	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	newKey, err := newSigningKey(rsaKey)
	if err != nil {
		t.Fatal(err)
	}
	// The same deployment restarted with the new key added (same issuer and store).
	cfg := e1.cfg
	cfg.Keys = []SigningKey{oldKey, newKey}
	p2, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e1.setProvider(p2)

	var set jose.JSONWebKeySet
	if err := json.Unmarshal([]byte(e1.get(PathJWKS).body), &set); err != nil {
		t.Fatal(err)
	}
	if len(set.Key(oldKey.ID)) != 1 || len(set.Key(newKey.ID)) != 1 {
		t.Fatalf("JWKS after rotation has %d keys; old present %v, new present %v", len(set.Keys), len(set.Key(oldKey.ID)) == 1, len(set.Key(newKey.ID)) == 1)
	}
	newToken := e1.newRP("app").flow("alice", oauth2.SetAuthURLParam("prompt", "login"))
	jws, err := jose.ParseSignedCompact(newToken.raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || jws.Signatures[0].Header.KeyID != newKey.ID {
		t.Fatalf("new tokens not signed by the new key: %v", err)
	}
	// A token signed with the old key is still accepted as a hint.
	res := e1.authorize(authParams("app", "prompt", "none", "id_token_hint", oldToken.raw))
	e1.codeFrom(res, appRedirect, "state-app")
}
