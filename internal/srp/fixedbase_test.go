package srp

import (
	"crypto/rand"
	"math/big"
	"testing"
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

// TestCombShapes checks the comb for exponent sizes that do not divide into
// its rows and blocks, and for each single bit of the exponent (every row and
// column of the table).
func TestCombShapes(t *testing.T) {
	small := newReducer(groupN)
	for _, bits := range []int{1, 7, 9, 100, 130} {
		c := newComb(groupG, bits, small)
		for pos := range bits {
			e := new(big.Int).SetBit(new(big.Int), pos, 1)
			if got, want := c.exp(e), new(big.Int).Exp(groupG, e, groupN); got.Cmp(want) != 0 {
				t.Fatalf("%d-bit comb: g^(2^%d) differs from Exp", bits, pos)
			}
		}
		e, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), uint(bits)))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := c.exp(e), new(big.Int).Exp(groupG, e, groupN); got.Cmp(want) != 0 {
			t.Fatalf("%d-bit comb: g^%x differs from Exp", bits, e)
		}
	}
}

// TestTableEntriesAreBounded checks that an entry handed out as a big.Int
// cannot grow into the next one.
func TestTableEntriesAreBounded(t *testing.T) {
	c := gXTable()
	var z big.Int
	for _, e := range []struct{ block, index int }{{0, 1}, {0, combCols}, {combBlocks - 1, combCols}} {
		c.entry(&z, e.block, uint(e.index))
		if got := cap(z.Bits()); got > c.n {
			t.Errorf("entry (%d, %d) has capacity %d, want at most %d", e.block, e.index, got, c.n)
		}
	}
}

// TestBit reads every bit, across word boundaries and past the end, as a
// shift and a mask would.
func TestBit(t *testing.T) {
	e, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 300))
	if err != nil {
		t.Fatal(err)
	}
	for pos := range uint(400) {
		if got, want := bit(e.Bits(), pos), e.Bit(int(pos)); got != want {
			t.Fatalf("bit %d = %d, want %d", pos, got, want)
		}
	}
}

// TestReducerMatchesMod compares Barrett reduction with Mod for products of
// numbers below N, including the largest, and for small moduli.
func TestReducerMatchesMod(t *testing.T) {
	nMinus1 := new(big.Int).Sub(groupN, big.NewInt(1))
	for _, m := range []*big.Int{groupN, big.NewInt(1<<61 - 1), mustHex("f0000000000000000000000000000001")} {
		red := newReducer(m)
		s := red.scratch()
		top := new(big.Int).Sub(m, big.NewInt(1))
		pairs := [][2]*big.Int{{big.NewInt(0), top}, {big.NewInt(1), top}, {top, top}}
		if m == groupN {
			pairs = append(pairs, [2]*big.Int{nMinus1, nMinus1})
		}
		for range 64 {
			x, _ := rand.Int(rand.Reader, m)
			y, _ := rand.Int(rand.Reader, m)
			pairs = append(pairs, [2]*big.Int{x, y})
		}
		for _, p := range pairs {
			want := new(big.Int).Mul(p[0], p[1])
			want.Mod(want, m)
			if got := s.mulMod(new(big.Int), p[0], p[1]); got.Cmp(want) != 0 {
				t.Fatalf("mod %x: %x · %x = %x, want %x", m, p[0], p[1], got, want)
			}
			x := new(big.Int).Set(p[0])
			if got := s.mulMod(x, x, x); got.Cmp(new(big.Int).Exp(p[0], big.NewInt(2), m)) != 0 {
				t.Fatalf("mod %x: in-place square of %x = %x", m, p[0], got)
			}
		}
	}
}

// TestPowModMatchesExp checks powMod against big.Int.Exp for exponents just
// past a word boundary (where it halves them) and everywhere else, with odd
// and even exponents and edge bases.
func TestPowModMatchesExp(t *testing.T) {
	one := big.NewInt(1)
	bases := []*big.Int{big.NewInt(0), big.NewInt(1), big.NewInt(2), new(big.Int).Sub(groupN, one), groupN, new(big.Int).Add(groupN, big.NewInt(5))}
	if b, err := rand.Int(rand.Reader, groupN); err == nil {
		bases = append(bases, b)
	}
	var exps []*big.Int
	for _, bits := range []int{0, 1, 2, 64, 65, 66, 129, 512, 513, 577} {
		e := new(big.Int)
		if bits > 0 {
			e, _ = rand.Int(rand.Reader, new(big.Int).Lsh(one, uint(bits-1)))
			e.SetBit(e, bits-1, 1)
		}
		exps = append(exps, e, new(big.Int).SetBit(e, 0, 0), new(big.Int).SetBit(e, 0, 1))
	}
	for _, b := range bases {
		for _, e := range exps {
			if got, want := powMod(b, e), new(big.Int).Exp(b, e, groupN); got.Cmp(want) != 0 {
				t.Fatalf("powMod(%d-bit base, %d-bit %x) differs from Exp", b.BitLen(), e.BitLen(), e)
			}
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
