package identity

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
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
// token's bookkeeping, compactly, in their order.
func NewClaims(payload []byte) (Claims, error) {
	var compact bytes.Buffer
	err := json.Compact(&compact, payload)
	if err != nil {
		return nil, fmt.Errorf("identity: read claims: %w", err)
	}
	obj := compact.Bytes()
	if len(obj) < 2 || obj[0] != '{' {
		return nil, errMalformedClaims
	}
	if !utf8.Valid(obj) { // as decoding would read them: invalid bytes become U+FFFD
		var m map[string]any
		if err := json.Unmarshal(obj, &m); err != nil {
			return nil, fmt.Errorf("identity: read claims: %w", err)
		}
		if obj, err = json.Marshal(m); err != nil {
			return nil, fmt.Errorf("identity: read claims: %w", err)
		}
	}
	out := make([]byte, 0, len(obj))
	out = append(out, '{')
	ok := eachMember(obj, func(key, value []byte) bool {
		drop, err := isBookkeepingKey(key)
		if err != nil {
			return false
		}
		if drop {
			return true
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(out, key...)
		out = append(out, ':')
		out = append(out, value...)
		return true
	})
	if !ok {
		return nil, errMalformedClaims
	}
	return Claims(append(out, '}')), nil
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
	if eachMember(b, func(_, _ []byte) bool { return true }) {
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
	eachMember(c, func(key, value []byte) bool {
		if isName(key, name) {
			found = value // the last one wins, as when decoding
		}
		return true
	})
	return found, found != nil
}

// Indexed is Claims read once, for taking many claims from them.
type Indexed struct{ members []member }

// member is one member of a claims object: its quoted key and its value.
type member struct{ key, value []byte }

// Indexed reads the claims once.
func (c Claims) Indexed() Indexed {
	n := 0
	eachMember(c, func(_, _ []byte) bool { n++; return true })
	ix := Indexed{members: make([]member, 0, n)}
	eachMember(c, func(key, value []byte) bool {
		ix.members = append(ix.members, member{key, value})
		return true
	})
	return ix
}

// Value is the JSON value of claim name, if present (as Claims.Value).
func (ix Indexed) Value(name string) (json.RawMessage, bool) {
	for i := len(ix.members) - 1; i >= 0; i-- { // the last one wins, as when decoding
		if isName(ix.members[i].key, name) {
			return ix.members[i].value, true
		}
	}
	return nil, false
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

// isBookkeepingKey is isBookkeeping for a member's quoted key, without making a string of the
// name unless it is escaped.
func isBookkeepingKey(key []byte) (bool, error) {
	if bytes.IndexByte(key, '\\') < 0 {
		return isBookkeeping(string(key[1 : len(key)-1])), nil
	}
	name, err := memberName(key)
	return err == nil && isBookkeeping(name), err
}

// isName reports whether the quoted key names name (without allocating, unless escaped).
func isName(key []byte, name string) bool {
	if bytes.IndexByte(key, '\\') < 0 {
		return string(key[1:len(key)-1]) == name
	}
	n, err := memberName(key)
	return err == nil && n == name
}

// memberName is the name of a member whose quoted key is key.
func memberName(key []byte) (string, error) {
	if bytes.IndexByte(key, '\\') < 0 {
		return string(key[1 : len(key)-1]), nil
	}
	var s string
	err := json.Unmarshal(key, &s)
	return s, err
}

// eachMember calls fn with the quoted key and the value of each member of the compact JSON
// object obj, in order, until fn returns false. It reports false when obj is not a compact
// object (it never reads past obj).
func eachMember(obj []byte, fn func(key, value []byte) bool) bool {
	if len(obj) == 0 {
		return true
	}
	if len(obj) < 2 || obj[0] != '{' || obj[len(obj)-1] != '}' {
		return false
	}
	i, end := 1, len(obj)-1
	for i < end {
		k := skipString(obj, i)
		if k < 0 || k >= end || obj[k] != ':' {
			return false
		}
		v := skipValue(obj, k+1)
		if v < 0 || v > end {
			return false
		}
		if !fn(obj[i:k], obj[k+1:v]) {
			return true
		}
		i = v
		if i < end {
			if obj[i] != ',' {
				return false
			}
			i++
		}
	}
	return true
}

// skipString returns the index after the JSON string starting at b[i], or -1.
func skipString(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return -1
	}
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// skipValue returns the index after the compact JSON value starting at b[i], or -1.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				k := skipString(b, j)
				if k < 0 {
					return -1
				}
				j = k - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(b) && !bytes.ContainsRune([]byte(",}] \t\r\n"), rune(b[j])) {
		j++
	}
	if j == i {
		return -1
	}
	return j
}
