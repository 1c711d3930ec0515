package srp

import (
	"math/big"
	"sync"
)

// Fixed-base exponentiation for g. Every g^e this package computes (A = g^a,
// B's g^b, g^x for the key and the verifier) has the same base, so a table of
// its powers turns an exponentiation into one modular multiplication per
// window of the exponent and no squarings: for a 512-bit private value, 64
// multiplications instead of about 640 Montgomery steps, and 32 for x. The
// results are the same numbers big.Int.Exp gives (fixedbase_test.go checks
// that).

// Table shape: exponents of up to fixedBits bits, in windows of fixedWindow
// bits. 64 rows of 255 powers of a 3072-bit number are 6.3 MB of words (no
// pointers, so the garbage collector does not scan them), built once on
// first use (about 16,000 multiplications, some 45 ms of CPU). The window is
// chosen by measurement (docs/benchmarks.md, "SRP: the pieces"): 6 bits would
// take 2.1 MB and cost 35 % more multiplications per sign-in, 7 bits 3.6 MB
// and 16 % more.
const (
	fixedWindow = 8
	fixedBits   = 8 * smallALen // the private values; x (xBits) uses the low rows
	fixedRows   = (fixedBits + fixedWindow - 1) / fixedWindow
	fixedCols   = 1<<fixedWindow - 1

	// xBits is the size of x = H(salt ‖ H(…)), a SHA-256 value.
	xBits = 256
)

// fixedBase holds base^(j·2^(w·i)) mod N for rows i and j = 1 … 2^w−1, each
// entry as n little-endian words, entry (i, j) at words[((i·fixedCols)+j−1)·n:].
type fixedBase struct {
	words []big.Word
	n     int
	red   *reducer
}

// gTable is g's table, built on first use and read-only afterwards.
var gTable = sync.OnceValue(func() *fixedBase { return newFixedBase(groupG, groupRed) })

func newFixedBase(base *big.Int, red *reducer) *fixedBase {
	n := len(red.m.Bits())
	f := &fixedBase{words: make([]big.Word, fixedRows*fixedCols*n), n: n, red: red}
	s := red.scratch()
	step := new(big.Int).Set(base) // base^(2^(w·i))
	cur := new(big.Int)
	for i := range fixedRows {
		cur.Set(step)
		for j := 1; j <= fixedCols; j++ {
			if j > 1 {
				s.mulMod(cur, cur, step)
			}
			copy(f.words[f.offset(i, j):], cur.Bits())
		}
		s.mulMod(step, cur, step) // step^(2^w)
	}
	return f
}

func (f *fixedBase) offset(row, digit int) int { return (row*fixedCols + digit - 1) * f.n }

// entry points z at entry (row, digit) of the table, read-only: its capacity
// ends with the entry, so even a mistaken write could not reach the next one.
func (f *fixedBase) entry(z *big.Int, row int, digit uint) *big.Int {
	off := f.offset(row, int(digit))
	return z.SetBits(f.words[off : off+f.n : off+f.n])
}

// gExp returns g^e mod N for 0 ≤ e < 2^bits, where bits is the size e is
// drawn at (a public number: 8·smallALen for private values, xBits for x), so
// the work depends on that size, not on e's value. Larger exponents fall back
// to big.Int.Exp.
func gExp(e *big.Int, bits int) *big.Int {
	if e.Sign() < 0 || bits > fixedBits || e.BitLen() > bits {
		return new(big.Int).Exp(groupG, e, groupN)
	}
	return gTable().exp(e, (bits+fixedWindow-1)/fixedWindow)
}

// exp returns base^e mod N from the first rows windows of e. It does one
// multiplication per window whatever the exponent's digits: a zero digit
// multiplies a throwaway product instead, so the count of operations does
// not depend on the (secret) exponent.
func (f *fixedBase) exp(e *big.Int, rows int) *big.Int {
	r, dummy := big.NewInt(1), big.NewInt(1)
	s := f.red.scratch()
	var entry big.Int
	words := e.Bits()
	for i := range rows {
		d := window(words, uint(i*fixedWindow))
		acc, digit := r, d
		if d == 0 {
			acc, digit = dummy, 1
		}
		s.mulMod(acc, acc, f.entry(&entry, i, digit))
	}
	return r
}

// window returns the fixedWindow bits of the little-endian words starting at
// bit pos.
func window(words []big.Word, pos uint) uint {
	var d uint
	for k := range uint(fixedWindow) {
		p := pos + k
		if w := p / wordBits; int(w) < len(words) {
			d |= uint(words[w]>>(p%wordBits)&1) << k
		}
	}
	return d
}
