package cognito

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"testing"
	"time"
)

// signedPayload is a token with payload (as written) signed by key, kid "k".
func signedPayload(t testing.TB, key *rsa.PrivateKey, header, payload string) string {
	t.Helper()
	signed := base64.RawURLEncoding.EncodeToString([]byte(header)) + "." + base64.RawURLEncoding.EncodeToString([]byte(payload))
	digest := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// TestVerifyIDTokenReadsThePayloadOnce: from the one reading of the payload the verifier takes
// the checked claims as decoding would (null as absent, names exactly as RFC 7519 writes them,
// another type refused), refuses a repeated name in the claims or the header (RFC 7519 §4, RFC
// 7515 §4), however the payload is written, and keeps the person's claims.
func TestVerifyIDTokenReadsThePayloadOnce(t *testing.T) {
	now := time.Unix(1700000000, 0)
	v, k := oneKeyVerifier(t, now)
	exp := strconv.FormatInt(now.Add(time.Hour).Unix(), 10)
	base := `"iss":"https://issuer.example/pool","aud":"client","token_use":"id","exp":` + exp
	const header = `{"alg":"RS256","kid":"k"}`
	for _, tc := range []struct {
		name, header, payload string
		ok                    bool
		sub, username, claims string
		authTime              int64
	}{
		{"usual", header, `{"sub":"s-1",` + base + `,"cognito:username":"ana","email":"a@b.c","auth_time":1699999000}`,
			true, "s-1", "ana", `{"sub":"s-1","cognito:username":"ana","email":"a@b.c"}`, 1699999000},
		{"white space", header, "{ \"sub\" : \"s-1\",\n" + base + ` , "auth_time" : 5.9 , "n" : [ 1 , 2 ] }`,
			true, "s-1", "", `{"sub":"s-1","n":[1,2]}`, 5},
		{"escapes", header, `{"sub":"s\u002d1",` + base + `,"cognito:username":"\u00e1na"}`,
			true, "s-1", "ána", `{"sub":"s\u002d1","cognito:username":"\u00e1na"}`, 0},
		{"null and absent", header, `{"sub":null,` + base + `,"cognito:username":null,"auth_time":null,"nbf":1699999999}`,
			true, "", "", `{"sub":null,"cognito:username":null}`, 0},
		{"audience list", header, `{"aud":["x","client"],"iss":"https://issuer.example/pool","token_use":"id","exp":` + exp + `}`,
			true, "", "", `{}`, 0},
		{"audience escaped in a list", header, `{"aud":[null,1,["x"],"cli\u0065nt"],"iss":"https://issuer.example/pool","token_use":"id","exp":` + exp + `}`,
			true, "", "", `{}`, 0},
		{"audience only nested", header, `{"aud":[["client"],{"a":"client"}],"iss":"https://issuer.example/pool","token_use":"id","exp":` + exp + `}`,
			false, "", "", "", 0},
		{"audience another", header, `{"aud":"clients","iss":"https://issuer.example/pool","token_use":"id","exp":` + exp + `}`,
			false, "", "", "", 0},
		{"repeated checked claim", header, `{"token_use":"access",` + base + `}`, false, "", "", "", 0},
		{"repeated token_use", header, `{` + base + `,"token_use":"access"}`, false, "", "", "", 0},
		{"repeated, the same value", header, `{` + base + `,"sub":"a","sub":"a"}`, false, "", "", "", 0},
		{"repeated, earlier of another type", header, `{"sub":1,` + base + `,"sub":"b"}`, false, "", "", "", 0},
		{"repeated, earlier null", header, `{"exp":null,` + base + `}`, false, "", "", "", 0},
		{"repeated person's claim", header, `{` + base + `,"email":"a@b.c","email":"e@f.g"}`, false, "", "", "", 0},
		{"repeated bookkeeping", header, `{"iat":1,` + base + `,"iat":2}`, false, "", "", "", 0},
		{"repeated, once escaped", header, `{` + base + `,"email":"a@b.c","em\u0061il":"e@f.g"}`, false, "", "", "", 0},
		{"repeated, white space", header, "{ " + base + " ,\n\"sub\":\"a\", \"sub\" : \"b\" }", false, "", "", "", 0},
		{"repeated, invalid UTF-8", header, `{` + base + ",\"name\":\"a\xffb\",\"sub\":1,\"sub\":\"b\"}", false, "", "", "", 0},
		{"invalid UTF-8", header, `{` + base + ",\"name\":\"a\xffb\",\"sub\":\"b\"}",
			true, "b", "", "{\"name\":\"a\ufffdb\",\"sub\":\"b\"}", 0},
		{"names alike", header, `{` + base + `,"sub":"b","su":"c","subs":"d","Sub":"e"}`,
			true, "b", "", `{"sub":"b","su":"c","subs":"d","Sub":"e"}`, 0},
		{"case of a name", header, `{"ISS":"https://issuer.example/pool","aud":"client","token_use":"id","exp":` + exp + `}`,
			false, "", "", "", 0},
		{"iss not a string", header, `{"iss":1,"aud":"client","token_use":"id","exp":` + exp + `}`, false, "", "", "", 0},
		{"exp a string", header, `{"iss":"https://issuer.example/pool","aud":"client","token_use":"id","exp":"` + exp + `"}`,
			false, "", "", "", 0},
		{"exp null", header, `{"iss":"https://issuer.example/pool","aud":"client","token_use":"id","exp":null}`, false, "", "", "", 0},
		{"exp out of range", header, `{"iss":"https://issuer.example/pool","aud":"client","token_use":"id","exp":1e400}`, false, "", "", "", 0},
		{"expired", header, `{"iss":"https://issuer.example/pool","aud":"client","token_use":"id","exp":1699999999}`, false, "", "", "", 0},
		{"nbf null", header, `{` + base + `,"nbf":null}`, false, "", "", "", 0},
		{"nbf later", header, `{` + base + `,"nbf":1700000301}`, false, "", "", "", 0},
		{"aud null", header, `{"iss":"https://issuer.example/pool","aud":null,"token_use":"id","exp":` + exp + `}`, false, "", "", "", 0},
		{"sub an object", header, `{"sub":{},` + base + `}`, false, "", "", "", 0},
		{"auth_time a string", header, `{` + base + `,"auth_time":"5"}`, false, "", "", "", 0},
		{"not an object", header, `[` + base + `]`, false, "", "", "", 0},
		{"data after", header, `{` + base + `}{}`, false, "", "", "", 0},
		{"kid null", `{"alg":"RS256","kid":null}`, `{` + base + `}`, true, "", "", `{}`, 0},
		{"alg repeated, last RS256", `{"alg":"none","kid":"k","alg":"RS256"}`, `{` + base + `}`, false, "", "", "", 0},
		{"kid repeated", `{"alg":"RS256","kid":"k","kid":"k"}`, `{` + base + `}`, false, "", "", "", 0},
		{"alg repeated, last none", `{"alg":"RS256","kid":"k","alg":"none"}`, `{` + base + `}`, false, "", "", "", 0},
		{"crit null", `{"alg":"RS256","kid":"k","crit":null}`, `{` + base + `}`, false, "", "", "", 0},
		{"kid a number", `{"alg":"RS256","kid":7}`, `{` + base + `}`, false, "", "", "", 0},
		{"ALG", `{"ALG":"RS256","kid":"k"}`, `{` + base + `}`, false, "", "", "", 0},
	} {
		tok, err := v.VerifyIDToken(context.Background(), signedPayload(t, k, tc.header, tc.payload))
		if (err == nil) != tc.ok {
			t.Errorf("%s: err %v, want ok=%v", tc.name, err, tc.ok)
			continue
		}
		if tc.ok && (tok.Subject != tc.sub || tok.Username != tc.username || tok.AuthTime != tc.authTime || string(tok.Claims) != tc.claims) {
			t.Errorf("%s: %+v (claims %s)", tc.name, tok, tok.Claims)
		}
	}
}
