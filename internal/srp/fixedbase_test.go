package srp

import (
	"crypto/rand"
	"math/big"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/internal/montgomery"
)

// TestGExpMatchesExp checks the fixed-base tables against big.Int.Exp for
// edge exponents and random ones of every size they serve (and beyond, where
// gExp falls back to Exp), at both sizes callers declare.
func TestGExpMatchesExp(t *testing.T) {
	one := big.NewInt(1)
	max := new(big.Int).Sub(new(big.Int).Lsh(one, privateBits), one)
	maxX := new(big.Int).Sub(new(big.Int).Lsh(one, xBits), one)
	exps := []*big.Int{
		big.NewInt(0), big.NewInt(1), big.NewInt(2), big.NewInt(31), big.NewInt(32), big.NewInt(1 << 40),
		big.NewInt(255), big.NewInt(256), maxX, new(big.Int).Add(maxX, one),
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
		for _, bits := range []int{xBits, privateBits} {
			if got := gExp(e, bits); got.Cmp(want) != 0 {
				t.Fatalf("gExp(%x, %d) differs from Exp", e, bits)
			}
		}
	}
}

// TestCombShapes checks the comb, on each path, for exponent sizes that do
// not divide into its rows and blocks, and for each single bit of the
// exponent (every row and column of the table).
func TestCombShapes(t *testing.T) {
	for _, g := range montgomery.Paths(groupN) {
		for _, bits := range []int{1, 7, 9, 100, 130} {
			c := newComb(groupG, bits, g)
			for pos := range bits {
				e := new(big.Int).SetBit(new(big.Int), pos, 1)
				if got, want := c.exp(e), new(big.Int).Exp(groupG, e, groupN); got.Cmp(want) != 0 {
					t.Fatalf("%s, %d-bit comb: g^(2^%d) differs from Exp", g.Path(), bits, pos)
				}
			}
			e, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), uint(bits)))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := c.exp(e), new(big.Int).Exp(groupG, e, groupN); got.Cmp(want) != 0 {
				t.Fatalf("%s, %d-bit comb: g^%x differs from Exp", g.Path(), bits, e)
			}
		}
	}
}

// TestTableEntriesAreBounded checks that an entry handed out as a big.Int
// cannot grow into the next one.
func TestTableEntriesAreBounded(t *testing.T) {
	c := gXTable()
	for _, e := range []struct{ block, index int }{{0, 1}, {0, combCols}, {combBlocks - 1, combCols}} {
		if got := cap(c.entry(e.block, uint(e.index))); got > c.n {
			t.Errorf("entry (%d, %d) has capacity %d, want at most %d", e.block, e.index, got, c.n)
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
	if privateBits < 420 {
		t.Fatalf("private values of %d bits are below RFC 3526 §8's upper estimate", privateBits)
	}
}
