package oidc

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"
)

// Tokens from the key set's own JWS code are what go-jose (under go-oidc) expects: the header
// carries exactly alg, kid and typ, the signature verifies with the published key (RS256: crypto/rsa's bytes), and an ES256
// signature is r‖s with 32-byte halves however short r or s is (the loop makes short ones).
func TestJWSSignerTokensVerifyWithGoJose(t *testing.T) {
	ks, err := newKeySet(append(testKeys(), mustKey(t, EdDSA)), "", newBuffers())
	if err != nil {
		t.Fatal(err)
	}
	payload := []byte(`{"iss":"https://id.example","sub":"sub-alice","aud":"app","exp":1,"iat":1}`)
	for _, alg := range []string{RS256, ES256, EdDSA} {
		for _, typ := range []string{typIDToken, typAccessToken} {
			n := 1
			if alg == ES256 {
				n = 600 // each half starts with a zero byte once in 256 tokens
			}
			for range n {
				prefix := []byte("kept|")
				b, err := ks.jws[signerKey{alg, typ}].appendToken(prefix, payload)
				if err != nil {
					t.Fatal(err)
				}
				tok, ok := strings.CutPrefix(string(b), "kept|")
				if !ok {
					t.Fatalf("%s: what was in the buffer is gone: %q", alg, b)
				}
				parts := strings.Split(tok, ".")
				if len(parts) != 3 {
					t.Fatalf("%s: %d parts", alg, len(parts))
				}
				header, err := base64.RawURLEncoding.DecodeString(parts[0])
				if err != nil {
					t.Fatal(err)
				}
				var h map[string]any
				if err := json.Unmarshal(header, &h); err != nil {
					t.Fatal(err)
				}
				if want := map[string]any{"alg": alg, "kid": ks.signers[alg].ID, "typ": typ}; !maps.Equal(h, want) {
					t.Fatalf("header %v, want %v", h, want)
				}
				sig, err := base64.RawURLEncoding.DecodeString(parts[2])
				if err != nil || len(sig) != ks.jws[signerKey{alg, typ}].sigLen {
					t.Fatalf("%s: signature of %d bytes (%v)", alg, len(sig), err)
				}
				if key, ok := ks.signers[alg].Key.(*rsa.PrivateKey); ok { // internal/rsasign: crypto/rsa's bytes
					digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
					if want, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:]); err != nil || !bytes.Equal(sig, want) {
						t.Fatalf("RS256 signature differs from crypto/rsa's (%v)", err)
					}
				}
				jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.SignatureAlgorithm(alg)})
				if err != nil {
					t.Fatal(err)
				}
				got, err := jws.Verify(ks.signers[alg].Key.Public())
				if err != nil || !bytes.Equal(got, payload) {
					t.Fatalf("%s: go-jose verify: %v (payload %q)", alg, err, got)
				}
				if p, gotTyp, err := ks.verify(tok); err != nil || gotTyp != typ || !bytes.Equal(p, payload) {
					t.Fatalf("%s: key set verify: %v %q", alg, err, gotTyp)
				}
			}
		}
	}
}

func mustKey(t *testing.T, alg string) SigningKey {
	t.Helper()
	k, err := GenerateKey(alg)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// ecdsaRaw turns DER INTEGERs of any valid length into fixed 32-byte halves and refuses what
// is not one SEQUENCE of two INTEGERs that fit.
func TestECDSARaw(t *testing.T) {
	der := func(r, s []byte) []byte {
		body := append(append([]byte{0x02, byte(len(r))}, r...), append([]byte{0x02, byte(len(s))}, s...)...)
		return append([]byte{0x30, byte(len(body))}, body...)
	}
	full := bytes.Repeat([]byte{0x11}, 32)
	high := append([]byte{0x00}, bytes.Repeat([]byte{0xf0}, 32)...) // a leading 0 keeps it positive
	short := bytes.Repeat([]byte{0x22}, 30)
	for _, tc := range []struct {
		name string
		der  []byte
		want []byte // nil: refused
	}{
		{"32-byte halves", der(full, full), append(slices.Clone(full), full...)},
		{"high bit set", der(high, full), append(bytes.Repeat([]byte{0xf0}, 32), full...)},
		{"short r", der(short, full), append(append([]byte{0, 0}, short...), full...)},
		{"short s", der(full, short), append(slices.Clone(full), append([]byte{0, 0}, short...)...)},
		{"r too long", der(bytes.Repeat([]byte{0x11}, 33), full), nil},
		{"trailing bytes", append(der(full, full), 0), nil},
		{"one integer", []byte{0x30, 0x03, 0x02, 0x01, 0x01}, nil},
		{"empty", nil, nil},
	} {
		var out [2 * es256Half]byte
		for i := range out {
			out[i] = 0xee // what a reused buffer held before must not show through
		}
		err := ecdsaRaw(&out, tc.der)
		got := out[:]
		if tc.want == nil {
			if err == nil {
				t.Errorf("%s: accepted as %x", tc.name, got)
			}
			continue
		}
		if err != nil || !bytes.Equal(got, tc.want) {
			t.Errorf("%s: %x (%v), want %x", tc.name, got, err, tc.want)
		}
	}
}

// The access token has exactly the documented claims (RFC 9068 plus auth_time, amr, sid, gid,
// and groups with the groups scope), encoded from accessClaims.
func TestAccessTokenClaimsExactly(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		scopes []string
		want   []string
	}{
		{[]string{"openid", "groups"}, []string{"iss", "sub", "aud", "exp", "iat", "jti", "client_id", "scope", "auth_time", "amr", "sid", "gid", "groups"}},
		{[]string{"openid"}, []string{"iss", "sub", "aud", "exp", "iat", "jti", "client_id", "scope", "auth_time", "amr", "sid", "gid"}},
	} {
		tok := e.newRP("app", tc.scopes...).flow("alice", oauth2.SetAuthURLParam("prompt", "login"))
		payload, typ, err := e.p.keys.verify(tok.oauth.AccessToken)
		if err != nil || typ != typAccessToken {
			t.Fatalf("%v: %v %q", tc.scopes, err, typ)
		}
		var claims map[string]any
		if err := json.Unmarshal(payload, &claims); err != nil {
			t.Fatal(err)
		}
		if got := slices.Sorted(maps.Keys(claims)); !slices.Equal(got, slices.Sorted(slices.Values(tc.want))) {
			t.Errorf("%v: claims %v, want %v", tc.scopes, got, tc.want)
		}
		if g, _ := claims["groups"].([]any); tc.want[len(tc.want)-1] == "groups" && (len(g) != 2 || g[0] != "admins") {
			t.Errorf("groups = %v", claims["groups"])
		}
		if claims["auth_time"] == float64(0) || claims["sid"] == "" || claims["gid"] == "" {
			t.Errorf("claims %v", claims)
		}
	}
}
