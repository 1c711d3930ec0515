package srp

import (
	"bytes"
	"crypto/sha256"
	"math/big"
	mrand "math/rand/v2"
	"strings"
	"testing"
)

// The helpers' first forms (session 8), kept as the reference the rewritten ones must match
// byte for byte.
func refPad(n *big.Int) []byte {
	b := n.Bytes()
	if len(b) == 0 || b[0]&0x80 != 0 {
		return append([]byte{0}, b...)
	}
	return b
}

func refHashInt(parts ...[]byte) *big.Int {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return new(big.Int).SetBytes(h.Sum(nil))
}

func refPrivateX(poolName, userID, password string, salt *big.Int) *big.Int {
	inner := sha256.Sum256([]byte(poolName + userID + ":" + password))
	return refHashInt(refPad(salt), inner[:])
}

// helperNumbers are the edge values of the padding (zero, one byte, a top bit set or not, N
// and around it, past 3072 bits, the longest parseHex takes) and random numbers of every
// byte length up to 400.
func helperNumbers() []*big.Int {
	r := mrand.New(mrand.NewChaCha8([32]byte{9}))
	ns := []*big.Int{big.NewInt(0), big.NewInt(1), big.NewInt(0x7f), big.NewInt(0x80), big.NewInt(0xff), big.NewInt(0x100),
		new(big.Int).Sub(groupN, big.NewInt(1)), N(), new(big.Int).Add(groupN, big.NewInt(1)), new(big.Int).Lsh(groupN, 1),
		new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 8*1024), big.NewInt(1))}
	for size := 1; size <= 400; size++ {
		b := make([]byte, size)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		ns = append(ns, new(big.Int).SetBytes(b))
	}
	return ns
}

func TestPaddedHelpersMatchReference(t *testing.T) {
	ns := helperNumbers()
	for i, a := range ns {
		if got, want := pad(a), refPad(a); !bytes.Equal(got, want) {
			t.Fatalf("pad(%x) = %x, want %x", a, got, want)
		}
		prefix := []byte("prefix")
		if got, want := appendPadded(prefix[:len(prefix):len(prefix)], a), append([]byte("prefix"), refPad(a)...); !bytes.Equal(got, want) {
			t.Fatalf("appendPadded(prefix, %x) = %x, want %x", a, got, want)
		}
		b := ns[(i*7+3)%len(ns)]
		if got, want := hashPadded(a, b), refHashInt(refPad(a), refPad(b)); got.Cmp(want) != 0 {
			t.Fatalf("hashPadded(%x, %x) = %x, want %x", a, b, got, want)
		}
	}
	if want := refHashInt(refPad(groupN), refPad(groupG)); groupK.Cmp(want) != 0 {
		t.Fatalf("k = %x, want %x", groupK, want)
	}
}

func TestPrivateXMatchesReference(t *testing.T) {
	long := strings.Repeat("p", 300) // past privateX's stack buffer
	for _, tt := range []struct{ pool, user, password string }{
		{"us-east-1_abc", "alice", "Passw0rd!"},
		{"", "", ""},
		{"pool", "zoë", "pässwörd ✓"},
		{"us-east-1_groupkey", "us-east-1_devicekey", long},
		{long, long, long},
	} {
		for _, salt := range helperNumbers()[:40] {
			if got, want := privateX(tt.pool, tt.user, tt.password, salt), refPrivateX(tt.pool, tt.user, tt.password, salt); got.Cmp(want) != 0 {
				t.Fatalf("privateX(%q, %q, %q, %x) = %x, want %x", tt.pool, tt.user, tt.password, salt, got, want)
			}
		}
	}
}

func TestZeroModN(t *testing.T) {
	for _, tt := range []struct {
		x    *big.Int
		want bool
	}{
		{big.NewInt(0), true}, {big.NewInt(1), false}, {new(big.Int).Sub(groupN, big.NewInt(1)), false},
		{N(), true}, {new(big.Int).Add(groupN, big.NewInt(1)), false}, {new(big.Int).Lsh(groupN, 1), true},
		{new(big.Int).Mul(groupN, big.NewInt(1<<40)), true}, {new(big.Int).Add(new(big.Int).Lsh(groupN, 3), big.NewInt(2)), false},
	} {
		if got := zeroModN(tt.x); got != tt.want {
			t.Errorf("zeroModN(%x) = %v, want %v", tt.x, got, tt.want)
		}
	}
}
