package srp

import (
	"crypto/rand"
	"math/big"
	"testing"
)

// TestGExpMatchesExp checks the fixed-base table against big.Int.Exp for
// edge exponents and random ones of every size it serves (and beyond, where
// it falls back to Exp).
func TestGExpMatchesExp(t *testing.T) {
	one := big.NewInt(1)
	max := new(big.Int).Sub(new(big.Int).Lsh(one, fixedBits), one)
	exps := []*big.Int{
		big.NewInt(0), big.NewInt(1), big.NewInt(2), big.NewInt(31), big.NewInt(32), big.NewInt(1 << 40),
		max, new(big.Int).Add(max, one), new(big.Int).Lsh(one, 3000),
	}
	for _, bits := range []int{8, 64, 255, 256, 257, 511, 512} {
		for range 4 {
			n, err := rand.Int(rand.Reader, new(big.Int).Lsh(one, uint(bits)))
			if err != nil {
				t.Fatal(err)
			}
			exps = append(exps, n)
		}
	}
	for _, e := range exps {
		want := new(big.Int).Exp(groupG, e, groupN)
		if got := gExp(e); got.Cmp(want) != 0 {
			t.Fatalf("gExp(%x) differs from Exp", e)
		}
	}
}

// TestWindow reads every window, across word boundaries and past the end,
// as a shift and a mask would.
func TestWindow(t *testing.T) {
	e, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 300))
	if err != nil {
		t.Fatal(err)
	}
	mask := big.NewInt(1<<fixedWindow - 1)
	for pos := range uint(400) {
		want := new(big.Int).And(new(big.Int).Rsh(e, pos), mask).Uint64()
		if got := window(e.Bits(), pos); uint64(got) != want {
			t.Fatalf("window at %d = %#x, want %#x", pos, got, want)
		}
	}
}

// TestGroupFacts checks what docs/security.md's argument for 512-bit private
// values rests on: N is a safe prime, N ≡ 7 (mod 8), so g = 2 generates the
// subgroup of prime order q = (N−1)/2.
func TestGroupFacts(t *testing.T) {
	q := new(big.Int).Rsh(groupN, 1)
	if !groupN.ProbablyPrime(2) || !q.ProbablyPrime(2) {
		t.Fatal("N is not a safe prime")
	}
	if m := new(big.Int).Mod(groupN, big.NewInt(8)).Int64(); m != 7 {
		t.Fatalf("N mod 8 = %d, want 7", m)
	}
	if new(big.Int).Exp(groupG, q, groupN).Cmp(big.NewInt(1)) != 0 {
		t.Fatal("g^q ≠ 1: g does not generate the order-q subgroup")
	}
	if smallALen*8 < 420 {
		t.Fatalf("private values of %d bits are below RFC 3526 §8's upper estimate", smallALen*8)
	}
}
