// Package awsjson reads one JSON document in place, value by value, without building generic
// values first. It accepts only well-formed JSON and reports anything else as a failure, which
// a caller either hands to a slower, general decoder or refuses: whatever it accepts,
// encoding/json accepts too and decodes to the same strings and numbers.
package awsjson

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"unicode/utf8"
)

// maxDepth is how deeply nested arrays and objects may be; deeper documents are a failure
// (encoding/json allows 10,000: a caller with a general decoder behind it takes those there;
// the pool ID token's readers refuse them).
const maxDepth = 64

// Reader reads a document from its first byte. Its methods return zero values once it has
// failed; check Done at the end. A zero Reader reads an empty document.
type Reader struct {
	b     []byte
	i     int
	depth int
	// more is set once the current array or object holds a value, so the next needs a comma.
	more   bool
	failed bool
	// spaced is set once white space was skipped.
	spaced bool
}

// NewReader reads b.
func NewReader(b []byte) Reader { return Reader{b: b} }

// Done reports whether the whole document was read without failure, with nothing but white
// space after its value.
func (r *Reader) Done() bool {
	r.space()
	return !r.failed && r.i == len(r.b) && r.depth == 0
}

// Spaced reports whether the reader has skipped white space between tokens so far: a
// document read whole (Done) without it is compact, as json.Compact writes it.
func (r *Reader) Spaced() bool { return r.spaced }

func (r *Reader) fail() bool { r.failed = true; return false }

func (r *Reader) space() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
			r.spaced = true
		default:
			return
		}
	}
}

// peek returns the next byte after white space, 0 at the end or after a failure.
func (r *Reader) peek() byte {
	r.space()
	if r.failed || r.i >= len(r.b) {
		return 0
	}
	return r.b[r.i]
}

// literal consumes word (true, false, null) as one value.
func (r *Reader) literal(word string) bool {
	if r.failed || len(r.b)-r.i < len(word) || string(r.b[r.i:r.i+len(word)]) != word {
		return r.fail()
	}
	r.i += len(word)
	r.more = true
	return true
}

// Null consumes a null and reports whether the next value was one.
func (r *Reader) Null() bool {
	if r.peek() != 'n' {
		return false
	}
	return r.literal("null")
}

// open consumes c ('{' or '[') as the start of a value.
func (r *Reader) open(c byte) bool {
	if r.peek() != c || r.depth >= maxDepth {
		return r.fail()
	}
	r.i++
	r.depth++
	r.more = false
	return true
}

// next moves to the next member of the array or object being read: false at its end (close,
// consumed) or on failure.
func (r *Reader) next(close byte) bool {
	c := r.peek()
	switch {
	case r.failed:
		return false
	case c == close:
		r.i++
		r.depth--
		r.more = true
		return false
	case r.more:
		if c != ',' {
			return r.fail()
		}
		r.i++
		r.more = false
	}
	return true
}

// Object consumes the start of an object; read its members with Key.
func (r *Reader) Object() bool { return r.open('{') }

// Key returns the next member's name, the reader at its value (which the caller must read,
// Skip or take Raw), or false at the object's end and on failure. The name is the document's
// own bytes unless it has escapes or invalid UTF-8 (then it is a decoded copy); the caller
// must not change it.
func (r *Reader) Key() ([]byte, bool) {
	name, _, ok := r.KeyWritten()
	return name, ok
}

// KeyWritten is Key, also returning the member's name as the document writes it (quoted,
// escapes kept).
func (r *Reader) KeyWritten() (name, written []byte, ok bool) {
	if !r.next('}') {
		return nil, nil, false
	}
	r.space()
	start := r.i
	k, ok := r.stringBytes()
	written = r.b[start:r.i]
	if !ok || r.peek() != ':' {
		r.fail()
		return nil, nil, false
	}
	r.i++
	r.more = false
	return k, written, true
}

// Array consumes the start of an array; read its elements while Elem is true.
func (r *Reader) Array() bool { return r.open('[') }

// Elem reports whether the array has another element (the reader is at it), false at its
// end and on failure.
func (r *Reader) Elem() bool { return r.next(']') }

// String reads a string value.
func (r *Reader) String() (string, bool) {
	b, ok := r.stringBytes()
	return string(b), ok
}

// stringBytes reads a string value, returning its decoded bytes.
func (r *Reader) stringBytes() ([]byte, bool) {
	if r.peek() != '"' {
		return nil, r.fail()
	}
	start := r.i
	body := r.b[start+1:]
	q := bytes.IndexByte(body, '"')
	if q < 0 {
		return nil, r.fail()
	}
	s := body[:q]
	if k := bytes.IndexByte(s, '\\'); k >= 0 {
		return r.escaped(start, start+1+k) // the quote found may be an escaped one
	}
	control, nonASCII := classify(s)
	if control {
		return nil, r.fail()
	}
	r.i = start + 1 + q + 1
	r.more = true
	if !nonASCII || utf8.Valid(s) {
		return s, true
	}
	return r.unquote(start, r.i) // encoding/json replaces invalid UTF-8
}

// classify reports whether s holds a control character (below U+0020, which a JSON string
// must escape) and whether it holds a byte past ASCII, eight bytes at a time.
func classify(s []byte) (control, nonASCII bool) {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	var ctl, high uint64
	for ; len(s) >= 8; s = s[8:] {
		w := binary.LittleEndian.Uint64(s)
		ctl |= (w - 0x20*ones) &^ w & highs // a byte below 0x20 sets its high bit; a borrow sets one only above such a byte, so the OR is exact
		high |= w & highs
	}
	for _, c := range s {
		if c < 0x20 {
			ctl = 1
		}
		if c >= utf8.RuneSelf {
			high = 1
		}
	}
	return ctl != 0, high != 0
}

// escaped finds the end of a string with escapes, from its backslash at j, and decodes it.
func (r *Reader) escaped(start, j int) ([]byte, bool) {
	for ; j < len(r.b); j++ {
		switch r.b[j] {
		case '\\':
			j++ // the escaped byte; encoding/json checks the escape itself
		case '"':
			r.i = j + 1
			r.more = true
			return r.unquote(start, j+1)
		}
	}
	return nil, r.fail()
}

// unquote decodes the string literal b[start:end] as encoding/json does.
func (r *Reader) unquote(start, end int) ([]byte, bool) {
	var s string
	if json.Unmarshal(r.b[start:end], &s) != nil {
		return nil, r.fail()
	}
	return []byte(s), true
}

// skipString reads a string value without decoding it, checking its escapes as encoding/json
// does (invalid UTF-8 is accepted: encoding/json decodes it as U+FFFD).
func (r *Reader) skipString() bool {
	if r.peek() != '"' {
		return r.fail()
	}
	body := r.b[r.i+1:]
	if q := bytes.IndexByte(body, '"'); q >= 0 && bytes.IndexByte(body[:q], '\\') < 0 {
		if control, _ := classify(body[:q]); control {
			return r.fail()
		}
		r.i += 1 + q + 1
		r.more = true
		return true
	}
	for j := r.i + 1; j < len(r.b); j++ {
		switch c := r.b[j]; {
		case c == '"':
			r.i = j + 1
			r.more = true
			return true
		case c == '\\':
			j++
			if j >= len(r.b) {
				return r.fail()
			}
			switch r.b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(r.b)-j <= 4 || !isHex(r.b[j+1]) || !isHex(r.b[j+2]) || !isHex(r.b[j+3]) || !isHex(r.b[j+4]) {
					return r.fail()
				}
				j += 4
			default:
				return r.fail()
			}
		case c < 0x20:
			return r.fail()
		}
	}
	return r.fail()
}

// isHex reports whether c is a hexadecimal digit.
func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// Int64 reads a number written as an integer (no fraction or exponent) that fits in int64,
// as json.Number's Int64 reads it.
func (r *Reader) Int64() (int64, bool) {
	start, ok := r.number()
	if !ok {
		return 0, false
	}
	lit := r.b[start:r.i]
	neg := lit[0] == '-'
	if neg {
		lit = lit[1:]
	}
	var n uint64
	for _, c := range lit {
		if c < '0' || c > '9' {
			return 0, r.fail() // a fraction or an exponent
		}
		d := uint64(c - '0')
		if n > (1<<63-d)/10 { // past 2^63, the magnitude of the smallest int64
			return 0, r.fail()
		}
		n = n*10 + d
	}
	if !neg && n == 1<<63 {
		return 0, r.fail()
	}
	if neg {
		return -int64(n), true // -(2^63) wraps to itself, math.MinInt64
	}
	return int64(n), true
}

// number consumes a number as JSON writes it and returns where it started.
func (r *Reader) number() (int, bool) {
	c := r.peek()
	if c != '-' && (c < '0' || c > '9') {
		return 0, r.fail()
	}
	start := r.i
	if c == '-' {
		r.i++
	}
	switch {
	case r.i < len(r.b) && r.b[r.i] == '0':
		r.i++
	case !r.digits():
		return 0, r.fail()
	}
	if r.i < len(r.b) && r.b[r.i] == '.' {
		r.i++
		if !r.digits() {
			return 0, r.fail()
		}
	}
	if r.i < len(r.b) && (r.b[r.i] == 'e' || r.b[r.i] == 'E') {
		r.i++
		if r.i < len(r.b) && (r.b[r.i] == '+' || r.b[r.i] == '-') {
			r.i++
		}
		if !r.digits() {
			return 0, r.fail()
		}
	}
	r.more = true
	return start, true
}

// digits consumes one or more decimal digits.
func (r *Reader) digits() bool {
	start := r.i
	for r.i < len(r.b) && r.b[r.i] >= '0' && r.b[r.i] <= '9' {
		r.i++
	}
	return r.i > start
}

// Raw reads the next value, whatever it is, and returns it as the document writes it (white
// space inside it kept; see Spaced), sharing the document's memory.
func (r *Reader) Raw() ([]byte, bool) {
	r.space()
	start := r.i
	if !r.Skip() {
		return nil, false
	}
	return r.b[start:r.i], true
}

// Skip reads and discards the next value, whatever it is.
func (r *Reader) Skip() bool {
	switch r.peek() {
	case '{':
		r.Object()
		for _, ok := r.Key(); ok; _, ok = r.Key() {
			r.Skip()
		}
	case '[':
		r.Array()
		for r.Elem() {
			r.Skip()
		}
	case '"':
		r.skipString()
	case 't':
		r.literal("true")
	case 'f':
		r.literal("false")
	case 'n':
		r.literal("null")
	default:
		r.number()
	}
	return !r.failed
}
