package cognito

import (
	"encoding/base64"
	"testing"
)

// Only RS256 tokens reach the signature check: Cognito signs with nothing else.
func TestParseRS256(t *testing.T) {
	tok := func(header string) string {
		return base64.RawURLEncoding.EncodeToString([]byte(header)) + ".e30.c2ln"
	}
	for _, tc := range []struct {
		raw string
		ok  bool
	}{
		{tok(`{"alg":"RS256","kid":"k"}`), true},
		{tok(`{"alg":"PS256","kid":"k"}`), false},
		{tok(`{"alg":"ES256"}`), false},
		{tok(`{"alg":"none"}`), false},
		{tok(`{"kid":"k"}`), false},
		{tok(`{"alg":"RS256","kid":"k","crit":["b64"]}`), false},
		{tok(`{"alg":"RS256","kid":"k"}`) + ".extra", false},
		{tok(`not json`), false},
		{"%%%.e30.c2ln", false},
		{"no-dots", false},
	} {
		if _, _, _, _, err := parseRS256(tc.raw); (err == nil) != tc.ok {
			t.Errorf("%q: err %v, want ok=%v", tc.raw, err, tc.ok)
		}
	}
}
