// Package montgomery is modular arithmetic in Montgomery form for a fixed odd
// modulus: products, squares and a fixed-window exponentiation, by
// word-by-word products on math/big's multiply-add, by whole products in
// assembly for x86-64 with BMI2 and ADX (adx.go) where the modulus is a
// multiple of 8 words or, on a CPU with AVX-512 IFMA and a modulus of the
// size the assembly is for, by radix-2^52 almost-Montgomery products in
// assembly (ifma.go). internal/srp does its 3072-bit arithmetic modulo N
// with it.
package montgomery

import (
	"fmt"
	"math/big"
	"math/bits"
	"unsafe"
)

// wordBits is the size of a big.Word: 32 or 64.
const wordBits = 32 << (^big.Word(0) >> 63)

// Modulus is arithmetic modulo an odd m > 1 in Montgomery form (Handbook of
// Applied Cryptography, §14.3.2): a number x is kept as x·R mod m for R = β^n,
// where n is m's length in words and β = 2^wordBits, so that a product is a
// multiplication and one Montgomery reduction — n multiply-adds of a word and
// m, no division. Numbers are slices of exactly n words, below m; a squaring
// does about half a multiplication's work. It is read-only after
// New.
//
// This is the step every exponentiation of the package repeats (≈ 1.9 µs for
// a 3072-bit squaring on the word path on session 8's Intel machine, against
// ≈ 2.2 µs for a step of big.Int.Exp's Montgomery loop, which multiplies
// where it squares; docs/benchmarks.md, "SRP: Montgomery squaring"). On a
// CPU with BMI2 and ADX, for a modulus of a multiple of 8 words, New chooses
// whole products in assembly (adx.go: on the AMD EPYC of session 11 a
// squaring 3.7 → 2.5 µs, a product 4.5 → 3.3 µs; "SRP: BMI2 and ADX"; the
// squaring 8 rows at a time in registers and N's k0 = 1 used since session
// 12, ≈ 0.9× that with the other vCPU busy, ≈ 0.99× quiet; "SRP: the
// ADX kernels' limit on Zen 3"), with the same numbers as the word path. On
// a CPU with AVX-512 IFMA, for a
// modulus of N's size, it chooses radix-2^52 almost-Montgomery products
// instead (ifma.go: ≈ 0.55 µs a product; "SRP: AVX-512 IFMA"); numbers are
// then ifmaWords limbs of 52 bits, below 2m.
type Modulus struct {
	mod  *big.Int
	m    []big.Word // mod's words
	n    int
	size int        // words of a number in this form: n, or ifmaWords
	k0   big.Word   // −m⁻¹ mod β (mod 2^52 with m52)
	rr   []big.Word // R² mod m, to bring numbers in
	one  []big.Word // R mod m: 1 in Montgomery form
	// m52, when set, is m in radix 2^52: products are then amm52's
	// (ifma.go), for R = 2^(52·ifmaLimbs), and numbers are below 2m, not m.
	m52 *ifmaMod
	// path is how products are computed; with ADX or ADXGo, by mulADX and
	// sqrADX (adx.go), in assembly or in Go.
	path Path
}

// Path is a way of computing the products.
type Path int

const (
	// Words is word-by-word products on math/big's multiply-add.
	Words Path = iota
	// ADX is whole products in BMI2/ADX assembly (adx_amd64.s), for a
	// modulus of a multiple of 8 64-bit words on a CPU with both.
	ADX
	// ADXGo is ADX's products in Go (adx.go): for tests, and CPUs without
	// the assembly.
	ADXGo
	// IFMA is radix-2^52 almost-Montgomery products in AVX-512 IFMA
	// assembly (ifma.go), for a modulus of at most ifmaMaxBits bits.
	IFMA
)

// String names the path: "words", "adx", "adx-go" or "ifma".
func (p Path) String() string {
	switch p {
	case ADX:
		return "adx"
	case ADXGo:
		return "adx-go"
	case IFMA:
		return "ifma"
	}
	return "words"
}

// New prepares arithmetic modulo an odd m > 1, with AVX-512 IFMA
// products where the CPU has them and m is of the size they are for, else
// BMI2/ADX ones where the CPU has them and m is a multiple of 8 words, else
// word-by-word ones.
func New(m *big.Int) *Modulus {
	switch {
	case ifmaSupported() && ifmaWorthIt(m):
		return NewPath(m, IFMA)
	case adxSupported() && adxFits(len(m.Bits())):
		return NewPath(m, ADX)
	}
	return NewPath(m, Words)
}

// NewPath prepares arithmetic modulo an odd m > 1 with the products of path
// p: Words for any m; ADX and ADXGo for m of a multiple of 8 64-bit words
// (ADX on a CPU that adxSupported); IFMA for m of at most ifmaMaxBits and
// 64-bit words (on a CPU that ifmaSupported). It panics where m does not
// fit the path, the caller's mistake. Tests use it to run every path.
func NewPath(m *big.Int, p Path) *Modulus {
	mw := m.Bits()
	n := len(mw)
	// inv = m⁻¹ mod β by Newton's iteration, which doubles the correct low
	// bits each time (HAC 14.3.2 needs −inv).
	inv := big.Word(1)
	for i := 1; i < wordBits; i *= 2 {
		inv *= 2 - mw[0]*inv
	}
	g := &Modulus{mod: m, m: mw, n: n, size: n, k0: -inv, path: p}
	rBits := n * wordBits
	if (p == ADX || p == ADXGo) && !adxFits(n) {
		panic(fmt.Sprintf("montgomery: ADX products need 64-bit words and a modulus of a multiple of %d words", adxBlock))
	}
	if p == IFMA {
		if wordBits != 64 || m.BitLen() > ifmaMaxBits {
			panic(fmt.Sprintf("montgomery: radix-2^52 products need 64-bit words and a modulus of at most %d bits", ifmaMaxBits))
		}
		g.size, g.k0, rBits = ifmaWords, big.Word(uint64(-inv)&limbMask), limbBits*ifmaLimbs
		g.m52 = newIFMAMod(mw)
	}
	r := new(big.Int).Lsh(big.NewInt(1), uint(rBits))
	g.one = g.words(new(big.Int).Mod(r, m))
	g.rr = g.words(r.Mod(r.Mul(r, r), m))
	return g
}

// Size is the length in words of a number in this form (what Mul, Sqr, In
// and Out take): m's length in words, or ifmaWords limbs of 52 bits.
func (g *Modulus) Size() int { return g.size }

// One returns 1 in Montgomery form, a new slice of Size words.
func (g *Modulus) One() []big.Word { return append([]big.Word(nil), g.one...) }

// IFMA reports whether g's products are the radix-2^52 ones (AVX-512 IFMA
// assembly), whose numbers are below 2m, not m.
func (g *Modulus) IFMA() bool { return g.m52 != nil }

// Paths returns arithmetic modulo m by word-by-word products and by every
// other path that applies to m on this CPU (ADX's Go products wherever m
// fits them), each forced: for tests that check them all.
func Paths(m *big.Int) []*Modulus {
	gs := []*Modulus{NewPath(m, Words)}
	if adxFits(len(m.Bits())) {
		if adxSupported() {
			gs = append(gs, NewPath(m, ADX))
		}
		gs = append(gs, NewPath(m, ADXGo))
	}
	if ifmaSupported() && m.BitLen() <= ifmaMaxBits {
		gs = append(gs, NewPath(m, IFMA))
	}
	return gs
}

// Path names g's products: "words", "adx", "adx-go" or "ifma".
func (g *Modulus) Path() string { return g.path.String() }

// AddMulVVW sets z = z + x·y for len(x) ≥ len(z) and returns the carry word,
// in time that depends on len(z) only (math/big's assembly, as a Montgomery
// row uses it).
func AddMulVVW(z, x []big.Word, y big.Word) big.Word { return addMulVVW(z, x, y) }

// Bit returns bit pos of the little-endian words (0 past their end).
func Bit(words []big.Word, pos uint) uint {
	if w := pos / wordBits; int(w) < len(words) {
		return uint(words[w]>>(pos%wordBits)) & 1
	}
	return 0
}

// words returns x (0 ≤ x < m) as a number of this form's size: n
// little-endian words, or 52-bit limbs.
func (g *Modulus) words(x *big.Int) []big.Word {
	z := make([]big.Word, g.size)
	if g.m52 != nil {
		toLimbs(z, x.Bits())
	} else {
		copy(z, x.Bits())
	}
	return z
}

// Scratch is one computation's working space: the double-length product
// before its reduction, and with the ADX paths mulADX's buffer. It is not
// for concurrent use.
type Scratch struct {
	g *Modulus
	t []big.Word // 2n words
	q []big.Word // mulADX's buffer (ADX paths), m in it
}

// Scratch returns working space for one computation modulo g.
func (g *Modulus) Scratch() *Scratch {
	s := g.scratchIn(make([]big.Word, g.scratchWords()))
	return &s
}

// scratchIn returns working space in buf, of at least scratchWords words
// (a value, so that a caller's buf on its stack stays there).
func (g *Modulus) scratchIn(buf []big.Word) Scratch {
	s := Scratch{g: g, t: buf[:g.scratchWords()]}
	if g.path == ADX || g.path == ADXGo {
		s.t, s.q = buf[:2*g.n:2*g.n], buf[2*g.n:2*g.n+mulADXBufWords(g.n)]
		mulADXBuf(s.q, g.m)
	}
	return s
}

// scratchWords is the size of a Scratch's space: a double-length product
// (and mulADX's buffer with the ADX paths), or with m52 a number in limbs
// and Out's n words beside it.
func (g *Modulus) scratchWords() int {
	if g.path == ADX || g.path == ADXGo {
		return 2*g.n + mulADXBufWords(g.n)
	}
	return max(2*g.n, ifmaWords+g.n)
}

// Mul sets z = x·y·R⁻¹ mod m (the Montgomery form of the product) for x, y < m
// (below 2m, and z too, with m52). z may be x or y.
func (s *Scratch) Mul(z, x, y []big.Word) {
	if m52 := s.g.m52; m52 != nil {
		amm52((*ifmaNum)(z), (*ifmaNum)(x), (*ifmaNum)(y), m52, s.g.k0)
		return
	}
	n, t := s.g.n, s.t
	switch s.g.path {
	case ADX:
		z, x, y = z[:n], x[:n], y[:n]
		mulADX(&z[0], &x[0], &y[0], &s.q[0], s.g.k0, n)
		return
	case ADXGo:
		mulADXGeneric(z, x, y, s.q, s.g.k0)
		return
	}
	clear(t[:n])
	for i, w := range y[:n] {
		t[n+i] = addMulVVW(t[i:n+i], x[:n], w)
	}
	s.reduce(z)
}

// Sqr sets z = x²·R⁻¹ mod m for x < m (below 2m with m52, by amm52): each
// product x_i·x_j (i < j) once, doubled, plus the squares x_i². z may be x.
func (s *Scratch) Sqr(z, x []big.Word) {
	if m52 := s.g.m52; m52 != nil {
		amm52((*ifmaNum)(z), (*ifmaNum)(x), (*ifmaNum)(x), m52, s.g.k0)
		return
	}
	n, t := s.g.n, s.t
	x = x[:n]
	switch s.g.path {
	case ADX:
		z = z[:n]
		sqrADX(&z[0], &x[0], &t[0], &s.g.m[0], s.g.k0, n)
		return
	case ADXGo:
		sqrADXGeneric(z, x, t, s.g.m, s.g.k0)
		return
	}
	clear(t)
	for i := range n - 1 {
		t[n+i] = addMulVVW(t[2*i+1:n+i], x[i+1:], x[i])
	}
	addDoubledSquares(t, x)
	s.reduce(z)
}

// reduce sets z = t·R⁻¹ mod m for the scratch's product t < m·R (HAC algorithm
// 14.32): adding q·m·β^i with q = t_i·k0 clears word i, n times, leaves
// t / R < 2m, and one subtraction of m, kept or not by a mask, not a branch,
// brings it below m.
func (s *Scratch) reduce(z []big.Word) {
	g, t, n := s.g, s.t, s.g.n
	var carry uint
	for i := range n {
		c := addMulVVW(t[i:i+n], g.m, t[i]*g.k0)
		sum, c1 := bits.Add(uint(t[i+n]), uint(c), 0)
		sum, c2 := bits.Add(sum, carry, 0)
		t[i+n] = big.Word(sum)
		carry = c1 + c2
	}
	s.subtractIfAbove(z, t[n:], carry)
}

// subtractIfAbove sets z = r − m if carry·β^n + r ≥ m, else z = r, for r of
// n words, by a mask, not a branch.
func (s *Scratch) subtractIfAbove(z, r []big.Word, carry uint) {
	g, n := s.g, s.g.n
	borrow := uint(subVV(z[:n], r, g.m))
	// Keep r − m when r ≥ m: the top carry is set or the subtraction did not
	// borrow.
	keep := -big.Word(carry | (borrow ^ 1)) // all ones: keep r − m
	for i := range n {
		z[i] ^= ^keep & (z[i] ^ r[i])
	}
}

// In sets z to x's Montgomery form for 0 ≤ x < m.
func (s *Scratch) In(z []big.Word, x *big.Int) {
	if s.g.m52 != nil {
		toLimbs(z, x.Bits())
	} else {
		copy(z, x.Bits())
		clear(z[len(x.Bits()):])
	}
	s.Mul(z, z, s.g.rr)
}

// Out returns the number whose Montgomery form is x.
func (s *Scratch) Out(x []big.Word) *big.Int {
	n := s.g.n
	if m52 := s.g.m52; m52 != nil {
		// x·1·R⁻¹ + q·m/R ≤ m for x < 2m: at most one subtraction.
		one := (*ifmaNum)(s.t[:ifmaWords])
		clear(one[:])
		one[0] = 1
		amm52(one, (*ifmaNum)(x), one, m52, s.g.k0)
		r, z := s.t[ifmaWords:ifmaWords+n], make([]big.Word, n)
		fromLimbs(r, one[:])
		s.subtractIfAbove(z, r, 0)
		return new(big.Int).SetBits(z)
	}
	copy(s.t, x[:n])
	clear(s.t[n:])
	z := make([]big.Word, n)
	s.reduce(z)
	return new(big.Int).SetBits(z)
}

// expWindow is the window, in bits, of exp's fixed-window exponentiation: a
// table of 2^expWindow powers, then expWindow squarings and one
// multiplication per window.
const expWindow = 5

// cacheLineWords is the words of a 64-byte cache line.
const cacheLineWords = 64 / (wordBits / 8)

// cacheAligned returns w from its first word on a 64-byte boundary: a number
// of the radix-2^52 form is then eight whole cache lines, which the vector
// products load and store without splitting one (split loads cost ≈ 9 % of
// an SRP sign-in's arithmetic, measured). make gives that to a table
// through its size classes; a stack array needs it done here. A stack keeps
// its alignment when it is copied.
func cacheAligned(w []big.Word) []big.Word {
	return w[(-uintptr(unsafe.Pointer(unsafe.SliceData(w)))%64)/(wordBits/8):]
}

// expStackWords is the space Exp keeps on its stack: the table, the
// accumulator and a Scratch's space for a modulus of up to ifmaWords words
// in either form (3072-bit N: 17.9 KB that the heap and the collector then
// never see). A larger modulus allocates it.
const expStackWords = (1<<expWindow+1)*ifmaWords + 2*ifmaWords

// Exp returns base^e mod m for base ≥ 0 and 0 ≤ e < 2^size, where size is
// the size e is drawn at (a public number), by fixed windows: the same
// squarings and multiplications (a zero window multiplies by 1) for every e
// of that size. A larger e falls back to big.Int.Exp.
func (g *Modulus) Exp(base, e *big.Int, size int) *big.Int {
	if e.Sign() < 0 || e.BitLen() > size || size == 0 {
		return new(big.Int).Exp(base, e, g.mod)
	}
	if base.Sign() < 0 || base.Cmp(g.mod) >= 0 {
		base = new(big.Int).Mod(base, g.mod)
	}
	n := g.size
	var pow [1 << expWindow][]big.Word
	var stack [expStackWords + cacheLineWords]big.Word
	buf := cacheAligned(stack[:])
	if need := (len(pow)+1)*n + g.scratchWords(); need > len(buf) {
		buf = make([]big.Word, need)
	}
	sc := g.scratchIn(buf[(len(pow)+1)*n : (len(pow)+1)*n+g.scratchWords()])
	s := &sc
	for i := range pow {
		pow[i] = buf[i*n : (i+1)*n : (i+1)*n]
	}
	copy(pow[0], g.one)
	s.In(pow[1], base)
	for i := 2; i < len(pow); i++ {
		if i%2 == 0 {
			s.Sqr(pow[i], pow[i/2])
		} else {
			s.Mul(pow[i], pow[i-1], pow[1])
		}
	}
	words := e.Bits()
	window := func(w int) uint {
		var u uint
		for j := range expWindow {
			u |= Bit(words, uint(w*expWindow+j)) << j
		}
		return u
	}
	windows := (size + expWindow - 1) / expWindow
	z := buf[len(pow)*n : (len(pow)+1)*n]
	copy(z, pow[window(windows-1)])
	for w := windows - 2; w >= 0; w-- {
		for range expWindow {
			s.Sqr(z, z)
		}
		s.Mul(z, z, pow[window(w)])
	}
	return s.Out(z)
}

// addDoubledSquares sets t = 2·t + Σ x_i²·β^(2i) for t of 2·len(x) words
// holding the cross products x_i·x_j (i < j) of a square: the step between a
// square's triangle and its reduction, in every word-path squaring. The sum
// fits: it is x², below β^(2·len(x)).
func addDoubledSquares(t, x []big.Word) {
	var top, c uint
	for i, w := range x {
		hi, lo := bits.Mul(uint(w), uint(w))
		w0, w1 := uint(t[2*i]), uint(t[2*i+1])
		d0 := w0<<1 | top
		d1 := w1<<1 | w0>>(wordBits-1)
		top = w1 >> (wordBits - 1)
		d0, c = bits.Add(d0, lo, c)
		d1, c = bits.Add(d1, hi, c)
		t[2*i], t[2*i+1] = big.Word(d0), big.Word(d1)
	}
}
