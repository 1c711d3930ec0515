package oidc

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/identity"
)

// decodeJSON decodes b, failing the test when it is not JSON.
func decodeJSON(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %q: %v", b, err)
	}
	return v
}

// appendJSONString writes the string encoding/json would: the same value when decoded.
func TestAppendJSONStringDecodesLikeEncodingJSON(t *testing.T) {
	for _, s := range []string{
		"", "plain", `quote " and \ backslash`, "tab\tnew\nline\rcr", "\x00\x01\x1f\x7f", "<a href='x'>&</a>",
		"ünïcödé ✓ 😀", "\u2028 and \u2029", "bad \xff\xfe utf-8 \xc3", "\xe2\x82", "end\\",
	} {
		got := appendJSONString(nil, s)
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := decodeJSON(t, got), decodeJSON(t, want); g != w {
			t.Errorf("appendJSONString(%q) = %s decodes to %q, encoding/json's to %q", s, got, g, w)
		}
	}
}

func TestJSONObject(t *testing.T) {
	o := newJSONObject(0)
	if got := string(o.bytes()); got != "{}" {
		t.Errorf("empty object = %s", got)
	}
	o = newJSONObject(8)
	o.str("s", `a"b`)
	o.num("n", -42)
	o.strs("l", []string{"x", "y"})
	o.strs("e", nil)
	o.raw("r", []byte(`{"k":[1,true,null]}`))
	want := map[string]any{"s": `a"b`, "n": float64(-42), "l": []any{"x", "y"}, "e": []any{}, "r": map[string]any{"k": []any{float64(1), true, nil}}}
	if got := decodeJSON(t, o.bytes()); !reflect.DeepEqual(got, want) {
		t.Errorf("object = %v, want %v", got, want)
	}
}

// convertRaw releases exactly what convertClaim released from the decoded value.
func TestConvertRawMatchesConvertClaim(t *testing.T) {
	values := []string{`"true"`, `"False"`, `"1"`, `"yes"`, `true`, `false`, `"42"`, `"4.5"`, `"-7"`, `3`, `-2.5`, `1e3`,
		`12345678901234567`, `"x"`, `""`, `null`, `{"a":1}`, `"{\"a\":1}"`, `"{"`, `[1,"a"]`, `"plain"`, `{}`, `[]`}
	for _, typ := range []string{"", "string", "boolean", "number", "json"} {
		for _, raw := range values {
			var decoded any
			if err := json.Unmarshal([]byte(raw), &decoded); err != nil {
				t.Fatal(err)
			}
			want, wantOK := convertClaim(decoded, typ)
			got, ok := convertRaw([]byte(raw), typ)
			if ok != wantOK {
				t.Errorf("convertRaw(%s, %q) released = %v, convertClaim %v", raw, typ, ok, wantOK)
				continue
			}
			if !ok {
				continue
			}
			wantJSON, _ := json.Marshal(want)
			if g, w := decodeJSON(t, got), decodeJSON(t, wantJSON); !reflect.DeepEqual(g, w) {
				t.Errorf("convertRaw(%s, %q) = %s, convertClaim %s", raw, typ, got, wantJSON)
			}
		}
	}
	if _, ok := convertRaw(nil, "boolean"); ok {
		t.Error("an absent claim was released")
	}
}

// claimJSON normalises Cognito's shapes of the standard claims.
func TestClaimJSONShapes(t *testing.T) {
	p := &Provider{cfg: Config{ClaimMappings: []ClaimMapping{{Attribute: "custom:n", Claim: "n", Type: "number"}}}}
	for _, tt := range []struct {
		claim, upstream, username string
		want                      string // "" when not released
	}{
		{"address", `{"address":{"formatted":"x"}}`, "", `{"formatted":"x"}`},
		{"address", `{"address":{}}`, "", ""},
		{"address", `{"address":""}`, "", ""},
		{"address", `{"address":"{\"street_address\":\"s\"}"}`, "", `{"street_address":"s"}`},
		{"address", `{"address":"1 Main St"}`, "", `{"formatted":"1 Main St"}`},
		{"address", `{"address":7}`, "", ""},
		{"preferred_username", `{"preferred_username":"p"}`, "u", `"p"`},
		{"preferred_username", `{"preferred_username":""}`, "u", `"u"`},
		{"preferred_username", `{}`, "u", `"u"`},
		{"preferred_username", `{}`, "", ""},
		{"groups", `{"cognito:groups":["a",1,"b"]}`, "", `["a","b"]`},
		{"groups", `{"cognito:groups":"solo"}`, "", `["solo"]`},
		{"groups", `{"cognito:groups":["a",null,"null"]}`, "", `["a","null"]`},
		{"groups", `{"cognito:groups":null}`, "", ""},
		{"groups", `{"cognito:groups":[]}`, "", ""},
		{"groups", `{}`, "", ""},
		{"email_verified", `{"email_verified":"true"}`, "", `true`},
		{"email_verified", `{"email_verified":false}`, "", `false`},
		{"email_verified", `{"email_verified":"maybe"}`, "", ""},
		{"updated_at", `{"updated_at":"1700000000"}`, "", `1700000000`},
		{"updated_at", `{"updated_at":17}`, "", `17`},
		{"name", `{"name":""}`, "", ""},
		{"name", `{"name":null}`, "", ""},
		{"name", `{"name":"N"}`, "", `"N"`},
		{"n", `{"custom:n":"5"}`, "", `5`},
		{"n", `{}`, "", ""},
	} {
		got, ok := p.claimJSON(tt.claim, tt.username, identity.Claims(tt.upstream).Indexed())
		if !ok {
			if tt.want != "" {
				t.Errorf("%s from %s: not released, want %s", tt.claim, tt.upstream, tt.want)
			}
			continue
		}
		if tt.want == "" {
			t.Errorf("%s from %s = %s, want not released", tt.claim, tt.upstream, got)
			continue
		}
		if g, w := decodeJSON(t, got), decodeJSON(t, []byte(tt.want)); !reflect.DeepEqual(g, w) {
			t.Errorf("%s from %s = %s, want %s", tt.claim, tt.upstream, got, tt.want)
		}
	}
}
