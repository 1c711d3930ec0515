package cookiecodec

import (
	"encoding/binary"
	"fmt"
	"slices"
)

// Payload type tags: the first byte of a serialized payload.
const (
	tagBytes  = 'b'
	tagString = 's'
	tagMap    = 'm'
)

// SerializedLen returns the length of value's serialized payload, for use
// with MaxEncodedLen.
func SerializedLen(value interface{}) (int, error) {
	b, err := appendPayload(nil, value)
	return len(b), err
}

// payloadSizeBound is at least the length of value's serialized payload (exact for []byte and
// string), so Encode allocates its buffer once.
func payloadSizeBound(value interface{}) int {
	switch v := value.(type) {
	case []byte:
		return 1 + len(v)
	case string:
		return 1 + len(v)
	case map[interface{}]interface{}:
		n := 1 + binary.MaxVarintLen64
		for k, val := range v {
			ks, _ := k.(string)
			n += 2*binary.MaxVarintLen64 + 1 + len(ks)
			switch val := val.(type) {
			case string:
				n += len(val)
			case []byte:
				n += len(val)
			}
		}
		return n
	}
	return 0
}

// appendPayload appends value to out, serialized compactly:
//
//	[]byte: 'b' ‖ bytes
//	string: 's' ‖ bytes
//	map:    'm' ‖ uvarint(count) ‖ count × (uvarint(len key) ‖ key ‖ tag ‖ uvarint(len value) ‖ value)
//
// Map entries are sorted by key, so equal maps serialize equally.
func appendPayload(out []byte, value interface{}) ([]byte, error) {
	switch v := value.(type) {
	case []byte:
		return append(append(out, tagBytes), v...), nil
	case string:
		return append(append(out, tagString), v...), nil
	case map[interface{}]interface{}:
		keys := make([]string, 0, len(v))
		for k, val := range v {
			ks, ok := k.(string)
			if !ok {
				return nil, newError(ErrUnsupported, fmt.Sprintf("map key of type %T (only string keys are supported)", k), true)
			}
			switch val.(type) {
			case string, []byte:
			default:
				return nil, newError(ErrUnsupported, fmt.Sprintf("value of type %T under key %q (only string and []byte values are supported)", val, ks), true)
			}
			keys = append(keys, ks)
		}
		slices.Sort(keys)
		out = append(out, tagMap)
		out = binary.AppendUvarint(out, uint64(len(keys)))
		for _, k := range keys {
			out = binary.AppendUvarint(out, uint64(len(k)))
			out = append(out, k...)
			switch val := v[k].(type) {
			case string:
				out = append(out, tagString)
				out = binary.AppendUvarint(out, uint64(len(val)))
				out = append(out, val...)
			case []byte:
				out = append(out, tagBytes)
				out = binary.AppendUvarint(out, uint64(len(val)))
				out = append(out, val...)
			}
		}
		return out, nil
	default:
		return nil, newError(ErrUnsupported, fmt.Sprintf("value of type %T (want map[interface{}]interface{}, []byte or string)", value), true)
	}
}

// deserialize reads a payload written by appendPayload into dst. It keeps p: the []byte values
// it stores are parts of it (Decode hands over a buffer of its own).
func deserialize(p []byte, dst interface{}) error {
	if len(p) == 0 {
		return newError(ErrMalformed, "empty payload", false)
	}
	tag, body := p[0], p[1:]
	switch d := dst.(type) {
	case *[]byte:
		if tag != tagBytes && tag != tagString {
			return newError(ErrUnsupported, "the cookie holds a map; decode it into a *map[interface{}]interface{}", true)
		}
		*d = body
		return nil
	case *string:
		if tag != tagBytes && tag != tagString {
			return newError(ErrUnsupported, "the cookie holds a map; decode it into a *map[interface{}]interface{}", true)
		}
		*d = string(body)
		return nil
	case *map[interface{}]interface{}:
		if tag != tagMap {
			return newError(ErrUnsupported, "the cookie holds a single value; decode it into a *[]byte or *string", true)
		}
		return readMap(body, d)
	default:
		return newError(ErrUnsupported, fmt.Sprintf("destination of type %T (want *map[interface{}]interface{}, *[]byte or *string)", dst), true)
	}
}

// readMap parses the body of a serialized map into *d (made when nil). On a malformed body *d
// may hold some of the entries: Decode's callers throw the map away on error.
func readMap(b []byte, d *map[interface{}]interface{}) error {
	malformed := func(what string) error { return newError(ErrMalformed, "payload: "+what, false) }
	count, n := binary.Uvarint(b)
	if n <= 0 {
		return malformed("bad entry count")
	}
	b = b[n:]
	// Each entry takes at least 3 bytes, which bounds a forged count.
	if count > uint64(len(b))/3 {
		return malformed("entry count larger than the payload")
	}
	if *d == nil {
		*d = make(map[interface{}]interface{}, count)
	}
	m := *d
	readField := func() ([]byte, error) {
		l, n := binary.Uvarint(b)
		if n <= 0 || l > uint64(len(b)-n) {
			return nil, malformed("bad length")
		}
		f := b[n : n+int(l)]
		b = b[n+int(l):]
		return f, nil
	}
	for range count {
		k, err := readField()
		if err != nil {
			return err
		}
		if len(b) == 0 {
			return malformed("missing value type")
		}
		tag := b[0]
		b = b[1:]
		v, err := readField()
		if err != nil {
			return err
		}
		switch tag {
		case tagString:
			m[string(k)] = string(v)
		case tagBytes:
			m[string(k)] = v
		default:
			return malformed("unknown value type")
		}
	}
	if len(b) != 0 {
		return malformed("trailing bytes")
	}
	return nil
}
