package cookiecodec

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

// counterReader returns 0, 1, 2, ... so nonces are predictable and distinct.
type counterReader struct{ n byte }

func (r *counterReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.n
		r.n++
	}
	return len(p), nil
}

func key(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

// newCodec builds a codec over keys with a test clock.
func newCodec(t *testing.T, clk *testutil.Clock, keys ...[]byte) *Codec {
	t.Helper()
	c, err := New(keys, Options{MaxAge: 10 * time.Minute, Now: clk.Now, Rand: &counterReader{}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func start() *testutil.Clock { return testutil.NewClock(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)) }

func TestRoundTrip(t *testing.T) {
	c := newCodec(t, start(), key(1))
	tests := []struct {
		name  string
		value interface{}
		dst   func() interface{}
		want  interface{}
	}{
		{"bytes", []byte("hello\x00world"), func() interface{} { return new([]byte) }, []byte("hello\x00world")},
		{"string", "héllo", func() interface{} { return new(string) }, "héllo"},
		{"empty string", "", func() interface{} { return new(string) }, ""},
		{"bytes into string", []byte("abc"), func() interface{} { return new(string) }, "abc"},
		{"string into bytes", "abc", func() interface{} { return new([]byte) }, []byte("abc")},
		{"map", map[interface{}]interface{}{"v": []byte(`{"s":"x"}`), "user": "alice", "": "", "empty": []byte{}},
			func() interface{} { return new(map[interface{}]interface{}) },
			map[interface{}]interface{}{"v": []byte(`{"s":"x"}`), "user": "alice", "": "", "empty": []byte{}}},
		{"empty map", map[interface{}]interface{}{}, func() interface{} { return new(map[interface{}]interface{}) }, map[interface{}]interface{}{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, err := c.Encode("bk_flow", tt.value)
			if err != nil {
				t.Fatal(err)
			}
			if strings.ContainsAny(enc, "=+/") {
				t.Errorf("encoded value %q is not unpadded base64url", enc)
			}
			n, err := SerializedLen(tt.value)
			if err != nil {
				t.Fatal(err)
			}
			if len(enc) != MaxEncodedLen(n) {
				t.Errorf("len = %d, MaxEncodedLen = %d", len(enc), MaxEncodedLen(n))
			}
			dst := tt.dst()
			if err := c.Decode("bk_flow", enc, dst); err != nil {
				t.Fatal(err)
			}
			if got := reflect.ValueOf(dst).Elem().Interface(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("decoded %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestDecodeAddsToExistingMap(t *testing.T) {
	c := newCodec(t, start(), key(1))
	enc, err := c.Encode("s", map[interface{}]interface{}{"a": "1"})
	if err != nil {
		t.Fatal(err)
	}
	m := map[interface{}]interface{}{"b": "2"}
	if err := c.Decode("s", enc, &m); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m, map[interface{}]interface{}{"a": "1", "b": "2"}) {
		t.Errorf("map = %v", m)
	}
}

func TestEncodeIsRandomized(t *testing.T) {
	c, err := New([][]byte{key(1)}, Options{MaxAge: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := c.Encode("n", "same")
	b, _ := c.Encode("n", "same")
	if a == b {
		t.Error("two encodings of the same value are equal: nonces repeat")
	}
}

func TestUnsupportedTypes(t *testing.T) {
	c := newCodec(t, start(), key(1))
	for _, v := range []interface{}{
		42,
		map[string]string{"a": "b"},
		map[interface{}]interface{}{1: "x"},
		map[interface{}]interface{}{"n": 3},
		map[interface{}]interface{}{"nested": map[interface{}]interface{}{}},
		nil,
	} {
		_, err := c.Encode("n", v)
		var e *Error
		if !errors.Is(err, ErrUnsupported) || !errors.As(err, &e) || !e.IsUsage() || e.IsDecode() {
			t.Errorf("Encode(%#v) = %v, want a usage ErrUnsupported", v, err)
		}
	}
	enc, _ := c.Encode("n", "text")
	encMap, _ := c.Encode("n", map[interface{}]interface{}{"a": "b"})
	for _, tc := range []struct {
		value string
		dst   interface{}
	}{
		{enc, new(int)},
		{enc, new(map[interface{}]interface{})},
		{encMap, new(string)},
		{encMap, new([]byte)},
		{enc, "not a pointer"},
	} {
		if err := c.Decode("n", tc.value, tc.dst); !errors.Is(err, ErrUnsupported) {
			t.Errorf("Decode into %T = %v, want ErrUnsupported", tc.dst, err)
		}
	}
}

func TestTamperEveryRegion(t *testing.T) {
	c := newCodec(t, start(), key(1), key(2))
	enc, err := c.Encode("bk_flow", map[interface{}]interface{}{"v": []byte("state")})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		t.Fatal(err)
	}
	regions := map[string][2]int{
		"key id":     {0, keyIDSize},
		"nonce":      {keyIDSize, keyIDSize + nonceSize},
		"issued-at":  {keyIDSize + nonceSize, keyIDSize + nonceSize + issuedAtSize},
		"payload":    {keyIDSize + nonceSize + issuedAtSize, len(raw) - tagSize},
		"tag":        {len(raw) - tagSize, len(raw)},
		"whole span": {0, len(raw)},
	}
	for name, r := range regions {
		for i := r[0]; i < r[1]; i++ {
			for _, bit := range []byte{0x01, 0x80} {
				forged := bytes.Clone(raw)
				forged[i] ^= bit
				var dst map[interface{}]interface{}
				err := c.Decode("bk_flow", base64.RawURLEncoding.EncodeToString(forged), &dst)
				var e *Error
				if !errors.Is(err, ErrTampered) || !errors.As(err, &e) || !e.IsDecode() {
					t.Fatalf("%s: flipping bit %#x of byte %d: err = %v, want a decode ErrTampered", name, bit, i, err)
				}
				if dst != nil {
					t.Fatalf("%s: byte %d: destination was filled", name, i)
				}
			}
		}
	}
}

func TestTruncateAndMalformed(t *testing.T) {
	c := newCodec(t, start(), key(1))
	enc, err := c.Encode("bk_flow", "some value")
	if err != nil {
		t.Fatal(err)
	}
	for n := range len(enc) {
		var s string
		err := c.Decode("bk_flow", enc[:n], &s)
		if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTampered) {
			t.Fatalf("truncated to %d: err = %v, want ErrMalformed or ErrTampered", n, err)
		}
	}
	for _, v := range []string{"", "!!!!", "a", enc + "=", "has space", strings.Repeat("A", 10)} {
		var s string
		if err := c.Decode("bk_flow", v, &s); !errors.Is(err, ErrMalformed) {
			t.Errorf("Decode(%q) = %v, want ErrMalformed", v, err)
		}
	}
	// Appending bytes keeps it base64 but breaks authentication.
	var s string
	if err := c.Decode("bk_flow", enc+"AAAA", &s); !errors.Is(err, ErrTampered) {
		t.Errorf("Decode(extended) = %v, want ErrTampered", err)
	}
}

func TestWrongName(t *testing.T) {
	c := newCodec(t, start(), key(1))
	enc, err := c.Encode("__Host-bk_flow", "v")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"__Host-bk_authz", "bk_flow", "", "__Host-bk_flow "} {
		var s string
		if err := c.Decode(name, enc, &s); !errors.Is(err, ErrTampered) {
			t.Errorf("Decode under name %q = %v, want ErrTampered", name, err)
		}
	}
}

func TestExpiry(t *testing.T) {
	clk := start()
	c := newCodec(t, clk, key(1))
	enc, err := c.Encode("n", "v")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		advance time.Duration
		want    error
	}{
		{0, nil},
		{10 * time.Minute, nil},
		{10*time.Minute + time.Second, ErrExpired},
		{-maxFutureSkew, nil},
		{-maxFutureSkew - time.Second, ErrExpired},
	}
	issued := clk.Now()
	for _, tt := range tests {
		clk.Set(issued.Add(tt.advance))
		var s string
		err := c.Decode("n", enc, &s)
		if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
			t.Errorf("after %s: err = %v, want %v", tt.advance, err, tt.want)
		}
		var e *Error
		if tt.want != nil && (!errors.As(err, &e) || !e.IsDecode() || e.IsUsage()) {
			t.Errorf("after %s: %v is not classified as a decode error", tt.advance, err)
		}
	}
}

func TestKeyRotation(t *testing.T) {
	clk := start()
	old := newCodec(t, clk, key(1))
	rotated := newCodec(t, clk, key(2), key(1))
	retired := newCodec(t, clk, key(2))

	fromOld, err := old.Encode("n", "old")
	if err != nil {
		t.Fatal(err)
	}
	fromRotated, err := rotated.Encode("n", "new")
	if err != nil {
		t.Fatal(err)
	}
	check := func(c *Codec, value string, want error) {
		t.Helper()
		var s string
		if err := c.Decode("n", value, &s); !errors.Is(err, want) || (want == nil && err != nil) {
			t.Errorf("err = %v, want %v", err, want)
		}
	}
	check(rotated, fromOld, nil)         // old cookies still open after rotation
	check(rotated, fromRotated, nil)     // the newest key seals
	check(retired, fromRotated, nil)     // ... as the id shows
	check(old, fromRotated, ErrTampered) // a codec without the new key refuses it
	check(retired, fromOld, ErrTampered) // a retired key's cookies are refused
	if fromRotated[:2] == fromOld[:2] && keyID(key(1)) != keyID(key(2)) {
		t.Error("the rotated codec did not seal with the newest key")
	}
}

func TestSameKeyIDDifferentKeys(t *testing.T) {
	// Find two keys whose one-byte ids collide: both must still open.
	a := key(1)
	var b []byte
	for i := 2; i < 4096; i++ {
		k := bytes.Repeat([]byte{byte(i), byte(i >> 8)}, KeySize/2)
		if keyID(k) == keyID(a) {
			b = k
			break
		}
	}
	if b == nil {
		t.Fatal("no colliding key id found")
	}
	clk := start()
	both := newCodec(t, clk, a, b)
	fromB, err := newCodec(t, clk, b).Encode("n", "x")
	if err != nil {
		t.Fatal(err)
	}
	var s string
	if err := both.Decode("n", fromB, &s); err != nil || s != "x" {
		t.Errorf("Decode with colliding ids = %q, %v", s, err)
	}
}

func TestOversizeRejectedEarly(t *testing.T) {
	c, err := New([][]byte{key(1)}, Options{MaxAge: time.Minute, MaxLength: 100})
	if err != nil {
		t.Fatal(err)
	}
	var s string
	// Not even base64: a malformed value of acceptable size would be
	// ErrMalformed, so ErrTooLong shows the length is checked first.
	if err := c.Decode("n", strings.Repeat("!", 101), &s); !errors.Is(err, ErrTooLong) {
		t.Errorf("Decode(101 bytes) = %v, want ErrTooLong", err)
	}
	if err := c.Decode("n", strings.Repeat("!", 100), &s); !errors.Is(err, ErrMalformed) {
		t.Errorf("Decode(100 bytes) = %v, want ErrMalformed", err)
	}
	// Encode refuses a value that would not fit, naming no content.
	_, err = c.Encode("n", strings.Repeat("secret", 20))
	var e *Error
	if !errors.Is(err, ErrTooLong) || !errors.As(err, &e) || !e.IsUsage() || strings.Contains(err.Error(), "secret") {
		t.Errorf("Encode(too long) = %v, want a usage ErrTooLong without the value", err)
	}
	fits := strings.Repeat("x", 100*3/4-Overhead-1)
	if _, err := c.Encode("n", fits); err != nil {
		t.Errorf("Encode(%d bytes, fits) = %v", len(fits), err)
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		keys [][]byte
		opts Options
	}{
		{"no keys", nil, Options{MaxAge: time.Minute}},
		{"short key", [][]byte{make([]byte, 16)}, Options{MaxAge: time.Minute}},
		{"second key long", [][]byte{key(1), make([]byte, 33)}, Options{MaxAge: time.Minute}},
		{"no max age", [][]byte{key(1)}, Options{}},
	}
	for _, tt := range tests {
		if _, err := New(tt.keys, tt.opts); err == nil {
			t.Errorf("%s: New succeeded", tt.name)
		}
	}
}

func TestRandomFailure(t *testing.T) {
	c, err := New([][]byte{key(1)}, Options{MaxAge: time.Minute, Rand: strings.NewReader("short")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Encode("n", "v")
	var e *Error
	if !errors.Is(err, ErrInternal) || !errors.Is(err, io.ErrUnexpectedEOF) || !errors.As(err, &e) || !e.IsInternal() {
		t.Errorf("Encode with a failing random source = %v", err)
	}
}

func TestDeserializeMalformed(t *testing.T) {
	good, err := appendPayload(nil, map[interface{}]interface{}{"k": "v", "b": []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	// Every truncation of a map payload is refused, never a panic.
	for n := range len(good) {
		m := map[interface{}]interface{}{}
		if err := deserialize(good[:n], &m); err == nil {
			t.Errorf("deserialize(%q) succeeded", good[:n])
		}
	}
	for _, p := range [][]byte{
		{tagMap, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, // huge count
		{tagMap, 1, 1, 'k', 'x', 1, 'v'},                                     // unknown value tag
		append(bytes.Clone(good), 0),                                         // trailing byte
		{tagMap, 1, 0x7f, 'k'},                                               // length past the end
	} {
		m := map[interface{}]interface{}{}
		if err := deserialize(p, &m); !errors.Is(err, ErrMalformed) {
			t.Errorf("deserialize(%q) = %v, want ErrMalformed", p, err)
		}
	}
}

func TestDeriveKey(t *testing.T) {
	a1, err := DeriveKey(key(1), "sso-hash", 64)
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := DeriveKey(key(1), "sso-hash", 64)
	b, _ := DeriveKey(key(1), "sso-block", 32)
	c, _ := DeriveKey(key(2), "sso-hash", 64)
	if len(a1) != 64 || len(b) != 32 || !bytes.Equal(a1, a2) || bytes.Equal(a1[:32], b) || bytes.Equal(a1, c) || bytes.Equal(a1[:32], key(1)) {
		t.Error("DeriveKey is not deterministic, or not separated by purpose and key")
	}
	if _, err := DeriveKey(make([]byte, 16), "x", 32); err == nil {
		t.Error("DeriveKey accepted a short key")
	}
	if _, err := DeriveKey(key(1), "", 32); err == nil {
		t.Error("DeriveKey accepted an empty purpose")
	}
}

// TestGorillaSessions uses the codec as gorilla/sessions does: save a session
// into a response, read it back from a request.
func TestGorillaSessions(t *testing.T) {
	c := newCodec(t, start(), key(1))
	store := &sessions.CookieStore{Codecs: []securecookie.Codec{c}, Options: &sessions.Options{Path: "/", MaxAge: 600, HttpOnly: true}}

	req := httptest.NewRequest(http.MethodGet, "/", nil)
	sess, err := store.Get(req, "bk_flow")
	if err != nil || !sess.IsNew {
		t.Fatalf("Get(new) = %v, %v", sess, err)
	}
	sess.Values["username"] = "alice"
	sess.Values["state"] = []byte(`{"challenge":"SMS_MFA"}`)
	rec := httptest.NewRecorder()
	if err := sess.Save(req, rec); err != nil {
		t.Fatal(err)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("got %d cookies", len(cookies))
	}

	req2 := httptest.NewRequest(http.MethodGet, "/", nil)
	req2.AddCookie(cookies[0])
	sess2, err := store.New(req2, "bk_flow")
	if err != nil || sess2.IsNew {
		t.Fatalf("New(with cookie) = %v, isNew %v", err, sess2.IsNew)
	}
	if sess2.Values["username"] != "alice" || string(sess2.Values["state"].([]byte)) != `{"challenge":"SMS_MFA"}` {
		t.Errorf("values = %v", sess2.Values)
	}

	// A tampered cookie gives a fresh session and a decode error.
	req3 := httptest.NewRequest(http.MethodGet, "/", nil)
	req3.AddCookie(&http.Cookie{Name: "bk_flow", Value: cookies[0].Value[:len(cookies[0].Value)-2] + "AA"})
	sess3, err := store.New(req3, "bk_flow")
	var me securecookie.MultiError
	if !sess3.IsNew || !errors.As(err, &me) || !me.IsDecode() || !errors.Is(me[0], ErrTampered) {
		t.Errorf("tampered: isNew %v, err %v", sess3.IsNew, err)
	}
}

// TestFlowCookieBudget measures the worst case the sign-in flow needs: a
// 2,048-character Cognito session with the step's state, in JSON, in one
// cookie. It must stay under 4,000 bytes with the cookie's name, and is
// compared with gorilla/securecookie's encoding of the same value.
func TestFlowCookieBudget(t *testing.T) {
	state := map[string]interface{}{
		"s": map[string]interface{}{
			"challenge": "SELECT_CHALLENGE",
			"session":   strings.Repeat("AYABeK", 2048/6) + "AY",
			"username":  strings.Repeat("u", 128),
			"params": map[string]string{
				"CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
				"CODE_DELIVERY_DESTINATION":     "a***@e***.com",
				"AvailableChallenges":           `["PASSWORD","PASSWORD_SRP","EMAIL_OTP","SMS_OTP","WEB_AUTHN"]`,
			},
		},
		"u": strings.Repeat("u", 128),
	}
	raw, err := json.Marshal(state)
	if err != nil {
		t.Fatal(err)
	}
	value := map[interface{}]interface{}{"v": raw}
	const name = "__Host-bk_flow"
	c := newCodec(t, start(), key(1))
	enc, err := c.Encode(name, value)
	if err != nil {
		t.Fatal(err)
	}
	if total := len(name) + 1 + len(enc); total >= 4000 {
		t.Errorf("flow cookie is %d bytes (JSON %d), want under 4000", total, len(raw))
	}
	sc := securecookie.New(key(3), key(4)).MaxLength(0)
	scEnc, err := sc.Encode(name, value)
	if err != nil {
		t.Fatal(err)
	}
	if len(enc) >= len(scEnc)*4/5 {
		t.Errorf("compact encoding (%d bytes) is not much smaller than securecookie's (%d)", len(enc), len(scEnc))
	}
	t.Logf("JSON %d bytes → cookiecodec %d bytes, securecookie %d bytes", len(raw), len(enc), len(scEnc))
}
