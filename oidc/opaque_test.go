package oidc

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/cookiecodec"
	"github.com/bridgekeeper/bridgekeeper/store"
)

// accessTokenFormats are the clients the format conformance cases run through: the same
// cases for JWT and opaque access tokens, at RS256 and ES256.
var accessTokenFormats = []struct {
	name, client string
	opaque       bool
}{
	{"jwt_rs256", "app", false},
	{"jwt_es256", "es", false},
	{"opaque_rs256", "opaque", true},
	{"opaque_es256", "opaque-es", true},
}

// introspectAs posts token to the introspection endpoint as client id and returns the answer.
func (e *testEnv) introspectAs(id, token string) map[string]any {
	e.t.Helper()
	res := e.post(PathIntrospect, url.Values{"token": {token}}, id, testSecrets[id])
	if res.status != 200 || res.header.Get("Cache-Control") != "no-store" {
		e.t.Fatalf("introspect: %d %s", res.status, res.raw)
	}
	return res.body
}

// wantInactive checks that token is refused at userinfo and reported inactive (and nothing else)
// to its own client.
func (e *testEnv) wantInactive(client, token string) {
	e.t.Helper()
	if got := e.userinfoStatus(token); got != http.StatusUnauthorized {
		e.t.Errorf("userinfo answered %d, want 401", got)
	}
	if got := e.introspectAs(client, token); got["active"] != false || len(got) != 1 {
		e.t.Errorf("introspection = %v, want only active: false", got)
	}
}

// Access tokens of both formats are accepted, reported and refused the same way by
// userinfo (RFC 6750 header and form body), introspection (RFC 7662) and revocation (RFC 7009).
func TestConformance_access_token_formats(t *testing.T) {
	cases := []struct {
		name string
		run  func(t *testing.T, e *testEnv, client string, tok *tokens)
	}{
		{"userinfo_get", func(t *testing.T, e *testEnv, client string, tok *tokens) {
			claims, err := e.newRP(client).userinfo(tok.oauth)
			if err != nil || claims["sub"] != "sub-alice" || claims["email"] != "alice@example.com" {
				t.Fatalf("userinfo = %v, %v", claims, err)
			}
		}},
		{"userinfo_post_body", func(t *testing.T, e *testEnv, _ string, tok *tokens) {
			res := e.post(PathUserInfo, url.Values{"access_token": {tok.oauth.AccessToken}}, "", "")
			if res.status != 200 || res.body["sub"] != "sub-alice" {
				t.Fatalf("userinfo: %d %s", res.status, res.raw)
			}
		}},
		{"introspection_active", func(t *testing.T, e *testEnv, client string, tok *tokens) {
			got := e.introspectAs(client, tok.oauth.AccessToken)
			now := e.clock.Now().Unix()
			want := map[string]any{
				"active": true, "scope": "openid email offline_access", "client_id": client, "username": "alice",
				"token_type": "Bearer", "exp": float64(now + int64(DefaultAccessTokenTTL/time.Second)), "iat": float64(now),
				"sub": "sub-alice", "aud": []any{client}, "iss": e.p.Issuer(),
			}
			jti, _ := got["jti"].(string)
			delete(got, "jti")
			if len(jti) < 16 || len(got) != len(want) {
				t.Fatalf("introspection = %v (jti %q), want %v and a jti", got, jti, want)
			}
			for k, v := range want {
				if !equalJSON(got[k], v) {
					t.Errorf("introspection %s = %v, want %v", k, got[k], v)
				}
			}
		}},
		{"introspection_other_client", func(t *testing.T, e *testEnv, _ string, tok *tokens) {
			if got := e.introspectAs("app2", tok.oauth.AccessToken); got["active"] != false || len(got) != 1 {
				t.Errorf("another client learnt about the token: %v", got)
			}
		}},
		{"expired", func(t *testing.T, e *testEnv, client string, tok *tokens) {
			e.clock.Advance(DefaultAccessTokenTTL - time.Second)
			if got := e.userinfoStatus(tok.oauth.AccessToken); got != 200 {
				t.Fatalf("userinfo a second before expiry: %d", got)
			}
			e.clock.Advance(time.Second)
			e.wantInactive(client, tok.oauth.AccessToken)
		}},
		{"tampered", func(t *testing.T, e *testEnv, client string, tok *tokens) {
			at := []byte(tok.oauth.AccessToken)
			for _, i := range []int{len(at) / 3, len(at) / 2, len(at) - 2} {
				if at[i] == '.' {
					continue
				}
				forged := slices.Clone(at)
				forged[i] = 'A'
				if at[i] == 'A' {
					forged[i] = 'B'
				}
				e.wantInactive(client, string(forged))
			}
		}},
		{"truncated", func(t *testing.T, e *testEnv, client string, tok *tokens) {
			at := tok.oauth.AccessToken
			for _, n := range []int{1, 16, len(at) / 2, len(at) - 5} {
				e.wantInactive(client, at[:len(at)-n])
			}
		}},
		{"too_long", func(t *testing.T, e *testEnv, client string, tok *tokens) {
			e.wantInactive(client, tok.oauth.AccessToken+strings.Repeat("A", 4096))
		}},
		{"revoked_by_rfc7009", func(t *testing.T, e *testEnv, client string, tok *tokens) {
			// Another client's revocation does nothing.
			if res := e.post(PathRevoke, url.Values{"token": {tok.oauth.AccessToken}}, "app2", testSecrets["app2"]); res.status != 200 {
				t.Fatalf("revoke as app2: %d", res.status)
			}
			if got := e.userinfoStatus(tok.oauth.AccessToken); got != 200 {
				t.Fatalf("another client revoked the token: %d", got)
			}
			res := e.post(PathRevoke, url.Values{"token": {tok.oauth.AccessToken}, "token_type_hint": {"access_token"}}, client, testSecrets[client])
			if res.status != 200 {
				t.Fatalf("revoke: %d %s", res.status, res.raw)
			}
			e.wantInactive(client, tok.oauth.AccessToken)
			wantTokenError(t, e.refresh(client, tok.oauth.RefreshToken), 400, errInvalidGrant)
		}},
		{"revoked_by_sign_out", func(t *testing.T, e *testEnv, client string, tok *tokens) {
			if err := e.p.Logout(httptest.NewRecorder(), e.browserRequest()); err != nil {
				t.Fatal(err)
			}
			e.wantInactive(client, tok.oauth.AccessToken)
		}},
		{"refreshed", func(t *testing.T, e *testEnv, client string, tok *tokens) {
			res := e.refresh(client, tok.oauth.RefreshToken)
			at, _ := res.body["access_token"].(string)
			if res.status != 200 || at == "" || at == tok.oauth.AccessToken {
				t.Fatalf("refresh: %d %s", res.status, res.raw)
			}
			if got := e.userinfoStatus(at); got != 200 {
				t.Fatalf("refreshed access token: userinfo %d", got)
			}
		}},
	}
	for _, f := range accessTokenFormats {
		for _, tc := range cases {
			t.Run(f.name+"/"+tc.name, func(t *testing.T) {
				e := newEnv(t)
				// flow verifies the ID token and its at_hash over the access token (go-oidc).
				tok := e.newRP(f.client, "openid", "email", "offline_access").flow("alice")
				if got := strings.HasPrefix(tok.oauth.AccessToken, opaqueAccessPrefix); got != f.opaque {
					t.Fatalf("access token %.12s…: opaque = %v, want %v", tok.oauth.AccessToken, got, f.opaque)
				}
				tc.run(t, e, f.client, tok)
			})
		}
	}
}

// equalJSON compares decoded JSON values (numbers, strings, booleans and lists of those).
func equalJSON(a, b any) bool {
	al, aok := a.([]any)
	bl, bok := b.([]any)
	if aok || bok {
		return aok && bok && slices.Equal(al, bl)
	}
	return a == b
}

// An opaque access token is sealed: it carries nothing readable, is told from a JWT by its
// prefix alone, opens only under the provider's keys for this purpose, and opens on every
// instance sharing the cookie keys, across a key rotation.
func TestOpaqueAccessToken(t *testing.T) {
	e := newEnv(t)
	tok := e.newRP("opaque", "openid", "email").flow("alice")
	at := tok.oauth.AccessToken
	jwt := e.newRP("app").flow("alice").oauth.AccessToken

	t.Run("nothing readable", func(t *testing.T) {
		body := strings.TrimPrefix(at, opaqueAccessPrefix)
		raw, err := decodeB64(body)
		if err != nil || strings.Contains(at, ".") {
			t.Fatalf("body is not one base64url value: %v", err)
		}
		for _, secret := range []string{"sub-alice", "opaque", "openid", "email"} {
			if strings.Contains(string(raw), secret) || strings.Contains(at, encodeB64([]byte(secret))) {
				t.Errorf("%q can be read from the token", secret)
			}
		}
		if len(at) > maxOpaqueAccessTokenLength {
			t.Errorf("token is %d bytes, above the limit", len(at))
		}
	})
	t.Run("the prefix picks the format", func(t *testing.T) {
		for name, forged := range map[string]string{
			"JWT behind the prefix":    opaqueAccessPrefix + jwt,
			"opaque without prefix":    strings.TrimPrefix(at, opaqueAccessPrefix),
			"prefix twice":             opaqueAccessPrefix + at,
			"prefix only":              opaqueAccessPrefix,
			"upper-case prefix":        strings.ToUpper(opaqueAccessPrefix) + strings.TrimPrefix(at, opaqueAccessPrefix),
			"ID token behind a prefix": opaqueAccessPrefix + tok.raw,
		} {
			if got := e.userinfoStatus(forged); got != http.StatusUnauthorized {
				t.Errorf("%s: userinfo %d, want 401", name, got)
			}
		}
	})
	t.Run("the length limit is the whole token's", func(t *testing.T) {
		// The token's own record, padded with JSON whitespace and sealed under the right keys by a
		// codec without the limit: at exactly the limit (prefix included) it opens, one longer not.
		keys, err := cookiecodec.DeriveKeys(e.cfg.CookieKeys, opaqueAccessKeyPurpose)
		if err != nil {
			t.Fatal(err)
		}
		wide, err := cookiecodec.New(keys, cookiecodec.Options{MaxAge: time.Hour, Now: e.clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		var payload []byte
		if err := e.p.opaqueCodec.Decode(opaqueAccessName, strings.TrimPrefix(at, opaqueAccessPrefix), &payload); err != nil {
			t.Fatal(err)
		}
		sealedOfLength := func(n int) string {
			for pad := 0; pad < maxOpaqueAccessTokenLength; pad++ {
				v, err := wide.Encode(opaqueAccessName, append(slices.Clone(payload), strings.Repeat(" ", pad)...))
				if err != nil {
					t.Fatal(err)
				}
				if tok := opaqueAccessPrefix + v; len(tok) == n {
					return tok
				}
			}
			t.Fatalf("no padding gives a token of %d bytes", n)
			return ""
		}
		if got := e.userinfoStatus(sealedOfLength(maxOpaqueAccessTokenLength)); got != 200 {
			t.Errorf("token at the limit: userinfo %d, want 200", got)
		}
		if got := e.userinfoStatus(sealedOfLength(maxOpaqueAccessTokenLength + 1)); got != http.StatusUnauthorized {
			t.Errorf("token one byte over the limit: userinfo %d, want 401", got)
		}
	})
	t.Run("other sealed values do not open", func(t *testing.T) {
		// The SSO cookie and a value sealed with the cookie keys themselves (not the derived ones).
		u, _ := url.Parse(e.srv.URL)
		var sso string
		for _, c := range e.browser.Jar.Cookies(u) {
			if c.Name == e.p.cookieName {
				sso = c.Value
			}
		}
		plain, err := cookiecodec.New(e.cfg.CookieKeys, cookiecodec.Options{MaxAge: time.Hour, Now: e.clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		var payload []byte
		if err := e.p.opaqueCodec.Decode(opaqueAccessName, strings.TrimPrefix(at, opaqueAccessPrefix), &payload); err != nil {
			t.Fatal(err)
		}
		underCookieKeys, err := plain.Encode(opaqueAccessName, payload)
		if err != nil {
			t.Fatal(err)
		}
		underOtherName, err := e.p.opaqueCodec.Encode(e.p.cookieName, payload)
		if err != nil {
			t.Fatal(err)
		}
		for name, v := range map[string]string{"SSO cookie": sso, "sealed with the cookie keys": underCookieKeys, "sealed for the cookie's name": underOtherName} {
			if v == "" {
				t.Fatalf("%s: no value", name)
			}
			if got := e.userinfoStatus(opaqueAccessPrefix + v); got != http.StatusUnauthorized {
				t.Errorf("%s: userinfo %d, want 401", name, got)
			}
		}
		// The same payload resealed under the right keys and name opens: the refusals above are the keys' and name's.
		resealed, err := e.p.opaqueCodec.Encode(opaqueAccessName, payload)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.userinfoStatus(opaqueAccessPrefix + resealed); got != 200 {
			t.Errorf("resealed token: userinfo %d, want 200", got)
		}
	})
	t.Run("other instances and key rotation", func(t *testing.T) {
		newKey := []byte("fedcba9876543210fedcba9876543210")
		restart := func(keys ...[]byte) {
			cfg := e.cfg
			cfg.CookieKeys = keys
			p, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			e.setProvider(p)
		}
		old := e.cfg.CookieKeys[0]
		restart(old) // a second instance with the same keys and store
		if got := e.userinfoStatus(at); got != 200 {
			t.Fatalf("another instance: userinfo %d", got)
		}
		restart(newKey, old) // rotation: the new key seals, the old one still opens
		if got := e.userinfoStatus(at); got != 200 {
			t.Fatalf("after rotation: userinfo %d", got)
		}
		fresh := e.newRP("opaque", "openid").flow("alice").oauth.AccessToken
		restart(newKey) // the old key retired
		if got := e.userinfoStatus(at); got != http.StatusUnauthorized {
			t.Errorf("token of a retired key: userinfo %d, want 401", got)
		}
		if got := e.userinfoStatus(fresh); got != 200 {
			t.Errorf("token of the new key: userinfo %d, want 200", got)
		}
	})
}

// The access token format is validated per client.
func TestAccessTokenFormatConfig(t *testing.T) {
	for _, tc := range []struct {
		format string
		ok     bool
	}{{"", true}, {AccessTokenJWT, true}, {AccessTokenOpaque, true}, {"JWT", false}, {"reference", false}} {
		clients := testClients()
		clients[0].AccessTokenFormat = tc.format
		_, err := New(Config{
			Issuer: "https://id.example", Clients: clients, Keys: testKeys(), CookieKeys: [][]byte{[]byte("0123456789abcdef0123456789abcdef")},
			Store: store.NewMemory(store.MemoryOptions{}), NotFound: store.ErrNotFound,
			StartLogin: func(http.ResponseWriter, *http.Request, *AuthRequest) {},
		})
		if (err == nil) != tc.ok {
			t.Errorf("format %q: err = %v, want ok = %v", tc.format, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), `client "app": access token format`) {
			t.Errorf("format %q: error %q does not name the client and the setting", tc.format, err)
		}
	}
}
