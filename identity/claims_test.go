package identity

import (
	"encoding/json"
	"reflect"
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
