package cookiecodec

import (
	"strings"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// TestEncodingIsStable pins the sealed form of each payload kind under a fixed key, nonce and
// clock: cookies sealed by an older build must keep opening (instances of two versions run side
// by side during a deploy), so a faster encoder must write the very same bytes.
func TestEncodingIsStable(t *testing.T) {
	tests := []struct {
		name    string
		value   any
		decoded string // what Decode gives back (the map's "v")
		want    string
	}{
		{"bytes", []byte(`{"c":"app"}`), `{"c":"app"}`, "HAABAgMEBQYHCAkKCwwNDg8QERITFBUWF70rM30wRYscpXEx3pmBQ2-rB1aIFO22yJtOLa0F5tnR5aWiVw"},
		{"string", "hello", "hello", "HAABAgMEBQYHCAkKCwwNDg8QERITFBUWF70rM30wRYsctGJ20dfUftI7rve7M-1USFytwPv1Ow"},
		{"map", map[any]any{"v": []byte(`{"u":"alice"}`), "s": "sess"}, `{"u":"alice"}`, "HAABAgMEBQYHCAkKCwwNDg8QERITFBUWF70rM30wRYscqggSzsi_EmuoBHWDVXH6BMA6es1ZU0AM0iLk18CAr6tCtVF5kppsneXxfQ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCodec(t, start(), key(7))
			got, err := c.Encode("bk_flow", tt.value)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Encode = %q, want %q", got, tt.want)
			}
			var back string
			switch tt.value.(type) {
			case []byte:
				var b []byte
				err, back = c.Decode("bk_flow", got, &b), string(b)
			case string:
				var s string
				err, back = c.Decode("bk_flow", got, &s), s
			default:
				m := map[any]any{}
				err = c.Decode("bk_flow", got, &m)
				v, _ := m["v"].([]byte)
				back = string(v)
			}
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if back != tt.decoded {
				t.Errorf("Decode gave %q, want %q", back, tt.decoded)
			}
		})
	}
}

// BenchmarkCodec seals and opens a flow cookie's worth of state (a Cognito session and the
// flow's JSON), as the sign-in pages do on every step.
func BenchmarkCodec(b *testing.B) {
	c, err := New([][]byte{key(1)}, Options{MaxAge: 10 * time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	value := map[any]any{"v": []byte(`{"s":{"k":"SOFTWARE_TOKEN_MFA","u":"alice"},"u":"alice"}`), "s": []byte(strings.Repeat("s", 1200))}
	sealed, err := c.Encode("bk_flow", value)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Encode", func(b *testing.B) {
		b.ReportAllocs()
		testutil.LoopCPU(b, func() {
			if _, err := c.Encode("bk_flow", value); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("Decode", func(b *testing.B) {
		b.ReportAllocs()
		testutil.LoopCPU(b, func() {
			m := map[any]any{}
			if err := c.Decode("bk_flow", sealed, &m); err != nil {
				b.Fatal(err)
			}
		})
	})
}
