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
	MOVQ  BX, 16(SP); \
	MOVQ  8(SP), DX; \
	MULH2(bo+0, bo-8, R8, 24(SP), CX); \
	MULH2(bo+8, bo+64, R9, CX, BX); \
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
	MULXQ (SI), AX, BX
	ADDQ  64(DI), AX
	IMULQ k0+32(FP), AX
	MOVQ  AX, 8(SP)
	MOVQ  $0, 16(SP)
	MOVQ  $0, 24(SP)
	MOVQ  n+40(FP), CX
	SHRQ  $3, CX
	MOVQ  CX, 32(SP)
	XORL  AX, AX // CF = OF = 0

mulblock:
	MULBLOCK(0, 0)
	LEAQ 64(SI), SI
	LEAQ 128(DI), DI
	DECQ 32(SP)
	JNZ  mulblock

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

// ADDMUL is one word of a row t += x·DX (or m·q): AX = lo(s_k·DX) + the
// previous word's high half (OF chain) + t_k (CF chain), stored back; hc
// gets this word's high half. SI points at the multiplicand's words, DI at
// t's.
#define ADDMUL(off, hp, hc) \
	MULXQ off(SI), AX, hc; \
	ADOXQ hp, AX; \
	ADCXQ off(DI), AX; \
	MOVQ  AX, off(DI)

// ADDMUL8 is ADDMUL for an 8-word block, its carry in and out in BX, both
// chains closed at the end (R15 is zero).
#define ADDMUL8 \
	ADDMUL(0, BX, CX); \
	ADDMUL(8, CX, BX); \
	ADDMUL(16, BX, CX); \
	ADDMUL(24, CX, BX); \
	ADDMUL(32, BX, CX); \
	ADDMUL(40, CX, BX); \
	ADDMUL(48, BX, CX); \
	ADDMUL(56, CX, BX); \
	ADOXQ R15, BX; \
	ADCXQ R15, BX

// func sqrADX(z, x, t, m *big.Word, k0 big.Word, n int)
//
// z = x²·β⁻ⁿ mod m for x < m of n words (n a multiple of 8), with t as 2n
// words of working space, in three passes (sqrADXGeneric in adx.go is the
// same in Go):
//   the triangle: t = Σ_{i<j} x_i·x_j·β^(i+j), row i adding x_i·x[i+1:] at
//   t[2i+1:] and storing its carry at t[i+n], which no earlier row reached.
//   Row i = 8I + k starts with the 7 − k words of x's block I above x_i
//   (unrolled, one copy of the code per k), then takes the whole blocks
//   above;
//   t = 2t + Σ x_i²·β^(2i), one CF chain (the shifts by SHRXQ and LEAQ set
//   no flags, and the loop's DECQ keeps CF);
//   the reduction: n rows t += q·m·β^i for q = t_i·k0, each row's carry
//   added at t[i+n] with the running carry (R14) of the rows before, which
//   leaves t[n:] + R14·βⁿ below 2m; then z = that − m or that, by a mask.
TEXT ·sqrADX(SB), NOSPLIT, $0-48
	MOVQ t+16(FP), DI
	MOVQ n+40(FP), CX
	SHRQ $2, CX
	XORL AX, AX
	XORL R15, R15

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

	MOVQ x+8(FP), R8
	MOVQ t+16(FP), R9
	LEAQ 8(R9), R9
	MOVQ n+40(FP), R12
	SHRQ $3, R12
	LEAQ -1(R12), R10

sqrblockrow:
	// Row 8I + 0: 7 words of its own block, then R10 whole blocks.
	MOVQ (R8), DX
	LEAQ 8(R8), SI
	MOVQ R9, DI
	XORL BX, BX
	ADDMUL(0, BX, CX)
	ADDMUL(8, CX, BX)
	ADDMUL(16, BX, CX)
	ADDMUL(24, CX, BX)
	ADDMUL(32, BX, CX)
	ADDMUL(40, CX, BX)
	ADDMUL(48, BX, CX)
	ADOXQ R15, CX
	ADCXQ R15, CX
	MOVQ  CX, BX
	LEAQ  56(SI), SI
	LEAQ  56(DI), DI
	MOVQ  R10, R11
	TESTQ R11, R11
	JZ    sqrtop0

sqrblk0:
	ADDMUL8
	LEAQ 64(SI), SI
	LEAQ 64(DI), DI
	DECQ R11
	JNZ  sqrblk0

sqrtop0:
	MOVQ BX, (DI)
	LEAQ 8(R8), R8
	LEAQ 16(R9), R9

	// Row 8I + 1: 6 words of its own block, then R10 whole blocks.
	MOVQ (R8), DX
	LEAQ 8(R8), SI
	MOVQ R9, DI
	XORL BX, BX
	ADDMUL(0, BX, CX)
	ADDMUL(8, CX, BX)
	ADDMUL(16, BX, CX)
	ADDMUL(24, CX, BX)
	ADDMUL(32, BX, CX)
	ADDMUL(40, CX, BX)
	ADOXQ R15, BX
	ADCXQ R15, BX
	LEAQ  48(SI), SI
	LEAQ  48(DI), DI
	MOVQ  R10, R11
	TESTQ R11, R11
	JZ    sqrtop1

sqrblk1:
	ADDMUL8
	LEAQ 64(SI), SI
	LEAQ 64(DI), DI
	DECQ R11
	JNZ  sqrblk1

sqrtop1:
	MOVQ BX, (DI)
	LEAQ 8(R8), R8
	LEAQ 16(R9), R9

	// Row 8I + 2: 5 words of its own block, then R10 whole blocks.
	MOVQ (R8), DX
	LEAQ 8(R8), SI
	MOVQ R9, DI
	XORL BX, BX
	ADDMUL(0, BX, CX)
	ADDMUL(8, CX, BX)
	ADDMUL(16, BX, CX)
	ADDMUL(24, CX, BX)
	ADDMUL(32, BX, CX)
	ADOXQ R15, CX
	ADCXQ R15, CX
	MOVQ  CX, BX
	LEAQ  40(SI), SI
	LEAQ  40(DI), DI
	MOVQ  R10, R11
	TESTQ R11, R11
	JZ    sqrtop2

sqrblk2:
	ADDMUL8
	LEAQ 64(SI), SI
	LEAQ 64(DI), DI
	DECQ R11
	JNZ  sqrblk2

sqrtop2:
	MOVQ BX, (DI)
	LEAQ 8(R8), R8
	LEAQ 16(R9), R9

	// Row 8I + 3: 4 words of its own block, then R10 whole blocks.
	MOVQ (R8), DX
	LEAQ 8(R8), SI
	MOVQ R9, DI
	XORL BX, BX
	ADDMUL(0, BX, CX)
	ADDMUL(8, CX, BX)
	ADDMUL(16, BX, CX)
	ADDMUL(24, CX, BX)
	ADOXQ R15, BX
	ADCXQ R15, BX
	LEAQ  32(SI), SI
	LEAQ  32(DI), DI
	MOVQ  R10, R11
	TESTQ R11, R11
	JZ    sqrtop3

sqrblk3:
	ADDMUL8
	LEAQ 64(SI), SI
	LEAQ 64(DI), DI
	DECQ R11
	JNZ  sqrblk3

sqrtop3:
	MOVQ BX, (DI)
	LEAQ 8(R8), R8
	LEAQ 16(R9), R9

	// Row 8I + 4: 3 words of its own block, then R10 whole blocks.
	MOVQ (R8), DX
	LEAQ 8(R8), SI
	MOVQ R9, DI
	XORL BX, BX
	ADDMUL(0, BX, CX)
	ADDMUL(8, CX, BX)
	ADDMUL(16, BX, CX)
	ADOXQ R15, CX
	ADCXQ R15, CX
	MOVQ  CX, BX
	LEAQ  24(SI), SI
	LEAQ  24(DI), DI
	MOVQ  R10, R11
	TESTQ R11, R11
	JZ    sqrtop4

sqrblk4:
	ADDMUL8
	LEAQ 64(SI), SI
	LEAQ 64(DI), DI
	DECQ R11
	JNZ  sqrblk4

sqrtop4:
	MOVQ BX, (DI)
	LEAQ 8(R8), R8
	LEAQ 16(R9), R9

	// Row 8I + 5: 2 words of its own block, then R10 whole blocks.
	MOVQ (R8), DX
	LEAQ 8(R8), SI
	MOVQ R9, DI
	XORL BX, BX
	ADDMUL(0, BX, CX)
	ADDMUL(8, CX, BX)
	ADOXQ R15, BX
	ADCXQ R15, BX
	LEAQ  16(SI), SI
	LEAQ  16(DI), DI
	MOVQ  R10, R11
	TESTQ R11, R11
	JZ    sqrtop5

sqrblk5:
	ADDMUL8
	LEAQ 64(SI), SI
	LEAQ 64(DI), DI
	DECQ R11
	JNZ  sqrblk5

sqrtop5:
	MOVQ BX, (DI)
	LEAQ 8(R8), R8
	LEAQ 16(R9), R9

	// Row 8I + 6: 1 words of its own block, then R10 whole blocks.
	MOVQ (R8), DX
	LEAQ 8(R8), SI
	MOVQ R9, DI
	XORL BX, BX
	ADDMUL(0, BX, CX)
	ADOXQ R15, CX
	ADCXQ R15, CX
	MOVQ  CX, BX
	LEAQ  8(SI), SI
	LEAQ  8(DI), DI
	MOVQ  R10, R11
	TESTQ R11, R11
	JZ    sqrtop6

sqrblk6:
	ADDMUL8
	LEAQ 64(SI), SI
	LEAQ 64(DI), DI
	DECQ R11
	JNZ  sqrblk6

sqrtop6:
	MOVQ BX, (DI)
	LEAQ 8(R8), R8
	LEAQ 16(R9), R9

	// Row 8I + 7: 0 words of its own block, then R10 whole blocks.
	MOVQ (R8), DX
	LEAQ 8(R8), SI
	MOVQ R9, DI
	XORL BX, BX
	MOVQ  R10, R11
	TESTQ R11, R11
	JZ    sqrtop7

sqrblk7:
	ADDMUL8
	LEAQ 64(SI), SI
	LEAQ 64(DI), DI
	DECQ R11
	JNZ  sqrblk7

sqrtop7:
	MOVQ BX, (DI)
	LEAQ 8(R8), R8
	LEAQ 16(R9), R9

	DECQ R10
	DECQ R12
	JNZ  sqrblockrow

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

	// The reduction.
	MOVQ t+16(FP), DI
	MOVQ n+40(FP), R12
	XORL R14, R14

sqrred:
	MOVQ  (DI), DX
	IMULQ k0+32(FP), DX
	MOVQ  m+24(FP), SI
	MOVQ  DI, R9
	MOVQ  n+40(FP), R11
	SHRQ  $3, R11
	XORL  BX, BX

sqrredblk:
	ADDMUL8
	LEAQ 64(SI), SI
	LEAQ 64(DI), DI
	DECQ R11
	JNZ  sqrredblk

	// DI is at t[i+n]: add the row's carry and the running one.
	XORL R10, R10
	MOVQ (DI), AX
	ADDQ BX, AX
	ADCQ $0, R10
	ADDQ R14, AX
	ADCQ $0, R10
	MOVQ AX, (DI)
	MOVQ R10, R14
	LEAQ 8(R9), DI
	DECQ R12
	JNZ  sqrred

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
