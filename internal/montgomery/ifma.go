package montgomery

import (
	"math/big"
	"math/bits"
)

// Radix-2^52 almost-Montgomery arithmetic for moduli of up to ifmaMaxBits
// bits, the form AVX-512 IFMA's VPMADD52LUQ/VPMADD52HUQ multiply in (each
// takes the low 52 bits of two 64-bit lanes and adds the low or the high 52
// bits of their 104-bit product to a third): a number is ifmaLimbs limbs of
// 52 bits, one per 64-bit word, padded with zero words to ifmaWords (eight
// 512-bit registers), in Montgomery form for R' = 2^(52·ifmaLimbs).
//
// Limbs need 64-bit words: on 32-bit platforms only the word-by-word
// products run (NewPath refuses this form there).
//
// A product is almost-Montgomery (AMM): for x, y < 2m and 4m < R' the result
// x·y·R'⁻¹ + q·m/R' is below 2m without the final subtraction, so a result
// can go straight into the next product; only the value that leaves is
// reduced below m (Scratch.out). The lanes accumulate without carrying (each
// stays below 2^61 over ifmaLimbs steps) and are carried into 52-bit limbs
// once at the end of each product.
const (
	ifmaLimbs   = 60 // 52·60 = 3120 bits: a 3072-bit modulus with room to spare
	ifmaWords   = 64
	ifmaMaxBits = 52*ifmaLimbs - 2 // 4m < R'
	limbBits    = 52
	limbMask    = 1<<limbBits - 1
)

// ifmaNum is one number in radix-2^52 form.
type ifmaNum = [ifmaWords]big.Word

// ifmaMod is a modulus for amm52: its limbs, and the same moved up one limb
// (up[j] = m[j−1], up[0] = 0), which the assembly adds the high halves of
// m's products with before it moves the accumulator down.
// The assembly reads up at m's address + 8·ifmaWords (TestIFMAModLayout).
type ifmaMod struct{ m, up ifmaNum }

func newIFMAMod(m []big.Word) *ifmaMod {
	mod := new(ifmaMod)
	toLimbs(mod.m[:], m)
	copy(mod.up[1:], mod.m[:])
	return mod
}

// ifmaWorthIt reports whether a modulus is large enough for the fixed-size
// radix-2^52 product to beat the word-by-word one (which shrinks with m),
// and small enough for it to apply.
func ifmaWorthIt(m *big.Int) bool {
	return m.BitLen() > 52*(ifmaLimbs-1) && m.BitLen() <= ifmaMaxBits
}

// toLimbs writes x (0 ≤ x < 2^(52·ifmaLimbs)) as ifmaWords limbs of 52 bits.
func toLimbs(z []big.Word, x []big.Word) { toLimbsN(z[:ifmaWords], x, ifmaLimbs) }

// toLimbsN writes x (0 ≤ x < 2^(52·limbs)) as limbs of 52 bits into z,
// clearing the rest of z. Its loops depend only on the lengths.
func toLimbsN(z []big.Word, x []big.Word, limbs int) {
	clear(z)
	for i := range limbs {
		z[i] = big.Word(bitsAt(x, i*limbBits, limbBits))
	}
}

// bitsAt returns width bits (at most 64) of the little-endian words x from
// bit pos on (0 past their end). Which words are read depends only on pos.
func bitsAt(x []big.Word, pos int, width uint) uint64 {
	w, off := pos/64, uint(pos%64)
	var v uint64
	if w < len(x) {
		v = uint64(x[w]) >> off
	}
	if off > 64-width && w+1 < len(x) {
		v |= uint64(x[w+1]) << (64 - off)
	}
	return v & (1<<width - 1)
}

// fromLimbs writes the limbs' value as len(z) 64-bit words (enough for it).
func fromLimbs(z []big.Word, x []big.Word) { fromLimbsN(z, x, ifmaLimbs) }

// fromLimbsN writes the value of x's first limbs limbs as len(z) 64-bit
// words (enough for it). Its loops depend only on the lengths.
func fromLimbsN(z []big.Word, x []big.Word, limbs int) {
	clear(z)
	for i := range limbs {
		pos := i * limbBits
		w, off := pos/64, uint(pos%64)
		v := uint64(x[i])
		if w < len(z) {
			z[w] |= big.Word(v << off)
		}
		if off > 64-limbBits && w+1 < len(z) {
			z[w+1] |= big.Word(v >> (64 - off))
		}
	}
}

// amm52Generic is amm52 in Go, the same sums lane by lane (the assembly
// orders each step's additions differently, to the same result): z =
// x·y·R'⁻¹ mod m, below 2m for x, y < 2m, each given as 52-bit limbs. z may
// be x or y.
// It is the reference the assembly is tested against, and the product where
// there is no assembly.
func amm52Generic(z, x, y *ifmaNum, mod *ifmaMod, k0 big.Word) {
	amm52Words(z[:], x[:], y[:], mod.m[:], k0, ifmaLimbs)
}

// amm52Words is the radix-2^52 almost-Montgomery product of numbers of
// len(x) words (at most ifmaWords) with limbs limbs each, the rest zero:
// z = x·y·2^(−52·limbs) mod m, below 2m for x, y < 2m (amm52Generic's sums
// for any length; the reference for pair.go's products too).
func amm52Words(z, x, y, m []big.Word, k0 big.Word, limbs int) {
	var buf [ifmaWords]uint64
	n := len(x)
	acc := buf[:n]
	for i := range limbs {
		b := uint64(y[i])
		for j := range n {
			_, lo := bits.Mul64(uint64(x[j]), b)
			acc[j] += lo & limbMask
		}
		q := (acc[0] * uint64(k0)) & limbMask
		for j := range n {
			_, lo := bits.Mul64(uint64(m[j]), q)
			acc[j] += lo & limbMask
		}
		carry := acc[0] >> limbBits
		copy(acc, acc[1:])
		acc[n-1] = 0
		acc[0] += carry
		for j := range n {
			h1, l1 := bits.Mul64(uint64(x[j]), b)
			h2, l2 := bits.Mul64(uint64(m[j]), q)
			acc[j] += (h1<<(64-limbBits) | l1>>limbBits) + (h2<<(64-limbBits) | l2>>limbBits)
		}
	}
	var carry uint64
	for j := range n {
		v := acc[j] + carry
		z[j], carry = big.Word(v&limbMask), v>>limbBits
	}
}
