package awsjson

import (
	"encoding/json"
	"strings"
	"testing"
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
		if s, ok := r.String(); ok && r.Done() {
			var want string
			if err := json.Unmarshal([]byte(doc), &want); err != nil || s != want {
				t.Fatalf("%q: %q, encoding/json %q (%v)", doc, s, want, err)
			}
		}
	})
}
