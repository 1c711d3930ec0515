package identity

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// poolPayload is a pool ID token's claims with every kind of attribute.
const poolPayload = `{"sub":"2f8a","cognito:groups":["admins","staff"],"email_verified":true,` +
	`"iss":"https://cognito-idp.us-east-1.amazonaws.com/p","cognito:username":"ana",` +
	`"origin_jti":"o","aud":"c","event_id":"e","token_use":"id","auth_time":1700000000,` +
	`"name":"Ana \"A\" Lima","phone_number":"+4915112345678","phone_number_verified":false,` +
	`"exp":1700003600,"iat":1700000000,"jti":"j","email":"ana@example.com",` +
	`"address":{"formatted":"Main St 1, Springfield"},"updated_at":1699999999,` +
	`"custom:team":"blue, green","custom:level":"7","identities":[{"providerName":"Google","primary":"true"}],` +
	"\"nickname\":\"\u00e1\\u00e9<tag>\",\"i\\u0073s\":\"escaped bookkeeping\"}"

func TestNewClaimsKeepsThePersonsClaims(t *testing.T) {
	c, err := NewClaims([]byte(poolPayload))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Map()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{}
	if err := json.Unmarshal([]byte(poolPayload), &want); err != nil {
		t.Fatal(err)
	}
	for name := range want {
		if isBookkeeping(name) {
			delete(want, name)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("claims\n got %v\nwant %v", got, want)
	}
	for _, tt := range []struct{ name, want string }{
		{"email", "ana@example.com"}, {"name", `Ana "A" Lima`}, {"cognito:username", "ana"},
		{"nickname", "áé<tag>"}, {"custom:level", "7"}, {"email_verified", ""}, {"iss", ""}, {"missing", ""},
	} {
		if s := c.String(tt.name); s != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.name, s, tt.want)
		}
	}
	if (Identity{Claims: c}).Groups() == nil {
		t.Error("groups lost")
	}
}

func TestClaimsRoundTripInARecord(t *testing.T) {
	c, err := NewClaims([]byte(poolPayload))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []Identity{{Subject: "s", Claims: c, AuthTime: 5, AMR: []string{"pwd"}}, {Subject: "s"}} {
		b, err := json.Marshal(id)
		if err != nil {
			t.Fatal(err)
		}
		var back Identity
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		gotClaims, err1 := back.Claims.Map()
		wantClaims, err2 := id.Claims.Map()
		if err1 != nil || err2 != nil || !reflect.DeepEqual(gotClaims, wantClaims) {
			t.Fatalf("round trip of %s: claims %v (%v), want %v (%v)", b, gotClaims, err1, wantClaims, err2)
		}
		back.Claims, id.Claims = nil, nil
		if !reflect.DeepEqual(back, id) {
			t.Fatalf("round trip of %s: %+v", b, back)
		}
	}
	// A record written with whitespace (or by the older map encoding) reads the same.
	var back Identity
	if err := json.Unmarshal([]byte(`{"sub":"s","cl": { "email" : "a@b.c" , "n": [1, 2] }}`), &back); err != nil {
		t.Fatal(err)
	}
	if back.Claims.String("email") != "a@b.c" || string(back.Claims) != `{"email":"a@b.c","n":[1,2]}` {
		t.Fatalf("claims %s", back.Claims)
	}
	// Whitespace only after a colon (an indented record) is compacted too.
	back = Identity{}
	if err := json.Unmarshal([]byte(`{"sub":"s","cl":{"email": "a@b.c","n": 1}}`), &back); err != nil {
		t.Fatal(err)
	}
	if back.Claims.String("email") != "a@b.c" || string(back.Claims) != `{"email":"a@b.c","n":1}` {
		t.Fatalf("claims %s", back.Claims)
	}
}

func TestClaimsRefuseWhatIsNotAnObject(t *testing.T) {
	for _, in := range []string{``, `[]`, `"x"`, `{"a":`, `{"a":1}x`, `null`} {
		if _, err := NewClaims([]byte(in)); err == nil {
			t.Errorf("NewClaims(%q) accepted", in)
		}
	}
	var c Claims
	for _, in := range []string{`[1]`, `"x"`, `1`} {
		if err := json.Unmarshal([]byte(in), &c); err == nil {
			t.Errorf("Unmarshal(%q) accepted", in)
		}
	}
	// Invalid UTF-8 is kept as decoding reads it.
	if c, err := NewClaims([]byte("{\"name\":\"a\xffb\"}")); err != nil || c.String("name") != "a\ufffdb" || !utf8.Valid(c) {
		t.Errorf("claims %q, %v", c, err)
	}
	// Reading malformed bytes never panics and finds nothing.
	for _, bad := range []Claims{Claims(`{`), Claims(`{"a`), Claims(`{"a":}`), Claims(`{"a":"b"`), Claims(`{"a":[}`), Claims(`{"a"}`)} {
		if v, ok := bad.Value("a"); ok {
			t.Errorf("Value of %q = %s", bad, v)
		}
	}
}

// TestIndexedIsValue: the claims read once answer every name as Claims.Value does, the last
// of a repeated name winning, escaped names included.
func TestIndexedIsValue(t *testing.T) {
	pool, err := NewClaims([]byte(poolPayload))
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"sub", "email", "name", "nickname", "address", "identities", "cognito:groups",
		"custom:team", "phone_number_verified", "updated_at", "iss", "missing", "", "a", "é"}
	for _, c := range []Claims{pool, nil, Claims(`{}`), Claims(`{"a":1,"a":[2],"\u00e9":"x","b\"":{"c":"d"}}`),
		Claims(`{"a":1,"b":}`), Claims(`{"a":1`), Claims(`[1]`)} {
		ix := c.Indexed()
		for _, n := range names {
			want, wantOK := c.Value(n)
			got, ok := ix.Value(n)
			if ok != wantOK || string(got) != string(want) {
				t.Errorf("%s: Indexed().Value(%q) = %s %v, Value %s %v", c, n, got, ok, want, wantOK)
			}
		}
	}
	if v, ok := Claims(`{"a":1,"a":[2]}`).Indexed().Value("a"); !ok || string(v) != "[2]" {
		t.Errorf("repeated name: %s %v", v, ok)
	}
	if v, ok := Claims(`{"a\u0062":true}`).Indexed().Value("ab"); !ok || string(v) != "true" {
		t.Errorf("escaped name: %s %v", v, ok)
	}
	// A value handed out cannot grow into the claims after it.
	v, _ := Claims(`{"a":1,"b":2}`).Indexed().Value("a")
	if cap(v) != len(v) {
		t.Errorf("value %s has room for %d bytes", v, cap(v))
	}
}

// TestNewClaimsShapes: what is kept from payloads written compactly or not, with repeated
// names, and what is refused.
func TestNewClaimsShapes(t *testing.T) {
	deep := strings.Repeat(`[`, 70) + strings.Repeat(`]`, 70)
	for _, tc := range []struct{ in, want string }{
		{`{"sub":"s","iss":"i","email":"e"}`, `{"sub":"s","email":"e"}`},
		{"{ \"sub\" : \"s\" ,\n\t\"n\": [1, {\"x\" : 2}], \"exp\": 5 }", `{"sub":"s","n":[1,{"x":2}]}`},
		{`{"a":1,"a":2,"aud":"x","a":3}`, `{"a":1,"a":2,"a":3}`},
		{`{"iss":"i","aud":["c"]}`, `{}`},
		{`{}`, `{}`},
		{`{"s":"a b","t":"\u00e9\"\\"}`, `{"s":"a b","t":"\u00e9\"\\"}`},
		{`{"deep":` + deep + `}`, ``},
	} {
		c, err := NewClaims([]byte(tc.in))
		if tc.want == "" {
			if err == nil {
				t.Errorf("NewClaims(%.40s…) accepted: %s", tc.in, c)
			}
			continue
		}
		if err != nil || string(c) != tc.want {
			t.Errorf("NewClaims(%q) = %s, %v; want %s", tc.in, c, err, tc.want)
		}
	}
}
