//go:build ignore

// gen_pair64 writes pair64_amd64.s: the 1024-bit Montgomery product and
// square modulo one half of a Pair in the 64-bit-word form (pair64.go), and
// the 2048-bit product (rsasign's check modulo N), on MULX, ADCX and ADOX
// (BMI2 and ADX), and the AVX2 table scan. Run it from
// this directory: go run gen_pair64.go (scripts/generate.sh does; make
// check-generated compares).
//
// Every instruction is emitted in a fixed order with fixed operands: the
// output has no branch but the table scan's loop over all entries, and no
// memory address that depends on a value.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
)

// h is the words of a pass: the rolling window holds h positions (and the
// fresh top of the row being added).
const h = 8

// windowRegs hold the rolling window of the product: 8 positions and the
// fresh top word of the row being added. AX and R15 take MULX's low and high
// words, DX its multiplier, SI the operand being multiplied (x or m), BX y's
// address (products) or the pending carry (reduction).
var windowRegs = []string{"CX", "DI", "R8", "R9", "R10", "R11", "R12", "R13", "R14"}

// gen writes one function for numbers of n words (a multiple of h).
//
// Stack frame (hardware SP): t, the 2n-word product and one word above it;
// q, one block's Montgomery digits; u, a product pass's words before the
// previous pass's are added; d, r − m.
type gen struct {
	n    int
	buf  bytes.Buffer
	win  map[int]string // position in t → register holding it
	free []string
}

func newGen(n int) *gen {
	g := &gen{n: n, win: map[int]string{}}
	g.free = append(g.free, windowRegs...)
	return g
}

func (g *gen) offQ() int     { return 8 * (2*g.n + 1) }
func (g *gen) offU() int     { return g.offQ() + 8*h }
func (g *gen) offD() int     { return g.offU() + 8*2*g.n }
func (g *gen) frameLen() int { return g.offD() + 8*g.n }

func (g *gen) t(pos int) string { return fmt.Sprintf("%d(SP)", 8*pos) }
func (g *gen) q(i int) string   { return fmt.Sprintf("%d(SP)", g.offQ()+8*i) }
func (g *gen) u(pos int) string { return fmt.Sprintf("%d(SP)", g.offU()+8*pos) }
func (g *gen) d(i int) string   { return fmt.Sprintf("%d(SP)", g.offD()+8*i) }

func (g *gen) op(format string, args ...any) {
	fmt.Fprintf(&g.buf, "\t"+format+"\n", args...)
}

func (g *gen) comment(format string, args ...any) {
	fmt.Fprintf(&g.buf, "\n\t// "+format+"\n", args...)
}

// take gives position pos a register from the pool.
func (g *gen) take(pos int) string {
	if _, ok := g.win[pos]; ok {
		log.Panicf("position %d is already in the window", pos)
	}
	if len(g.free) == 0 {
		log.Panicf("no register for position %d", pos)
	}
	r := g.free[0]
	g.free = g.free[1:]
	g.win[pos] = r
	return r
}

// reg returns the register holding pos.
func (g *gen) reg(pos int) string {
	r, ok := g.win[pos]
	if !ok {
		log.Panicf("position %d is not in the window", pos)
	}
	return r
}

// drop returns pos's register to the pool.
func (g *gen) drop(pos int) {
	g.free = append(g.free, g.reg(pos))
	delete(g.win, pos)
}

// load brings t[pos] from the stack into the window.
func (g *gen) load(pos int) { g.op("MOVQ %s, %s", g.t(pos), g.take(pos)) }

// zero puts a zero at pos into the window (XORQ: it clears CF and OF too).
func (g *gen) zero(pos int) {
	r := g.take(pos)
	g.op("XORQ %s, %s", r, r)
}

// retire stores pos to mem and drops it from the window.
func (g *gen) retire(pos int, mem string) {
	g.op("MOVQ %s, %s", g.reg(pos), mem)
	g.drop(pos)
}

func word(j int) string  { return fmt.Sprintf("%d(SI)", 8*j) }
func yword(j int) string { return fmt.Sprintf("%d(BX)", 8*j) }

// row adds mult·(ops as consecutive words) to the window from position pos0:
// positions pos0 … pos0+len(ops)−1 must be in the window, and pos0+len(ops)
// is taken fresh. The sum of k window words and a k-word row fits in k+1
// words, so the fresh top absorbs both carry chains: ADCX carries the low
// halves, ADOX the high halves one position up.
func (g *gen) row(mult string, ops []string, pos0 int) {
	if mult != "DX" {
		g.op("MOVQ %s, DX", mult)
	}
	top := pos0 + len(ops)
	g.zero(top)
	for j, o := range ops {
		g.op("MULXQ %s, AX, R15", o)
		g.op("ADCXQ AX, %s", g.reg(pos0+j))
		g.op("ADOXQ R15, %s", g.reg(pos0+j+1))
	}
	g.op("ADCQ $0, %s", g.reg(top))
}

// words returns the memory operands of words lo … hi−1 at SI.
func words(lo, hi int) []string {
	var ops []string
	for j := lo; j < hi; j++ {
		ops = append(ops, word(j))
	}
	return ops
}

// addStack adds t[lo … lo+h−1] to the window's positions lo … lo+h−1 (one
// carry chain; the carry out is left in CF).
func (g *gen) addStack(lo int) {
	for i := range h {
		ins := "ADCQ"
		if i == 0 {
			ins = "ADDQ"
		}
		g.op("%s %s, %s", ins, g.t(lo+i), g.reg(lo+i))
	}
}

// addCarry adds BX (a carry word) at position lo of the window, through
// lo+h−1, and leaves the carry out in BX; then it adds t[lo …] too and adds
// that carry to BX: BX is then the carry into position lo+h. With deferred,
// the carry out of the previous block (at the same position lo, kept in
// t[2n]) is added to BX first.
func (g *gen) addCarry(lo int, deferred bool) {
	if deferred { // the previous block's carry into lo, kept in t[2n]: BX ≤ 2
		g.op("ADDQ %s, BX", g.t(2*g.n))
	}
	g.op("ADDQ BX, %s", g.reg(lo))
	for i := 1; i < h; i++ {
		g.op("ADCQ $0, %s", g.reg(lo+i))
	}
	g.op("SBBQ BX, BX")
	g.op("NEGQ BX")
	g.addStack(lo)
	g.op("ADCQ $0, BX")
}

// product is t = x·y in passes of h words of x (rows over all of y, the
// window rolling up from position h·k): pass k's words from h·k+h on go to
// u, and the previous passes' words there are added to them at its end.
func (g *gen) product() {
	n := g.n
	g.op("MOVQ x+8(FP), SI")
	g.op("MOVQ y+16(FP), BX")
	for k := 0; k < n/h; k++ {
		lo := h * k
		g.comment("t += x[%d…%d]·y·2^(64·%d)", lo, lo+h-1, lo)
		for p := lo; p < lo+h; p++ {
			if k == 0 {
				g.zero(p)
			} else {
				g.load(p)
			}
		}
		for i := range n {
			g.row(yword(i), words(lo, lo+h), lo+i)
			if k == 0 || lo+i < lo+h {
				g.retire(lo+i, g.t(lo+i))
			} else {
				g.retire(lo+i, g.u(lo+i))
			}
		}
		if k > 0 { // t[lo+h … lo+n−1] (earlier passes) + u, carried into the window
			for p := lo + h; p < lo+n; p++ {
				ins := "ADCQ"
				if p == lo+h {
					ins = "ADDQ"
				}
				g.op("MOVQ %s, AX", g.u(p))
				g.op("%s %s, AX", ins, g.t(p))
				g.op("MOVQ AX, %s", g.t(p))
			}
			for p := lo + n; p < lo+n+h; p++ {
				g.op("ADCQ $0, %s", g.reg(p))
			}
		}
		for p := lo + n; p < lo+n+h; p++ {
			g.retire(p, g.t(p))
		}
	}
}

// square is t = x² for 16 words: the products x_i·x_j (i < j) in three
// blocks — the low half's triangle, the low half times the high half, the
// high half's triangle — then doubled and the squares x_i² added, on two
// carry chains.
func (g *gen) square() {
	n := g.n
	if n != 2*h {
		log.Panicf("square is for %d words", 2*h)
	}
	g.op("MOVQ x+8(FP), SI")
	g.comment("t = Σ x_i·x_j, i < j < 8")
	for p := 1; p < h; p++ {
		g.zero(p)
	}
	for i := range h - 1 {
		g.row(word(i), words(i+1, h), 2*i+1)
		g.retire(2*i+1, g.t(2*i+1))
		g.retire(2*i+2, g.t(2*i+2))
	}
	g.comment("t += Σ x_i·x_j, i < 8 ≤ j")
	for p := h; p < n-1; p++ {
		g.load(p)
	}
	g.zero(n - 1)
	for i := range h {
		g.row(word(i), words(h, n), h+i)
		g.retire(h+i, g.t(h+i))
	}
	g.comment("t += Σ x_i·x_j, 8 ≤ i < j")
	g.retire(n, g.t(n))
	for i := h; i < n-1; i++ {
		g.row(word(i), words(i+1, n), 2*i+1)
		g.retire(2*i+1, g.t(2*i+1))
		g.retire(2*i+2, g.t(2*i+2))
	}
	g.comment("t = 2t + Σ x_i²·2^(128i): ADCX doubles, ADOX adds the squares")
	g.op("XORQ BX, BX")
	regs := []string{"CX", "DI"}
	for i := range n {
		g.op("MOVQ %s, DX", word(i))
		g.op("MULXQ DX, AX, R15")
		for k, half := range []string{"AX", "R15"} {
			p := 2*i + k
			r := regs[k]
			switch p {
			case 0: // t_0 = 0
				g.op("MOVQ AX, %s", g.t(0))
				continue
			case 2*n - 1: // t_31 = 0
				g.op("ADCXQ BX, R15")
				g.op("ADOXQ BX, R15")
				g.op("MOVQ R15, %s", g.t(p))
				continue
			}
			g.op("MOVQ %s, %s", g.t(p), r)
			g.op("ADCXQ %s, %s", r, r)
			g.op("ADOXQ %s, %s", half, r)
			g.op("MOVQ %s, %s", r, g.t(p))
		}
	}
}

// reduce is z = t·2^(−64n) mod m for t < m·2^(64n) (below m), in blocks of
// h Montgomery digits; each block adds q·m in passes of h words of m, the
// first computing the digits q from the window's bottom word. t's words
// above a pass's window are added in after it, with the carry (BX) into the
// next pass's. A block's last carry, into position h·b+n+h, waits in t[2n]
// for the next block's last pass, whose carry lands there too (the two add
// up to at most 2); the last block's is r's top word.
func (g *gen) reduce(mOff, k0Off int) {
	n := g.n
	g.op("MOVQ m+%d(FP), SI", mOff)
	for b := 0; b < n/h; b++ {
		base := h * b
		last := b == n/h-1
		g.comment("block %d: q_i = t_i·k0, t += q_i·m[0…7]·2^(64i)", b)
		for p := base; p < base+h; p++ {
			g.load(p)
		}
		for i := base; i < base+h; i++ {
			g.op("MOVQ %s, DX", g.reg(i))
			g.op("IMULQ k0+%d(FP), DX", k0Off)
			g.op("MOVQ DX, %s", g.q(i-base))
			g.row("DX", words(0, h), i)
			g.drop(i) // zero now
		}
		g.addStack(base + h)
		g.op("SBBQ BX, BX")
		g.op("NEGQ BX")
		for c := 1; c < n/h; c++ {
			lo := base + h*c
			g.comment("block %d: t += q_i·m[%d…%d]·2^(64(i+%d))", b, h*c, h*c+h-1, h*c)
			for i := range h {
				g.row(g.q(i), words(h*c, h*c+h), lo+i)
				g.retire(lo+i, g.t(lo+i))
			}
			g.addCarry(lo+h, b > 0 && c == n/h-1)
		}
		if !last {
			for p := base + n; p < base+n+h; p++ {
				g.retire(p, g.t(p))
			}
			// The carry into base+n+h: the next block's last pass adds
			// it with its own there (its addCarry at the same position).
			g.op("MOVQ BX, %s", g.t(2*n))
		}
	}
	// BX: the top word of r
	g.comment("z = r − m if r ≥ m, else r, by CMOV: r = t[n…2n−9], the window, and BX·2^(64n)")
	for j := range n {
		if j < n-h {
			g.op("MOVQ %s, AX", g.t(n+j))
		} else {
			g.op("MOVQ %s, AX", g.reg(n+j))
		}
		ins := "SBBQ"
		if j == 0 {
			ins = "SUBQ"
		}
		g.op("%s %s, AX", ins, word(j))
		g.op("MOVQ AX, %s", g.d(j))
	}
	g.op("SBBQ $0, BX") // CF: r < m
	g.op("MOVQ z+0(FP), SI")
	for j := range n {
		if j < n-h {
			g.op("MOVQ %s, AX", g.t(n+j))
			g.op("CMOVQCC %s, AX", g.d(j))
			g.op("MOVQ AX, %s", word(j))
		} else {
			r := g.reg(n + j)
			g.op("CMOVQCC %s, %s", g.d(j), r)
			g.op("MOVQ %s, %s", r, word(j))
		}
	}
	for j := 2*n - h; j < 2*n; j++ {
		g.drop(j)
	}
	if len(g.win) != 0 {
		log.Panicf("window not empty at the end: %v", g.win)
	}
}

const header = `// Code generated by go run gen_pair64.go; DO NOT EDIT.

//go:build !purego

#include "textflag.h"

// Montgomery products in 64-bit words (pair64.go) for one odd modulus m of n
// words (16: one half of a Pair; 32: an RSA-2048 modulus) and k0 = −m⁻¹ mod
// 2^64: fully unrolled, with no branch and no value-dependent address. The
// product t (2n words) is built on the stack by rows of eight MULX products
// on a rolling window of nine registers (ADCX chains the low halves, ADOX
// the high halves), reduced by n Montgomery digits in blocks of eight, and
// r = t/2^(64n) < 2m brought below m by one subtraction kept or not by CMOV.
`

func main() {
	out := flag.String("out", "pair64_amd64.s", "file to write")
	flag.Parse()

	var all bytes.Buffer
	all.WriteString(header)

	for _, n := range []int{16, 32} {
		mul := newGen(n)
		mul.product()
		mul.reduce(24, 32)
		fmt.Fprintf(&all, `
// func mont%[1]dMul(z, x, y, m *[%[1]d]big.Word, k0 big.Word)
//
// z = x·y·2^-%[2]d mod m, below m, for x·y < m·2^%[2]d (x below 2^%[2]d and
// y below m, say); z may be x or y.
TEXT ·mont%[1]dMul(SB), 0, $%[3]d-40
`, n, 64*n, mul.frameLen())
		all.Write(mul.buf.Bytes())
		all.WriteString("\tRET\n")
	}

	sqr := newGen(16)
	sqr.square()
	sqr.reduce(16, 24)
	fmt.Fprintf(&all, `
// func mont16Sqr(z, x, m *[16]big.Word, k0 big.Word)
//
// z = x²·2^-1024 mod m, below m, for x below m; z may be x.
TEXT ·mont16Sqr(SB), 0, $%d-32
`, sqr.frameLen())
	all.Write(sqr.buf.Bytes())
	all.WriteString("\tRET\n")

	all.WriteString(selectAsm)
	if err := os.WriteFile(*out, all.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}

// selectAsm is selectPair64: AVX2, a scan of every entry.
const selectAsm = `
// func selectPair64(z *PairNum, table *[pairTable]PairNum, idx0, idx1 uint64)
//
// z[h][0:16] = table[idx_h][h][0:16] for idx_h < 32, by a scan of every
// entry: each entry's words are loaded and kept or not by a mask from a
// comparison (VPCMPEQQ), so the memory accesses do not depend on the
// indices. Words 16–23 of z are not written (zero in this form).
//
// Registers: DI z, SI the entry, CX the count; Y0–Y3 and Y4–Y7 the results,
// Y8/Y9 masked words, Y10/Y11 the masks, Y12 the entry's number, Y13 one,
// Y14/Y15 the indices.
TEXT ·selectPair64(SB), NOSPLIT, $0-32
	MOVQ z+0(FP), DI
	MOVQ table+8(FP), SI
	VPBROADCASTQ idx0+16(FP), Y14
	VPBROADCASTQ idx1+24(FP), Y15
	MOVQ $1, AX
	MOVQ AX, X13
	VPBROADCASTQ X13, Y13
	VPXOR Y12, Y12, Y12
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	VPXOR Y4, Y4, Y4
	VPXOR Y5, Y5, Y5
	VPXOR Y6, Y6, Y6
	VPXOR Y7, Y7, Y7
	MOVQ $32, CX

sel:
	VPCMPEQQ Y12, Y14, Y10
	VPCMPEQQ Y12, Y15, Y11
	VPAND 0(SI), Y10, Y8
	VPOR Y8, Y0, Y0
	VPAND 32(SI), Y10, Y8
	VPOR Y8, Y1, Y1
	VPAND 64(SI), Y10, Y8
	VPOR Y8, Y2, Y2
	VPAND 96(SI), Y10, Y8
	VPOR Y8, Y3, Y3
	VPAND 192(SI), Y11, Y9
	VPOR Y9, Y4, Y4
	VPAND 224(SI), Y11, Y9
	VPOR Y9, Y5, Y5
	VPAND 256(SI), Y11, Y9
	VPOR Y9, Y6, Y6
	VPAND 288(SI), Y11, Y9
	VPOR Y9, Y7, Y7
	VPADDQ Y13, Y12, Y12
	ADDQ $384, SI
	DECQ CX
	JNZ sel

	VMOVDQU Y0, 0(DI)
	VMOVDQU Y1, 32(DI)
	VMOVDQU Y2, 64(DI)
	VMOVDQU Y3, 96(DI)
	VMOVDQU Y4, 192(DI)
	VMOVDQU Y5, 224(DI)
	VMOVDQU Y6, 256(DI)
	VMOVDQU Y7, 288(DI)
	VZEROUPPER
	RET
`
