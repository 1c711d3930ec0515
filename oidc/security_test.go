package oidc

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
	jose "github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"
)

// Open redirects: only registered redirect URIs, exactly; the loopback rule
// only for public clients and only for IP literals.
func TestSecurity_OpenRedirect(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.Clients = append(c.Clients, Client{ID: "confloop", Secret: "s", RedirectURIs: []string{"http://127.0.0.1/cb"}})
	})
	tests := []struct {
		client, redirect string
		ok               bool
	}{
		{"app", appRedirect, true},
		{"app", "https://app.example/callback/", false},
		{"app", "https://app.example/callbackx", false},
		{"app", "https://app.example/Callback", false},
		{"app", "HTTPS://APP.EXAMPLE/callback", false},
		{"app", "http://app.example/callback", false},
		{"app", "https://app.example:8443/callback", false},
		{"app", "https://app.example.evil.example/callback", false},
		{"app", "https://app.example@evil.example/callback", false},
		{"app", "https://evil.example/?https://app.example/callback", false},
		{"app", "https://app.example/callback#frag", false},
		{"app", "https://app.example/callback?x=1", false},
		{"app", "https://app.example/%63allback", false},
		{"app", "//evil.example/callback", false},
		{"app2", appRedirect, false}, // another client's URI
		{"spa", "http://127.0.0.1:51234/callback", true},
		{"spa", "http://127.0.0.1/callback", true},
		{"spa", "http://[::1]:8080/callback", true},
		{"spa", "http://localhost:51234/callback", false},
		{"spa", "https://127.0.0.1:51234/callback", false},
		{"spa", "http://127.0.0.1:51234/callback/x", false},
		{"spa", "http://127.0.0.1:51234/callback?x=1", false},
		{"spa", "http://user@127.0.0.1:51234/callback", false},
		{"spa", "http://127.0.0.2:51234/callback", false},
		{"spa", "http://127.0.0.1:99999/callback", false},
		{"confloop", "http://127.0.0.1/cb", true},
		{"confloop", "http://127.0.0.1:8080/cb", false}, // no port freedom for confidential clients
	}
	for _, tt := range tests {
		t.Run(tt.client+" "+tt.redirect, func(t *testing.T) {
			params := authParams("app", "client_id", tt.client, "redirect_uri", tt.redirect,
				"code_challenge", oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier()), "code_challenge_method", "S256",
				"prompt", "none")
			res := e.authorize(params)
			if !tt.ok {
				wantErrorPage(t, res)
				return
			}
			// prompt=none without a session: login_required, sent to the URI as given.
			wantAuthError(t, res, tt.redirect, errLoginRequired, "state-app")
		})
	}
	// An unknown client is an error page even when everything else is fine.
	wantErrorPage(t, e.authorize(authParams("app", "client_id", "nobody")))
}

// The loopback rule works end to end for a native app with a random port.
func TestSecurity_LoopbackNativeClient(t *testing.T) {
	e := newEnv(t)
	verifier := oauth2.GenerateVerifier()
	redirect := "http://127.0.0.1:49152/callback"
	params := authParams("spa", "redirect_uri", redirect, "code_challenge", oauth2.S256ChallengeFromVerifier(verifier), "code_challenge_method", "S256")
	code := e.login(params, "alice")
	wantTokenError(t, e.redeem("spa", code, "http://127.0.0.1:49153/callback", "code_verifier", verifier), 400, errInvalidGrant)
	if res := e.redeem("spa", code, redirect, "code_verifier", verifier); res.status != 200 {
		t.Fatalf("token: %s", res.raw)
	}
}

// Code replay: concurrent redemptions yield one success; a replay revokes it.
func TestSecurity_CodeReplay(t *testing.T) {
	e := newEnv(t)
	code := e.login(authParams("app", "scope", "openid offline_access"), "alice")
	const n = 8
	results := make([]apiResponse, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { results[i] = e.redeem("app", code, appRedirect) })
	}
	wg.Wait()
	var ok []apiResponse
	for _, r := range results {
		if r.status == 200 {
			ok = append(ok, r)
		} else if r.body["error"] != errInvalidGrant {
			t.Errorf("unexpected answer %d %s", r.status, r.raw)
		}
	}
	if len(ok) > 1 {
		t.Fatalf("%d concurrent redemptions of one code succeeded", len(ok))
	}
	// Every loser was a replay, so whatever the winner got is revoked.
	if len(ok) == 1 {
		if e.userinfoStatus(ok[0].body["access_token"].(string)) != 401 {
			t.Error("tokens of a replayed code still work")
		}
		wantTokenError(t, e.refresh("app", ok[0].body["refresh_token"].(string)), 400, errInvalidGrant)
	}
}

// Expired codes and codes from an ended session are refused.
func TestSecurity_CodeExpiryAndEndedSession(t *testing.T) {
	e := newEnv(t)
	code := e.login(authParams("app"), "alice")
	e.clock.Advance(DefaultCodeTTL + time.Second)
	wantTokenError(t, e.redeem("app", code, appRedirect), 400, errInvalidGrant)

	e2 := newEnv(t)
	code = e2.login(authParams("app"), "alice")
	e2.get(PathEndSession) // confirmation page: nothing ended yet
	if res := e2.redeem("app", code, appRedirect); res.status != 200 {
		t.Fatalf("code refused before sign-out: %s", res.raw)
	}
	code = e2.login(authParams("app"), "alice")
	req, _ := http.NewRequest(http.MethodGet, e2.srv.URL+"/", nil)
	for _, c := range e2.browser.Jar.Cookies(req.URL) {
		req.AddCookie(c)
	}
	if err := e2.p.Logout(httptest.NewRecorder(), req); err != nil {
		t.Fatal(err)
	}
	wantTokenError(t, e2.redeem("app", code, appRedirect), 400, errInvalidGrant)
}

// PKCE: required for public clients, S256 only, verified at the token endpoint.
func TestSecurity_PKCE(t *testing.T) {
	e := newEnv(t)
	verifier := oauth2.GenerateVerifier()
	challenge := oauth2.S256ChallengeFromVerifier(verifier)
	authErrors := []struct {
		name   string
		client string
		params []string
	}{
		{"public client without PKCE", "spa", nil},
		{"plain method", "spa", []string{"code_challenge", verifier, "code_challenge_method", "plain"}},
		{"method missing (means plain)", "app", []string{"code_challenge", challenge}},
		{"method without challenge", "app", []string{"code_challenge_method", "S256"}},
		{"malformed challenge", "spa", []string{"code_challenge", "short", "code_challenge_method", "S256"}},
		{"challenge with bad characters", "spa", []string{"code_challenge", strings.Repeat("+", 43), "code_challenge_method", "S256"}},
	}
	for _, tt := range authErrors {
		t.Run(tt.name, func(t *testing.T) {
			params := authParams(tt.client, tt.params...)
			wantAuthError(t, e.authorize(params), redirectOf(tt.client), errInvalidRequest, "state-"+tt.client)
		})
	}

	code := e.login(authParams("spa", "code_challenge", challenge, "code_challenge_method", "S256"), "alice")
	tokenErrors := []struct {
		name     string
		verifier string
	}{
		{"missing verifier", ""},
		{"wrong verifier", oauth2.GenerateVerifier()},
		{"challenge as verifier", challenge},
		{"too short", "abc"},
		{"bad characters", strings.Repeat("!", 50)},
	}
	for _, tt := range tokenErrors {
		t.Run(tt.name, func(t *testing.T) {
			wantTokenError(t, e.redeem("spa", code, spaRedirect, "code_verifier", tt.verifier), 400, errInvalidGrant)
		})
	}
	// Failed attempts do not burn the code for its rightful owner.
	if res := e.redeem("spa", code, spaRedirect, "code_verifier", verifier); res.status != 200 {
		t.Fatalf("correct verifier refused: %s", res.raw)
	}

	// A verifier for a request that had no challenge (downgrade) is refused.
	code = e.login(authParams("app"), "alice")
	wantTokenError(t, e.redeem("app", code, appRedirect, "code_verifier", verifier), 400, errInvalidGrant)
}

// Client impersonation: codes and refresh tokens are bound to their client,
// and client authentication is strict.
func TestSecurity_ClientImpersonation(t *testing.T) {
	e := newEnv(t)
	code := e.login(authParams("app"), "alice")
	wantTokenError(t, e.redeem("app2", code, appRedirect), 400, errInvalidGrant)
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {appRedirect}}
	cases := []struct {
		name       string
		form       url.Values
		user, pass string
	}{
		{"wrong secret (basic)", form, "app", "wrong"},
		{"another client's secret", form, "app", "app2-secret"},
		{"unknown client", form, "mallory", "x"},
		{"wrong secret (post)", with(form, "client_id", "app", "client_secret", "wrong"), "", ""},
		{"confidential client without secret", with(form, "client_id", "app"), "", ""},
		{"confidential client, empty basic password", form, "app", ""},
		{"public client with a secret", with(form, "client_id", "spa", "client_secret", "guess"), "", ""},
		{"two authentication methods", with(form, "client_secret", "app-secret"), "app", "app-secret"},
		{"client_id differs from basic user", with(form, "client_id", "app2"), "app", "app-secret"},
		{"no client at all", form, "", ""},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			res := e.post(PathToken, tt.form, tt.user, tt.pass)
			wantTokenError(t, res, 401, errInvalidClient)
			if !strings.HasPrefix(res.header.Get("WWW-Authenticate"), "Basic ") {
				t.Errorf("WWW-Authenticate = %q", res.header.Get("WWW-Authenticate"))
			}
		})
	}
	// After all that, the code still works for its client (nothing was consumed).
	if res := e.redeem("app", code, appRedirect); res.status != 200 {
		t.Fatalf("rightful redemption failed: %s", res.raw)
	}
	// A bcrypt-hashed secret works repeatedly (and a wrong one still fails after caching).
	for range 2 {
		code := e.login(authParams("app2"), "alice")
		if res := e.redeem("app2", code, app2Redirect); res.status != 200 {
			t.Fatalf("app2: %s", res.raw)
		}
	}
	code = e.login(authParams("app2"), "alice")
	wantTokenError(t, e.post(PathToken, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {app2Redirect}}, "app2", "app2-secreT"), 401, errInvalidClient)
	// A public client may not introspect.
	wantTokenError(t, e.post(PathIntrospect, url.Values{"token": {"x"}, "client_id": {"spa"}}, "", ""), 401, errInvalidClient)
	// A redirect_uri different from the authorization request's is refused.
	code = e.login(authParams("app"), "alice")
	wantTokenError(t, e.redeem("app", code, "https://app.example/other"), 400, errInvalidGrant)
}

// with returns a copy of v with pairs set.
func with(v url.Values, pairs ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		out.Set(pairs[i], pairs[i+1])
	}
	return out
}

// forgeries returns tokens this provider did not issue, built from a real
// one: alg none, HS256 keyed with the RSA public key (classic key
// confusion), and a foreign key using the provider's kid.
func forgeries(t *testing.T, real string) map[string]string {
	t.Helper()
	parts := strings.Split(real, ".")
	header, _ := decodeB64(parts[0])
	var h map[string]any
	if err := json.Unmarshal(header, &h); err != nil {
		t.Fatal(err)
	}
	payload, _ := decodeB64(parts[1])
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	kid, _ := h["kid"].(string)
	out := map[string]string{}
	none := map[string]any{"alg": "none", "typ": h["typ"]}
	nh, _ := json.Marshal(none)
	out["alg none"] = encodeB64(nh) + "." + parts[1] + "."
	out["alg none with signature"] = encodeB64(nh) + "." + parts[1] + "." + parts[2]

	pub := testKeys()[0].Key.Public().(*rsa.PublicKey)
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: jose.JSONWebKey{Key: pemKey, KeyID: kid}},
		(&jose.SignerOptions{}).WithType(jose.ContentType(h["typ"].(string))))
	if err != nil {
		t.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out["HS256 keyed with the public key"], _ = jws.CompactSerialize()

	foreign, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	out["foreign key, provider's kid"] = signWith(t, jose.RS256, foreign, kid, claims)
	out["signature of another token"] = parts[0] + "." + encodeB64([]byte(strings.Replace(string(payload), "sub-alice", "sub-bob", 1))) + "." + parts[2]
	return out
}

// Forged ID token hints and access tokens are refused everywhere.
func TestSecurity_TokenForgeries(t *testing.T) {
	e := newEnv(t)
	tok := e.newRP("app").flow("alice")
	for name, forged := range forgeries(t, tok.raw) {
		t.Run("id_token_hint "+name, func(t *testing.T) {
			res := e.authorize(authParams("app", "prompt", "none", "id_token_hint", forged))
			wantAuthError(t, res, appRedirect, errInvalidRequest, "state-app")
			wantErrorPage(t, e.endSession(url.Values{"id_token_hint": {forged}, "post_logout_redirect_uri": {appLogout}}))
		})
	}
	for name, forged := range forgeries(t, tok.oauth.AccessToken) {
		t.Run("access token "+name, func(t *testing.T) {
			if got := e.userinfoStatus(forged); got != 401 {
				t.Fatalf("userinfo accepted a forged access token: %d", got)
			}
		})
	}
	t.Run("ID token as access token", func(t *testing.T) {
		if got := e.userinfoStatus(tok.raw); got != 401 {
			t.Fatalf("userinfo accepted an ID token: %d", got)
		}
	})
	t.Run("access token as id_token_hint", func(t *testing.T) {
		res := e.authorize(authParams("app", "prompt", "none", "id_token_hint", tok.oauth.AccessToken))
		wantAuthError(t, res, appRedirect, errInvalidRequest, "state-app")
	})
	t.Run("hint from another issuer or for an unknown client", func(t *testing.T) {
		for _, claims := range []map[string]any{
			{"iss": "https://evil.example", "sub": "sub-alice", "aud": "app"},
			{"iss": e.p.Issuer(), "sub": "sub-alice", "aud": "unknown"},
			{"iss": e.p.Issuer(), "sub": "sub-alice", "aud": []string{"app", "app2"}},
			{"iss": e.p.Issuer(), "aud": "app"},
		} {
			hint, err := e.p.keys.sign(RS256, typIDToken, claims)
			if err != nil {
				t.Fatal(err)
			}
			wantAuthError(t, e.authorize(authParams("app", "prompt", "none", "id_token_hint", hint)), appRedirect, errInvalidRequest, "state-app")
		}
	})
}

// Refresh-token reuse revokes the family; concurrent use cannot fork it.
func TestSecurity_RefreshReuse(t *testing.T) {
	e := newEnv(t)
	c := e.newRP("app", "openid", "offline_access")
	tok := c.flow("alice")
	rt1 := tok.oauth.RefreshToken
	res := e.refresh("app", rt1)
	if res.status != 200 {
		t.Fatal(res.raw)
	}
	rt2, at2 := res.body["refresh_token"].(string), res.body["access_token"].(string)
	wantTokenError(t, e.refresh("app", rt1), 400, errInvalidGrant) // reuse
	wantTokenError(t, e.refresh("app", rt2), 400, errInvalidGrant) // the family is gone
	if e.userinfoStatus(at2) != 401 || e.userinfoStatus(tok.oauth.AccessToken) != 401 {
		t.Error("access tokens of a revoked family still work")
	}

	tok = c.flow("alice")
	var wg sync.WaitGroup
	results := make([]apiResponse, 6)
	for i := range results {
		wg.Go(func() { results[i] = e.refresh("app", tok.oauth.RefreshToken) })
	}
	wg.Wait()
	wins := 0
	for _, r := range results {
		if r.status == 200 {
			wins++
			// The family was revoked by the losers' reuse: even the winner's token is dead.
			wantTokenError(t, e.refresh("app", r.body["refresh_token"].(string)), 400, errInvalidGrant)
		}
	}
	if wins > 1 {
		t.Fatalf("%d concurrent uses of one refresh token succeeded", wins)
	}
}

// Upstream refusal (disabled user, global sign-out) ends the family;
// upstream outages do not burn the token.
func TestSecurity_UpstreamDenied(t *testing.T) {
	e := newEnv(t)
	tok := e.newRP("app", "openid", "offline_access").flow("alice")
	e.up.mu.Lock()
	e.up.failWith = errors.New("connection refused")
	e.up.mu.Unlock()
	wantTokenError(t, e.refresh("app", tok.oauth.RefreshToken), 500, errServerError)
	e.up.mu.Lock()
	e.up.failWith = nil
	e.up.mu.Unlock()
	res := e.refresh("app", tok.oauth.RefreshToken)
	if res.status != 200 {
		t.Fatalf("refresh after an outage: %s", res.raw)
	}
	e.up.mu.Lock()
	e.up.denied["up-alice"] = true
	e.up.mu.Unlock()
	rt := res.body["refresh_token"].(string)
	wantTokenError(t, e.refresh("app", rt), 400, errInvalidGrant)
	e.up.mu.Lock()
	e.up.denied["up-alice"] = false
	e.up.mu.Unlock()
	wantTokenError(t, e.refresh("app", rt), 400, errInvalidGrant) // revoked for good
}

// The provider echoes state exactly and never lets it inject parameters.
func TestSecurity_StateHandling(t *testing.T) {
	e := newEnv(t)
	for _, state := range []string{"a&code=injected&b=c", "é ü/?#%20", "x\"><script>", strings.Repeat("s", maxStateLength)} {
		code := e.login(authParams("app", "state", state), "alice")
		if code == "injected" {
			t.Fatal("state injected a code")
		}
		params := authParams("app", "state", state, "response_type", "token")
		res := e.authorize(params)
		wantAuthError(t, res, appRedirect, errUnsupportedResponseType, state)
		if len(res.location.Query()["error"]) != 1 {
			t.Fatal("state injected an error parameter")
		}
	}
	wantAuthError(t, e.authorize(authParams("app", "state", strings.Repeat("s", maxStateLength+1))), appRedirect, errInvalidRequest, strings.Repeat("s", maxStateLength+1))

	// Interleaved requests each get their own state back.
	first := e.authorize(authParams("app", "state", "one"))
	second := e.authorize(authParams("app", "state", "two"))
	e.codeFrom(first, appRedirect, "one")
	e.codeFrom(second, appRedirect, "two")

	// And state on sign-out is returned unchanged.
	tok := e.newRP("app").flow("alice")
	res := e.endSession(url.Values{"id_token_hint": {tok.raw}, "post_logout_redirect_uri": {appLogout}, "state": {"a&b=c"}})
	if res.location == nil || res.location.Query().Get("state") != "a&b=c" || len(res.location.Query()) != 1 {
		t.Fatalf("post-logout redirect %v", res.location)
	}
}

// Unauthenticated traffic does not write to the store.
func TestSecurity_StoreGrowthUnauthenticated(t *testing.T) {
	e := newEnv(t)
	for i := range 50 {
		e.authorize(authParams("app"))                                // starts a sign-in: parked in the web layer, not the store
		e.authorize(authParams("app", "prompt", "none"))              // login_required
		e.authorize(authParams("app", "client_id", "nobody"))         // error page
		e.authorize(authParams("app", "response_type", "token"))      // error redirect
		e.redeem("app", "guess"+string(rune('a'+i%26)), appRedirect)  // bad code
		e.post(PathToken, url.Values{"grant_type": {"x"}}, "app", "") // bad client
		e.refresh("app", "not-a-token")
		e.userinfoStatus("not-a-token")
		e.get(PathEndSession)
		e.post(PathRevoke, url.Values{"token": {"x"}}, "app", "app-secret")
		e.post(PathIntrospect, url.Values{"token": {"x"}}, "app", "app-secret")
		e.get(PathDiscovery)
		e.get(PathJWKS)
	}
	if n := e.store.Len(); n != 0 {
		t.Fatalf("unauthenticated traffic left %d entries in the store", n)
	}
}

// Codes, tokens, secrets and upstream tokens never reach the logs or error bodies.
func TestSecurity_NoSecretsInLogs(t *testing.T) {
	var buf testutil.Buffer
	e := newEnv(t, func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	code := e.login(authParams("app", "scope", "openid offline_access"), "alice")
	res := e.redeem("app", code, appRedirect)
	rt := res.body["refresh_token"].(string)
	ref := e.refresh("app", rt)
	reuse := e.refresh("app", rt)
	replay := e.redeem("app", code, appRedirect)
	if ref.status != 200 || reuse.status != 400 || replay.status != 400 {
		t.Fatalf("setup: %d %d %d", ref.status, reuse.status, replay.status)
	}
	opaque := e.redeem("opaque", e.login(authParams("opaque"), "alice"), redirectOf("opaque"))
	opaqueAT, _ := opaque.body["access_token"].(string)
	if !strings.HasPrefix(opaqueAT, opaqueAccessPrefix) || e.userinfoStatus(opaqueAT+"x") != 401 {
		t.Fatalf("setup: opaque access token %d %s", opaque.status, opaque.raw)
	}
	e.post(PathIntrospect, url.Values{"token": {opaqueAT[:len(opaqueAT)-1]}}, "opaque", "opaque-secret")
	bad := e.post(PathToken, url.Values{"grant_type": {"authorization_code"}, "code": {code}}, "app", "wrong-secret-value")
	e.get(PathEndSession + "?id_token_hint=" + res.body["id_token"].(string))
	secrets := []string{code, rt, res.body["access_token"].(string), res.body["id_token"].(string), ref.body["refresh_token"].(string),
		"app-secret", "wrong-secret-value", "up-alice", opaqueAT, strings.TrimPrefix(opaqueAT, opaqueAccessPrefix)[:40]}
	logs := buf.String()
	if !strings.Contains(logs, "replayed") || !strings.Contains(logs, "reused") {
		t.Fatalf("expected security events in the logs:\n%s", logs)
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("a secret (%d chars) appears in the logs", len(s))
		}
		for _, body := range []string{replay.raw, reuse.raw, bad.raw} {
			if strings.Contains(body, s) {
				t.Errorf("a secret (%d chars) appears in an error body", len(s))
			}
		}
	}
}

// Malformed input gets a clear 4xx, never a panic or a 5xx.
func TestSecurity_MalformedInput(t *testing.T) {
	e := newEnv(t)
	get := []string{
		PathAuthorize, PathAuthorize + "?client_id=app&client_id=app2", PathAuthorize + "?%zz",
		PathAuthorize + "?client_id=app&redirect_uri=" + url.QueryEscape(appRedirect) + "&response_type=code&scope=openid&scope=email",
		PathAuthorize + "?client_id=app&redirect_uri=" + url.QueryEscape(appRedirect) + "&response_type=code&scope=openid&max_age=-1",
		PathAuthorize + "?client_id=app&redirect_uri=" + url.QueryEscape(appRedirect) + "&response_type=code&scope=openid&max_age=abc",
		PathAuthorize + "?client_id=app&redirect_uri=" + url.QueryEscape(appRedirect) + "&response_type=code&scope=email",
		PathAuthorize + "?client_id=app&redirect_uri=" + url.QueryEscape(appRedirect) + "&response_type=code&scope=openid&prompt=none+login",
		PathAuthorize + "?client_id=app&redirect_uri=" + url.QueryEscape(appRedirect) + "&response_type=code&scope=openid&response_mode=fragment",
		PathAuthorize + "?client_id=app&redirect_uri=" + url.QueryEscape(appRedirect) + "&response_type=code&scope=openid&id_token_hint=garbage",
		PathEndSession + "?id_token_hint=a.b.c", PathEndSession + "?client_id=nobody", PathEndSession + "?state=1&state=2",
		PathUserInfo,
	}
	for _, p := range get {
		res := e.get(p)
		if res.status >= 500 || (res.location == nil && res.status < 400) {
			t.Errorf("GET %s: %d %v", p, res.status, res.location)
		}
		if res.location != nil && res.location.Query().Get("error") == "" {
			t.Errorf("GET %s redirected without an error: %v", p, res.location)
		}
	}
	posts := []struct {
		path string
		body string
		ct   string
	}{
		{PathToken, "grant_type=authorization_code&code=x&code=y", "application/x-www-form-urlencoded"},
		{PathToken, `{"grant_type":"authorization_code"}`, "application/json"},
		{PathToken, "%zz", "application/x-www-form-urlencoded"},
		{PathToken, "grant_type=password&username=a&password=b", "application/x-www-form-urlencoded"},
		{PathToken, strings.Repeat("a", maxFormBytes+10), "application/x-www-form-urlencoded"},
		{PathRevoke, "token=", "application/x-www-form-urlencoded"},
		{PathIntrospect, "", "application/x-www-form-urlencoded"},
		{PathUserInfo, "access_token=a&access_token=b", "application/x-www-form-urlencoded"},
		{PathAuthorize, "%zz", "application/x-www-form-urlencoded"},
		{PathEndSession, "%zz", "application/x-www-form-urlencoded"},
	}
	for _, p := range posts {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+p.path, strings.NewReader(p.body))
		req.Header.Set("Content-Type", p.ct)
		req.SetBasicAuth("app", "app-secret")
		res := e.send(req)
		if res.status < 400 || res.status >= 500 {
			t.Errorf("POST %s %.30q: %d %s", p.path, p.body, res.status, res.raw)
		}
	}
	for _, m := range []string{http.MethodPut, http.MethodDelete} {
		for _, p := range []string{PathAuthorize, PathToken, PathUserInfo, PathRevoke, PathIntrospect, PathEndSession, PathDiscovery, PathJWKS} {
			req, _ := http.NewRequest(m, e.srv.URL+p, nil)
			if res := e.send(req); res.status != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: %d", m, p, res.status)
			}
		}
	}
}

// A refresh-token family takes constant store space however often it
// rotates; a stale token from a few rotations back still revokes the
// family; a forged secret for a known grant id (visible in access tokens)
// is refused without harming the family.
func TestSecurity_RefreshFamilyBoundedAndForgery(t *testing.T) {
	e := newEnv(t)
	tok := e.newRP("app", "openid", "offline_access").flow("alice")
	rts := []string{tok.oauth.RefreshToken}
	res := e.refresh("app", rts[0])
	rts = append(rts, res.body["refresh_token"].(string))
	size := e.store.Len()
	for range 20 {
		res = e.refresh("app", rts[len(rts)-1])
		if res.status != 200 {
			t.Fatal(res.raw)
		}
		rts = append(rts, res.body["refresh_token"].(string))
	}
	if got := e.store.Len(); got != size {
		t.Fatalf("store grew from %d to %d entries over 20 rotations", size, got)
	}

	gid, _, _ := strings.Cut(rts[len(rts)-1], ".")
	forged := gid + "." + encodeB64(make([]byte, 32))
	wantTokenError(t, e.refresh("app", forged), 400, errInvalidGrant)
	wantTokenError(t, e.refresh("app", gid), 400, errInvalidGrant)
	wantTokenError(t, e.refresh("app", rts[len(rts)-1]+".x"), 400, errInvalidGrant)
	res = e.refresh("app", rts[len(rts)-1])
	if res.status != 200 {
		t.Fatalf("a forged secret harmed the family: %s", res.raw)
	}
	rts = append(rts, res.body["refresh_token"].(string))

	// A token from five rotations back is recognised as reuse.
	wantTokenError(t, e.refresh("app", rts[len(rts)-6]), 400, errInvalidGrant)
	wantTokenError(t, e.refresh("app", rts[len(rts)-1]), 400, errInvalidGrant)
}
