package montgomery

import (
	"flag"
	"math/big"
	mrand "math/rand/v2"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// pair64Products is how many random products TestPair64RandomProducts checks
// against math/big (-pair64.products=1000000 for a longer run).
var pair64Products = flag.Int("pair64.products", 100000, "random 1024-bit 64-bit-word products TestPair64RandomProducts checks")

// mont64Impl is one implementation of the 64-bit-word product and square.
type mont64Impl struct {
	name string
	mul  func(z, x, y, m *pair64Half, k0 big.Word)
	sqr  func(z, x, m *pair64Half, k0 big.Word)
}

// mont64Impls are the Go product and, where the CPU runs it, the assembly.
func mont64Impls(t testing.TB) []mont64Impl {
	t.Helper()
	need64(t)
	impls := []mont64Impl{{"go", mont64Generic, func(z, x, m *pair64Half, k0 big.Word) { mont64Generic(z, x, x, m, k0) }}}
	if pair64Supported() {
		impls = append(impls, mont64Impl{"adx", mont16Mul, mont16Sqr})
	} else {
		t.Logf("no BMI2 and ADX here: only the Go 64-bit-word products are tested")
	}
	return impls
}

// mod64 is one modulus prepared for the 64-bit-word tests.
type mod64 struct {
	m, rInv *big.Int // R⁻¹ mod m for R = 2^1024
	words   pair64Half
	k0      big.Word
}

func newMod64(m *big.Int) *mod64 {
	md := &mod64{m: m}
	r := new(big.Int).Lsh(big.NewInt(1), pairBits)
	md.rInv = new(big.Int).ModInverse(r.Mod(r, m), m)
	copy(md.words[:], m.Bits())
	inv := big.Word(1)
	for i := 1; i < 64; i *= 2 {
		inv *= 2 - md.words[0]*inv
	}
	md.k0 = -inv
	return md
}

func half64Of(x *big.Int) *pair64Half {
	var z pair64Half
	copy(z[:], x.Bits())
	return &z
}

// want returns x·y·R⁻¹ mod m.
func (md *mod64) want(x, y *big.Int) *big.Int {
	w := new(big.Int).Mul(x, y)
	w.Mul(w, md.rInv)
	return w.Mod(w, md.m)
}

// pair64EdgeValues are 1024-bit numbers: 0, 1, 2, m − 2, m − 1, m, m + 1,
// 2^1024 − 1, R mod m, a word all ones, each word boundary's power of 2 and
// the number below it, alternating words (those below 2^1024).
func pair64EdgeValues(m *big.Int) []*big.Int {
	one := big.NewInt(1)
	top := new(big.Int).Lsh(one, pairBits)
	vs := []*big.Int{
		big.NewInt(0), one, big.NewInt(2), new(big.Int).Sub(m, big.NewInt(2)), new(big.Int).Sub(m, one),
		new(big.Int).Set(m), new(big.Int).Add(m, one), new(big.Int).Sub(top, one), new(big.Int).Mod(top, m),
		new(big.Int).SetUint64(^uint64(0)),
	}
	for k := 64; k < pairBits; k += 64 {
		vs = append(vs, new(big.Int).Lsh(one, uint(k)), new(big.Int).Sub(new(big.Int).Lsh(one, uint(k)), one))
	}
	alt := make([]big.Word, pair64Words)
	for i := range alt {
		if i%2 == 0 {
			alt[i] = ^big.Word(0)
		}
	}
	vs = append(vs, new(big.Int).SetBits(alt))
	fit := vs[:0] // m + 1 is 2^1024 for m = 2^1024 − 1
	for _, v := range vs {
		if v.BitLen() <= pairBits {
			fit = append(fit, v)
		}
	}
	return fit
}

// checkMont64 checks one product of x (below 2^1024) and y by every
// implementation: against math/big when x·y < m·R (the result is then below
// m), else the same words as the Go product and ≡ x·y·R⁻¹; in place too; and
// the squaring for x = y below m.
func checkMont64(t testing.TB, impls []mont64Impl, md *mod64, x, y *big.Int) {
	t.Helper()
	exact := new(big.Int).Mul(x, y).Cmp(new(big.Int).Lsh(md.m, pairBits)) < 0
	want := md.want(x, y)
	var first pair64Half
	for n, im := range impls {
		var z pair64Half
		im.mul(&z, half64Of(x), half64Of(y), &md.words, md.k0)
		got := new(big.Int).SetBits(append([]big.Word(nil), z[:]...))
		if exact && got.Cmp(want) != 0 || !exact && new(big.Int).Mod(got, md.m).Cmp(want) != 0 {
			t.Fatalf("%s: mod %x: %x·%x = %x, want %x", im.name, md.m, x, y, got, want)
		}
		if n == 0 {
			first = z
		} else if z != first {
			t.Fatalf("%s: mod %x: %x·%x = %x, the Go product %x", im.name, md.m, x, y, z, first)
		}
		xs, ys := half64Of(x), half64Of(y)
		im.mul(xs, xs, half64Of(y), &md.words, md.k0)
		im.mul(ys, half64Of(x), ys, &md.words, md.k0)
		if *xs != z || *ys != z {
			t.Fatalf("%s: mod %x: an in-place product of %x·%x differs", im.name, md.m, x, y)
		}
		if x.Cmp(y) == 0 && x.Cmp(md.m) < 0 {
			var sq pair64Half
			im.sqr(&sq, half64Of(x), &md.words, md.k0)
			in := half64Of(x)
			im.sqr(in, in, &md.words, md.k0)
			if sq != z || *in != z {
				t.Fatalf("%s: mod %x: the square of %x is %x (in place %x), the product %x", im.name, md.m, x, sq, *in, z)
			}
		}
	}
}

// TestPair64EdgeProducts checks the 64-bit-word products and squares for
// every pair of edge values of each modulus (x any 1024-bit number; y below
// m, and at or above it too where the result need not be below m).
func TestPair64EdgeProducts(t *testing.T) {
	r := mrand.New(mrand.NewChaCha8([32]byte{11}))
	impls := mont64Impls(t)
	for _, m := range pairModuli(r)[:6] {
		md := newMod64(m)
		vs := pair64EdgeValues(m)
		for _, x := range vs {
			for _, y := range vs {
				checkMont64(t, impls, md, x, y)
			}
		}
	}
}

// TestPair64RandomProducts checks -pair64.products random products and
// squares (biased to the edges) against math/big and the Go product.
func TestPair64RandomProducts(t *testing.T) {
	r := mrand.New(mrand.NewChaCha8([32]byte{12}))
	impls := mont64Impls(t)
	ms := pairModuli(r)
	n := *pair64Products
	if testing.Short() {
		n /= 10
	}
	top := new(big.Int).Lsh(big.NewInt(1), pairBits)
	per := max(n/len(ms), 1)
	for _, m := range ms {
		md := newMod64(m)
		for range per {
			x, y := randomBelowBiased(r, m), randomBelowBiased(r, m)
			switch r.IntN(4) {
			case 0:
				y = x
			case 1:
				x = randomBelowBiased(r, top)
			}
			checkMont64(t, impls, md, x, y)
		}
	}
}

// TestSelectPair64 reads every entry of a table for every pair of indices
// with the AVX2 scan: the first 16 words of each half.
func TestSelectPair64(t *testing.T) {
	need64(t)
	if !pair64Supported() {
		t.Skip("no AVX2, BMI2 and ADX here: the Go scan is TestSelectPair's")
	}
	var table [pairTable]PairNum
	for k := range table {
		for h := range 2 {
			for i := range pair64Words {
				table[k][h][i] = big.Word(uint64(k)<<32 | uint64(h)<<16 | uint64(i) | 1<<63)
			}
		}
	}
	for i0 := range uint64(pairTable) {
		for i1 := range uint64(pairTable) {
			var z PairNum
			selectPair64(&z, &table, i0, i1)
			if *half64(&z[0]) != *half64(&table[i0][0]) || *half64(&z[1]) != *half64(&table[i1][1]) {
				t.Fatalf("select (%d, %d) = %x, want %x, %x", i0, i1, z, table[i0][0], table[i1][1])
			}
		}
	}
}

// FuzzPair64Mul compares the 64-bit-word product and square (the assembly
// where it runs) with math/big for any x below 2^1024 and y below m.
func FuzzPair64Mul(f *testing.F) {
	impls := mont64Impls(f)
	r := mrand.New(mrand.NewChaCha8([32]byte{13}))
	ms := pairModuli(r)
	f.Add([]byte{0}, []byte{1}, uint8(0))
	f.Add(ms[0].Bytes(), ms[0].Bytes(), uint8(1))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, []byte{0x80}, uint8(2))
	mods := make([]*mod64, len(ms))
	for i, m := range ms {
		mods[i] = newMod64(m)
	}
	top := new(big.Int).Lsh(big.NewInt(1), pairBits)
	f.Fuzz(func(t *testing.T, a, b []byte, which uint8) {
		md := mods[int(which)%len(mods)]
		x := new(big.Int).Mod(new(big.Int).SetBytes(a), top)
		y := new(big.Int).Mod(new(big.Int).SetBytes(b), md.m)
		checkMont64(t, impls, md, x, y)
		xm := new(big.Int).Mod(x, md.m)
		checkMont64(t, impls, md, xm, xm)
	})
}

// BenchmarkPair64 measures the 64-bit-word form: one 1024-bit product and
// square (one half), a pair's table scan and a pair of 1024-bit
// exponentiations (an RSA-2048 CRT signature's).
func BenchmarkPair64(b *testing.B) {
	r := mrand.New(mrand.NewChaCha8([32]byte{14}))
	m0, m1 := randomBits(r, pairBits, true), randomBits(r, pairBits, true)
	for _, im := range mont64Impls(b) {
		md := newMod64(m0)
		x := half64Of(new(big.Int).Sub(m0, big.NewInt(12345)))
		b.Run("mul/"+im.name, func(b *testing.B) { testutil.LoopCPU(b, func() { im.mul(x, x, x, &md.words, md.k0) }) })
		b.Run("sqr/"+im.name, func(b *testing.B) { testutil.LoopCPU(b, func() { im.sqr(x, x, &md.words, md.k0) }) })
	}
	for _, p := range pairs64(b, m0, m1) {
		var x PairNum
		p.FromWide(&x, randomBits(r, 2048, false).Bits())
		var e PairWords
		copy(e[0][:], randomBits(r, pairBits, false).Bits())
		copy(e[1][:], randomBits(r, pairBits, false).Bits())
		var table [pairTable]PairNum
		var sel PairNum
		b.Run("select/"+pairName(p), func(b *testing.B) { testutil.LoopCPU(b, func() { p.sel(&sel, &table, 7, 30) }) })
		b.Run("exp/"+pairName(p), func(b *testing.B) { testutil.LoopCPU(b, func() { p.Exp(&x, &x, &e) }) })
	}
}
