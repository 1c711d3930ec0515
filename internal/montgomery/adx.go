package montgomery

import (
	"math/big"
	"math/bits"
)

// Montgomery products for a modulus of a multiple of adxBlock 64-bit words
// (3072-bit N: 48) in assembly for x86-64 with BMI2 and ADX (adx_amd64.s):
// a product is one routine instead of 2n calls of math/big's multiply-add,
// with the reduction fused into the multiplication's pass (mulADX) and a
// squaring that computes each cross product once (sqrADX). Numbers are the
// word path's: n words below m, fully reduced after every product.
//
// mulADX works on a buffer with m's and the accumulator's words interleaved
// in blocks (mulADXBuf), so that one pointer walks both and the whole
// block fits the registers; mulADXGeneric and sqrADXGeneric are the same in
// Go, the products where there is no assembly and the reference the tests
// hold it to.

// adxBlock is the block, in words, the assembly works in: n must be a
// multiple of it.
const adxBlock = 8

// adxFits reports whether a modulus of n words is of a shape the ADX
// products take.
func adxFits(n int) bool { return wordBits == 64 && n >= adxBlock && n%adxBlock == 0 }

// mulADXBufWords is the length of mulADX's buffer for a modulus of n words:
// a pad word, 2n words of m and t in blocks, t's top word.
func mulADXBufWords(n int) int { return 2*n + 2 }

// mulADXBuf lays m out in buf as mulADX reads it: word k of block J at
// 1 + 2·adxBlock·J + k. The accumulator's words (the other half of each
// block, and the last word) are mulADX's to write.
func mulADXBuf(buf, m []big.Word) {
	for i, w := range m {
		buf[mBufIndex(i)] = w
	}
}

// mBufIndex and tBufIndex are where m's and t's word i are in mulADX's
// buffer.
func mBufIndex(i int) int { return 1 + 2*adxBlock*(i/adxBlock) + i%adxBlock }
func tBufIndex(i int) int { return mBufIndex(i) + adxBlock }

// mulADXGeneric sets z = x·y·β⁻ⁿ mod m for x, y < m of n = len(z) words,
// with m laid out in buf by mulADXBuf: mulADX in Go, by the same CIOS
// rows (t = (t + x·b + m·q)/β for each word b of y, q chosen to clear t's
// low word), in the same buffer. z may be x or y.
func mulADXGeneric(z, x, y, buf []big.Word, k0 big.Word) {
	n := len(z)
	x, y = x[:n], y[:n]
	top := 1 + 2*n
	for i := range n {
		buf[tBufIndex(i)] = 0
	}
	buf[top] = 0
	for _, b := range y {
		_, lo := bits.Mul(uint(x[0]), uint(b))
		q := (uint(buf[tBufIndex(0)]) + lo) * uint(k0)
		var c1, c2 uint
		for i, xi := range x {
			hi, lo := bits.Mul(uint(xi), uint(b))
			var c uint
			lo, c = bits.Add(lo, uint(buf[tBufIndex(i)]), 0)
			hi += c
			lo, c = bits.Add(lo, c1, 0)
			c1 = hi + c
			hi, lo2 := bits.Mul(uint(buf[mBufIndex(i)]), q)
			lo, c = bits.Add(lo, lo2, 0)
			hi += c
			lo, c = bits.Add(lo, c2, 0)
			c2 = hi + c
			if i > 0 { // word 0 is zero: the division by β drops it
				buf[tBufIndex(i-1)] = big.Word(lo)
			}
		}
		v, ca := bits.Add(uint(buf[top]), c1, 0)
		v, cb := bits.Add(v, c2, 0)
		buf[tBufIndex(n-1)], buf[top] = big.Word(v), big.Word(ca+cb)
	}
	var borrow uint
	for i := range z {
		var d uint
		d, borrow = bits.Sub(uint(buf[tBufIndex(i)]), uint(buf[mBufIndex(i)]), borrow)
		z[i] = big.Word(d)
	}
	// Keep t where t < m: the subtraction borrowed and t's top word is 0.
	keepT := -big.Word(borrow) & (buf[top] - 1)
	for i := range z {
		z[i] ^= keepT & (z[i] ^ buf[tBufIndex(i)])
	}
}

// sqrADXGeneric sets z = x²·β⁻ⁿ mod m for x < m of n = len(m) words, with
// t as 2n words of working space: sqrADX in Go, by its three passes (the
// cross products x_i·x_j for i < j, doubled and added to the squares x_i²,
// then n rows of the reduction). z may be x.
func sqrADXGeneric(z, x, t, m []big.Word, k0 big.Word) {
	n := len(m)
	x, t = x[:n], t[:2*n]
	clear(t)
	for i := range n - 1 {
		t[n+i] = addMulVVWGeneric(t[2*i+1:n+i], x[i+1:], x[i])
	}
	addDoubledSquares(t, x)
	var carry uint
	for i := range n {
		c := addMulVVWGeneric(t[i:i+n], m, t[i]*k0)
		sum, c1 := bits.Add(uint(t[i+n]), uint(c), 0)
		sum, c2 := bits.Add(sum, carry, 0)
		t[i+n] = big.Word(sum)
		carry = c1 + c2
	}
	borrow := subVVGeneric(z[:n], t[n:], m)
	keepT := -borrow & (big.Word(carry) - 1)
	for i := range n {
		z[i] ^= keepT & (z[i] ^ t[n+i])
	}
}
