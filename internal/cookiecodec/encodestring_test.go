package cookiecodec

import (
	"encoding/base64"
	"testing"
)

// encodeString writes what EncodeToString writes at every length, across its pieces' boundaries.
func TestEncodeStringIsEncodeToString(t *testing.T) {
	raw := make([]byte, 1200)
	for i := range raw {
		raw[i] = byte(i*131 + 7)
	}
	for n := 0; n <= len(raw); n++ {
		if got, want := encodeString(raw[:n]), base64.RawURLEncoding.EncodeToString(raw[:n]); got != want {
			t.Fatalf("%d bytes: %q, want %q", n, got, want)
		}
	}
}
