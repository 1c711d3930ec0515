package srp

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"math/big"
	mrand "math/rand/v2"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

func TestClientAndServerAgree(t *testing.T) {
	tests := []struct {
		name, pool, user, password string
		serverPassword             string
		wantMatch                  bool
	}{
		{"right password", "abc123", "alice", "Passw0rd!", "Passw0rd!", true},
		{"wrong password", "abc123", "alice", "Passw0rd!", "passw0rd!", false},
		{"device", "us-east-1_groupkey", "us-east-1_devicekey", "random-device-password", "random-device-password", true},
		{"unicode", "pool", "zoë", "pässwörd ✓", "pässwörd ✓", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			salt := make([]byte, 16)
			if _, err := rand.Read(salt); err != nil {
				t.Fatal(err)
			}
			v := Verifier(tt.pool, tt.user, tt.serverPassword, salt)
			srv, err := NewServer(rand.Reader, v)
			if err != nil {
				t.Fatal(err)
			}
			cl, err := NewClient(rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			ck, err := cl.AuthKey(tt.pool, tt.user, tt.password, hex.EncodeToString(salt), srv.BHex())
			if err != nil {
				t.Fatal(err)
			}
			sk, err := srv.AuthKey(cl.AHex())
			if err != nil {
				t.Fatal(err)
			}
			if len(ck) != 16 || len(sk) != 16 {
				t.Fatalf("key lengths %d, %d; want 16", len(ck), len(sk))
			}
			if got := bytes.Equal(ck, sk); got != tt.wantMatch {
				t.Fatalf("keys match = %v, want %v", got, tt.wantMatch)
			}

			block := []byte("secret-block-from-server")
			now := time.Date(2017, 4, 5, 22, 42, 34, 0, time.UTC)
			sig, ts, err := cl.PasswordClaim(tt.pool, tt.user, tt.password, hex.EncodeToString(salt), srv.BHex(), base64.StdEncoding.EncodeToString(block), now)
			if err != nil {
				t.Fatal(err)
			}
			if ts != "Wed Apr 5 22:42:34 UTC 2017" {
				t.Fatalf("timestamp %q", ts)
			}
			if got := VerifySignature(sk, tt.pool, tt.user, block, ts, sig); got != tt.wantMatch {
				t.Fatalf("signature verifies = %v, want %v", got, tt.wantMatch)
			}
			if VerifySignature(sk, tt.pool, tt.user, block, "Wed Apr 05 22:42:34 UTC 2017", sig) {
				t.Fatal("signature must bind the exact timestamp")
			}
		})
	}
}

func TestFormatTimestamp(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2017, 4, 5, 22, 42, 34, 0, time.UTC), "Wed Apr 5 22:42:34 UTC 2017"},
		{time.Date(2026, 11, 22, 0, 0, 9, 0, time.UTC), "Sun Nov 22 00:00:09 UTC 2026"},
		{time.Date(2026, 1, 1, 9, 5, 0, 0, time.FixedZone("X", 3600)), "Thu Jan 1 08:05:00 UTC 2026"},
	}
	for _, tt := range tests {
		if got := FormatTimestamp(tt.in); got != tt.want {
			t.Errorf("FormatTimestamp(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPad(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"0", "00"},
		{"7f", "7f"},
		{"80", "0080"},
		{"fff", "0fff"},
		{"8000", "008000"},
	}
	for _, tt := range tests {
		n, _ := new(big.Int).SetString(tt.in, 16)
		if got := hex.EncodeToString(pad(n)); got != tt.want {
			t.Errorf("pad(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestRejectsDegenerateValues(t *testing.T) {
	cl, err := NewClient(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{"0", N().Text(16), new(big.Int).Mul(N(), big.NewInt(2)).Text(16)} {
		if _, err := cl.AuthKey("p", "u", "pw", "01", b); !errors.Is(err, ErrBadPublicValue) {
			t.Errorf("B=%s…: err = %v, want ErrBadPublicValue", b[:1], err)
		}
	}
	for _, bad := range []string{"", "zz", string(make([]byte, 3000))} {
		if _, err := cl.AuthKey("p", "u", "pw", "01", bad); !errors.Is(err, ErrBadInput) {
			t.Errorf("B=%q: err = %v, want ErrBadInput", bad, err)
		}
	}
	srv, err := NewServerWithB(big.NewInt(5), big.NewInt(7))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.AuthKey(N().Text(16)); !errors.Is(err, ErrBadPublicValue) {
		t.Errorf("A=N: err = %v", err)
	}
	if ValidA("0") || !ValidA(cl.AHex()) {
		t.Error("ValidA misjudged")
	}
	if _, _, err := cl.PasswordClaim("p", "u", "pw", "01", srv.BHex(), "%%%", time.Now()); !errors.Is(err, ErrBadInput) {
		t.Errorf("bad secret block: err = %v", err)
	}
	if _, err := NewClient(bytes.NewReader(make([]byte, smallALen))); !errors.Is(err, ErrBadInput) {
		t.Errorf("zero random: err = %v", err)
	}
}

// TestDeterministicWithFixedRandom checks that the random source is the only source of variation.
func TestDeterministicWithFixedRandom(t *testing.T) {
	seed := [32]byte{1, 2, 3}
	mk := func() string {
		c, err := NewClient(mrand.NewChaCha8(seed))
		if err != nil {
			t.Fatal(err)
		}
		return c.AHex()
	}
	if a, b := mk(), mk(); a != b {
		t.Fatal("same random source gave different A")
	}
}

// BenchmarkPasswordClaim is the client's cost of one SRP sign-in (A, the key and the signature).
func BenchmarkPasswordClaim(b *testing.B) {
	salt := []byte("0123456789abcdef")
	srv, err := NewServer(rand.Reader, Verifier("pool", "alice", "Passw0rd!", salt))
	if err != nil {
		b.Fatal(err)
	}
	block := base64.StdEncoding.EncodeToString([]byte("secret block"))
	now := time.Now()
	b.ReportAllocs()
	testutil.LoopCPU(b, func() {
		cl, err := NewClient(rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := cl.PasswordClaim("pool", "alice", "Passw0rd!", hex.EncodeToString(salt), srv.BHex(), block, now); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkServerAuthKey is the local pool's cost of checking one SRP sign-in.
func BenchmarkServerAuthKey(b *testing.B) {
	v := Verifier("pool", "alice", "Passw0rd!", []byte("0123456789abcdef"))
	cl, err := NewClient(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	testutil.LoopCPU(b, func() {
		srv, err := NewServer(rand.Reader, v)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := srv.AuthKey(cl.AHex()); err != nil {
			b.Fatal(err)
		}
	})
}

func TestParseDeviceVerifierRejectsBadInput(t *testing.T) {
	good := base64.StdEncoding.EncodeToString([]byte{1, 2, 3})
	for _, tt := range []struct{ name, salt, verifier string }{
		{"salt not base64", "%%%", good},
		{"empty salt", "", good},
		{"verifier not base64", good, "%%%"},
		{"zero verifier", good, base64.StdEncoding.EncodeToString([]byte{0, 0})},
		{"verifier not below N", good, base64.StdEncoding.EncodeToString(N().Bytes())},
	} {
		if _, _, err := ParseDeviceVerifier(tt.salt, tt.verifier); !errors.Is(err, ErrBadInput) {
			t.Errorf("%s: err = %v, want ErrBadInput", tt.name, err)
		}
	}
}

func TestServerHasVerifier(t *testing.T) {
	v := Verifier("pool", "alice", "Passw0rd!", []byte("salt"))
	srv, err := NewServerWithB(v, big.NewInt(7))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		v    *big.Int
		want bool
	}{
		{"the same verifier", new(big.Int).Set(v), true},
		{"another password's", Verifier("pool", "alice", "Passw0rd?", []byte("salt")), false},
		{"another salt's", Verifier("pool", "alice", "Passw0rd!", []byte("pepper")), false},
		{"none", nil, false},
	} {
		if got := srv.HasVerifier(tt.v); got != tt.want {
			t.Errorf("%s: HasVerifier = %v, want %v", tt.name, got, tt.want)
		}
	}
}
