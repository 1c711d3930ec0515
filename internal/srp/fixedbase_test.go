package srp

import (
	"crypto/rand"
	"math/big"
	"testing"
)

// TestGExpMatchesExp checks the fixed-base table against big.Int.Exp for
// edge exponents and random ones of every size it serves (and beyond, where
// it falls back to Exp), at both sizes callers declare.
func TestGExpMatchesExp(t *testing.T) {
	one := big.NewInt(1)
	max := new(big.Int).Sub(new(big.Int).Lsh(one, fixedBits), one)
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
		for _, bits := range []int{xBits, fixedBits} {
			if got := gExp(e, bits); got.Cmp(want) != 0 {
				t.Fatalf("gExp(%x, %d) differs from Exp", e, bits)
			}
		}
	}
}

// TestTableEntriesAreBounded checks that an entry handed out as a big.Int
// cannot grow into the next one.
func TestTableEntriesAreBounded(t *testing.T) {
	f := gTable()
	var z big.Int
	for _, c := range []struct{ row, digit int }{{0, 1}, {0, fixedCols}, {fixedRows - 1, fixedCols}} {
		f.entry(&z, c.row, uint(c.digit))
		if got := cap(z.Bits()); got > f.n {
			t.Errorf("entry (%d, %d) has capacity %d, want at most %d", c.row, c.digit, got, f.n)
		}
		want := new(big.Int).Exp(groupG, new(big.Int).Lsh(big.NewInt(int64(c.digit)), uint(c.row*fixedWindow)), groupN)
		if z.Cmp(want) != 0 {
			t.Errorf("entry (%d, %d) is not g^(%d·2^%d)", c.row, c.digit, c.digit, c.row*fixedWindow)
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
