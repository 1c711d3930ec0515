//go:build !purego

#include "textflag.h"

// Montgomery products for moduli of a multiple of 8 words with BMI2's MULX
// (a product that sets no flags) and ADX's ADCX/ADOX (additions that carry
// through CF only and OF only): two carry chains run through one pass, as
// in OpenSSL's mulx4x and BoringSSL's bn_mulx4x_mont (read, not copied).
// adx.go has the algorithms in Go (mulADXGeneric, sqrADXGeneric), which
// give the same results. Every instruction and memory access depends only
// on n, never on the numbers: the loops count blocks and rows, the final
// subtraction is kept or dropped by a mask.
//
// Each chain is closed at the end of an 8-word block (ADOX and ADCX of a
// zero into the block's top word, which cannot overflow: an 8-word number
// times a word plus an 8-word number plus a word is below β⁹), so both flags
// are clear between blocks and the loop's DECQ (which keeps CF and clears
// OF for a count that does not overflow) breaks no chain.

// MULH1 is one word of a block's first half in mulADX: r = lo(x_k·b) + the
// previous word's high half (the OF chain) + t_k (the CF chain); hc gets
// this word's high half. SI points at x's block, DI at the buffer's.
#define MULH1(xoff, toff, r, hp, hc) \
	MULXQ xoff(SI), r, hc; \
	ADOXQ hp, r; \
	ADCXQ toff(DI), r

// MULH2 is one word of a block's second half: r += lo(m_k·q) (CF chain) +
// the previous word's high half (OF chain), stored one word down (the
// division by β).
#define MULH2(moff, soff, r, hp, hc) \
	MULXQ moff(DI), AX, hc; \
	ADCXQ AX, r; \
	ADOXQ hp, r; \
	MOVQ r, soff(DI)

// SELECT sets z_k (at zoff(SI)) to t_k (at toff(DI)) where the mask R8 is
// all ones, and keeps it where R8 is zero.
#define SELECT(zoff, toff) \
	MOVQ zoff(SI), AX; \
	MOVQ toff(DI), BX; \
	XORQ AX, BX; \
	ANDQ R8, BX; \
	XORQ BX, AX; \
	MOVQ AX, zoff(SI)

// MULBLOCK is one 8-word block of a row of mulADX: x's block at xo(SI),
// the buffer's at bo(DI); the carries into the next block are left at
// 16(SP) and 24(SP), both chains closed.
#define MULBLOCK(xo, bo) \
	MULHALF1(xo, bo); \
	MOVQ  8(SP), DX; \
	MULH2(bo+0, bo-8, R8, 24(SP), CX); \
	MULHALF2(bo, CX)

// MULBLOCK1 is MULBLOCK for a row's first block where k0 = 1, so that
// m_0 = β − 1 (RFC 3526's N): q = t_0 + lo(x_0·b) is the block's word 0
// after the first half, and t_0 + x_0·b + q·m_0 = (its high part) + q·β,
// which carries exactly q into word 1 (on the OF chain, in place of word
// 0's high half): no MULX, ADD and IMUL before the row for q and no MULX
// for m_0. q is kept at 8(SP) for the row's other blocks.
#define MULBLOCK1(xo, bo) \
	MULHALF1(xo, bo); \
	MOVQ  R8, DX; \
	MOVQ  R8, 8(SP); \
	MULHALF2(bo, DX)

// MULHALF1 is a block's first half: x·b (DX = b) and t, the carry into
// the next block left at 16(SP).
#define MULHALF1(xo, bo) \
	MULH1(xo+0, bo+64, R8, 16(SP), AX); \
	MULH1(xo+8, bo+72, R9, AX, BX); \
	MULH1(xo+16, bo+80, R10, BX, AX); \
	MULH1(xo+24, bo+88, R11, AX, BX); \
	MULH1(xo+32, bo+96, R12, BX, AX); \
	MULH1(xo+40, bo+104, R13, AX, BX); \
	MULH1(xo+48, bo+112, R14, BX, AX); \
	MULH1(xo+56, bo+120, R15, AX, BX); \
	MOVQ  $0, AX; \
	ADOXQ AX, BX; \
	ADCXQ AX, BX; \
	MOVQ  BX, 16(SP)

// MULHALF2 is a block's second half from word 1 on (DX = q), h being what
// word 0 carries into word 1; the carry into the next block is left at
// 24(SP), DX = b again.
#define MULHALF2(bo, h) \
	MULH2(bo+8, bo+64, R9, h, BX); \
	MULH2(bo+16, bo+72, R10, BX, CX); \
	MULH2(bo+24, bo+80, R11, CX, BX); \
	MULH2(bo+32, bo+88, R12, BX, CX); \
	MULH2(bo+40, bo+96, R13, CX, BX); \
	MULH2(bo+48, bo+104, R14, BX, CX); \
	MULH2(bo+56, bo+112, R15, CX, BX); \
	MOVQ  $0, AX; \
	ADOXQ AX, BX; \
	ADCXQ AX, BX; \
	MOVQ  BX, 24(SP); \
	MOVQ  0(SP), DX

// REDQ is a row's q in m's first block of sqrADX's reduction: DX =
// w0·k0, kept at qoff(SP) for the row's other blocks; both flags cleared.
#define REDQ(w0, qoff) \
	MOVQ  w0, DX; \
	IMULQ k0+32(FP), DX; \
	MOVQ  DX, qoff(SP); \
	XORL  AX, AX

// REDMUL8 adds DX·(m's block at SI) to the window w0–w7 (the MULX words'
// low halves on the CF chain, the high halves on the OF chain): w0 is then
// the row's low word, and CX its top word, both chains closed into it
// (window + q·block < β⁹).
#define REDMUL8(w0, w1, w2, w3, w4, w5, w6, w7) \
	MULXQ 0(SI), AX, BX; \
	ADCXQ AX, w0; \
	REDMUL7(BX, w1, w2, w3, w4, w5, w6, w7)

// REDMUL7 is REDMUL8 from word 1 on, h being the high half that word 0
// carries into word 1.
#define REDMUL7(h, w1, w2, w3, w4, w5, w6, w7) \
	MULXQ 8(SI), AX, CX; \
	ADCXQ AX, w1; \
	ADOXQ h, w1; \
	MULXQ 16(SI), AX, BX; \
	ADCXQ AX, w2; \
	ADOXQ CX, w2; \
	MULXQ 24(SI), AX, CX; \
	ADCXQ AX, w3; \
	ADOXQ BX, w3; \
	MULXQ 32(SI), AX, BX; \
	ADCXQ AX, w4; \
	ADOXQ CX, w4; \
	MULXQ 40(SI), AX, CX; \
	ADCXQ AX, w5; \
	ADOXQ BX, w5; \
	MULXQ 48(SI), AX, BX; \
	ADCXQ AX, w6; \
	ADOXQ CX, w6; \
	MULXQ 56(SI), AX, CX; \
	ADCXQ AX, w7; \
	ADOXQ BX, w7; \
	MOVQ  $0, AX; \
	ADCXQ AX, CX; \
	ADOXQ AX, CX

// REDQ1 is a row of m's first block where k0 = 1, so m_0 = β − 1 (RFC
// 3526's N): q = w0, and w0 + q·m_0 = q·β, which clears w0 and carries
// exactly q into word 1 (on the OF chain, in place of word 0's high half),
// with no IMUL on q's path and no MULX for word 0. CX gets the row's top
// word; both flags must be clear before it.
#define REDQ1(w0, qoff, w1, w2, w3, w4, w5, w6, w7) \
	MOVQ w0, DX; \
	MOVQ DX, qoff(SP); \
	REDMUL7(DX, w1, w2, w3, w4, w5, w6, w7)

// TADD adds t's 8 words at DI and the carry e (64(SP)) to the window
// R8–R15 (CF chain; NEGQ of 0 or 1 sets CF to it and clears OF) and keeps
// the carry out in AX and at 64(SP), both flags clear.
#define TADD \
	MOVQ  64(SP), AX; \
	NEGQ  AX; \
	ADCXQ 0(DI), R8; \
	ADCXQ 8(DI), R9; \
	ADCXQ 16(DI), R10; \
	ADCXQ 24(DI), R11; \
	ADCXQ 32(DI), R12; \
	ADCXQ 40(DI), R13; \
	ADCXQ 48(DI), R14; \
	ADCXQ 56(DI), R15; \
	MOVQ  $0, AX; \
	ADCXQ AX, AX; \
	MOVQ  AX, 64(SP)

// WINROW is one of WINBLOCK's rows: its multiplier (qoff(SP)) times the
// block added to the window, the window's low word w0 sent back to t
// (qoff(DI)), and the row's top word (CX) kept as the window's new top.
#define WINROW(qoff, w0, w1, w2, w3, w4, w5, w6, w7) \
	MOVQ qoff(SP), DX; \
	REDMUL8(w0, w1, w2, w3, w4, w5, w6, w7); \
	MOVQ w0, qoff(DI); \
	MOVQ CX, w0

// WINBLOCK moves the window of sqrADX's triangle or reduction up to the
// next block (SI: x's or m's, DI: t's): t's 8 words there come in (TADD),
// then each of the group's 8 rows (multipliers at 0–56(SP)) adds its
// multiplier times the block and sends the window's low word back to t.
#define WINBLOCK \
	LEAQ 64(SI), SI; \
	LEAQ 64(DI), DI; \
	TADD; \
	WINROW(0, R8, R9, R10, R11, R12, R13, R14, R15); \
	WINROW(8, R9, R10, R11, R12, R13, R14, R15, R8); \
	WINROW(16, R10, R11, R12, R13, R14, R15, R8, R9); \
	WINROW(24, R11, R12, R13, R14, R15, R8, R9, R10); \
	WINROW(32, R12, R13, R14, R15, R8, R9, R10, R11); \
	WINROW(40, R13, R14, R15, R8, R9, R10, R11, R12); \
	WINROW(48, R14, R15, R8, R9, R10, R11, R12, R13); \
	WINROW(56, R15, R8, R9, R10, R11, R12, R13, R14)

// LASTWIN stores a group's last window at t's next block (DI + 64) with e
// and e2 (72(SP), the carry from the group before) added; the carry out is
// the next group's e2.
#define LASTWIN \
	LEAQ  64(DI), DI; \
	TADD; \
	MOVQ  72(SP), BX; \
	ADDQ  BX, R8; \
	ADCQ  $0, R9; \
	ADCQ  $0, R10; \
	ADCQ  $0, R11; \
	ADCQ  $0, R12; \
	ADCQ  $0, R13; \
	ADCQ  $0, R14; \
	ADCQ  $0, R15; \
	ADCQ  $0, AX; \
	MOVQ  AX, 72(SP); \
	MOVQ  R8, 0(DI); \
	MOVQ  R9, 8(DI); \
	MOVQ  R10, 16(DI); \
	MOVQ  R11, 24(DI); \
	MOVQ  R12, 32(DI); \
	MOVQ  R13, 40(DI); \
	MOVQ  R14, 48(DI); \
	MOVQ  R15, 56(DI)

// func mulADX(z, x, y, buf *big.Word, k0 big.Word, n int)
//
// z = x·y·β⁻ⁿ mod m for x, y < m of n words (n a multiple of 8), by
// coarsely integrated operand scanning (CIOS): for each word b of y,
// q = (t_0 + x_0·b)·k0 and t = (t + x·b + m·q)/β, in one pass over 8-word
// blocks that adds x·b (first half, DX = b) and then m·q (second half,
// DX = q) to the block's words, kept in R8–R15 between the halves; t stays
// below 2m. Then z = t − m or t, by a mask.
//
// buf (mulADXBuf in adx.go) holds m and t interleaved, so that one pointer
// walks both: a pad word, then per block 8 words of m and 8 words of t,
// then t's top word t_n. Word k of block J's m is at 8 + 128·J + 8·k, of
// its t at 8 + 128·J + 64 + 8·k; the word below t_{8J} (t_{8J−1}, or the pad
// for J = 0) is 8 below the block's m.
//
// Frame: 0 b, 8 q, 16 c1 (first half's carry into the next block), 24 c2
// (second half's), 32 blocks left, 40 rows left, 48 y's next word.
TEXT ·mulADX(SB), NOSPLIT, $56-48
	MOVQ n+40(FP), CX
	MOVQ CX, 40(SP)
	MOVQ y+16(FP), AX
	MOVQ AX, 48(SP)

	// t = 0.
	MOVQ buf+24(FP), DI
	LEAQ 8(DI), DI
	SHRQ $3, CX
	XORL AX, AX

mulclear:
	MOVQ AX, 64(DI)
	MOVQ AX, 72(DI)
	MOVQ AX, 80(DI)
	MOVQ AX, 88(DI)
	MOVQ AX, 96(DI)
	MOVQ AX, 104(DI)
	MOVQ AX, 112(DI)
	MOVQ AX, 120(DI)
	LEAQ 128(DI), DI
	DECQ CX
	JNZ  mulclear
	MOVQ AX, (DI)

mulrow:
	MOVQ  48(SP), BX
	MOVQ  (BX), DX
	LEAQ  8(BX), BX
	MOVQ  BX, 48(SP)
	MOVQ  DX, 0(SP)
	MOVQ  x+8(FP), SI
	MOVQ  buf+24(FP), DI
	LEAQ  8(DI), DI
	MOVQ  $0, 16(SP)
	MOVQ  $0, 24(SP)
	MOVQ  n+40(FP), CX
	SHRQ  $3, CX
	MOVQ  CX, 32(SP)

	// k0 = 1 (m_0 = β − 1): the row's first block takes q from its own
	// word 0 (MULBLOCK1). The branch is on the modulus, never on numbers.
	CMPQ k0+32(FP), $1
	JNE  mulq
	XORL AX, AX // CF = OF = 0
	MULBLOCK1(0, 0)
	LEAQ 64(SI), SI
	LEAQ 128(DI), DI
	DECQ 32(SP)
	JNZ  mulblock
	JMP  mulrowend

mulq:
	MULXQ (SI), AX, BX
	ADDQ  64(DI), AX
	IMULQ k0+32(FP), AX
	MOVQ  AX, 8(SP)
	XORL  AX, AX // CF = OF = 0

mulblock:
	MULBLOCK(0, 0)
	LEAQ 64(SI), SI
	LEAQ 128(DI), DI
	DECQ 32(SP)
	JNZ  mulblock

mulrowend:
	// DI is at t_n: t_{n−1}, t_n = t_n + c1 + c2.
	MOVQ (DI), AX
	XORL BX, BX
	ADDQ 16(SP), AX
	ADCQ $0, BX
	ADDQ 24(SP), AX
	ADCQ $0, BX
	MOVQ AX, -8(DI)
	MOVQ BX, (DI)
	DECQ 40(SP)
	JNZ  mulrow

	// z = t − m, then t instead where t < m: borrow and t_n = 0.
	MOVQ z+0(FP), SI
	MOVQ buf+24(FP), DI
	LEAQ 8(DI), DI
	MOVQ n+40(FP), CX
	SHRQ $3, CX
	XORL AX, AX // CF = 0

mulsub:
	MOVQ 64(DI), AX
	SBBQ 0(DI), AX
	MOVQ AX, 0(SI)
	MOVQ 72(DI), AX
	SBBQ 8(DI), AX
	MOVQ AX, 8(SI)
	MOVQ 80(DI), AX
	SBBQ 16(DI), AX
	MOVQ AX, 16(SI)
	MOVQ 88(DI), AX
	SBBQ 24(DI), AX
	MOVQ AX, 24(SI)
	MOVQ 96(DI), AX
	SBBQ 32(DI), AX
	MOVQ AX, 32(SI)
	MOVQ 104(DI), AX
	SBBQ 40(DI), AX
	MOVQ AX, 40(SI)
	MOVQ 112(DI), AX
	SBBQ 48(DI), AX
	MOVQ AX, 48(SI)
	MOVQ 120(DI), AX
	SBBQ 56(DI), AX
	MOVQ AX, 56(SI)
	LEAQ 64(SI), SI
	LEAQ 128(DI), DI
	DECQ CX
	JNZ  mulsub

	SBBQ AX, AX   // −borrow
	MOVQ (DI), R8 // t_n
	SUBQ $1, R8   // −1 where t_n = 0
	ANDQ AX, R8   // all ones: keep t

	MOVQ z+0(FP), SI
	MOVQ buf+24(FP), DI
	LEAQ 8(DI), DI
	MOVQ n+40(FP), CX
	SHRQ $3, CX

mulsel:
	SELECT(0, 64)
	SELECT(8, 72)
	SELECT(16, 80)
	SELECT(24, 88)
	SELECT(32, 96)
	SELECT(40, 104)
	SELECT(48, 112)
	SELECT(56, 120)
	LEAQ 64(SI), SI
	LEAQ 128(DI), DI
	DECQ CX
	JNZ  mulsel
	RET

// func sqrADX(z, x, t, m *big.Word, k0 big.Word, n int)
//
// z = x²·β⁻ⁿ mod m for x < m of n words (n a multiple of 8), with t as 2n
// words of working space, in three passes (sqrADXGeneric in adx.go is the
// same in Go):
//   the triangle: t = Σ_{i<j} x_i·x_j·β^(i+j), 8 rows at a time with an
//   8-word window of t in R8–R15 (triADXGeneric);
//   t = 2t + Σ x_i²·β^(2i), one CF chain (the shifts by SHRXQ and LEAQ set
//   no flags, and the loop's DECQ keeps CF);
//   the reduction: n rows t += q·m·β^i for q = t_i·k0, 8 at a time with
//   an 8-word window of t in R8–R15 (redcADXGeneric), which leaves t[n:] +
//   R14·βⁿ below 2m; then z = that − m or that, by a mask.
//
// Frame: 0–56 the group's 8 multipliers (x's words, or q), 64 e (the
// carry into the window's next block), 72 e2 (into the next group's last
// window), 80 the group's t (reduction) or x (triangle), 88 groups left, 96
// blocks left, 104 the triangle group's t, 112 its blocks above block I.
TEXT ·sqrADX(SB), NOSPLIT, $120-48
	MOVQ t+16(FP), DI
	MOVQ n+40(FP), CX
	SHRQ $2, CX
	XORL AX, AX

sqrclear:
	MOVQ AX, 0(DI)
	MOVQ AX, 8(DI)
	MOVQ AX, 16(DI)
	MOVQ AX, 24(DI)
	MOVQ AX, 32(DI)
	MOVQ AX, 40(DI)
	MOVQ AX, 48(DI)
	MOVQ AX, 56(DI)
	LEAQ 64(DI), DI
	DECQ CX
	JNZ  sqrclear

	// The triangle, a group of adxBlock rows (x's block I as multipliers)
	// at a time (triADXGeneric in adx.go): the window R8–R15 starts at
	// t[16I:], takes the products within block I (row r: x_{8I+r} times
	// the words above it in the block, at the window's words r+1 to 7),
	// then walks up t over x's blocks J > I, as the reduction walks over m's.
	MOVQ x+8(FP), SI
	MOVQ SI, 80(SP)
	MOVQ t+16(FP), DI
	MOVQ DI, 104(SP)
	MOVQ n+40(FP), CX
	SHRQ $3, CX
	MOVQ CX, 88(SP)
	DECQ CX
	MOVQ CX, 112(SP)
	MOVQ $0, 72(SP)

sqrtrigroup:
	MOVQ 80(SP), SI
	MOVQ 104(SP), DI
	MOVQ $0, 64(SP)
	MOVQ 0(SI), AX
	MOVQ AX, 0(SP)
	MOVQ 8(SI), AX
	MOVQ AX, 8(SP)
	MOVQ 16(SI), AX
	MOVQ AX, 16(SP)
	MOVQ 24(SI), AX
	MOVQ AX, 24(SP)
	MOVQ 32(SI), AX
	MOVQ AX, 32(SP)
	MOVQ 40(SI), AX
	MOVQ AX, 40(SP)
	MOVQ 48(SI), AX
	MOVQ AX, 48(SP)
	MOVQ 56(SI), AX
	MOVQ AX, 56(SP)
	MOVQ 0(DI), R8
	MOVQ 8(DI), R9
	MOVQ 16(DI), R10
	MOVQ 24(DI), R11
	MOVQ 32(DI), R12
	MOVQ 40(DI), R13
	MOVQ 48(DI), R14
	MOVQ 56(DI), R15
	XORL AX, AX // CF = OF = 0

	// Block I's own products, row r at the window's words r+1 to 7.
	MOVQ  0(SI), DX
	MULXQ 8(SI), AX, BX
	ADCXQ AX, R9
	MULXQ 16(SI), AX, CX
	ADCXQ AX, R10
	ADOXQ BX, R10
	MULXQ 24(SI), AX, BX
	ADCXQ AX, R11
	ADOXQ CX, R11
	MULXQ 32(SI), AX, CX
	ADCXQ AX, R12
	ADOXQ BX, R12
	MULXQ 40(SI), AX, BX
	ADCXQ AX, R13
	ADOXQ CX, R13
	MULXQ 48(SI), AX, CX
	ADCXQ AX, R14
	ADOXQ BX, R14
	MULXQ 56(SI), AX, BX
	ADCXQ AX, R15
	ADOXQ CX, R15
	MOVQ  $0, AX
	ADCXQ AX, BX
	ADOXQ AX, BX
	MOVQ  R8, 0(DI)
	MOVQ  BX, R8
	MOVQ  8(SI), DX
	MULXQ 16(SI), AX, BX
	ADCXQ AX, R11
	MULXQ 24(SI), AX, CX
	ADCXQ AX, R12
	ADOXQ BX, R12
	MULXQ 32(SI), AX, BX
	ADCXQ AX, R13
	ADOXQ CX, R13
	MULXQ 40(SI), AX, CX
	ADCXQ AX, R14
	ADOXQ BX, R14
	MULXQ 48(SI), AX, BX
	ADCXQ AX, R15
	ADOXQ CX, R15
	MULXQ 56(SI), AX, CX
	ADCXQ AX, R8
	ADOXQ BX, R8
	MOVQ  $0, AX
	ADCXQ AX, CX
	ADOXQ AX, CX
	MOVQ  R9, 8(DI)
	MOVQ  CX, R9
	MOVQ  16(SI), DX
	MULXQ 24(SI), AX, BX
	ADCXQ AX, R13
	MULXQ 32(SI), AX, CX
	ADCXQ AX, R14
	ADOXQ BX, R14
	MULXQ 40(SI), AX, BX
	ADCXQ AX, R15
	ADOXQ CX, R15
	MULXQ 48(SI), AX, CX
	ADCXQ AX, R8
	ADOXQ BX, R8
	MULXQ 56(SI), AX, BX
	ADCXQ AX, R9
	ADOXQ CX, R9
	MOVQ  $0, AX
	ADCXQ AX, BX
	ADOXQ AX, BX
	MOVQ  R10, 16(DI)
	MOVQ  BX, R10
	MOVQ  24(SI), DX
	MULXQ 32(SI), AX, BX
	ADCXQ AX, R15
	MULXQ 40(SI), AX, CX
	ADCXQ AX, R8
	ADOXQ BX, R8
	MULXQ 48(SI), AX, BX
	ADCXQ AX, R9
	ADOXQ CX, R9
	MULXQ 56(SI), AX, CX
	ADCXQ AX, R10
	ADOXQ BX, R10
	MOVQ  $0, AX
	ADCXQ AX, CX
	ADOXQ AX, CX
	MOVQ  R11, 24(DI)
	MOVQ  CX, R11
	MOVQ  32(SI), DX
	MULXQ 40(SI), AX, BX
	ADCXQ AX, R9
	MULXQ 48(SI), AX, CX
	ADCXQ AX, R10
	ADOXQ BX, R10
	MULXQ 56(SI), AX, BX
	ADCXQ AX, R11
	ADOXQ CX, R11
	MOVQ  $0, AX
	ADCXQ AX, BX
	ADOXQ AX, BX
	MOVQ  R12, 32(DI)
	MOVQ  BX, R12
	MOVQ  40(SI), DX
	MULXQ 48(SI), AX, BX
	ADCXQ AX, R11
	MULXQ 56(SI), AX, CX
	ADCXQ AX, R12
	ADOXQ BX, R12
	MOVQ  $0, AX
	ADCXQ AX, CX
	ADOXQ AX, CX
	MOVQ  R13, 40(DI)
	MOVQ  CX, R13
	MOVQ  48(SI), DX
	MULXQ 56(SI), AX, BX
	ADCXQ AX, R13
	MOVQ  $0, AX
	ADCXQ AX, BX
	ADOXQ AX, BX
	MOVQ  R14, 48(DI)
	MOVQ  BX, R14
	MOVQ  R15, 56(DI)
	MOVQ  $0, R15

	// x's blocks above I, then the group's last window.
	MOVQ  112(SP), CX
	TESTQ CX, CX
	JZ    sqrtrilast
	MOVQ  CX, 96(SP)

sqrtriblk:
	WINBLOCK
	DECQ 96(SP)
	JNZ  sqrtriblk

sqrtrilast:
	LASTWIN
	ADDQ $64, 80(SP)
	ADDQ $128, 104(SP)
	DECQ 112(SP)
	DECQ 88(SP)
	JNZ  sqrtrigroup

	// t = 2t + Σ x_i²·β^(2i).
	MOVQ x+8(FP), SI
	MOVQ t+16(FP), DI
	MOVQ n+40(FP), CX
	MOVQ $63, R13
	XORL R11, R11 // the bit shifted out of the word below; CF = 0

sqrdiag:
	MOVQ  (SI), DX
	MULXQ DX, AX, BX
	MOVQ  (DI), R8
	MOVQ  8(DI), R9
	SHRXQ R13, R8, R10
	LEAQ  (R11)(R8*2), R8
	SHRXQ R13, R9, R11
	LEAQ  (R10)(R9*2), R9
	ADCQ  AX, R8
	ADCQ  BX, R9
	MOVQ  R8, (DI)
	MOVQ  R9, 8(DI)
	LEAQ  8(SI), SI
	LEAQ  16(DI), DI
	DECQ  CX
	JNZ   sqrdiag

	// The reduction, adxBlock rows at a time (redcADXGeneric in adx.go):
	// the window R8–R15 walks up t one block of m at a time; its registers
	// rotate by one each row (the low word leaves, the row's top word takes
	// its register), so 8 rows bring it back to R8–R15.
	MOVQ t+16(FP), DI
	MOVQ DI, 80(SP)
	MOVQ n+40(FP), CX
	SHRQ $3, CX
	MOVQ CX, 88(SP)
	MOVQ $0, 72(SP)

sqrredgroup:
	MOVQ 80(SP), DI
	MOVQ m+24(FP), SI
	MOVQ $0, 64(SP)
	MOVQ 0(DI), R8
	MOVQ 8(DI), R9
	MOVQ 16(DI), R10
	MOVQ 24(DI), R11
	MOVQ 32(DI), R12
	MOVQ 40(DI), R13
	MOVQ 48(DI), R14
	MOVQ 56(DI), R15

	// m's first block: each row's q clears the window's low word. A
	// modulus with k0 = 1 (m_0 = β − 1) takes the rows without IMUL or
	// word 0's MULX (REDQ1); the branch is on the modulus, never on numbers.
	CMPQ k0+32(FP), $1
	JEQ  sqrredk1
	REDQ(R8, 0)
	REDMUL8(R8, R9, R10, R11, R12, R13, R14, R15)
	MOVQ CX, R8
	REDQ(R9, 8)
	REDMUL8(R9, R10, R11, R12, R13, R14, R15, R8)
	MOVQ CX, R9
	REDQ(R10, 16)
	REDMUL8(R10, R11, R12, R13, R14, R15, R8, R9)
	MOVQ CX, R10
	REDQ(R11, 24)
	REDMUL8(R11, R12, R13, R14, R15, R8, R9, R10)
	MOVQ CX, R11
	REDQ(R12, 32)
	REDMUL8(R12, R13, R14, R15, R8, R9, R10, R11)
	MOVQ CX, R12
	REDQ(R13, 40)
	REDMUL8(R13, R14, R15, R8, R9, R10, R11, R12)
	MOVQ CX, R13
	REDQ(R14, 48)
	REDMUL8(R14, R15, R8, R9, R10, R11, R12, R13)
	MOVQ CX, R14
	REDQ(R15, 56)
	REDMUL8(R15, R8, R9, R10, R11, R12, R13, R14)
	MOVQ CX, R15
	JMP sqrredrest

sqrredk1:
	XORL AX, AX // CF = OF = 0
	REDQ1(R8, 0, R9, R10, R11, R12, R13, R14, R15)
	MOVQ CX, R8
	REDQ1(R9, 8, R10, R11, R12, R13, R14, R15, R8)
	MOVQ CX, R9
	REDQ1(R10, 16, R11, R12, R13, R14, R15, R8, R9)
	MOVQ CX, R10
	REDQ1(R11, 24, R12, R13, R14, R15, R8, R9, R10)
	MOVQ CX, R11
	REDQ1(R12, 32, R13, R14, R15, R8, R9, R10, R11)
	MOVQ CX, R12
	REDQ1(R13, 40, R14, R15, R8, R9, R10, R11, R12)
	MOVQ CX, R13
	REDQ1(R14, 48, R15, R8, R9, R10, R11, R12, R13)
	MOVQ CX, R14
	REDQ1(R15, 56, R8, R9, R10, R11, R12, R13, R14)
	MOVQ CX, R15

sqrredrest:
	MOVQ n+40(FP), CX
	SHRQ $3, CX
	DECQ CX
	JZ   sqrredlast
	MOVQ CX, 96(SP)

sqrredblk:
	// The next block: t's next 8 words in, then each row's low word out.
	WINBLOCK
	DECQ 96(SP)
	JNZ  sqrredblk

sqrredlast:
	LASTWIN
	ADDQ  $64, 80(SP)
	DECQ  88(SP)
	JNZ   sqrredgroup
	MOVQ  72(SP), R14

	// z = t[n:] − m, then t[n:] instead where it is below m: borrow and
	// R14 = 0.
	MOVQ z+0(FP), R8
	MOVQ m+24(FP), SI
	MOVQ t+16(FP), DI
	MOVQ n+40(FP), CX
	LEAQ (DI)(CX*8), DI
	SHRQ $3, CX
	XORL AX, AX

sqrsub:
	MOVQ 0(DI), AX
	SBBQ 0(SI), AX
	MOVQ AX, 0(R8)
	MOVQ 8(DI), AX
	SBBQ 8(SI), AX
	MOVQ AX, 8(R8)
	MOVQ 16(DI), AX
	SBBQ 16(SI), AX
	MOVQ AX, 16(R8)
	MOVQ 24(DI), AX
	SBBQ 24(SI), AX
	MOVQ AX, 24(R8)
	MOVQ 32(DI), AX
	SBBQ 32(SI), AX
	MOVQ AX, 32(R8)
	MOVQ 40(DI), AX
	SBBQ 40(SI), AX
	MOVQ AX, 40(R8)
	MOVQ 48(DI), AX
	SBBQ 48(SI), AX
	MOVQ AX, 48(R8)
	MOVQ 56(DI), AX
	SBBQ 56(SI), AX
	MOVQ AX, 56(R8)
	LEAQ 64(SI), SI
	LEAQ 64(DI), DI
	LEAQ 64(R8), R8
	DECQ CX
	JNZ  sqrsub

	SBBQ AX, AX
	SUBQ $1, R14
	ANDQ AX, R14
	MOVQ R14, R8
	MOVQ z+0(FP), SI
	MOVQ t+16(FP), DI
	MOVQ n+40(FP), CX
	LEAQ (DI)(CX*8), DI
	SHRQ $3, CX

sqrsel:
	SELECT(0, 0)
	SELECT(8, 8)
	SELECT(16, 16)
	SELECT(24, 24)
	SELECT(32, 32)
	SELECT(40, 40)
	SELECT(48, 48)
	SELECT(56, 56)
	LEAQ 64(SI), SI
	LEAQ 64(DI), DI
	DECQ CX
	JNZ  sqrsel
	RET
