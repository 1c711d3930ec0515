package localpool

import (
	"math/big"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/internal/srp"
)

// TestPhantomVerifier: an unknown user's made-up verifier is stable per name and pool key,
// differs between names and keys, lies in [1, N) and is a square modulo N, as every real
// v = g^x is.
func TestPhantomVerifier(t *testing.T) {
	n := srp.N()
	p := &pool{phantomKey: []byte("0123456789abcdef0123456789abcdef")}
	other := &pool{phantomKey: []byte("fedcba9876543210fedcba9876543210")}
	seen := map[string]string{}
	for _, name := range []string{"nobody", "Nobody", "nobody2", "", "a@example.com"} {
		v := p.phantomVerifier(name)
		if v.Cmp(p.phantomVerifier(name)) != 0 {
			t.Errorf("%q: verifier not stable", name)
		}
		if v.Sign() <= 0 || v.Cmp(n) >= 0 {
			t.Errorf("%q: verifier %x outside [1, N)", name, v)
		}
		if big.Jacobi(v, n) != 1 {
			t.Errorf("%q: verifier is not a square modulo N", name)
		}
		if v.Cmp(other.phantomVerifier(name)) == 0 {
			t.Errorf("%q: the same verifier under another pool key", name)
		}
		if prev, ok := seen[v.Text(16)]; ok {
			t.Errorf("%q and %q: the same verifier", prev, name)
		}
		seen[v.Text(16)] = name
	}
}
