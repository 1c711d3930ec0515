package identity

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
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

// TestReadClaimsHandsEveryMemberOnce: see is handed every member once, in order, repeated names
// as often as they are written, whether the payload is compact or has white space anywhere (it
// is then compacted and read again) or invalid UTF-8 (replaced as decoding replaces it), and the
// claims kept keep the payload's order.
func TestReadClaimsHandsEveryMemberOnce(t *testing.T) {
	for _, tc := range []struct {
		in, handed, claims string
	}{
		{`{"sub":"s","iss":"i","a":1,"a":[2]}`, `sub="s" iss="i" a=1 a=[2]`, `{"sub":"s","a":1,"a":[2]}`},
		{`{}`, ``, `{}`},
		{`{ "sub":"s","iss":"i"}`, `sub="s" iss="i"`, `{"sub":"s"}`},
		{`{"sub" :"s","iss":"i"}`, `sub="s" iss="i"`, `{"sub":"s"}`},
		{`{"sub":"s","iss":[1, 2]}`, `sub="s" iss=[1,2]`, `{"sub":"s"}`},
		{`{"sub":"s" ,"iss":"i","a":1}`, `sub="s" iss="i" a=1`, `{"sub":"s","a":1}`},
		{`{"sub":"s","iss":"i","a":1 }`, `sub="s" iss="i" a=1`, `{"sub":"s","a":1}`},
		{`{"sub":"s","iss":"i","a":1} `, `sub="s" iss="i" a=1`, `{"sub":"s","a":1}`},
		{"{\"b\":\"x\xffy\",\"a\":1,\"a\":2}", "b=\"x\ufffdy\" a=1 a=2", "{\"b\":\"x\ufffdy\",\"a\":1,\"a\":2}"},
		{"{\"b\":\"\xed\xa0\x80\" ,\"a\":1}", "b=\"\ufffd\ufffd\ufffd\" a=1", "{\"b\":\"\ufffd\ufffd\ufffd\",\"a\":1}"},
		{`{"n\u0061me":"a","name":"b"}`, `name="a" name="b"`, `{"n\u0061me":"a","name":"b"}`},
	} {
		var handed []string
		c, err := ReadClaims([]byte(tc.in), func(name, value []byte) { handed = append(handed, string(name)+"="+string(value)) })
		if err != nil || strings.Join(handed, " ") != tc.handed || string(c) != tc.claims {
			t.Errorf("ReadClaims(%q): handed %q, claims %s, %v; want %q, %s", tc.in, handed, c, err, tc.handed, tc.claims)
		}
		var decoded, kept map[string]any
		if json.Unmarshal([]byte(tc.in), &decoded) != nil || json.Unmarshal(c, &kept) != nil {
			t.Fatalf("%q: not JSON", tc.in)
		}
		for name := range decoded {
			if isBookkeeping(name) {
				delete(decoded, name)
			}
		}
		if !reflect.DeepEqual(decoded, kept) {
			t.Errorf("ReadClaims(%q) kept %v, decoding reads %v", tc.in, kept, decoded)
		}
	}
}

// FuzzReadClaims: whatever ReadClaims accepts, encoding/json decodes; see is handed the
// object's member names as a decoder reads them, each once and in order; the claims kept decode
// to the payload's without the bookkeeping.
func FuzzReadClaims(f *testing.F) {
	for _, s := range []string{poolPayload, `{ "a" : 1 }`, "{\"a\":\"\xff\",\"b\" :2}", `{"a":1,"a":2}`, `{"a":[1, {"b" : 2}] , "iss":"x"}`, `[]`, `{"a\u0062":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		var handed []string
		c, err := ReadClaims(payload, func(name, _ []byte) { handed = append(handed, string(name)) })
		if err != nil {
			return
		}
		decoded, err := decodeNumbers(payload)
		if err != nil || decoded == nil {
			t.Fatalf("ReadClaims accepted %q, decoding refuses it (%v)", payload, err)
		}
		dec := json.NewDecoder(bytes.NewReader(payload))
		var names []string
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			t.Fatalf("%q: %v %v", payload, tok, err)
		}
		for dec.More() {
			tok, err := dec.Token()
			var value json.RawMessage
			if err != nil || dec.Decode(&value) != nil {
				t.Fatalf("%q: %v", payload, err)
			}
			names = append(names, tok.(string))
		}
		if !slices.Equal(handed, names) {
			t.Fatalf("%q: handed %q, the members are %q", payload, handed, names)
		}
		kept, err := decodeNumbers(c)
		if err != nil {
			t.Fatalf("%q: kept %q: %v", payload, c, err)
		}
		for name := range decoded {
			if isBookkeeping(name) {
				delete(decoded, name)
			}
		}
		if !reflect.DeepEqual(kept, decoded) {
			t.Fatalf("%q: kept %v, decoding reads %v", payload, kept, decoded)
		}
	})
}

// decodeNumbers decodes a JSON object with its numbers as written (json.Number: no range to
// exceed).
func decodeNumbers(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("data after the object: %v", err)
	}
	return m, nil
}
