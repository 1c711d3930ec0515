package oidc

import (
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"
)

// jsonObject builds one compact JSON object by appending its members: a token's payload or a
// userinfo answer written straight from the claims, with no map and no reflection. Names are
// never repeated by its callers.
type jsonObject struct{ b []byte }

// newJSONObject starts an object with room for about size bytes.
func newJSONObject(size int) *jsonObject { return newJSONObjectIn(nil, size) }

// newJSONObjectIn starts an object in buf's memory (its content is dropped).
func newJSONObjectIn(buf []byte, size int) *jsonObject {
	return &jsonObject{b: append(slices.Grow(buf[:0], size), '{')}
}

// key starts the member name.
func (o *jsonObject) key(name string) {
	if len(o.b) > 1 {
		o.b = append(o.b, ',')
	}
	o.b = appendJSONString(o.b, name)
	o.b = append(o.b, ':')
}

// raw adds a member whose value is already JSON.
func (o *jsonObject) raw(name string, v []byte) {
	o.key(name)
	o.b = append(o.b, v...)
}

// str adds a string member.
func (o *jsonObject) str(name, v string) {
	o.key(name)
	o.b = appendJSONString(o.b, v)
}

// num adds an integer member.
func (o *jsonObject) num(name string, n int64) {
	o.key(name)
	o.b = strconv.AppendInt(o.b, n, 10)
}

// strs adds a member that is a list of strings.
func (o *jsonObject) strs(name string, v []string) {
	o.key(name)
	o.b = append(o.b, '[')
	for i, s := range v {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		o.b = appendJSONString(o.b, s)
	}
	o.b = append(o.b, ']')
}

// bytes ends the object and returns it.
func (o *jsonObject) bytes() []byte { return append(o.b, '}') }

// appendJSONString appends s as a JSON string as encoding/json writes it with HTML escaping off
// (json.Encoder's SetEscapeHTML(false)): quotes, backslashes and control characters escaped,
// invalid UTF-8 as U+FFFD, U+2028 and U+2029 escaped, but <, > and & as they are.
func appendJSONString(b []byte, s string) []byte { return appendString(b, s, false) }

// appendMarshaledString appends s exactly as json.Marshal writes a string: appendJSONString's
// bytes with <, > and & escaped too (\u003c, \u003e, \u0026).
func appendMarshaledString(b []byte, s string) []byte { return appendString(b, s, true) }

// appendString appends s as a JSON string, as encoding/json writes it with escapeHTML on or off.
func appendString(b []byte, s string, escapeHTML bool) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && (!escapeHTML || c != '<' && c != '>' && c != '&') {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// encodeValue is v as JSON (for the few claims converted from their upstream form).
func encodeValue(v any) ([]byte, bool) {
	b, err := json.Marshal(v)
	return b, err == nil
}
