package montgomery

import (
	"errors"
	"math/big"
)

// Constant-time arithmetic modulo two odd 1024-bit moduli at once, RSA-2048's
// p and q: the two exponentiations of a CRT signature have the same shape, so
// each step multiplies modulo both. A Pair has one of two forms:
//
//   - radix 2^52, on a CPU with AVX-512 IFMA: one product's chain of
//     dependent instructions (the radix-2^52 product is latency-bound on its
//     q) overlaps the other's work (pair_amd64.s). Numbers are 20 limbs of 52
//     bits in Montgomery form for R = 2^1040, below 2m, as in ifma.go; the
//     products are almost-Montgomery (16m < R leaves room: x, y < 4m give a
//     result below 2m).
//   - 64-bit words, elsewhere on amd64 with BMI2 and ADX: 16 words a half for
//     R = 2^1024, fully reduced below m (pair64.go, pair64_amd64.s).
//
// Each form has a Go version of its products and table scan, which runs on
// any 64-bit CPU (NewPairGo, NewPair64Go) and which the assembly is tested
// against.
//
// Unlike Modulus, everything here is constant-time in the numbers and the
// exponents: the same instructions and the same memory accesses whatever
// their values (Exp reads its table by a scan of every entry, selectPair).
// Only building a Pair (NewPair) computes with the moduli by math/big, once.
const (
	pairLimbs  = 20 // 52·20 = 1040 bits
	pairWords  = 24 // three 512-bit registers
	pairBits   = 1024
	pairWindow = 5 // Exp's fixed window, in bits
	pairTable  = 1 << pairWindow
	// PairExpWords is the length in words of a number in PairWords: 1024 bits.
	PairExpWords = pairBits / 64
)

// PairNum is one number modulo each of a Pair's two moduli, in the Pair's
// form: 20 limbs of radix 2^52, or 16 words of 64 bits (the rest zero).
type PairNum [2][pairWords]big.Word

// PairWords is one 1024-bit number per modulus of a Pair, as little-endian
// 64-bit words: exponents, and what leaves Montgomery form.
type PairWords [2][PairExpWords]big.Word

// pairMod is one modulus for amm52x2: its limbs, and the same moved up one
// limb (pair_amd64.s reads up at m's address + 8·pairWords). In the 64-bit
// form m holds m's 16 words and up is not used.
type pairMod struct{ m, up [pairWords]big.Word }

// pairForm is a Pair's representation and whose products it runs.
type pairForm uint8

const (
	formIFMA      pairForm = iota // radix 2^52, AVX-512 IFMA assembly
	formIFMAGo                    // radix 2^52, Go
	formADX                       // 64-bit words, BMI2 and ADX assembly
	formWords64Go                 // 64-bit words, Go
)

// Pair is arithmetic modulo two odd moduli of 1024 bits each. It is
// read-only after NewPair and safe for concurrent use.
type Pair struct {
	mod [2]pairMod
	k0  [2]big.Word // −m⁻¹ mod 2^52 (radix 2^52) or mod 2^64
	// one, r2, r3 and r4 are R, R², R³ and R⁴ mod m; twoM is 2m; unit is 1
	// (in the Pair's form; r4 and twoM only in radix 2^52).
	one, r2, r3, r4, twoM, unit PairNum
	// form: which representation and products (a switch, not function
	// values, which would move the numbers to the heap).
	form pairForm
}

// ErrPairUnsupported is NewPair's answer where the constant-time 1024-bit
// arithmetic does not run: neither AVX-512 IFMA nor BMI2 with ADX and AVX2
// (or the purego tag), or moduli that are not odd and of exactly 1024 bits.
var ErrPairUnsupported = errors.New("montgomery: no constant-time arithmetic for these moduli on this CPU")

// NewPair prepares arithmetic modulo m0 and m1: in radix 2^52 on AVX-512
// IFMA where the CPU has it, else in 64-bit words on BMI2 and ADX. Its own
// computation with them (math/big: inverses and remainders) is not
// constant-time; it runs once per pair of moduli.
func NewPair(m0, m1 *big.Int) (*Pair, error) {
	switch {
	case ifmaSupported():
		return newPair(m0, m1, formIFMA)
	case pair64Supported():
		return newPair(m0, m1, formADX)
	}
	return nil, ErrPairUnsupported
}

// NewPairGo is NewPair in radix 2^52 with the Go products and table scan
// instead of the IFMA assembly (≈ 25 × slower), on any 64-bit CPU: for tests
// of code built on a Pair where the CPU has no IFMA.
func NewPairGo(m0, m1 *big.Int) (*Pair, error) { return newPair(m0, m1, formIFMAGo) }

// NewPair64Go is NewPair in 64-bit words with the Go products and table scan
// instead of the BMI2 and ADX assembly, on any 64-bit CPU (tests).
func NewPair64Go(m0, m1 *big.Int) (*Pair, error) { return newPair(m0, m1, formWords64Go) }

// Path names p's form and products: "ifma", "ifma-go", "adx" or "words-go".
func (p *Pair) Path() string {
	return [...]string{formIFMA: "ifma", formIFMAGo: "ifma-go", formADX: "adx", formWords64Go: "words-go"}[p.form]
}

// words64 reports whether p is in the 64-bit-word form.
func (p *Pair) words64() bool { return p.form == formADX || p.form == formWords64Go }

// newPair is NewPair in the given form (tests: the Go ones run on any CPU).
func newPair(m0, m1 *big.Int, form pairForm) (*Pair, error) {
	if wordBits != 64 {
		return nil, ErrPairUnsupported
	}
	p := &Pair{form: form}
	if p.words64() {
		return p, p.init64(m0, m1)
	}
	r := new(big.Int).Lsh(big.NewInt(1), limbBits*pairLimbs)
	for h, m := range []*big.Int{m0, m1} {
		if m.BitLen() != pairBits || m.Bit(0) == 0 {
			return nil, ErrPairUnsupported
		}
		toLimbsN(p.mod[h].m[:], m.Bits(), pairLimbs)
		copy(p.mod[h].up[1:], p.mod[h].m[:pairWords-1])
		inv := big.Word(1)
		for i := 1; i < 64; i *= 2 {
			inv *= 2 - m.Bits()[0]*inv
		}
		p.k0[h] = lo52(-inv)
		pow := new(big.Int).Mod(r, m)
		for _, z := range []*PairNum{&p.one, &p.r2, &p.r3, &p.r4} {
			toLimbsN(z[h][:], pow.Bits(), pairLimbs)
			pow.Mod(pow.Mul(pow, r), m)
		}
		toLimbsN(p.twoM[h][:], new(big.Int).Lsh(m, 1).Bits(), pairLimbs)
		p.unit[h][0] = 1
	}
	return p, nil
}

// init64 prepares p in the 64-bit-word form.
func (p *Pair) init64(m0, m1 *big.Int) error {
	r := new(big.Int).Lsh(big.NewInt(1), pairBits)
	for h, m := range []*big.Int{m0, m1} {
		if m.BitLen() != pairBits || m.Bit(0) == 0 {
			return ErrPairUnsupported
		}
		copy(p.mod[h].m[:], m.Bits())
		inv := big.Word(1)
		for i := 1; i < 64; i *= 2 {
			inv *= 2 - m.Bits()[0]*inv
		}
		p.k0[h] = -inv
		pow := new(big.Int).Mod(r, m)
		for _, z := range []*PairNum{&p.one, &p.r2, &p.r3} {
			copy(z[h][:], pow.Bits())
			pow.Mod(pow.Mul(pow, r), m)
		}
		p.unit[h][0] = 1
	}
	return nil
}

// Mul sets z = x·y·R⁻¹ (Montgomery form of the product) modulo each modulus,
// for x, y below 4m in radix 2^52 (z below 2m), or x below 2^1024 and y below
// m in 64-bit words (z below m); z may be x or y.
func (p *Pair) Mul(z, x, y *PairNum) {
	switch p.form {
	case formIFMA:
		amm52x2(z, x, y, &p.mod, &p.k0)
	case formIFMAGo:
		amm52x2Generic(z, x, y, &p.mod, &p.k0)
	case formADX:
		for h := range 2 {
			mont16Mul(half64(&z[h]), half64(&x[h]), half64(&y[h]), half64(&p.mod[h].m), p.k0[h])
		}
	default:
		for h := range 2 {
			mont64Generic(half64(&z[h]), half64(&x[h]), half64(&y[h]), half64(&p.mod[h].m), p.k0[h])
		}
	}
}

// sqr sets z = x·x·R⁻¹ modulo each modulus (Mul(z, x, x); in 64-bit words
// on the assembly, by its squaring).
func (p *Pair) sqr(z, x *PairNum) {
	if p.form == formADX {
		for h := range 2 {
			mont16Sqr(half64(&z[h]), half64(&x[h]), half64(&p.mod[h].m), p.k0[h])
		}
		return
	}
	p.Mul(z, x, x)
}

// sel sets z[h] = table[idx_h][h] by a scan of the whole table.
func (p *Pair) sel(z *PairNum, table *[pairTable]PairNum, idx0, idx1 uint64) {
	switch p.form {
	case formIFMA:
		selectPair(z, table, idx0, idx1)
	case formADX:
		selectPair64(z, table, idx0, idx1)
	default:
		selectPairGeneric(z, table, idx0, idx1)
	}
}

// FromWide sets z to the Montgomery form of c modulo each modulus (below
// 2m), for c of at most 2048 bits as little-endian words (more is the
// caller's mistake: it panics): c = lo + hi·R with lo, hi below R, and
// lo·R³ + hi·R⁴ ≡ c·R² is brought to c·R by one more product.
func (p *Pair) FromWide(z *PairNum, c []big.Word) {
	if len(c) > 2*PairExpWords {
		panic("montgomery: FromWide takes at most 2048 bits")
	}
	if p.words64() {
		// lo·R² + hi·R³ (each a product, below m) ≡ c·R.
		var lo, hi, a, b PairNum
		for h := range 2 {
			copy(lo[h][:pair64Words], c[:min(len(c), pair64Words)])
			if len(c) > pair64Words {
				copy(hi[h][:pair64Words], c[pair64Words:])
			}
		}
		p.Mul(&a, &lo, &p.r2)
		p.Mul(&b, &hi, &p.r3)
		for h := range 2 {
			addMod64(half64(&z[h]), half64(&a[h]), half64(&b[h]), half64(&p.mod[h].m))
		}
		return
	}
	var limbs [2 * pairWords]big.Word
	toLimbsN(limbs[:], c, 2*pairLimbs)
	var lo, hi, a, b PairNum
	for h := range 2 {
		copy(lo[h][:], limbs[:pairLimbs])
		copy(hi[h][:], limbs[pairLimbs:2*pairLimbs])
	}
	p.Mul(&a, &lo, &p.r3)
	p.Mul(&b, &hi, &p.r4)
	for h := range 2 {
		var carry uint64
		for i := range pairWords {
			v := uint64(a[h][i]) + uint64(b[h][i]) + carry
			a[h][i], carry = big.Word(v&limbMask), v>>limbBits
		}
	}
	p.Mul(z, &a, &p.unit)
}

// FromWords sets z to the Montgomery form of x modulo each modulus (below
// 2m in radix 2^52, below m in 64-bit words), for x[h] < 4m[h] (radix
// 2^52) or any x (64-bit words).
func (p *Pair) FromWords(z *PairNum, x *PairWords) {
	var n PairNum
	for h := range 2 {
		if p.words64() {
			copy(n[h][:], x[h][:])
		} else {
			toLimbsN(n[h][:], x[h][:], pairLimbs)
		}
	}
	p.Mul(z, &n, &p.r2)
}

// ToWords sets z to the number whose Montgomery form is x (x below 4m),
// fully reduced below each modulus: one product by 1 (≤ m) and one
// subtraction of m, kept or not by a mask.
func (p *Pair) ToWords(z *PairWords, x *PairNum) {
	var r PairNum
	p.Mul(&r, x, &p.unit)
	if p.words64() { // x·1·R⁻¹ < m already
		for h := range 2 {
			copy(z[h][:], r[h][:pair64Words])
		}
		return
	}
	for h := range 2 {
		var d [pairWords]big.Word
		var borrow big.Word
		for i := range pairLimbs {
			v := r[h][i] - p.mod[h].m[i] - borrow
			d[i], borrow = lo52(v), v>>(wordBits-1)
		}
		keep := -borrow // all ones: r < m, keep r
		for i := range pairLimbs {
			d[i] = r[h][i]&keep | d[i]&^keep
		}
		fromLimbsN(z[h][:], d[:], pairLimbs)
	}
}

// Sub sets z ≡ x − y modulo each modulus without a branch: x − y + 2m
// (below 4m, for x, y below 2m) by signed limbs in radix 2^52; x − y, plus m
// where that borrows (below m, for x, y below m), in 64-bit words.
func (p *Pair) Sub(z, x, y *PairNum) {
	if p.words64() {
		for h := range 2 {
			subMod64(half64(&z[h]), half64(&x[h]), half64(&y[h]), half64(&p.mod[h].m))
		}
		return
	}
	for h := range 2 {
		var carry int64
		for i := range pairWords {
			v := int64(x[h][i]) + int64(p.twoM[h][i]) - int64(y[h][i]) + carry
			z[h][i], carry = lo52(big.Word(v)), v>>limbBits
		}
	}
}

// Exp sets z = x^e[h] (Montgomery form, below 2m, or below m in 64-bit
// words) modulo each modulus, for x below 4m (below m in 64-bit words) and
// exponents of at most 1024 bits, in constant time: fixed 5-bit windows over
// all 1025 bits (a zero window multiplies by 1), every window's table entry
// read by a scan of the whole table (selectPair, selectPair64).
func (p *Pair) Exp(z, x *PairNum, e *PairWords) {
	var table [pairTable]PairNum
	table[0] = p.one
	table[1] = *x
	for i := 2; i < pairTable; i++ {
		if i%2 == 0 {
			p.sqr(&table[i], &table[i/2])
		} else {
			p.Mul(&table[i], &table[i-1], x)
		}
	}
	const windows = (pairBits + pairWindow) / pairWindow // bit 1024, zero, too
	var acc, t PairNum
	p.sel(&acc, &table, window(&e[0], windows-1), window(&e[1], windows-1))
	for w := windows - 2; w >= 0; w-- {
		for range pairWindow {
			p.sqr(&acc, &acc)
		}
		p.sel(&t, &table, window(&e[0], w), window(&e[1], w))
		p.Mul(&acc, &acc, &t)
	}
	*z = acc
}

// window returns bits [5w, 5w+5) of e (0 past its end). The positions read
// depend only on w.
func window(e *[PairExpWords]big.Word, w int) uint64 {
	return bitsAt(e[:], w*pairWindow, pairWindow)
}

// lo52 returns v's low 52 bits (a function, not v & limbMask, so that the
// package builds where big.Word has 32 bits and a Pair is refused).
func lo52(v big.Word) big.Word { return big.Word(uint64(v) & limbMask) }

// amm52x2Generic is amm52x2 in Go: the two products one after the other.
func amm52x2Generic(z, x, y *PairNum, m *[2]pairMod, k0 *[2]big.Word) {
	for h := range 2 {
		amm52Words(z[h][:], x[h][:], y[h][:], m[h].m[:], k0[h], pairLimbs)
	}
}

// selectPairGeneric is selectPair in Go: every entry read, kept by a mask.
func selectPairGeneric(z *PairNum, table *[pairTable]PairNum, idx0, idx1 uint64) {
	*z = PairNum{}
	for k := range table {
		for h, idx := range [2]uint64{idx0, idx1} {
			d := uint64(k) ^ idx
			keep := big.Word((d|-d)>>63) - 1 // all ones when k == idx
			for i := range pairWords {
				z[h][i] |= table[k][h][i] & keep
			}
		}
	}
}
