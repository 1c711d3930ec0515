package montgomery

import (
	"math/big"
	"math/bits"
)

// addMulVVWGeneric is addMulVVW in Go: z = z + x·y, returning the carry word.
func addMulVVWGeneric(z, x []big.Word, y big.Word) (c big.Word) {
	var carry uint
	x = x[:len(z)]
	for i, w := range x {
		hi, lo := bits.Mul(uint(w), uint(y))
		lo, c0 := bits.Add(lo, uint(z[i]), 0)
		lo, c1 := bits.Add(lo, carry, 0)
		z[i] = big.Word(lo)
		carry = hi + c0 + c1
	}
	return big.Word(carry)
}

// subVVGeneric is subVV in Go: z = x − y, returning the borrow.
func subVVGeneric(z, x, y []big.Word) (c big.Word) {
	var borrow uint
	for i := range z {
		var d uint
		d, borrow = bits.Sub(uint(x[i]), uint(y[i]), borrow)
		z[i] = big.Word(d)
	}
	return big.Word(borrow)
}
