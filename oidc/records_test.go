package oidc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/identity"
	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// hostileStrings are strings every JSON writer and reader must get right: quotes, backslashes,
// every control character, HTML's special characters, U+2028 and U+2029, invalid UTF-8 (cut
// sequences, surrogates, overlong forms), non-ASCII, a very long string.
func hostileStrings() []string {
	s := []string{
		"", "plain", `quote " and \ backslash`, "tab\tnew\nline\rcr\bback\fform", "\x00\x01\x1f\x7f",
		"<script>alert('&amp;')</script>", "ünïcödé ✓ 😀", "\u2028 and \u2029", "bad \xff\xfe utf-8 \xc3",
		"\xe2\x82", "\xe2\x80", "\xe2\x80\xa8\xe2\x80\xa9", "\xed\xa0\x80 surrogate", "\xc0\xaf overlong", "end\\",
		`\u0041 is not an escape here`, "null", "true", "0", "{}", `"`, `\`, "\x00",
		strings.Repeat("long-", 2000), strings.Repeat("é<", 700),
	}
	for c := range 0x20 {
		s = append(s, fmt.Sprintf("c%cc", c))
	}
	return s
}

// randomString is a string of up to 40 pieces: hostile ones, ASCII letters, bytes of every value.
func randomString(rng *rand.Rand, hostile []string) string {
	var b strings.Builder
	for range rng.IntN(40) {
		switch rng.IntN(4) {
		case 0:
			s := hostile[rng.IntN(len(hostile))]
			if len(s) > 100 {
				s = s[:rng.IntN(100)] // cut anywhere, also inside a UTF-8 sequence
			}
			b.WriteString(s)
		case 1:
			b.WriteByte(byte(rng.IntN(256)))
		default:
			b.WriteByte(byte('a' + rng.IntN(26)))
		}
	}
	return b.String()
}

// randomStrings is nil, empty or up to 5 random strings.
func randomStrings(rng *rand.Rand, hostile []string) []string {
	switch n := rng.IntN(7); n {
	case 0:
		return nil
	case 1:
		return []string{}
	default:
		out := make([]string, n-1)
		for i := range out {
			out[i] = randomString(rng, hostile)
		}
		return out
	}
}

// randomInt is 0, a small number, a Unix time or an extreme.
func randomInt(rng *rand.Rand) int64 {
	switch rng.IntN(5) {
	case 0:
		return 0
	case 1:
		return math.MaxInt64
	case 2:
		return math.MinInt64
	case 3:
		return rng.Int64N(2000) - 1000
	default:
		return 1_700_000_000 + rng.Int64N(1e8)
	}
}

// randomClaims are none or a claims object of hostile names and values, as NewClaims keeps them.
func randomClaims(t testing.TB, rng *rand.Rand, hostile []string) identity.Claims {
	if rng.IntN(4) == 0 {
		return nil
	}
	m := map[string]any{}
	for range rng.IntN(6) {
		var v any
		switch rng.IntN(5) {
		case 0:
			v = rng.IntN(2) == 0
		case 1:
			v = rng.Float64() * 1e6
		case 2:
			v = []any{randomString(rng, hostile), nil, map[string]any{"x": randomString(rng, hostile)}}
		default:
			v = randomString(rng, hostile)
		}
		m[randomString(rng, hostile)] = v
	}
	c, err := identity.ClaimsFromMap(m)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func randomIdentity(t testing.TB, rng *rand.Rand, hostile []string) identity.Identity {
	return identity.Identity{
		Subject:  randomString(rng, hostile),
		Username: randomString(rng, hostile),
		Claims:   randomClaims(t, rng, hostile),
		AuthTime: randomInt(rng),
		AMR:      randomStrings(rng, hostile),
	}
}

// randomRecords are n random values of every record type.
func randomRecords(t testing.TB, rng *rand.Rand, n int) []record {
	h := hostileStrings()
	str := func() string { return randomString(rng, h) }
	strs := func() []string { return randomStrings(rng, h) }
	flag := func() bool { return rng.IntN(2) == 0 }
	var out []record
	for range n {
		out = append(out,
			codeRecord{
				codeMarker:  codeMarker{ClientID: str(), Redeemed: flag(), GrantID: str()},
				RedirectURI: str(), Scopes: strs(), Nonce: str(), Challenge: str(), ClaimsUI: strs(), ClaimsID: strs(),
				SessionID: str(), Identity: randomIdentity(t, rng, h), Upstream: flag(), Expires: randomInt(rng),
			},
			grantRecord{
				ClientID: str(), Identity: randomIdentity(t, rng, h), SessionID: str(), Scopes: strs(), ClaimsUI: strs(),
				ClaimsID: strs(), Upstream: flag(), Created: randomInt(rng), Offline: flag(), RefreshHash: str(),
				RefreshExpires: randomInt(rng), RotatedHashes: strs(),
			},
			sessionRecord{Identity: randomIdentity(t, rng, h), Upstream: flag(), Created: randomInt(rng), Expires: randomInt(rng), KeyHash: str()},
			upstreamRecord{Token: str()},
			ssoCookie{ID: str(), Key: str(), Subject: str(), AuthTime: randomInt(rng)},
			logoutConfirm{SID: str(), Exp: randomInt(rng)},
			randomAuthRequest(rng, str, strs),
		)
	}
	return out
}

// randomAuthRequest is a parked request of random strings, with or without max_age.
func randomAuthRequest(rng *rand.Rand, str func() string, strs func() []string) AuthRequest {
	a := AuthRequest{
		ClientID: str(), RedirectURI: str(), Scopes: strs(), State: str(), Nonce: str(), CodeChallenge: str(),
		Prompt: strs(), LoginHint: str(), UILocales: strs(), HintSubject: str(), UserinfoClaims: strs(),
		IDTokenClaims: strs(), RequestedAt: randomInt(rng),
	}
	if rng.IntN(2) == 0 {
		a.MaxAge = new(randomInt(rng))
	}
	return a
}

// signInRecords are the records of one sign-in, as the provider writes them.
func signInRecords(t testing.TB) []record {
	claims, err := identity.NewClaims([]byte(`{"sub":"2f9c7e0a-51b4-4a9e-9d67-3c2b1e0f8a77","email_verified":true,"iss":"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_bench","cognito:username":"bench-user","aud":"app","event_id":"e","token_use":"id","auth_time":1764650000,"name":"Bench User","exp":1764653600,"iat":1764650000,"email":"bench@example.com"}`))
	if err != nil {
		t.Fatal(err)
	}
	id := identity.Identity{Subject: "2f9c7e0a-51b4-4a9e-9d67-3c2b1e0f8a77", Username: "bench-user", Claims: claims, AuthTime: 1764650000, AMR: []string{"pwd"}}
	scopes := []string{"openid", "email", "profile"}
	return []record{
		upstreamRecord{Token: strings.Repeat("eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.", 28)},
		sessionRecord{Identity: id, Upstream: true, Created: 1764650000, Expires: 1764736400, KeyHash: "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sVbDwCgg"},
		codeRecord{
			codeMarker: codeMarker{ClientID: "bench-app"}, RedirectURI: "http://127.0.0.1:5556/callback", Scopes: scopes,
			Nonce: "nonce-0123456789", Challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", SessionID: "c2Vzc2lvbi1pZC0wMTIzNDU2Nzg5YWJjZGVm",
			Identity: id, Upstream: true, Expires: 1764650060,
		},
		grantRecord{ClientID: "bench-app", Identity: id, SessionID: "c2Vzc2lvbi1pZC0wMTIzNDU2Nzg5YWJjZGVm", Scopes: scopes, Upstream: true, Created: 1764650001},
		codeRecord{codeMarker: codeMarker{ClientID: "bench-app", Redeemed: true, GrantID: "Z3JhbnQtMDEyMzQ1Njc4OQ"}, Expires: 1764650600},
		ssoCookie{ID: "c2Vzc2lvbi1pZC0wMTIzNDU2Nzg5YWJjZGVm", Key: "a2V5LTAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWI", Subject: id.Subject, AuthTime: 1764650000},
		AuthRequest{
			ClientID: "bench-app", RedirectURI: "http://127.0.0.1:5556/callback", Scopes: scopes, State: "state-0123456789",
			Nonce: "nonce-0123456789", CodeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", RequestedAt: 1764649990,
		},
	}
}

// decoderFor is a new zero value of r's type, as its decoder.
func decoderFor(r record) recordDecoder {
	return reflect.New(reflect.TypeOf(r)).Interface().(recordDecoder)
}

// recordDecoders make a zero value of each record type, and of codeMarker, which is only decoded.
func recordDecoders() []func() recordDecoder {
	return []func() recordDecoder{
		func() recordDecoder { return &codeRecord{} },
		func() recordDecoder { return &codeMarker{} },
		func() recordDecoder { return &grantRecord{} },
		func() recordDecoder { return &sessionRecord{} },
		func() recordDecoder { return &upstreamRecord{} },
		func() recordDecoder { return &ssoCookie{} },
		func() recordDecoder { return &logoutConfirm{} },
		func() recordDecoder { return &AuthRequest{} },
	}
}

// Every record writes exactly json.Marshal's bytes, in place or (claims that are not compact
// JSON) through json.Marshal, and the scratch's encode gives the same bytes and errors.
func TestRecordsEncodeAsJSONMarshal(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 1))
	recs := append(signInRecords(t), randomRecords(t, rng, 400)...)
	for _, s := range hostileStrings() {
		recs = append(recs, upstreamRecord{Token: s}, ssoCookie{ID: s, Key: s, Subject: s}, logoutConfirm{SID: s},
			grantRecord{ClientID: s, Scopes: []string{s, s}, Identity: identity.Identity{Subject: s, Username: s, AMR: []string{s}}})
	}
	var notCompact []record
	for _, c := range []string{`{ "a": 1 }`, "{\"a\":\n1}", `[1, 2]`, `{"a":"<\u2028>"} `} {
		notCompact = append(notCompact, sessionRecord{Identity: identity.Identity{Subject: "s", Claims: identity.Claims(c)}})
	}
	invalid := []record{
		sessionRecord{Identity: identity.Identity{Claims: identity.Claims(`{`)}},
		codeRecord{Identity: identity.Identity{Claims: identity.Claims(`{"a":1}x`)}},
		grantRecord{Identity: identity.Identity{Claims: identity.Claims(`{"a":01}`)}},
		grantRecord{Identity: identity.Identity{Claims: identity.Claims(strings.Repeat("[", 100) + strings.Repeat("]", 100))}}, // deeper than awsjson reads
	}
	bufs := newBuffers()
	for i, r := range append(append(recs, notCompact...), invalid...) {
		want, wantErr := json.Marshal(r)
		got, ok := r.appendJSON([]byte("kept"))
		if wantOK := i < len(recs); ok != wantOK {
			t.Errorf("record %d (%T): appendJSON ok = %v, want %v", i, r, ok, wantOK)
		}
		if ok && (wantErr != nil || !bytes.Equal(got, append([]byte("kept"), want...))) {
			t.Errorf("record %d (%T):\n appendJSON %q\n json       %q (%v)", i, r, got, want, wantErr)
		}
		sc := bufs.get()
		enc, err := sc.encode(r)
		if (err != nil) != (wantErr != nil) || !bytes.Equal(enc, want) {
			t.Errorf("record %d (%T): encode %q (%v), json.Marshal %q (%v)", i, r, enc, err, want, wantErr)
		}
		bufs.put(sc)
	}
}

// appendMarshaledString writes json.Marshal's bytes, appendJSONString those of an encoder with
// HTML escaping off, for every byte value and for hostile and random strings.
func TestAppendStringIsEncodingJSONs(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 2))
	strs := hostileStrings()
	for c := range 256 {
		strs = append(strs, string([]byte{byte(c)}), "a"+string([]byte{byte(c)})+"b")
	}
	for range 2000 {
		strs = append(strs, randomString(rng, hostileStrings()))
	}
	for _, s := range strs {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendMarshaledString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendMarshaledString(%q) = %s, json.Marshal %s", s, got, want)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got, want := appendJSONString(nil, s), bytes.TrimSuffix(buf.Bytes(), []byte("\n")); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString(%q) = %s, encoding/json without HTML escaping %s", s, got, want)
		}
	}
}

// decodesAsUnmarshal checks that decoding raw into a fresh value of each record type gives
// json.Unmarshal's value and error; into is the starting value's maker (a zero value or one
// with every field set, for members raw leaves out).
func decodesAsUnmarshal(t *testing.T, raw []byte, dec func() recordDecoder, into func(recordDecoder)) {
	t.Helper()
	got, want := dec(), dec()
	if into != nil {
		into(got)
		into(want)
	}
	err := got.decodeJSON(raw)
	wantErr := json.Unmarshal(raw, want)
	if fmt.Sprint(err) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
		t.Errorf("%T from %q:\n decodeJSON    %+v (%v)\n json.Unmarshal %+v (%v)", got, raw, got, err, want, wantErr)
	}
}

// hostileDocuments are JSON (and not quite JSON) documents for every record type: unknown
// members, other spellings of a name (case, escapes, non-ASCII letters that fold into ASCII),
// nulls, repeated members, numbers that are no integers or do not fit, wrong types, white space,
// invalid UTF-8, malformed or truncated documents, deep nesting.
func hostileDocuments() []string {
	docs := []string{
		``, ` `, `null`, `[]`, `{}`, `"x"`, `1`, `{`, `{"t":"x"`, `{"t":"x"}x`, `{"t":"x"} `, ` {"t" : "x" } `,
		`{"t":"x","t":"y"}`, `{"t":null}`, `{"t":1}`, `{"t":"\u00e9\ud800"}`, "{\"t\":\"\xff\"}", "{\"\xff\":\"x\"}",
		`{"T":"x"}`, `{"\u0074":"x"}`, `{"unknown":{"a":[1,2,{"b":null}]},"t":"x"}`, `{"t":"x",}`, `{,"t":"x"}`,
		`{"t":"a\tb"}`, "{\"t\":\"a\tb\"}", `{"t":"\x"}`,
		`{"sub":"s","usr":"u","cl":{"email":"a@b","n":[1,{"x":null}]},"at":5,"amr":["pwd","mfa"]}`,
		`{"sub":"s","cl":null,"amr":null}`, `{"cl":{ "a" : 1 }}`, `{"cl":[1]}`, `{"cl":"str"}`, `{"cl":{"a":1},"cl":{"b":2}}`,
		`{"amr":[]}`, `{"amr":["a"],"amr":[]}`, `{"amr":["a",null]}`, `{"amr":[1]}`, `{"amr":"pwd"}`, `{"amr":["a",]}`,
		`{"at":1.0}`, `{"at":1e3}`, `{"at":-0}`, `{"at":9223372036854775807}`, `{"at":9223372036854775808}`,
		`{"at":-9223372036854775808}`, `{"at":-9223372036854775809}`, `{"at":01}`, `{"at":"5"}`, `{"at":true}`,
		`{"up":true}`, `{"up":false}`, `{"up":"true"}`, `{"up":1}`, `{"up":null}`, `{"up":tru}`, `{"rd":true,"gid":"g","cid":"c"}`,
		`{"SUB":"s"}`, `{"Sub":"s"}`, `{"ſub":"s"}`, `{"\u017fub":"s"}`, `{"K":"k"}`, "{\"\u212a\":\"k\"}", `{"CID":"c"}`,
		`{"exp":1,"ExP":2}`, `{"e":5,"E":6}`, `{"i":"i","k":"k","s":"s","t":1}`, `{"s":"s","e":1}`,
		`{"cid":"c","rd":true,"gid":"g","ru":"r","sc":["openid"],"n":"n","cc":"cc","cu":["a"],"ci":["b"],"sid":"sid","sub":"s","at":1,"up":true,"exp":2}`,
		`{"cid":"c","sub":"s","at":1,"sid":"x","sc":null,"c":3,"off":true,"rh":"h","re":4,"ro":["a","b"]}`,
		`{"sub":"s","at":1,"up":true,"c":2,"e":3,"k":"k"}`,
		`{"c":"app","r":"https://rp/cb","s":["openid"],"st":"x","ma":0,"t":1}`, `{"ma":null}`, `{"ma":5,"ma":null}`,
		`{"ma":1.5}`, `{"ma":"5"}`, `{"MA":5}`, `{"s":null,"p":[],"ul":["en","de"],"uc":["email"],"ic":null,"hs":"h","lh":"l"}`,
		`{"cl":` + strings.Repeat(`{"a":`, 70) + `1` + strings.Repeat(`}`, 70) + `}`,
		`{"x":` + strings.Repeat(`[`, 70) + strings.Repeat(`]`, 70) + `,"t":"y"}`,
		`{"t":"` + strings.Repeat("x", 10000) + `"}`,
	}
	return docs
}

// Every document decodes into every record type as json.Unmarshal decodes it: the same value
// (from a zero value and from one with every field set) and the same error.
func TestRecordsDecodeAsJSONUnmarshal(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 3))
	var docs [][]byte
	for _, d := range hostileDocuments() {
		docs = append(docs, []byte(d))
	}
	for _, r := range append(signInRecords(t), randomRecords(t, rng, 200)...) {
		raw, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, raw)
	}
	full := randomRecords(t, rng, 1)
	fill := func(d recordDecoder) {
		for _, r := range full {
			if reflect.TypeOf(r) == reflect.TypeOf(d).Elem() {
				reflect.ValueOf(d).Elem().Set(reflect.ValueOf(r))
			}
		}
		if m, ok := d.(*codeMarker); ok {
			*m = codeMarker{ClientID: "before", Redeemed: true, GrantID: "before"}
		}
	}
	for _, raw := range docs {
		for _, dec := range recordDecoders() {
			decodesAsUnmarshal(t, raw, dec, nil)
			decodesAsUnmarshal(t, raw, dec, fill)
		}
	}
}

// What the provider writes is read in place, never by json.Unmarshal: the records of a
// sign-in, random records, and records as earlier versions wrote them.
func TestRecordsAreReadInPlace(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 4))
	for _, r := range append(signInRecords(t), randomRecords(t, rng, 200)...) {
		raw, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if !readsInPlace(decoderFor(r), raw) {
			t.Errorf("%T %s is left to json.Unmarshal", r, raw)
		}
	}
	// A redemption reads the code record it replaced as a codeMarker, skipping the rest.
	for _, r := range signInRecords(t) {
		if c, ok := r.(codeRecord); ok {
			raw, _ := json.Marshal(c)
			if !readsInPlace(&codeMarker{}, raw) {
				t.Errorf("codeMarker from %s is left to json.Unmarshal", raw)
			}
		}
	}
}

// readsInPlace reports whether d reads raw without json.Unmarshal.
func readsInPlace(d recordDecoder, raw []byte) bool {
	switch v := d.(type) {
	case *codeRecord:
		return readRecord(raw, v, codeRecordNames, (*codeRecord).member)
	case *codeMarker:
		return readRecord(raw, v, codeMarkerNames, (*codeMarker).member)
	case *grantRecord:
		return readRecord(raw, v, grantRecordNames, (*grantRecord).member)
	case *sessionRecord:
		return readRecord(raw, v, sessionRecordNames, (*sessionRecord).member)
	case *upstreamRecord:
		return readRecord(raw, v, upstreamRecordNames, (*upstreamRecord).member)
	case *ssoCookie:
		return readRecord(raw, v, ssoCookieNames, (*ssoCookie).member)
	case *logoutConfirm:
		return readRecord(raw, v, logoutConfirmNames, (*logoutConfirm).member)
	case *AuthRequest:
		return readRecord(raw, v, authRequestNames, (*AuthRequest).member)
	}
	panic(fmt.Sprintf("no reader for %T", d))
}

// The names each record reads are its struct's JSON names, so a member that is not one of
// them is one json.Unmarshal ignores too.
func TestRecordNamesAreTheStructs(t *testing.T) {
	for _, tc := range []struct {
		v     any
		names []string
	}{
		{codeRecord{}, codeRecordNames}, {codeMarker{}, codeMarkerNames}, {grantRecord{}, grantRecordNames},
		{sessionRecord{}, sessionRecordNames}, {upstreamRecord{}, upstreamRecordNames}, {ssoCookie{}, ssoCookieNames},
		{logoutConfirm{}, logoutConfirmNames}, {AuthRequest{}, authRequestNames},
	} {
		want := map[string]bool{}
		var walk func(reflect.Type)
		walk = func(typ reflect.Type) {
			for i := range typ.NumField() {
				f := typ.Field(i)
				if f.Anonymous {
					walk(f.Type)
					continue
				}
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				want[name] = true
			}
		}
		walk(reflect.TypeOf(tc.v))
		got := map[string]bool{}
		for _, n := range tc.names {
			got[n] = true
		}
		if !reflect.DeepEqual(got, want) || len(got) != len(tc.names) {
			t.Errorf("%T reads %v, its struct has %v", tc.v, tc.names, want)
		}
	}
}

// Records as the previous versions wrote them (json.Marshal; literal bytes of session 10's
// records) read as they did: a store shared with instances of another version during a deploy.
func TestRecordsOfEarlierVersionsRead(t *testing.T) {
	claims := identity.Claims(`{"sub":"2f9c","email_verified":true,"cognito:username":"bench-user","name":"B\u003cU\u003e","email":"b@example.com"}`)
	id := identity.Identity{Subject: "2f9c", Username: "bench-user", Claims: claims, AuthTime: 1764650000, AMR: []string{"pwd"}}
	for _, tc := range []struct {
		raw  string
		want recordDecoder
	}{
		{`{"sub":"2f9c","usr":"bench-user","cl":{"sub":"2f9c","email_verified":true,"cognito:username":"bench-user","name":"B\u003cU\u003e","email":"b@example.com"},"at":1764650000,"amr":["pwd"],"up":true,"c":1764650000,"e":1764736400,"k":"n4bQ"}`,
			&sessionRecord{Identity: id, Upstream: true, Created: 1764650000, Expires: 1764736400, KeyHash: "n4bQ"}},
		{`{"cid":"app","ru":"http://127.0.0.1:5556/cb?a=1\u0026b=2","sc":["openid","email"],"n":"n","cc":"E9Me","sid":"c2Vz","sub":"2f9c","usr":"bench-user","cl":{"sub":"2f9c","email_verified":true,"cognito:username":"bench-user","name":"B\u003cU\u003e","email":"b@example.com"},"at":1764650000,"amr":["pwd"],"up":true,"exp":1764650060}`,
			&codeRecord{codeMarker: codeMarker{ClientID: "app"}, RedirectURI: "http://127.0.0.1:5556/cb?a=1&b=2", Scopes: []string{"openid", "email"}, Nonce: "n", Challenge: "E9Me", SessionID: "c2Vz", Identity: id, Upstream: true, Expires: 1764650060}},
		{`{"cid":"app","rd":true,"gid":"Z3Jh","sub":"","at":0,"exp":1764650600}`,
			&codeRecord{codeMarker: codeMarker{ClientID: "app", Redeemed: true, GrantID: "Z3Jh"}, Expires: 1764650600}},
		{`{"cid":"app","sub":"2f9c","usr":"bench-user","cl":{"sub":"2f9c","email_verified":true,"cognito:username":"bench-user","name":"B\u003cU\u003e","email":"b@example.com"},"at":1764650000,"amr":["pwd"],"sid":"c2Vz","sc":["openid","offline_access"],"up":true,"c":1764650001,"off":true,"rh":"aGFz","re":1767242001,"ro":["b2xk"]}`,
			&grantRecord{ClientID: "app", Identity: id, SessionID: "c2Vz", Scopes: []string{"openid", "offline_access"}, Upstream: true, Created: 1764650001, Offline: true, RefreshHash: "aGFz", RefreshExpires: 1767242001, RotatedHashes: []string{"b2xk"}}},
		{`{"t":"eyJj.dHk\u003d"}`, &upstreamRecord{Token: "eyJj.dHk="}},
		{`{"i":"c2Vz","k":"a2V5","s":"2f9c","t":1764650000}`, &ssoCookie{ID: "c2Vz", Key: "a2V5", Subject: "2f9c", AuthTime: 1764650000}},
		{`{"s":"c2Vz","e":1764650600}`, &logoutConfirm{SID: "c2Vz", Exp: 1764650600}},
	} {
		got := reflect.New(reflect.TypeOf(tc.want).Elem()).Interface().(recordDecoder)
		if err := got.decodeJSON([]byte(tc.raw)); err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n read %+v (%v)\n want %+v", tc.raw, got, err, tc.want)
		}
		if !readsInPlace(reflect.New(reflect.TypeOf(tc.want).Elem()).Interface().(recordDecoder), []byte(tc.raw)) {
			t.Errorf("%s is left to json.Unmarshal", tc.raw)
		}
		// And what this version writes for the value is what the earlier one wrote, except
		// for the claims (kept as read) and the escapes json.Marshal makes differently.
		if r, ok := reflect.ValueOf(tc.want).Elem().Interface().(record); ok {
			want, _ := json.Marshal(r)
			if got, _ := r.appendJSON(nil); !bytes.Equal(got, want) {
				t.Errorf("%T writes %s, json.Marshal %s", r, got, want)
			}
		}
	}
}

// FuzzRecordDecode: any document decodes into every record type as json.Unmarshal decodes it.
func FuzzRecordDecode(f *testing.F) {
	for _, d := range hostileDocuments() {
		f.Add([]byte(d))
	}
	for _, r := range signInRecords(f) {
		raw, _ := json.Marshal(r)
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, dec := range recordDecoders() {
			decodesAsUnmarshal(t, raw, dec, nil)
		}
	})
}

// FuzzRecordEncode: records of any strings write json.Marshal's bytes.
func FuzzRecordEncode(f *testing.F) {
	for _, s := range hostileStrings() {
		f.Add(s, s, int64(0), true)
	}
	f.Fuzz(func(t *testing.T, a, b string, n int64, flag bool) {
		claims, err := identity.ClaimsFromMap(map[string]any{a: b, b: []any{a, n, flag}})
		if err != nil {
			t.Skip()
		}
		id := identity.Identity{Subject: a, Username: b, Claims: claims, AuthTime: n, AMR: []string{a, b}}
		for _, r := range []record{
			codeRecord{codeMarker: codeMarker{ClientID: a, Redeemed: flag, GrantID: b}, RedirectURI: a, Scopes: []string{b}, Nonce: a, Challenge: b, SessionID: a, Identity: id, Upstream: flag, Expires: n},
			grantRecord{ClientID: a, Identity: id, SessionID: b, Scopes: []string{a}, Offline: flag, RefreshHash: b, RefreshExpires: n, RotatedHashes: []string{a, b}},
			sessionRecord{Identity: id, Upstream: flag, Created: n, Expires: n, KeyHash: a},
			upstreamRecord{Token: a}, ssoCookie{ID: a, Key: b, Subject: a, AuthTime: n}, logoutConfirm{SID: b, Exp: n},
			AuthRequest{ClientID: a, RedirectURI: b, Scopes: []string{a}, State: b, Nonce: a, CodeChallenge: b, Prompt: []string{b},
				MaxAge: &n, LoginHint: a, UILocales: []string{a, b}, HintSubject: b, UserinfoClaims: []string{a}, IDTokenClaims: []string{b}, RequestedAt: n},
		} {
			want, err := json.Marshal(r)
			got, ok := r.appendJSON(nil)
			if err != nil || !ok || !bytes.Equal(got, want) {
				t.Fatalf("%T: appendJSON %q (%v), json.Marshal %q (%v)", r, got, ok, want, err)
			}
		}
	})
}

// BenchmarkRecords encodes and decodes one sign-in's records (as the provider writes and reads
// them), with encoding/json (the previous version) and in place; cpu-ns/op is the thread's CPU.
func BenchmarkRecords(b *testing.B) {
	recs := signInRecords(b)
	raws := make([][]byte, len(recs))
	for i, r := range recs {
		raws[i], _ = json.Marshal(r)
	}
	encode := func(enc func(*scratch, record) ([]byte, error)) func(b *testing.B) {
		return func(b *testing.B) {
			b.ReportAllocs()
			sc := newBuffers().get()
			testutil.LoopCPU(b, func() {
				for _, r := range recs {
					if _, err := enc(sc, r); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
	decode := func(dec func([]byte, recordDecoder) error) func(b *testing.B) {
		return func(b *testing.B) {
			b.ReportAllocs()
			testutil.LoopCPU(b, func() {
				for i, r := range recs {
					if err := dec(raws[i], decoderFor(r)); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
	b.Run("encode/json", encode(func(sc *scratch, r record) ([]byte, error) { return sc.marshal(r) }))
	b.Run("encode/records", encode((*scratch).encode))
	b.Run("decode/json", decode(func(raw []byte, d recordDecoder) error { return json.Unmarshal(raw, d) }))
	b.Run("decode/records", decode(func(raw []byte, d recordDecoder) error { return d.decodeJSON(raw) }))
}
