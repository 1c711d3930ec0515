package montgomery

import (
	"math/big"
	"testing"
	"unsafe"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// ifmaProduct is one implementation of the radix-2^52 product.
type ifmaProduct struct {
	name string
	f    func(z, x, y *ifmaNum, m *ifmaMod, k0 big.Word)
}

// ifmaProducts are the Go product and, where the CPU runs it, the assembly.
func ifmaProducts(t testing.TB) []ifmaProduct {
	ps := []ifmaProduct{{"go", amm52Generic}}
	if ifmaSupported() {
		ps = append(ps, ifmaProduct{"asm", amm52})
	} else {
		t.Logf("no AVX-512 IFMA here: only the Go radix-2^52 product is tested")
	}
	return ps
}

// need64 skips a test of the radix-2^52 form where words have 32 bits and
// the form does not exist.
func need64(t testing.TB) {
	t.Helper()
	if wordBits != 64 {
		t.Skip("radix-2^52 limbs need 64-bit words")
	}
}

func limbs(x *big.Int) *ifmaNum {
	z := new(ifmaNum)
	toLimbs(z[:], x.Bits())
	return z
}

func limbsValue(x *ifmaNum) *big.Int {
	z := make([]big.Word, ifmaWords)
	fromLimbs(z, x[:])
	return new(big.Int).SetBits(z)
}

// ifmaTestValues are numbers below 2m (what the products accept): 0, 1, 2,
// m − 1, m, m + 1, 2m − 1, R' mod m, the 52-bit limbs all ones below 2m,
// sums that carry across each limb boundary, and random ones.
func ifmaTestValues(t testing.TB, m *big.Int) []*big.Int {
	t.Helper()
	one := big.NewInt(1)
	twoM := new(big.Int).Lsh(m, 1)
	r := new(big.Int).Lsh(one, limbBits*ifmaLimbs)
	vs := []*big.Int{
		big.NewInt(0), one, big.NewInt(2), new(big.Int).Sub(m, one), new(big.Int).Set(m),
		new(big.Int).Add(m, one), new(big.Int).Sub(twoM, one), new(big.Int).Mod(r, m),
	}
	for k := limbBits; k < twoM.BitLen(); k += limbBits {
		ones := new(big.Int).Sub(new(big.Int).Lsh(one, uint(k)), one) // limbs below k all ones
		vs = append(vs, ones, new(big.Int).Lsh(one, uint(k)))
	}
	return append(vs, randomBelow(t, twoM, 16)...)
}

// ifmaModuli are odd moduli up to the largest the product allows.
func ifmaModuli() []*big.Int {
	one := big.NewInt(1)
	top := new(big.Int).Sub(new(big.Int).Lsh(one, ifmaMaxBits), one) // 2^3118 − 1
	return append(testModuli(), top,
		new(big.Int).Add(new(big.Int).Lsh(one, 52*59), one),           // one bit into the last limb
		new(big.Int).Sub(new(big.Int).Lsh(one, 52*59), big.NewInt(3))) // all limbs but the last full
}

// checkAMM checks one product z of x and y: ≡ x·y·R'⁻¹, below 2m, 52-bit
// limbs, zero padding.
func checkAMM(t *testing.T, name string, m, x, y *big.Int, z *ifmaNum) {
	t.Helper()
	checkProduct(t, name, m, rInvOf(m, ifmaLimbs), x, y, z[:], ifmaLimbs)
}

// rInvOf returns 2^(−52·limbs) mod m.
func rInvOf(m *big.Int, limbs int) *big.Int {
	return new(big.Int).ModInverse(new(big.Int).Lsh(big.NewInt(1), uint(limbBits*limbs)), m)
}

// checkProduct checks one radix-2^52 product z of x and y with limbs limbs:
// 52-bit limbs, zero padding, below 2m, ≡ x·y·rInv (mod m).
func checkProduct(t testing.TB, name string, m, rInv, x, y *big.Int, z []big.Word, limbs int) {
	t.Helper()
	for i, l := range z {
		if uint64(l) > limbMask || (i >= limbs && l != 0) {
			t.Fatalf("%s mod %x: %x · %x: limb %d is %x", name, m, x, y, i, l)
		}
	}
	want := new(big.Int).Mul(x, y)
	want.Mul(want, rInv).Mod(want, m)
	w := make([]big.Word, len(z))
	fromLimbsN(w, z, limbs)
	got := new(big.Int).SetBits(w)
	if got.Cmp(new(big.Int).Lsh(m, 1)) >= 0 {
		t.Fatalf("%s mod %x: %x · %x = %x, not below 2m", name, m, x, y, got)
	}
	if got.Mod(got, m).Cmp(want) != 0 {
		t.Fatalf("%s mod %x: %x · %x = %x, want %x (mod m)", name, m, x, y, got, want)
	}
}

// TestAMM52MatchesMod checks the radix-2^52 products (Go, and the assembly
// where it runs) against big.Int, squares and products, in place and not,
// and the assembly against the Go product word for word.
func TestAMM52MatchesMod(t *testing.T) {
	need64(t)
	products := ifmaProducts(t)
	for _, m := range ifmaModuli() {
		if m.BitLen() > ifmaMaxBits {
			continue
		}
		g := NewPath(m, IFMA) // its constants; no product is run by it here
		vs := ifmaTestValues(t, m)
		for i, x := range vs {
			y := vs[(i*7+3)%len(vs)]
			var results []*ifmaNum
			for _, p := range products {
				xl, yl := limbs(x), limbs(y)
				z := new(ifmaNum)
				p.f(z, xl, yl, g.m52, g.k0)
				checkAMM(t, p.name, m, x, y, z)
				p.f(xl, xl, yl, g.m52, g.k0) // in place
				if *xl != *z {
					t.Fatalf("%s mod %x: in-place %x · %x differs", p.name, m, x, y)
				}
				sq := new(ifmaNum)
				p.f(sq, yl, yl, g.m52, g.k0)
				checkAMM(t, p.name, m, y, y, sq)
				p.f(yl, yl, yl, g.m52, g.k0)
				if *yl != *sq {
					t.Fatalf("%s mod %x: in-place %x² differs", p.name, m, y)
				}
				results = append(results, z, sq)
			}
			for k := 2; k < len(results); k++ {
				if *results[k] != *results[k%2] {
					t.Fatalf("mod %x: %s and %s differ for %x, %x", m, products[k/2].name, products[0].name, x, y)
				}
			}
		}
	}
}

// TestIFMAModLayout checks where the assembly expects the modulus moved up
// one limb, and that it is moved up.
func TestIFMAModLayout(t *testing.T) {
	need64(t)
	if off := unsafe.Offsetof(ifmaMod{}.up); off != 8*ifmaWords {
		t.Fatalf("ifmaMod.up at offset %d, the assembly reads it at %d", off, 8*ifmaWords)
	}
	mod := newIFMAMod(testN().Bits())
	if mod.up[0] != 0 || mod.up[1] != mod.m[0] || mod.up[ifmaLimbs] != mod.m[ifmaLimbs-1] {
		t.Fatalf("up is not m moved up one limb: %x", mod.up)
	}
}

// TestIFMAPathRefusesLargeModuli checks that the radix-2^52 form is refused,
// not silently wrong, for a modulus past ifmaMaxBits.
func TestIFMAPathRefusesLargeModuli(t *testing.T) {
	m := new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), ifmaMaxBits), big.NewInt(1))
	defer func() {
		if recover() == nil {
			t.Fatalf("NewPath accepted a %d-bit modulus", m.BitLen())
		}
	}()
	NewPath(m, IFMA)
}

// TestLimbsRoundTrip converts numbers with every limb boundary's bits set to
// radix 2^52 and back.
func TestLimbsRoundTrip(t *testing.T) {
	need64(t)
	for _, x := range ifmaTestValues(t, new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), ifmaMaxBits), big.NewInt(1))) {
		if got := limbsValue(limbs(x)); got.Cmp(x) != 0 {
			t.Fatalf("%x came back as %x", x, got)
		}
	}
}

// FuzzAMM52 compares the assembly (or, without IFMA, the Go product) with
// big.Int for any two numbers below 2N.
func FuzzAMM52(f *testing.F) {
	need64(f)
	groupN := testN()
	f.Add([]byte{0}, []byte{1})
	f.Add(groupN.Bytes(), groupN.Bytes())
	f.Add(new(big.Int).Sub(new(big.Int).Lsh(groupN, 1), big.NewInt(1)).Bytes(), []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	g := NewPath(groupN, IFMA)
	twoN := new(big.Int).Lsh(groupN, 1)
	f.Fuzz(func(t *testing.T, a, b []byte) {
		x := new(big.Int).Mod(new(big.Int).SetBytes(a), twoN)
		y := new(big.Int).Mod(new(big.Int).SetBytes(b), twoN)
		for _, p := range ifmaProducts(t) {
			z := new(ifmaNum)
			p.f(z, limbs(x), limbs(y), g.m52, g.k0)
			checkAMM(t, p.name, groupN, x, y, z)
		}
	})
}

// BenchmarkMontProduct measures one 3072-bit Montgomery squaring and
// multiplication on each path.
func BenchmarkMontProduct(b *testing.B) {
	groupN := testN()
	for _, g := range Paths(groupN) {
		s := g.Scratch()
		x, y := make([]big.Word, g.size), make([]big.Word, g.size)
		s.In(x, new(big.Int).Sub(groupN, big.NewInt(12345)))
		s.In(y, new(big.Int).Rsh(groupN, 3))
		b.Run("sqr/"+g.Path(), func(b *testing.B) { testutil.LoopCPU(b, func() { s.Sqr(x, x) }) })
		b.Run("mul/"+g.Path(), func(b *testing.B) { testutil.LoopCPU(b, func() { s.Mul(x, x, y) }) })
	}
}
