package srp

import (
	"math/big"
	"sync"
)

// Fixed-base exponentiation for g. Every g^e this package computes (A = g^a,
// B's g^b, g^x for the key and the verifier) has the same base, so a table of
// its powers turns an exponentiation into one modular multiplication per
// window of the exponent and no squarings: for a 512-bit private value, 86
// multiplications instead of about 640 Montgomery steps. The results are the
// same numbers big.Int.Exp gives (fixedbase_test.go checks that).

// Table shape: exponents of up to fixedBits bits, in windows of fixedWindow
// bits. 86 rows of 63 powers of a 3072-bit number take about 2.1 MB, built
// once (about 5,400 multiplications, some 15 ms) on first use.
const (
	fixedWindow = 6
	fixedBits   = 8 * smallALen // the private values; x (256 bits) uses the low rows
	fixedRows   = (fixedBits + fixedWindow - 1) / fixedWindow
)

// fixedBase holds rows[i][j-1] = base^(j·2^(w·i)) mod N for j = 1 … 2^w−1.
type fixedBase struct {
	rows [fixedRows][(1 << fixedWindow) - 1]*big.Int
}

// gTable is g's table, built on first use and read-only afterwards.
var gTable = sync.OnceValue(func() *fixedBase { return newFixedBase(groupG, groupN) })

func newFixedBase(base, mod *big.Int) *fixedBase {
	f := &fixedBase{}
	step := new(big.Int).Set(base) // base^(2^(w·i))
	for i := range f.rows {
		row := &f.rows[i]
		row[0] = new(big.Int).Set(step)
		for j := 1; j < len(row); j++ {
			row[j] = new(big.Int).Mul(row[j-1], step)
			row[j].Mod(row[j], mod)
		}
		step = new(big.Int).Mul(row[len(row)-1], step) // step^(2^w)
		step.Mod(step, mod)
	}
	return f
}

// gExp returns g^e mod N for e ≥ 0.
func gExp(e *big.Int) *big.Int {
	if e.Sign() < 0 || e.BitLen() > fixedBits {
		return new(big.Int).Exp(groupG, e, groupN)
	}
	return gTable().exp(e, groupN)
}

// exp returns base^e mod mod for 0 ≤ e < 2^fixedBits. It does one
// multiplication per window whatever the exponent's digits: a zero digit
// multiplies a throwaway product instead, so the count of operations does
// not depend on the (secret) exponent.
func (f *fixedBase) exp(e, mod *big.Int) *big.Int {
	r, dummy := big.NewInt(1), big.NewInt(1)
	t, q := new(big.Int), new(big.Int)
	words := e.Bits()
	for i := range f.rows {
		d := window(words, uint(i*fixedWindow))
		acc, entry := r, f.rows[i][0]
		if d != 0 {
			entry = f.rows[i][d-1]
		} else {
			acc = dummy
		}
		t.Mul(acc, entry)
		q.QuoRem(t, mod, acc) // r and dummy stay below mod: no sign fix-up needed

	}
	return r
}

// window returns the fixedWindow bits of the little-endian words starting at
// bit pos.
func window(words []big.Word, pos uint) uint {
	const wordBits = 32 << (^big.Word(0) >> 63)
	var d uint
	for k := range uint(fixedWindow) {
		p := pos + k
		if w := p / wordBits; int(w) < len(words) {
			d |= uint(words[w]>>(p%wordBits)&1) << k
		}
	}
	return d
}
