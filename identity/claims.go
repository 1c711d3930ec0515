package identity

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/bridgekeeper/bridgekeeper/internal/awsjson"
)

// Claims are the person's verified claims from the pool's ID token (email, email_verified,
// name, phone_number, cognito:groups, cognito:username, custom:*, ...) without the token's
// bookkeeping (iss, aud, exp, ...), kept as the one compact JSON object they were read as. It
// is made once (NewClaims) and copied as it is into every record that keeps the identity, so
// storing and loading a record costs no decoding or encoding of the claims; readers take what
// they need (String, Value, Map). The zero value is no claims.
type Claims []byte

// errMalformedClaims is returned for claims that are not one JSON object.
var errMalformedClaims = errors.New("identity: claims are not a JSON object")

// NewClaims keeps the members of the JSON object payload (an ID token's claims) except the
// token's bookkeeping, compactly, in their order. Invalid UTF-8 is kept as decoding reads it;
// an object nested more than 64 deep is refused (internal/awsjson's limit; no pool's claims
// come near it).
func NewClaims(payload []byte) (Claims, error) { return ReadClaims(payload, nil) }

// ReadClaims is NewClaims, also handing see (unless nil) every member of the payload once, in
// order, the token's bookkeeping included, by its decoded name (repeated names are handed as
// often as they are written). A payload that is not compact (or not valid UTF-8) is compacted
// first, its invalid bytes replaced as decoding replaces them; see's values may then be the
// compacted ones. A malformed payload may have been handed in part.
func ReadClaims(payload []byte, see func(name, value []byte)) (Claims, error) {
	c, handed, ok := keepPersonal(payload, see, 0)
	if ok { // a compact, valid object: the token's usual payload
		return c, nil
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, payload); err != nil {
		return nil, fmt.Errorf("identity: read claims: %w", err)
	}
	obj := compact.Bytes()
	if !utf8.Valid(obj) { // nothing was handed to see yet: keepPersonal refuses invalid UTF-8 first
		obj = replaceInvalidUTF8(obj)
	}
	// The members handed already were compact: compacting left them as they were.
	if c, _, ok := keepPersonal(obj, see, handed); ok {
		return c, nil
	}
	return nil, errMalformedClaims
}

// replaceInvalidUTF8 replaces every byte of b that is not part of valid UTF-8 with U+FFFD, as
// encoding/json decodes a string holding it (byte by byte). b is valid JSON: outside its
// strings it is ASCII.
func replaceInvalidUTF8(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(b)/2)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	return out
}

// keepPersonal is ReadClaims for a compact object in valid UTF-8, in one reading of it, handing
// see the members after the first skip; false for anything else, with the number of members
// handed to see: those read before anything showed that obj is not compact.
func keepPersonal(obj []byte, see func(name, value []byte), skip int) (c Claims, handed int, ok bool) {
	if !utf8.Valid(obj) {
		return nil, 0, false
	}
	out := make([]byte, 0, len(obj))
	out = append(out, '{')
	r := awsjson.NewReader(obj)
	if !r.Object() {
		return nil, 0, false
	}
	n := 0 // members read, all of them compactly
	for {
		name, key, ok := r.KeyWritten()
		if !ok {
			break
		}
		value, ok := r.Raw()
		if !ok || r.Spaced() {
			return nil, n, false
		}
		if see != nil && n >= skip {
			see(name, value)
		}
		n++
		if isBookkeeping(string(name)) {
			continue
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(out, key...)
		out = append(out, ':')
		out = append(out, value...)
	}
	if !r.Done() || r.Spaced() {
		return nil, n, false
	}
	return Claims(append(out, '}')), n, true
}

// readMembers reads obj, one JSON object, calling fn with each member's decoded name, its name
// as written (quoted) and its value as written, in order; ok reports that obj was read whole.
// A malformed object may have been read in part.
func readMembers(obj []byte, fn func(name, key, value []byte)) (r awsjson.Reader, ok bool) {
	r = awsjson.NewReader(obj)
	if !r.Object() {
		return r, false
	}
	for {
		name, key, ok := r.KeyWritten()
		if !ok {
			break
		}
		value, ok := r.Raw()
		if !ok {
			return r, false
		}
		fn(name, key, value)
	}
	return r, r.Done()
}

// ClaimsFromMap encodes claims (for tests and callers holding decoded claims), without the
// token's bookkeeping.
func ClaimsFromMap(m map[string]any) (Claims, error) {
	if len(m) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("identity: encode claims: %w", err)
	}
	return NewClaims(b)
}

// MarshalJSON writes the claims object as it is (null for none).
func (c Claims) MarshalJSON() ([]byte, error) {
	if len(c) == 0 {
		return []byte("null"), nil
	}
	return c, nil
}

// UnmarshalJSON keeps a copy of the claims object (null is none).
func (c *Claims) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*c = nil
		return nil
	}
	if isCompactObject(b) {
		*c = append(Claims(nil), b...)
		return nil
	}
	var compact bytes.Buffer // a record written with whitespace
	if err := json.Compact(&compact, b); err != nil || compact.Len() < 2 || compact.Bytes()[0] != '{' {
		return errMalformedClaims
	}
	*c = Claims(compact.Bytes())
	return nil
}

// Value is the JSON value of claim name, if present.
func (c Claims) Value(name string) (json.RawMessage, bool) {
	var found []byte
	ok := c.each(func(n, value []byte) {
		if string(n) == name {
			found = value // the last one wins, as when decoding
		}
	})
	if !ok || found == nil {
		return nil, false
	}
	return found[:len(found):len(found)], true
}

// Indexed is Claims read once, for taking many claims from them.
type Indexed struct {
	c       Claims
	members []member
}

// member is where one member of the claims object is: its name as written (quoted) and its
// value, as offsets into the claims.
type member struct{ key, keyEnd, value, valueEnd int32 }

// Indexed reads the claims once.
func (c Claims) Indexed() Indexed {
	if len(c) == 0 || len(c) > math.MaxInt32 {
		return Indexed{}
	}
	// Every member has one colon outside its strings: room for all of them, in one allocation.
	ix := Indexed{c: c, members: make([]member, 0, bytes.Count(c, []byte{':'}))}
	if _, ok := readMembers(c, func(_, key, value []byte) {
		k, v := offset(c, key), offset(c, value)
		ix.members = append(ix.members, member{k, k + int32(len(key)), v, v + int32(len(value))})
	}); !ok {
		return Indexed{}
	}
	return ix
}

// offset is where part starts in c: part is a slice of c (readMembers hands out the
// document's own bytes).
func offset(c Claims, part []byte) int32 {
	return int32(cap(c) - cap(part))
}

// Value is the JSON value of claim name, if present (as Claims.Value).
func (ix Indexed) Value(name string) (json.RawMessage, bool) {
	for i := len(ix.members) - 1; i >= 0; i-- { // the last one wins, as when decoding
		m := ix.members[i]
		if isName(ix.c[m.key:m.keyEnd], name) {
			return json.RawMessage(ix.c[m.value:m.valueEnd:m.valueEnd]), true
		}
	}
	return nil, false
}

// isName reports whether the member whose name is written key (quoted) is name, decoding
// the name only when it has escapes.
func isName(key []byte, name string) bool {
	if bytes.IndexByte(key, '\\') < 0 {
		return string(key[1:len(key)-1]) == name
	}
	r := awsjson.NewReader(key)
	n, ok := r.String()
	return ok && n == name
}

// String is claim name's value when it is a JSON string, else "".
func (c Claims) String(name string) string {
	v, ok := c.Value(name)
	if !ok || len(v) == 0 || v[0] != '"' {
		return ""
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return ""
	}
	return s
}

// Map decodes the claims (numbers as float64, as encoding/json decodes them); none is an
// empty map.
func (c Claims) Map() (map[string]any, error) {
	m := map[string]any{}
	if len(c) == 0 {
		return m, nil
	}
	if err := json.Unmarshal(c, &m); err != nil {
		return nil, fmt.Errorf("identity: decode claims: %w", err)
	}
	return m, nil
}

// isBookkeeping reports the JWT bookkeeping claims of the pool's ID token, which are about the
// token, not the person, and are dropped by NewClaims.
func isBookkeeping(name string) bool {
	switch name {
	case "iss", "aud", "exp", "iat", "nbf", "jti", "origin_jti", "event_id",
		"token_use", "auth_time", "at_hash", "nonce", "azp", "amr", "sid":
		return true
	}
	return false
}

// each calls fn with the decoded name and the value of each member of the claims object, in
// order, and reports whether the claims are one well-formed object (none is). A malformed
// object may have been read in part.
func (c Claims) each(fn func(name, value []byte)) bool {
	if len(c) == 0 {
		return true
	}
	_, ok := readMembers(c, func(name, _, value []byte) { fn(name, value) })
	return ok
}

// isCompactObject reports whether b is one JSON object without white space between its tokens.
func isCompactObject(b []byte) bool {
	r := awsjson.NewReader(b)
	return len(b) > 0 && b[0] == '{' && r.Skip() && r.Done() && !r.Spaced()
}
