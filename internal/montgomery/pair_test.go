package montgomery

import (
	"flag"
	"math/big"
	mrand "math/rand/v2"
	"testing"
	"unsafe"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// pairProducts is how many random products TestPairRandomProducts checks
// against math/big (go test -run PairRandom ./internal/montgomery
// -pair.products=1000000 for a longer run).
var pairProducts = flag.Int("pair.products", 20000, "random 1024-bit products TestPairRandomProducts checks")

// pairModuli are odd 1024-bit moduli: the largest and the smallest, limbs
// all ones, one bit into the top limb's range, and random ones (an RSA
// prime's shape does not matter to the arithmetic).
func pairModuli(r *mrand.Rand) []*big.Int {
	one := big.NewInt(1)
	top := new(big.Int).Lsh(one, pairBits)
	ms := []*big.Int{
		new(big.Int).Sub(top, one),                                                                      // 2^1024 − 1
		new(big.Int).Add(new(big.Int).Rsh(top, 1), one),                                                 // 2^1023 + 1
		new(big.Int).Add(new(big.Int).Sub(top, new(big.Int).Lsh(one, 52*19)), one),                      // limbs 1–18 zero
		new(big.Int).Add(new(big.Int).Rsh(top, 1), new(big.Int).Sub(new(big.Int).Lsh(one, 52*19), one)), // limbs 0–18 all ones
	}
	for range 6 {
		ms = append(ms, randomBits(r, pairBits, true))
	}
	return ms
}

// randomBits returns a random number of exactly bits bits, odd if odd.
func randomBits(r *mrand.Rand, bits int, odd bool) *big.Int {
	words := make([]big.Word, (bits+63)/64)
	for i := range words {
		words[i] = big.Word(r.Uint64())
	}
	n := new(big.Int).SetBits(words)
	n.Rsh(n, uint(len(words)*64-bits)).SetBit(n, bits-1, 1)
	if odd {
		n.SetBit(n, 0, 1)
	}
	return n
}

// randomBelowBiased returns a random number below bound, biased to the edges:
// small, near the bound, or any.
func randomBelowBiased(r *mrand.Rand, bound *big.Int) *big.Int {
	x := new(big.Int).Mod(randomBits(r, bound.BitLen()+64, false), bound)
	switch r.IntN(8) {
	case 0:
		return x.Rsh(x, uint(r.IntN(bound.BitLen())))
	case 1:
		return x.Sub(bound, x.Rsh(x, uint(r.IntN(bound.BitLen())))).Sub(x, big.NewInt(1))
	}
	return x
}

// pairEdgeValues are numbers below 4m: 0, 1, 2, m − 1, m, m + 1, 2m − 1,
// 4m − 1, R mod m, limbs all ones, each limb boundary's power of 2.
func pairEdgeValues(m *big.Int) []*big.Int {
	one := big.NewInt(1)
	fourM := new(big.Int).Lsh(m, 2)
	vs := []*big.Int{
		big.NewInt(0), one, big.NewInt(2), new(big.Int).Sub(m, one), new(big.Int).Set(m), new(big.Int).Add(m, one),
		new(big.Int).Sub(new(big.Int).Lsh(m, 1), one), new(big.Int).Sub(fourM, one),
		new(big.Int).Mod(new(big.Int).Lsh(one, limbBits*pairLimbs), m),
	}
	for k := limbBits; k < fourM.BitLen(); k += limbBits {
		vs = append(vs, new(big.Int).Sub(new(big.Int).Lsh(one, uint(k)), one), new(big.Int).Lsh(one, uint(k)))
	}
	return vs
}

// pairs are the radix-2^52 Pair modulo m0, m1 with the Go products and,
// where the CPU runs it, with the IFMA assembly.
func pairs(t testing.TB, m0, m1 *big.Int) []*Pair {
	t.Helper()
	return pairsOf(t, m0, m1, formIFMAGo, formIFMA, ifmaSupported())
}

// pairs64 are pairs for the 64-bit-word form: the Go products and, where the
// CPU runs it, the BMI2 and ADX assembly.
func pairs64(t testing.TB, m0, m1 *big.Int) []*Pair {
	t.Helper()
	return pairsOf(t, m0, m1, formWords64Go, formADX, pair64Supported())
}

// allPairs are pairs and pairs64.
func allPairs(t testing.TB, m0, m1 *big.Int) []*Pair {
	t.Helper()
	return append(pairs(t, m0, m1), pairs64(t, m0, m1)...)
}

func pairsOf(t testing.TB, m0, m1 *big.Int, goForm, asmForm pairForm, asm bool) []*Pair {
	t.Helper()
	need64(t)
	forms := []pairForm{goForm}
	if asm {
		forms = append(forms, asmForm)
	} else {
		t.Logf("this CPU does not run the %s assembly: only its Go products are tested", (&Pair{form: asmForm}).Path())
	}
	var ps []*Pair
	for _, f := range forms {
		p, err := newPair(m0, m1, f)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return ps
}

func pairName(p *Pair) string { return p.Path() }

// goProducts reports whether p runs the Go products (≈ 25 × slower than the
// IFMA assembly; tests give them fewer inputs).
func (p *Pair) goProducts() bool { return p.form == formIFMAGo || p.form == formWords64Go }

// pairValueOf is a half of a PairNum as a number, in p's form.
func pairValueOf(p *Pair, z *[pairWords]big.Word) *big.Int {
	if p.words64() {
		return new(big.Int).SetBits(append([]big.Word(nil), z[:]...))
	}
	return pairValue(z)
}

func pairNum(x0, x1 *big.Int) *PairNum {
	var z PairNum
	toLimbsN(z[0][:], x0.Bits(), pairLimbs)
	toLimbsN(z[1][:], x1.Bits(), pairLimbs)
	return &z
}

func pairValue(z *[pairWords]big.Word) *big.Int {
	w := make([]big.Word, pairWords)
	fromLimbsN(w, z[:], pairLimbs)
	return new(big.Int).SetBits(w)
}

// TestPairEdgeProducts checks the products (Go and assembly) for every pair
// of edge values below 4m of each modulus, in place too, and the assembly
// against the Go product word for word.
func TestPairEdgeProducts(t *testing.T) {
	r := mrand.New(mrand.NewChaCha8([32]byte{1}))
	ms := pairModuli(r)[:5] // the special ones and one random
	for k := range ms {
		m0, m1 := ms[k], ms[(k+1)%len(ms)]
		ps := pairs(t, m0, m1)
		inv0, inv1 := rInvOf(m0, pairLimbs), rInvOf(m1, pairLimbs)
		v0, v1 := pairEdgeValues(m0), pairEdgeValues(m1)
		for i, x0 := range v0 {
			for j, y0 := range v0 {
				x1, y1 := v1[(i+3)%len(v1)], v1[(j+5)%len(v1)]
				var first PairNum
				for n, p := range ps {
					x, y := pairNum(x0, x1), pairNum(y0, y1)
					var z PairNum
					p.Mul(&z, x, y)
					checkProduct(t, pairName(p), m0, inv0, x0, y0, z[0][:], pairLimbs)
					checkProduct(t, pairName(p), m1, inv1, x1, y1, z[1][:], pairLimbs)
					p.Mul(x, x, y)
					if *x != z {
						t.Fatalf("%s: in-place product differs", pairName(p))
					}
					if n == 0 {
						first = z
					} else if z != first {
						t.Fatalf("mod %x, %x: %s and go differ for %x·%x, %x·%x", m0, m1, pairName(p), x0, y0, x1, y1)
					}
				}
			}
		}
	}
}

// TestPairRandomProducts checks -pair.products random products (inputs
// below 4m, biased to the edges; squares a quarter of the time) against
// math/big, and the assembly against the Go product word for word.
func TestPairRandomProducts(t *testing.T) {
	r := mrand.New(mrand.NewChaCha8([32]byte{2}))
	ms := pairModuli(r)
	n := *pairProducts
	if testing.Short() {
		n /= 10
	}
	per := max(n/(len(ms)), 1)
	for k := range ms {
		m0, m1 := ms[k], ms[(k+3)%len(ms)]
		ps := pairs(t, m0, m1)
		b0, b1 := new(big.Int).Lsh(m0, 2), new(big.Int).Lsh(m1, 2)
		inv0, inv1 := rInvOf(m0, pairLimbs), rInvOf(m1, pairLimbs)
		for range per {
			x0, x1 := randomBelowBiased(r, b0), randomBelowBiased(r, b1)
			y0, y1 := randomBelowBiased(r, b0), randomBelowBiased(r, b1)
			if r.IntN(4) == 0 {
				y0, y1 = x0, x1
			}
			x, y := pairNum(x0, x1), pairNum(y0, y1)
			var want PairNum
			ps[0].Mul(&want, x, y)
			checkProduct(t, "go", m0, inv0, x0, y0, want[0][:], pairLimbs)
			checkProduct(t, "go", m1, inv1, x1, y1, want[1][:], pairLimbs)
			for _, p := range ps[1:] {
				var z PairNum
				p.Mul(&z, x, y)
				if z != want {
					checkProduct(t, pairName(p), m0, inv0, x0, y0, z[0][:], pairLimbs)
					checkProduct(t, pairName(p), m1, inv1, x1, y1, z[1][:], pairLimbs)
					t.Fatalf("mod %x, %x: assembly and go differ for %x·%x, %x·%x", m0, m1, x0, y0, x1, y1)
				}
			}
		}
	}
}

// TestPairModLayout checks where the assembly expects each modulus moved up
// one limb, and the second modulus.
func TestPairModLayout(t *testing.T) {
	need64(t)
	if off := unsafe.Offsetof(pairMod{}.up); off != 8*pairWords {
		t.Fatalf("pairMod.up at offset %d, the assembly reads it at %d", off, 8*pairWords)
	}
	if size := unsafe.Sizeof(pairMod{}); size != 384 {
		t.Fatalf("a pairMod is %d bytes, the assembly reads the second at 384", size)
	}
	if size := unsafe.Sizeof([pairWords]big.Word{}); size != 192 {
		t.Fatalf("a half of a PairNum is %d bytes, the assembly reads the second at 192", size)
	}
}

// TestSelectPair reads every entry of a table for every pair of indices,
// with the assembly and the Go scan.
func TestSelectPair(t *testing.T) {
	need64(t)
	var table [pairTable]PairNum
	for k := range table {
		for h := range 2 {
			for i := range pairWords {
				table[k][h][i] = big.Word(uint64(k)<<32 | uint64(h)<<16 | uint64(i))
			}
		}
	}
	sels := []func(*PairNum, *[pairTable]PairNum, uint64, uint64){selectPairGeneric}
	if ifmaSupported() {
		sels = append(sels, selectPair)
	}
	for i0 := range uint64(pairTable) {
		for i1 := range uint64(pairTable) {
			for n, sel := range sels {
				z := PairNum{{1}, {2}}
				sel(&z, &table, i0, i1)
				if z[0] != table[i0][0] || z[1] != table[i1][1] {
					t.Fatalf("select %d (%d, %d) = %x, want %x, %x", n, i0, i1, z, table[i0][0], table[i1][1])
				}
			}
		}
	}
}

// TestPairConversions checks FromWide (any number up to 2048 bits),
// FromWords, Sub and ToWords against math/big.
func TestPairConversions(t *testing.T) {
	r := mrand.New(mrand.NewChaCha8([32]byte{3}))
	ms := pairModuli(r)
	one := big.NewInt(1)
	for k := range ms {
		m := [2]*big.Int{ms[k], ms[(k+1)%len(ms)]}
		wides := []*big.Int{big.NewInt(0), one, new(big.Int).Sub(new(big.Int).Lsh(one, 2048), one), new(big.Int).Mul(m[0], m[1]), new(big.Int).Lsh(one, 1040), new(big.Int).Lsh(one, 2047)}
		for range 8 {
			wides = append(wides, randomBits(r, 1+r.IntN(2048), false))
		}
		for _, p := range allPairs(t, m[0], m[1]) {
			shift := uint(1) // below 2m, or below m in 64-bit words
			if p.words64() {
				shift = 0
			}
			for i, c := range wides {
				var z PairNum
				p.FromWide(&z, c.Bits())
				var back PairWords
				p.ToWords(&back, &z)
				for h := range 2 {
					want := new(big.Int).Mod(c, m[h])
					if got := new(big.Int).SetBits(append([]big.Word(nil), back[h][:]...)); got.Cmp(want) != 0 {
						t.Fatalf("%s: %x mod %x came back as %x, want %x", pairName(p), c, m[h], got, want)
					}
					if v, b := pairValueOf(p, &z[h]), new(big.Int).Lsh(m[h], shift); v.Cmp(b) >= 0 {
						t.Fatalf("%s: FromWide(%x) mod %x = %x, not below %x", pairName(p), c, m[h], v, b)
					}
				}
				// Sub and FromWords: (c mod m) − (d mod m) for another number d.
				d := wides[(i+5)%len(wides)]
				var x PairWords
				for h := range 2 {
					copy(x[h][:], new(big.Int).Mod(d, m[h]).Bits())
				}
				var dm, diff PairNum
				p.FromWords(&dm, &x)
				p.Sub(&diff, &z, &dm)
				p.ToWords(&back, &diff)
				for h := range 2 {
					want := new(big.Int).Sub(c, d)
					want.Mod(want, m[h])
					if got := new(big.Int).SetBits(append([]big.Word(nil), back[h][:]...)); got.Cmp(want) != 0 {
						t.Fatalf("%s: %x − %x mod %x = %x, want %x", pairName(p), c, d, m[h], got, want)
					}
				}
			}
		}
	}
}

// TestPairExp checks Exp against big.Int.Exp for edge and random exponents
// (0, 1, all ones, every window 31, single bits at window and word
// boundaries) and edge bases.
func TestPairExp(t *testing.T) {
	r := mrand.New(mrand.NewChaCha8([32]byte{4}))
	ms := pairModuli(r)
	one := big.NewInt(1)
	allOnes := new(big.Int).Sub(new(big.Int).Lsh(one, pairBits), one)
	exps := []*big.Int{big.NewInt(0), one, big.NewInt(2), big.NewInt(31), big.NewInt(32), allOnes, new(big.Int).Lsh(one, pairBits-1), new(big.Int).Lsh(one, 1020), new(big.Int).Lsh(one, 64), new(big.Int).Lsh(one, 63)}
	for range 4 {
		exps = append(exps, randomBits(r, pairBits, false), randomBits(r, 1+r.IntN(pairBits), false))
	}
	for k := 0; k < len(ms); k += 2 {
		m := [2]*big.Int{ms[k], ms[k+1]}
		ps := allPairs(t, m[0], m[1])
		bases := [][2]*big.Int{
			{big.NewInt(0), one}, {one, big.NewInt(2)},
			{new(big.Int).Sub(m[0], one), new(big.Int).Sub(m[1], one)},
			{randomBits(r, 2048, false), randomBits(r, 2000, false)},
		}
		for i, e0 := range exps {
			e1 := exps[(i*3+1)%len(exps)]
			var e PairWords
			copy(e[0][:], e0.Bits())
			copy(e[1][:], e1.Bits())
			for _, b := range bases {
				for _, p := range ps {
					if p.goProducts() && (k > 0 || i > 4) {
						continue // the Go products are ≈ 25 × slower: a few exponents
					}
					var x, z PairNum
					var x0 PairWords
					// The bases through FromWide (both halves get the first
					// base) and, for the second half, through FromWords.
					p.FromWide(&x, b[0].Bits())
					copy(x0[1][:], new(big.Int).Mod(b[1], m[1]).Bits())
					var x1 PairNum
					p.FromWords(&x1, &x0)
					x[1] = x1[1]
					p.Exp(&z, &x, &e)
					var got PairWords
					p.ToWords(&got, &z)
					for h, base := range b {
						want := new(big.Int).Exp(base, []*big.Int{e0, e1}[h], m[h])
						if g := new(big.Int).SetBits(append([]big.Word(nil), got[h][:]...)); g.Cmp(want) != 0 {
							t.Fatalf("%s: %x^%x mod %x = %x, want %x", pairName(p), base, []*big.Int{e0, e1}[h], m[h], g, want)
						}
					}
				}
			}
		}
	}
}

// TestNewPairRefuses checks that moduli the arithmetic is not for are
// refused, not computed with wrongly.
func TestNewPairRefuses(t *testing.T) {
	need64(t)
	one := big.NewInt(1)
	good := new(big.Int).Sub(new(big.Int).Lsh(one, pairBits), one)
	for _, m := range []*big.Int{
		new(big.Int).Sub(good, one),                            // even
		new(big.Int).Rsh(good, 1),                              // 1023 bits
		new(big.Int).Add(new(big.Int).Lsh(one, pairBits), one), // 1025 bits
		big.NewInt(3),
	} {
		for _, f := range []pairForm{formIFMAGo, formWords64Go} {
			if _, err := newPair(good, m, f); err == nil {
				t.Errorf("newPair (form %d) accepted a modulus of %d bits (odd %v)", f, m.BitLen(), m.Bit(0) == 1)
			}
			if _, err := newPair(m, good, f); err == nil {
				t.Errorf("newPair (form %d) accepted a first modulus of %d bits (odd %v)", f, m.BitLen(), m.Bit(0) == 1)
			}
		}
	}
	p, err := NewPair(good, good)
	if (err == nil) != (ifmaSupported() || pair64Supported()) {
		t.Fatalf("NewPair: %v with IFMA %v, ADX %v", err, ifmaSupported(), pair64Supported())
	}
	if want := map[bool]string{true: "ifma", false: "adx"}[ifmaSupported()]; err == nil && p.Path() != want {
		t.Errorf("NewPair chose %s, want %s", p.Path(), want)
	}
}

// FuzzPairMul compares the product (assembly where it runs) with math/big
// for any numbers below 4m of two fixed moduli.
func FuzzPairMul(f *testing.F) {
	need64(f)
	r := mrand.New(mrand.NewChaCha8([32]byte{5}))
	ms := pairModuli(r)
	m0, m1 := ms[0], ms[4]
	f.Add([]byte{0}, []byte{1}, []byte{2}, []byte{3})
	f.Add(m0.Bytes(), m0.Bytes(), m1.Bytes(), m1.Bytes())
	f.Add(new(big.Int).Sub(new(big.Int).Lsh(m0, 2), big.NewInt(1)).Bytes(), []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, []byte{0x80}, m1.Bytes())
	ps := pairs(f, m0, m1)
	p := ps[len(ps)-1]
	b0, b1 := new(big.Int).Lsh(m0, 2), new(big.Int).Lsh(m1, 2)
	inv0, inv1 := rInvOf(m0, pairLimbs), rInvOf(m1, pairLimbs)
	f.Fuzz(func(t *testing.T, a, b, c, d []byte) {
		x0, y0 := new(big.Int).Mod(new(big.Int).SetBytes(a), b0), new(big.Int).Mod(new(big.Int).SetBytes(b), b0)
		x1, y1 := new(big.Int).Mod(new(big.Int).SetBytes(c), b1), new(big.Int).Mod(new(big.Int).SetBytes(d), b1)
		var z PairNum
		p.Mul(&z, pairNum(x0, x1), pairNum(y0, y1))
		checkProduct(t, pairName(p), m0, inv0, x0, y0, z[0][:], pairLimbs)
		checkProduct(t, pairName(p), m1, inv1, x1, y1, z[1][:], pairLimbs)
	})
}

// BenchmarkPair measures one pair of 1024-bit products, a table scan and a
// pair of 1024-bit exponentiations (an RSA-2048 CRT signature's).
func BenchmarkPair(b *testing.B) {
	r := mrand.New(mrand.NewChaCha8([32]byte{6}))
	m0, m1 := randomBits(r, pairBits, true), randomBits(r, pairBits, true)
	for _, p := range pairs(b, m0, m1) {
		x := pairNum(new(big.Int).Sub(m0, big.NewInt(12345)), new(big.Int).Rsh(m1, 3))
		var e PairWords
		copy(e[0][:], randomBits(r, pairBits, false).Bits())
		copy(e[1][:], randomBits(r, pairBits, false).Bits())
		var table [pairTable]PairNum
		b.Run("mul/"+pairName(p), func(b *testing.B) { testutil.LoopCPU(b, func() { p.Mul(x, x, x) }) })
		b.Run("select/"+pairName(p), func(b *testing.B) { testutil.LoopCPU(b, func() { p.sel(x, &table, 7, 30) }) })
		b.Run("exp/"+pairName(p), func(b *testing.B) { testutil.LoopCPU(b, func() { p.Exp(x, x, &e) }) })
	}
}
