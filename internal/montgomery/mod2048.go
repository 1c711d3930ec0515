package montgomery

import (
	"math/big"
	"math/bits"
)

// mod2048Words is the length in words of a Mod2048 number.
const mod2048Words = 32

// Mod2048Num is a number below a Mod2048's modulus, as little-endian words.
type Mod2048Num = [mod2048Words]big.Word

// Mod2048 is arithmetic modulo one odd 2048-bit modulus in 64-bit words, for
// public computations with an RSA-2048 modulus N (rsasign's check that a
// signature s has s^e ≡ EM mod N): Montgomery products for R = 2^2048 on
// BMI2 and ADX (mont32Mul, pair64_amd64.s) or in Go (montWordsGeneric). It
// is read-only after NewMod2048 and safe for concurrent use.
type Mod2048 struct {
	m, rr Mod2048Num // m, and R² mod m
	k0    big.Word   // −m⁻¹ mod 2^64
	asm   bool
}

// NewMod2048 prepares arithmetic modulo m, an odd number of 2048 bits, on
// the assembly; it returns ErrPairUnsupported where the CPU has no BMI2 and
// ADX (or for another m).
func NewMod2048(m *big.Int) (*Mod2048, error) {
	if !pair64Supported() {
		return nil, ErrPairUnsupported
	}
	return newMod2048(m, true)
}

// NewMod2048Go is NewMod2048 with the Go products, on any 64-bit CPU (tests).
func NewMod2048Go(m *big.Int) (*Mod2048, error) { return newMod2048(m, false) }

func newMod2048(m *big.Int, asm bool) (*Mod2048, error) {
	if wordBits != 64 || m.BitLen() != 64*mod2048Words || m.Bit(0) == 0 {
		return nil, ErrPairUnsupported
	}
	g := &Mod2048{asm: asm}
	copy(g.m[:], m.Bits())
	inv := big.Word(1)
	for i := 1; i < 64; i *= 2 {
		inv *= 2 - g.m[0]*inv
	}
	g.k0 = -inv
	r := new(big.Int).Lsh(big.NewInt(1), 2*64*mod2048Words)
	copy(g.rr[:], r.Mod(r, m).Bits())
	return g, nil
}

func (g *Mod2048) mul(z, x, y *Mod2048Num) {
	if g.asm {
		mont32Mul(z, x, y, &g.m, g.k0)
	} else {
		montWordsGeneric(z[:], x[:], y[:], g.m[:], g.k0)
	}
}

// ExpPublic sets z = x^e mod m for x below m, by squarings and
// multiplications chosen by e's bits: for public x and e only (its time
// depends on e). z may be x.
func (g *Mod2048) ExpPublic(z, x *Mod2048Num, e uint64) {
	var base, acc Mod2048Num
	g.mul(&base, x, &g.rr) // x·R
	acc = base
	if e == 0 {
		acc = Mod2048Num{}
		g.mul(&acc, &g.rr, &Mod2048Num{1}) // R mod m: 1
	}
	for i := bits.Len64(e) - 2; i >= 0; i-- {
		g.mul(&acc, &acc, &acc)
		if e>>i&1 == 1 {
			g.mul(&acc, &acc, &base)
		}
	}
	g.mul(z, &acc, &Mod2048Num{1})
}
