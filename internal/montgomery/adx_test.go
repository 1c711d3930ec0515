package montgomery

import (
	"math/big"
	mrand "math/rand/v2"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// adxKernel is one implementation of the ADX path's product and square.
type adxKernel struct {
	name string
	mul  func(z, x, y, buf []big.Word, k0 big.Word)
	sqr  func(z, x, t, m []big.Word, k0 big.Word)
}

// adxKernels are the Go versions and, where the CPU runs it, the assembly.
func adxKernels(t testing.TB) []adxKernel {
	ks := []adxKernel{{name: "go", mul: mulADXGeneric, sqr: sqrADXGeneric}}
	if adxSupported() {
		ks = append(ks, adxKernel{name: "asm",
			mul: func(z, x, y, buf []big.Word, k0 big.Word) {
				mulADX(&z[0], &x[0], &y[0], &buf[0], k0, len(z))
			},
			sqr: func(z, x, t, m []big.Word, k0 big.Word) {
				sqrADX(&z[0], &x[0], &t[0], &m[0], k0, len(m))
			}})
	} else {
		t.Logf("no BMI2 and ADX here: only the Go products of the ADX path are tested")
	}
	return ks
}

// adxModuli are odd moduli of 8, 16 and 48 words: the group's N, all ones
// (the largest carries), a top word of 1 (results often ≥ m before the
// final subtraction), just above a power of β's half, random ones, and
// random ones with a low word of β − 1 (k0 = 1, as for N: the reduction's
// rows without word 0's product).
func adxModuli() []*big.Int {
	one := big.NewInt(1)
	r := mrand.New(mrand.NewChaCha8([32]byte{8, 0, 4, 8}))
	ms := []*big.Int{testN()}
	for _, n := range []int{8, 16, 48} {
		bitsN := uint(64 * n)
		rnd := make([]big.Word, n)
		for i := range rnd {
			rnd[i] = big.Word(r.Uint64())
		}
		random := new(big.Int).SetBits(rnd)
		random.SetBit(random, int(bitsN-1), 1).SetBit(random, 0, 1)
		small := new(big.Int).SetBits(append([]big.Word(nil), rnd...))
		small.SetBit(small, 0, 1)
		small.SetBits(append(small.Bits()[:n-1:n-1], 1)) // top word 1
		kOne := new(big.Int).SetBits(append([]big.Word{^big.Word(0)}, rnd[1:]...))
		kOne.SetBit(kOne, int(bitsN-1), 1)
		ms = append(ms,
			new(big.Int).Sub(new(big.Int).Lsh(one, bitsN), one),
			new(big.Int).Add(new(big.Int).Lsh(one, bitsN-1), one),
			random, small, kOne)
	}
	return ms
}

// adxValues are numbers below m: 0, 1, 2, m − 1, m − 2, R mod m, β^k − 1
// and β^k/2 below m for k around the blocks' and the number's ends, and
// random ones.
func adxValues(t testing.TB, m *big.Int) []*big.Int {
	t.Helper()
	one := big.NewInt(1)
	n := len(m.Bits())
	r := new(big.Int).Lsh(one, uint(64*n))
	vs := []*big.Int{big.NewInt(0), one, big.NewInt(2), new(big.Int).Sub(m, one), new(big.Int).Sub(m, big.NewInt(2)), new(big.Int).Mod(r, m)}
	for _, k := range []int{1, 2, 7, 8, 9, n / 2, n - 1, n} {
		if v := new(big.Int).Sub(new(big.Int).Lsh(one, uint(64*k)), one); v.Cmp(m) < 0 {
			vs = append(vs, v)
		}
		if v := new(big.Int).Lsh(one, uint(64*k-1)); v.Cmp(m) < 0 {
			vs = append(vs, v)
		}
	}
	return append(vs, randomBelow(t, m, 4)...)
}

// adxCase is a modulus with what the kernels need and what checks them.
type adxCase struct {
	m, rInv *big.Int
	g       *Modulus
}

func newADXCase(m *big.Int) adxCase {
	r := new(big.Int).Lsh(big.NewInt(1), uint(64*len(m.Bits())))
	return adxCase{m: m, rInv: new(big.Int).ModInverse(r, m), g: NewPath(m, ADXGo)}
}

// nat returns x as exactly n words.
func nat(x *big.Int, n int) []big.Word {
	z := make([]big.Word, n)
	copy(z, x.Bits())
	return z
}

// check runs every kernel's product of x and y and square of x, in place
// and not, and compares them with x·y·R⁻¹ mod m by big.Int, word for word
// (results are fully reduced).
func (c adxCase) check(t testing.TB, ks []adxKernel, x, y *big.Int) {
	t.Helper()
	n := c.g.n
	want := func(a, b *big.Int) []big.Word {
		v := new(big.Int).Mul(a, b)
		v.Mul(v.Mod(v, c.m), c.rInv)
		return nat(v.Mod(v, c.m), n)
	}
	wantMul, wantSqr := want(x, y), want(x, x)
	for _, k := range ks {
		s := c.g.Scratch()
		xw, yw, z := nat(x, n), nat(y, n), make([]big.Word, n)
		k.mul(z, xw, yw, s.q, c.g.k0)
		equalWords(t, k.name+" mul", c.m, x, y, z, wantMul)
		k.mul(xw, xw, yw, s.q, c.g.k0)
		equalWords(t, k.name+" mul into x", c.m, x, y, xw, wantMul)
		xw = nat(x, n)
		k.mul(yw, xw, yw, s.q, c.g.k0)
		equalWords(t, k.name+" mul into y", c.m, x, y, yw, wantMul)
		k.sqr(z, xw, s.t, c.g.m, c.g.k0)
		equalWords(t, k.name+" sqr", c.m, x, x, z, wantSqr)
		k.mul(z, xw, xw, s.q, c.g.k0)
		equalWords(t, k.name+" mul x·x", c.m, x, x, z, wantSqr)
		k.sqr(xw, xw, s.t, c.g.m, c.g.k0)
		equalWords(t, k.name+" sqr in place", c.m, x, x, xw, wantSqr)
	}
}

func equalWords(t testing.TB, what string, m, x, y *big.Int, got, want []big.Word) {
	t.Helper()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s mod %x: %x, %x gave %x, want %x (word %d)", what, m, x, y, got, want, i)
		}
	}
}

// TestADXEdgeProducts checks every pair of edge values for every modulus,
// each kernel against big.Int.
func TestADXEdgeProducts(t *testing.T) {
	ks := adxKernels(t)
	for _, m := range adxModuli() {
		c := newADXCase(m)
		vs := adxValues(t, m)
		for _, x := range vs {
			for _, y := range vs {
				c.check(t, ks, x, y)
			}
		}
	}
}

// TestADXRandomProducts checks random products and squares, each kernel
// against big.Int: 10⁵ modulo the group's N on the assembly (10⁴ with
// -short), 5,000 on the Go kernel, 2,000 modulo each other modulus on both.
func TestADXRandomProducts(t *testing.T) {
	ks := adxKernels(t)
	fast, count := ks[1:], 100_000 // the assembly
	if len(fast) == 0 {
		fast = ks
	}
	if testing.Short() {
		count = 10_000
	}
	for i, m := range adxModuli() {
		c := newADXCase(m)
		if i == 0 {
			c.checkRandom(t, fast, count)
			c.checkRandom(t, ks[:1], 5_000)
			continue
		}
		c.checkRandom(t, ks, 2_000)
	}
}

func (c adxCase) checkRandom(t *testing.T, ks []adxKernel, count int) {
	r := mrand.New(mrand.NewChaCha8([32]byte{byte(len(c.m.Bits())), 1}))
	n := c.g.n
	words := func() *big.Int {
		w := make([]big.Word, n)
		for i := range w {
			w[i] = big.Word(r.Uint64())
		}
		v := new(big.Int).SetBits(w)
		return v.Mod(v, c.m)
	}
	for range count / 6 { // six products each
		c.check(t, ks, words(), words())
	}
	t.Logf("mod a %d-word number: %d products and squares on %d kernel(s)", n, count/6*6, len(ks))
}

// TestADXModuliCoverBothReductions checks that the moduli the ADX tests
// use take both of the reduction's first-block rows at every size: k0 = 1
// (REDQ1) and any other k0.
func TestADXModuliCoverBothReductions(t *testing.T) {
	type count struct{ one, other int }
	seen := map[int]count{}
	for _, m := range adxModuli() {
		c := seen[len(m.Bits())]
		if NewPath(m, ADXGo).k0 == 1 {
			c.one++
		} else {
			c.other++
		}
		seen[len(m.Bits())] = c
	}
	for _, n := range []int{8, 16, 48} {
		if c := seen[n]; c.one < 2 || c.other < 2 {
			t.Fatalf("%d-word moduli: %d with k0 = 1, %d others; want at least 2 of each", n, c.one, c.other)
		}
	}
	if k0 := NewPath(testN(), ADXGo).k0; k0 != 1 {
		t.Fatalf("the group's N has k0 = %#x, want 1 (N ≡ −1 mod 2^64)", k0)
	}
}

// TestADXPathRefusesOtherSizes checks that the ADX paths are refused, not
// silently wrong, for a modulus that is not a multiple of 8 words.
func TestADXPathRefusesOtherSizes(t *testing.T) {
	m := new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 64*7-1), big.NewInt(1))
	for _, p := range []Path{ADX, ADXGo} {
		func() {
			defer func() {
				if recover() == nil {
					t.Fatalf("NewPath(%s) accepted a %d-word modulus", p, len(m.Bits()))
				}
			}()
			NewPath(m, p)
		}()
	}
}

// TestNewChoosesADX checks New's choice for the group's N: IFMA where the
// CPU has it, else ADX where it has BMI2 and ADX, else words.
func TestNewChoosesADX(t *testing.T) {
	want := Words
	switch {
	case ifmaSupported():
		want = IFMA
	case adxSupported():
		want = ADX
	}
	if got := New(testN()).Path(); got != want.String() {
		t.Fatalf("New chose %s, want %s", got, want)
	}
	if got := New(big.NewInt(1<<61 - 1)).Path(); got != "words" {
		t.Fatalf("New chose %s for a one-word modulus", got)
	}
}

// TestMulADXBufLayout checks where m's and t's words are in mulADX's
// buffer: as the assembly reads them.
func TestMulADXBufLayout(t *testing.T) {
	for i, want := range [][2]int{{0, 1}, {7, 8}, {8, 17}, {47, 88}} {
		if got := mBufIndex(want[0]); got != want[1] {
			t.Fatalf("case %d: m's word %d at %d, want %d", i, want[0], got, want[1])
		}
		if got := tBufIndex(want[0]); got != want[1]+8 {
			t.Fatalf("case %d: t's word %d at %d, want %d", i, want[0], got, want[1]+8)
		}
	}
}

// FuzzADX compares the ADX kernels (assembly where it runs, and Go) with
// big.Int for any two numbers below N.
func FuzzADX(f *testing.F) {
	need64(f)
	groupN := testN()
	f.Add([]byte{0}, []byte{1})
	f.Add(new(big.Int).Sub(groupN, big.NewInt(1)).Bytes(), new(big.Int).Sub(groupN, big.NewInt(2)).Bytes())
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, []byte{0xff})
	c := newADXCase(groupN)
	f.Fuzz(func(t *testing.T, a, b []byte) {
		x := new(big.Int).Mod(new(big.Int).SetBytes(a), groupN)
		y := new(big.Int).Mod(new(big.Int).SetBytes(b), groupN)
		c.check(t, adxKernels(t), x, y)
	})
}

// BenchmarkADXKernels measures the ADX kernels modulo the group's N: the
// product and the squaring, Go and assembly.
func BenchmarkADXKernels(b *testing.B) {
	c := newADXCase(testN())
	s := c.g.Scratch()
	x, y := nat(randomBelow(b, c.m, 1)[0], 48), nat(randomBelow(b, c.m, 1)[0], 48)
	for _, k := range adxKernels(b) {
		b.Run("mul/"+k.name, func(b *testing.B) { testutil.LoopCPU(b, func() { k.mul(x, x, y, s.q, c.g.k0) }) })
		b.Run("sqr/"+k.name, func(b *testing.B) { testutil.LoopCPU(b, func() { k.sqr(x, x, s.t, c.g.m, c.g.k0) }) })
	}
}
