package awsjson

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// TestSkipAcceptsOnlyJSON: a document read whole with Skip is well-formed JSON, and every
// well-formed document that is not nested too deeply is read.
func TestSkipAcceptsOnlyJSON(t *testing.T) {
	for _, tc := range []struct {
		doc string
		ok  bool
	}{
		{`{}`, true},
		{` [ 1 , -0.5e-7 , "x" , true , false , null , { "a" : [ ] } ] `, true},
		{`"\u00e9\n\"\\"`, true},
		{"\"\xff\"", true},
		{`0`, true},
		{`-12.0E+3`, true},
		{strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth), true},
		{strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1), false}, // too deep for us, not for JSON
		{``, false},
		{`{`, false},
		{`{"a"}`, false},
		{`{"a":}`, false},
		{`{"a":1,}`, false},
		{`{,}`, false},
		{`[,1]`, false},
		{`[1 2]`, false},
		{`01`, false},
		{`1.`, false},
		{`1e`, false},
		{`-`, false},
		{`+1`, false},
		{`.5`, false},
		{`tru`, false},
		{`nulll`, false},
		{`"a` + "\x01" + `"`, false},
		{`"\x"`, false},
		{`"\u00"`, false},
		{`"abc`, false},
		{`"\uABcd\/\'"`, false},
		{`["\uABcd\/", "\u12G4"]`, false},
		{`["\uABcd\/\b", "\u12f4"]`, true},
		{`"\u12"`, false},
		{`"\"`, false},
		{`"\`, false},
		{`{} {}`, false},
		{`{"a":1}]`, false},
	} {
		r := NewReader([]byte(tc.doc))
		got := r.Skip() && r.Done()
		if got != tc.ok {
			t.Errorf("%q: read %v, want %v", tc.doc, got, tc.ok)
		}
		if got && !json.Valid([]byte(tc.doc)) {
			t.Errorf("%q: read, but not JSON", tc.doc)
		}
	}
}

// TestRawKeyWrittenAndSpaced: Raw returns each value as written, KeyWritten each name as
// written beside its decoded form, and Spaced tells a compact document from one with white
// space anywhere between its tokens.
func TestRawKeyWrittenAndSpaced(t *testing.T) {
	for _, tc := range []struct {
		doc    string
		names  []string // decoded
		keys   []string // as written
		values []string // as written
		spaced bool
	}{
		{`{}`, nil, nil, nil, false},
		{`{"a":1,"b\u0062":"x\"y","c":{"d":[1,{"e":null}]},"f":true}`,
			[]string{"a", "bb", "c", "f"}, []string{`"a"`, `"b\u0062"`, `"c"`, `"f"`},
			[]string{`1`, `"x\"y"`, `{"d":[1,{"e":null}]}`, `true`}, false},
		{`{"a": 1}`, []string{"a"}, []string{`"a"`}, []string{`1`}, true},
		{` {"a":1}`, []string{"a"}, []string{`"a"`}, []string{`1`}, true},
		{`{"a":1} `, []string{"a"}, []string{`"a"`}, []string{`1`}, true},
		{`{"a":[1, 2]}`, []string{"a"}, []string{`"a"`}, []string{`[1, 2]`}, true},
		{`{"a" :1}`, []string{"a"}, []string{`"a"`}, []string{`1`}, true},
		{`{"a":"x y"}`, []string{"a"}, []string{`"a"`}, []string{`"x y"`}, false},
	} {
		r := NewReader([]byte(tc.doc))
		if !r.Object() {
			t.Fatalf("%s: not an object", tc.doc)
		}
		var names, keys, values []string
		for {
			name, key, ok := r.KeyWritten()
			if !ok {
				break
			}
			v, ok := r.Raw()
			if !ok {
				t.Fatalf("%s: value of %s not read", tc.doc, key)
			}
			names, keys, values = append(names, string(name)), append(keys, string(key)), append(values, string(v))
		}
		if !r.Done() || r.Spaced() != tc.spaced {
			t.Errorf("%s: done %v, spaced %v, want %v", tc.doc, r.Done(), r.Spaced(), tc.spaced)
		}
		if !slices.Equal(names, tc.names) || !slices.Equal(keys, tc.keys) || !slices.Equal(values, tc.values) {
			t.Errorf("%s: names %q keys %q values %q", tc.doc, names, keys, values)
		}
	}
	for _, bad := range []string{`{"a":}`, `{"a":"b`, `{"a" 1}`, `{"a":[1,]}`} {
		r := NewReader([]byte(bad))
		r.Object()
		for _, ok := r.Key(); ok; _, ok = r.Key() {
			r.Raw()
		}
		if r.Done() {
			t.Errorf("%s: read", bad)
		}
	}
}

// TestStringAndInt64MatchEncodingJSON: strings decode to what encoding/json makes of them,
// and Int64 takes exactly the integers json.Number's Int64 takes.
func TestStringAndInt64MatchEncodingJSON(t *testing.T) {
	for _, s := range []string{`""`, `"plain"`, `"jürgen 天气"`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\ud83d\ude00"`, `"\ud800x"`, "\"a\xffb\"", "\"\xed\xa0\x80\""} {
		var want string
		if err := json.Unmarshal([]byte(s), &want); err != nil {
			t.Fatal(err)
		}
		r := NewReader([]byte(s))
		got, ok := r.String()
		if !ok || !r.Done() || got != want {
			t.Errorf("%s: %q %v, want %q", s, got, ok, want)
		}
	}
	for _, n := range []string{`0`, `-0`, `7`, `-42`, `3600`, `9223372036854775807`, `-9223372036854775808`, `9223372036854775808`, `-9223372036854775809`, `99999999999999999999`, `1.0`, `1e3`, `-1E2`} {
		want, wantErr := json.Number(n).Int64()
		r := NewReader([]byte(n))
		got, ok := r.Int64()
		if ok != (wantErr == nil) || ok && got != want {
			t.Errorf("%s: %d %v, want %d (%v)", n, got, ok, want, wantErr)
		}
	}
}

// FuzzReader: whatever Skip reads whole is JSON, and its strings are encoding/json's.
func FuzzReader(f *testing.F) {
	for _, s := range []string{`{"a":[1,"b",null,true]}`, `"\u00e9"`, `-1.5e3`, `{"k":"v","k":"w"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		r := NewReader([]byte(doc))
		if r.Skip() && r.Done() && !json.Valid([]byte(doc)) {
			t.Fatalf("%q read, but not JSON", doc)
		}
		r = NewReader([]byte(doc))
		if raw, ok := r.Raw(); ok && r.Done() && string(raw) != strings.Trim(doc, " \t\r\n") {
			t.Fatalf("%q: raw %q", doc, raw)
		}
		r = NewReader([]byte(doc))
		if s, ok := r.String(); ok && r.Done() {
			var want string
			if err := json.Unmarshal([]byte(doc), &want); err != nil || s != want {
				t.Fatalf("%q: %q, encoding/json %q (%v)", doc, s, want, err)
			}
		}
	})
}

// TestClassify: the eight-bytes-at-a-time scan finds a control character and a byte past ASCII
// wherever they are, beside any other bytes (a borrow across bytes never hides or invents one).
func TestClassify(t *testing.T) {
	naive := func(s []byte) (control, nonASCII bool) {
		for _, c := range s {
			control = control || c < 0x20
			nonASCII = nonASCII || c >= 0x80
		}
		return control, nonASCII
	}
	for n := 0; n <= 19; n++ {
		for pos := 0; pos < max(n, 1); pos++ {
			for _, fill := range []byte{' ', 'a', 0x7f, 0x20, 0x21, 0x80, 0xff} {
				for c := 0; c < 256; c++ {
					s := bytes.Repeat([]byte{fill}, n)
					if n > 0 {
						s[pos] = byte(c)
					}
					gotC, gotN := classify(s)
					if wantC, wantN := naive(s); gotC != wantC || gotN != wantN {
						t.Fatalf("classify(%q) = %v %v, want %v %v", s, gotC, gotN, wantC, wantN)
					}
				}
			}
		}
	}
}

// BenchmarkReadTokens reads a sign-in answer's shape: three tokens of Cognito's sizes.
func BenchmarkReadTokens(b *testing.B) {
	tok := func(n int) string { return strings.Repeat("eyJraWQiOiJ", n/11+1)[:n] }
	body := []byte(`{"AuthenticationResult":{"AccessToken":"` + tok(1050) + `","ExpiresIn":3600,"IdToken":"` + tok(1150) +
		`","RefreshToken":"` + tok(1780) + `","TokenType":"Bearer"},"ChallengeParameters":{}}`)
	b.SetBytes(int64(len(body)))
	testutil.LoopCPU(b, func() {
		r := NewReader(body)
		if !r.Skip() || !r.Done() {
			b.Fatal("not read")
		}
	})
}
