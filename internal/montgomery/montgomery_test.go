package montgomery

import (
	"crypto/rand"
	"math/big"
	mrand "math/rand/v2"
	"testing"
)

// testN returns a 3072-bit odd modulus shaped like RFC 3526's group primes,
// which internal/srp works modulo: the top and the bottom 64 bits all ones,
// fixed random bits between.
func testN() *big.Int {
	r := mrand.New(mrand.NewChaCha8([32]byte{3, 0, 7, 2}))
	words := make([]big.Word, 3072/wordBits)
	for i := range words {
		words[i] = big.Word(r.Uint64())
	}
	n := new(big.Int).SetBits(words)
	ones := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 64), big.NewInt(1))
	n.Or(n, ones)
	return n.Or(n, new(big.Int).Lsh(ones, 3072-64))
}

// mustHex parses a hexadecimal test number.
func mustHex(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("bad hex " + s)
	}
	return n
}

// sessionBits is internal/srp's session exponent size, a + u·x: 513 bits.
const sessionBits = 513

// testModuli are odd moduli of one word, of two with the top bit clear, the
// group's N, and one of N's size whose top word is small, so that every
// branch of the final subtraction is taken.
func testModuli() []*big.Int {
	groupN := testN()
	return []*big.Int{
		big.NewInt(3), big.NewInt(1<<61 - 1), mustHex("f0000000000000000000000000000001"),
		mustHex("1000000000000000000000000000000f"), groupN,
		new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 3000), big.NewInt(1)),
	}
}

// testValues are 0, 1, m − 1, m − 2 and random numbers below m.
func testValues(t *testing.T, m *big.Int) []*big.Int {
	t.Helper()
	one := big.NewInt(1)
	vs := []*big.Int{big.NewInt(0), one, new(big.Int).Sub(m, one), new(big.Int).Sub(m, big.NewInt(2))}
	return append(vs, randomBelow(t, m, 32)...)
}

// randomBelow returns count random numbers below m.
func randomBelow(t testing.TB, m *big.Int, count int) []*big.Int {
	t.Helper()
	vs := make([]*big.Int, count)
	for i := range vs {
		v, err := rand.Int(rand.Reader, m)
		if err != nil {
			t.Fatal(err)
		}
		vs[i] = v
	}
	return vs
}

// TestMontgomeryMatchesMod compares Montgomery products and squares, in place
// and not, with Mul and Mod, for edge and random numbers of each modulus.
func TestMontgomeryMatchesMod(t *testing.T) {
	for _, m := range testModuli() {
		for _, g := range Paths(m) {
			testMontgomeryMatchesMod(t, g)
		}
	}
}

func testMontgomeryMatchesMod(t *testing.T, g *Modulus) {
	m := g.mod
	s := g.Scratch()
	vs := testValues(t, m)
	for i, x := range vs {
		y := vs[(i*7+3)%len(vs)]
		want := new(big.Int).Mul(x, y)
		want.Mod(want, m)
		xm, ym, z := make([]big.Word, g.size), make([]big.Word, g.size), make([]big.Word, g.size)
		s.In(xm, x)
		s.In(ym, y)
		s.Mul(z, xm, ym)
		if got := s.Out(z); got.Cmp(want) != 0 {
			t.Fatalf("%s mod %x: %x · %x = %x, want %x", g.Path(), m, x, y, got, want)
		}
		s.Mul(xm, xm, ym) // in place
		if got := s.Out(xm); got.Cmp(want) != 0 {
			t.Fatalf("%s mod %x: in-place %x · %x = %x, want %x", g.Path(), m, x, y, got, want)
		}
		square := new(big.Int).Mul(y, y)
		square.Mod(square, m)
		s.Sqr(z, ym)
		if got := s.Out(z); got.Cmp(square) != 0 {
			t.Fatalf("%s mod %x: %x² = %x, want %x", g.Path(), m, y, got, square)
		}
		s.Sqr(ym, ym)
		if got := s.Out(ym); got.Cmp(square) != 0 {
			t.Fatalf("%s mod %x: in-place %x² = %x, want %x", g.Path(), m, y, got, square)
		}
		if got := s.Out(g.one); got.Cmp(big.NewInt(1)) != 0 {
			t.Fatalf("%s mod %x: one is %x", g.Path(), m, got)
		}
	}
}

// TestMontgomeryResultsBelowModulus checks that every result is reduced as
// far as the next product relies on: fully (below m, not just congruent) for
// word-by-word products, below 2m for IFMA's almost-Montgomery ones.
func TestMontgomeryResultsBelowModulus(t *testing.T) {
	for _, m := range testModuli() {
		for _, g := range Paths(m) {
			s := g.Scratch()
			top := make([]big.Word, g.size)
			s.In(top, new(big.Int).Sub(m, big.NewInt(1)))
			z := make([]big.Word, g.size)
			bound, value := m, func() *big.Int { return new(big.Int).SetBits(append([]big.Word(nil), z...)) }
			if g.m52 != nil {
				bound, value = new(big.Int).Lsh(m, 1), func() *big.Int { return limbsValue((*ifmaNum)(z)) }
			}
			for _, op := range []func(){func() { s.Mul(z, top, top) }, func() { s.Sqr(z, top) }, func() { s.Mul(z, top, g.rr) }} {
				op()
				if value().Cmp(bound) >= 0 {
					t.Fatalf("%s mod %x: a result %x is not below %x", g.Path(), m, z, bound)
				}
			}
		}
	}
}

// TestMontExpMatchesExp checks the fixed-window exponentiation against
// big.Int.Exp for exponent sizes around window and word boundaries, exponents
// at the declared size, below it and past it (the fallback), and edge bases,
// including ones not below N (fewer bases for the long exponents, which cost
// the most under the race detector).
func TestMontExpMatchesExp(t *testing.T) {
	one, groupN := big.NewInt(1), testN()
	random, err := rand.Int(rand.Reader, groupN)
	if err != nil {
		t.Fatal(err)
	}
	paths := Paths(groupN)
	nMinus1, nPlus5 := new(big.Int).Sub(groupN, one), new(big.Int).Add(groupN, big.NewInt(5))
	allBases := []*big.Int{big.NewInt(0), one, big.NewInt(2), nMinus1, groupN, nPlus5, new(big.Int).Lsh(groupN, 3), random}
	fewBases := []*big.Int{nMinus1, nPlus5, random}
	withTop := func(bits int) *big.Int { // a random number of exactly bits bits
		if bits == 0 {
			return new(big.Int)
		}
		e, err := rand.Int(rand.Reader, new(big.Int).Lsh(one, uint(bits-1)))
		if err != nil {
			t.Fatal(err)
		}
		return e.SetBit(e, bits-1, 1)
	}
	for _, size := range []int{1, 2, expWindow, expWindow + 1, 64, 65, 256, 512, sessionBits, 577} {
		bases := allBases
		if size > 65 {
			bases = fewBases
		}
		e := withTop(size)
		exps := []*big.Int{e, new(big.Int).SetBit(e, 0, 0), withTop(size - 1), withTop(size + 1), new(big.Int).Lsh(one, uint(size-1))}
		for _, b := range bases {
			for _, x := range exps {
				want := new(big.Int).Exp(b, x, groupN)
				for _, g := range paths {
					if got := g.Exp(b, x, size); got.Cmp(want) != 0 {
						t.Fatalf("%s: exp(%d-bit base, %d-bit %x, size %d) = %x, want %x", g.Path(), b.BitLen(), x.BitLen(), x, size, got, want)
					}
				}
			}
		}
	}
	for _, x := range []struct {
		e    *big.Int
		size int
	}{{new(big.Int), 0}, {big.NewInt(-1), 8}} {
		if got, want := New(groupN).Exp(random, x.e, x.size), new(big.Int).Exp(random, x.e, groupN); got.Cmp(want) != 0 {
			t.Fatalf("exp(base, %d, size %d) = %x, want %x", x.e, x.size, got, want)
		}
	}
	for _, m := range testModuli()[:4] {
		for _, g := range Paths(m) {
			for _, b := range testValues(t, m)[:8] {
				e := withTop(100)
				if got, want := g.Exp(b, e, 100), new(big.Int).Exp(b, e, m); got.Cmp(want) != 0 {
					t.Fatalf("%s mod %x: %x^%x = %x, want %x", g.Path(), m, b, e, got, want)
				}
			}
		}
	}
}

// TestAddMulVVW checks the word-by-number multiply-add, linked from math/big
// (or the Go version where math/big has no assembly), against the Go version
// and against big.Int for edge words.
func TestAddMulVVW(t *testing.T) {
	maxW := ^big.Word(0)
	for _, n := range []int{1, 2, 7, 48} {
		for _, y := range []big.Word{0, 1, maxW} {
			for _, fill := range []big.Word{0, 1, maxW} {
				z1, z2, x := make([]big.Word, n), make([]big.Word, n), make([]big.Word, n)
				for i := range x {
					x[i], z1[i] = maxW-big.Word(i)*fill, fill
				}
				copy(z2, z1)
				want := new(big.Int).Mul(new(big.Int).SetBits(append([]big.Word(nil), x...)), new(big.Int).SetBits([]big.Word{y}))
				want.Add(want, new(big.Int).SetBits(append([]big.Word(nil), z1...)))
				c1 := addMulVVW(z1, x, y)
				c2 := addMulVVWGeneric(z2, x, y)
				got := new(big.Int).SetBits(append(append([]big.Word(nil), z1...), c1))
				if got.Cmp(want) != 0 || c1 != c2 || new(big.Int).SetBits(append(z2, c2)).Cmp(want) != 0 {
					t.Fatalf("n=%d y=%x fill=%x: linked %x (carry %x), generic carry %x, want %x", n, y, fill, got, c1, c2, want)
				}
			}
		}
	}
}

// TestSubVV checks the subtraction, linked from math/big (or the Go version),
// against the Go version and against big.Int, with and without a borrow out.
func TestSubVV(t *testing.T) {
	maxW := ^big.Word(0)
	num := func(w []big.Word) *big.Int { return new(big.Int).SetBits(append([]big.Word(nil), w...)) }
	for _, n := range []int{1, 2, 48} {
		for _, pair := range [][2]big.Word{{0, 0}, {0, 1}, {1, 0}, {maxW, maxW}, {0, maxW}, {maxW, 1}} {
			x, y, z1, z2 := make([]big.Word, n), make([]big.Word, n), make([]big.Word, n), make([]big.Word, n)
			for i := range x {
				x[i], y[i] = pair[0]-big.Word(i), pair[1]
			}
			var wantBorrow big.Word
			want := new(big.Int).Sub(num(x), num(y))
			if want.Sign() < 0 {
				wantBorrow = 1
				want.Add(want, new(big.Int).Lsh(big.NewInt(1), uint(n*wordBits)))
			}
			c1, c2 := subVV(z1, x, y), subVVGeneric(z2, x, y)
			if num(z1).Cmp(want) != 0 || num(z2).Cmp(want) != 0 || c1 != wantBorrow || c2 != wantBorrow {
				t.Fatalf("n=%d %x − %x: linked %x (borrow %d), generic %x (borrow %d), want %x (borrow %d)", n, pair[0], pair[1], num(z1), c1, num(z2), c2, want, wantBorrow)
			}
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
		if got, want := Bit(e.Bits(), pos), e.Bit(int(pos)); got != want {
			t.Fatalf("bit %d = %d, want %d", pos, got, want)
		}
	}
}
