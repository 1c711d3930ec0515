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
// block fits the registers; sqrADX takes its triangle and its reduction 8
// rows at a time with an 8-word window of the accumulator in registers.
// Where k0 = 1 (m ≡ −1 mod β, as RFC 3526's N), both take each row's q
// from the accumulator's low word, with no IMUL and no product by m_0 (a
// branch on the modulus). mulADXGeneric and sqrADXGeneric are the same in
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
			if i == 0 && k0 == 1 {
				// m_0 = β − 1 and lo = q: lo + q·m_0 = q·β carries q
				// (the assembly's MULBLOCK1; a branch on the modulus).
				c2 = q
				continue
			}
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
// cross products x_i·x_j for i < j, triADXGeneric, doubled and added to the
// squares x_i², then the reduction, redcADXGeneric). z may be x.
func sqrADXGeneric(z, x, t, m []big.Word, k0 big.Word) {
	n := len(m)
	x, t = x[:n], t[:2*n]
	clear(t)
	triADXGeneric(t, x)
	addDoubledSquares(t, x)
	carry := redcADXGeneric(t, m, k0)
	borrow := subVVGeneric(z[:n], t[n:], m)
	keepT := -borrow & (big.Word(carry) - 1)
	for i := range n {
		z[i] ^= keepT & (z[i] ^ t[n+i])
	}
}

// redcADXGeneric is sqrADX's Montgomery reduction in Go: it adds q_i·m·β^i
// to t (2n words) for i = 0, …, n−1, each q_i = t_i·k0 clearing word i, so
// that t[n:] + carry·βⁿ (the carry it returns, 0 or 1) is t·β⁻ⁿ mod m plus
// 0 or m. It takes the rows adxBlock at a time, as the assembly does with the
// window in registers: for a group of 8 rows, a window w of 8 words walks
// up t one block of m at a time; in m's first block the rows choose their q
// (each clears the window's low word, which leaves it), in the others each
// row adds q·(m's block) and the window's low word, which no later row of
// the group reaches, goes back to t as the window moves up a word. Between blocks the window takes in t's
// next 8 words (carry e into the next block); a group's last window is
// stored at t[8g+n:], with the carry into the word above (e2) taken into
// the next group's last window. The q are t_i·k0 for the same t_i as row by
// row, so the numbers are the row-by-row reduction's.
func redcADXGeneric(t, m []big.Word, k0 big.Word) big.Word {
	n := len(m)
	var e2 big.Word // carry into t[8g+n] from the groups before
	for base := 0; base < n; base += adxBlock {
		var w, q [adxBlock]big.Word
		copy(w[:], t[base:base+adxBlock])
		for r := range q {
			q[r] = w[0] * k0
			if k0 == 1 {
				// m_0 = β − 1, as in RFC 3526's N: w + q·m_0 = q·β, so
				// the row is q into word 1 and q·m[1:8] (the assembly's
				// REDQ1; the branch is on the modulus, never on numbers).
				w = addMulShift1(w, m[:adxBlock], q[r])
				continue
			}
			w, _ = addMulShift(w, m[:adxBlock], q[r]) // the low word is 0
		}
		var e big.Word // carry into the window's low word
		for j := adxBlock; j < n; j += adxBlock {
			w, e = addWindow(w, t[base+j:], e)
			for r := range q {
				w, t[base+j+r] = addMulShift(w, m[j:j+adxBlock], q[r])
			}
		}
		e2 = lastWindow(t[base+n:], w, e, e2)
	}
	return e2
}

// triADXGeneric adds the cross products Σ_{i<j} x_i·x_j·β^(i+j) to t (2n
// words, zero), as sqrADX's triangle does: adxBlock rows at a time (the
// group of x's block I as multipliers) with a window of 8 words that starts
// at t[16I:] and takes the products within block I (row r: x_{8I+r} times
// the words above it in the block), then walks up t over x's blocks J > I
// as redcADXGeneric walks over m's.
func triADXGeneric(t, x []big.Word) {
	n := len(x)
	var e2 big.Word
	for base := 0; base < n; base += adxBlock {
		var w [adxBlock]big.Word
		copy(w[:], t[2*base:])
		xb := x[base : base+adxBlock]
		for r := range adxBlock {
			var above [adxBlock]big.Word // block I's words above x_{8I+r}
			copy(above[r+1:], xb[r+1:])
			w, t[2*base+r] = addMulShift(w, above[:], xb[r])
		}
		var e big.Word
		for j := base + adxBlock; j < n; j += adxBlock {
			w, e = addWindow(w, t[base+j:], e)
			for r := range adxBlock {
				w, t[base+j+r] = addMulShift(w, x[j:j+adxBlock], xb[r])
			}
		}
		e2 = lastWindow(t[base+n:], w, e, e2)
	}
}

// lastWindow stores a group's last window w at dst (adxBlock words) with
// dst's words and the carries e and e2 added, and returns the carry out.
func lastWindow(dst []big.Word, w [adxBlock]big.Word, e, e2 big.Word) big.Word {
	w, e = addWindow(w, dst, e)
	var c big.Word
	var carries [adxBlock]big.Word
	carries[0] = e2
	w, c = addWindow(w, carries[:], 0)
	copy(dst, w[:])
	return e + c
}

// addMulShift returns (w + q·mb)/β and (w + q·mb) mod β for a window w and
// a block mb of m of adxBlock words: w + q·mb < β^9, so the quotient fits
// the window.
func addMulShift(w [adxBlock]big.Word, mb []big.Word, q big.Word) (out [adxBlock]big.Word, low big.Word) {
	var c uint
	for k, mk := range mb[:adxBlock] {
		hi, lo := bits.Mul(uint(mk), uint(q))
		var c1, c2 uint
		lo, c1 = bits.Add(lo, uint(w[k]), 0)
		lo, c2 = bits.Add(lo, c, 0)
		c = hi + c1 + c2 // ≤ β−1: hi ≤ β−2 where a carry comes in
		if k > 0 {
			out[k-1] = big.Word(lo)
		} else {
			low = big.Word(lo)
		}
	}
	out[adxBlock-1] = big.Word(c)
	return out, low
}

// addMulShift1 is addMulShift for q = w_0 and mb_0 = β − 1, where
// w + q·mb = (w_1 + q)·β + Σ_{k≥1} q·mb_k·β^k + Σ_{k≥2} w_k·β^k: word 0 is
// not multiplied.
func addMulShift1(w [adxBlock]big.Word, mb []big.Word, q big.Word) (out [adxBlock]big.Word) {
	c := uint(q)
	for k := 1; k < adxBlock; k++ {
		hi, lo := bits.Mul(uint(mb[k]), uint(q))
		var c1, c2 uint
		lo, c1 = bits.Add(lo, uint(w[k]), 0)
		lo, c2 = bits.Add(lo, c, 0)
		c = hi + c1 + c2
		out[k-1] = big.Word(lo)
	}
	out[adxBlock-1] = big.Word(c)
	return out
}

// addWindow returns w + a[:adxBlock] + carry and the carry out.
func addWindow(w [adxBlock]big.Word, a []big.Word, carry big.Word) ([adxBlock]big.Word, big.Word) {
	c := uint(carry)
	for k := range w {
		var s uint
		s, c = bits.Add(uint(w[k]), uint(a[k]), c)
		w[k] = big.Word(s)
	}
	return w, big.Word(c)
}
