package srp

import (
	"math/big"
	"math/bits"
	"sync"

	"github.com/bridgekeeper/bridgekeeper/internal/montgomery"
)

// Fixed-base exponentiation for g. Every g^e this package computes (A = g^a,
// B's g^b, g^x for the key and the verifier) has the same base, so tables of
// its powers computed once turn most of an exponentiation's squarings into
// nothing: the Lim–Lee fixed-base comb (Handbook of Applied Cryptography,
// algorithm 14.117). An exponent of t bits is read as combRows rows of t/combRows
// bits; each column of the rows, combRows bits, indexes a table entry (the
// product of the matching powers of g), and the columns are taken in combBlocks
// blocks with a table of their own each, so that only t/(combRows·combBlocks)−1
// squarings remain. For a 512-bit private value that is 64 multiplications and
// 7 squarings instead of about 640 Montgomery steps; for x (256 bits, a table
// of its own) 32 and 3. The results are the same numbers big.Int.Exp gives
// (fixedbase_test.go checks that).
//
// Each table holds combBlocks·(2^combRows − 1) = 2,040 numbers of 3072 bits:
// 0.78 MB of words (no pointers, so the garbage collector does not scan them),
// built on first use in about 2,500 multiplications (≈ 5 ms of CPU). The shape
// is chosen by measurement (docs/benchmarks.md, "SRP: the pieces and the floor"): one table of
// 8-bit windows with no squarings at all takes 6.3 MB for 10 fewer operations
// per sign-in.
const (
	combRows   = 8
	combBlocks = 8
	combCols   = 1<<combRows - 1

	// xBits is the size of x = H(salt ‖ H(…)), a SHA-256 value.
	xBits = 256
)

// comb is one fixed-base comb table for exponents below 2^bits: entry (k, u)
// for block k < combBlocks and index 1 ≤ u ≤ combCols is
// ∏_i base^(u_i·2^(i·rowLen + k·blockLen)) mod N in Montgomery form, where u_i
// is bit i of u, kept as n little-endian words at words[(k·combCols + u − 1)·n:].
type comb struct {
	bits, rowLen, blockLen int
	words                  []big.Word
	n                      int
	mont                   *montgomery.Modulus
}

// The tables for private values (privateBits bits) and for x, built on first
// use and read-only afterwards.
var (
	gPrivateTable = sync.OnceValue(func() *comb { return newComb(groupG, privateBits, groupMont) })
	gXTable       = sync.OnceValue(func() *comb { return newComb(groupG, xBits, groupMont) })
)

func newComb(base *big.Int, size int, mont *montgomery.Modulus) *comb {
	rowLen := (size + combRows - 1) / combRows
	blockLen := (rowLen + combBlocks - 1) / combBlocks
	n := mont.Size()
	c := &comb{bits: size, rowLen: rowLen, blockLen: blockLen, words: make([]big.Word, combBlocks*combCols*n), n: n, mont: mont}
	s := mont.Scratch()
	// pow[i][k] = base^(2^(i·rowLen + k·blockLen)), by squaring, for the blocks
	// within a row; a block past the row's end (when the sizes do not divide)
	// has no bits, and its entries only serve as the throwaway factor.
	var pow [combRows][combBlocks][]big.Word
	cur := make([]big.Word, n)
	s.In(cur, base)
	done := 0 // cur = base^(2^done)
	for i := range combRows {
		for k := range combBlocks {
			if k*blockLen < rowLen {
				for ; done < i*rowLen+k*blockLen; done++ {
					s.Sqr(cur, cur)
				}
			}
			pow[i][k] = append([]big.Word(nil), cur...)
		}
	}
	// Entry (k, u) = entry (k, u without its top bit) · pow[top bit][k].
	for k := range combBlocks {
		for u := 1; u <= combCols; u++ {
			top := bits.Len(uint(u)) - 1
			e := c.words[c.offset(k, u):][:n]
			if rest := u &^ (1 << top); rest == 0 {
				copy(e, pow[top][k])
			} else {
				s.Mul(e, c.entry(k, uint(rest)), pow[top][k])
			}
		}
	}
	return c
}

func (c *comb) offset(block, index int) int { return (block*combCols + index - 1) * c.n }

// entry returns entry (block, index) of the table, read-only: its capacity
// ends with the entry, so even a mistaken append could not reach the next one.
func (c *comb) entry(block int, index uint) []big.Word {
	off := c.offset(block, int(index))
	return c.words[off : off+c.n : off+c.n]
}

// gExp returns g^e mod N for 0 ≤ e < 2^bits, where bits is the size e is
// drawn at (a public number: privateBits for private values, xBits for x), so
// the work depends on that size, not on e's value. Other exponents fall back
// to big.Int.Exp.
func gExp(e *big.Int, bits int) *big.Int {
	if e.Sign() >= 0 && e.BitLen() <= bits {
		switch {
		case bits <= xBits:
			return gXTable().exp(e)
		case bits <= privateBits:
			return gPrivateTable().exp(e)
		}
	}
	return new(big.Int).Exp(groupG, e, groupN)
}

// exp returns base^e mod N for 0 ≤ e < 2^c.bits. It does the same squarings
// and one multiplication per column whatever the exponent's digits: a zero
// column multiplies a throwaway product instead, so the count of operations
// does not depend on the (secret) exponent.
func (c *comb) exp(e *big.Int) *big.Int {
	s := c.mont.Scratch()
	r := c.mont.One()
	dummy := c.mont.One()
	words := e.Bits()
	for j := c.blockLen - 1; j >= 0; j-- {
		if j != c.blockLen-1 {
			s.Sqr(r, r)
		}
		for k := range combBlocks {
			u := c.column(words, k*c.blockLen+j)
			acc, index := r, u
			if u == 0 {
				acc, index = dummy, 1
			}
			s.Mul(acc, acc, c.entry(k, index))
		}
	}
	return s.Out(r)
}

// column returns the table index of column col: bit col of every row, row i
// as bit i (0 past the rows' end).
func (c *comb) column(words []big.Word, col int) uint {
	var u uint
	if col >= c.rowLen {
		return 0
	}
	for i := range combRows {
		u |= montgomery.Bit(words, uint(i*c.rowLen+col)) << i
	}
	return u
}
