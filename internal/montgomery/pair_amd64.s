//go:build !purego

#include "textflag.h"

// ONESTEP is one step of a 20-limb almost-Montgomery product (amm52's step,
// ifma_amd64.s, on three registers) for one of the two products of
// amm52x2: b = y[i] from yoff(BX)(R10*8), q from the lane-0 value, the
// accumulator a0–a2 += lo52(x·b) (x in x0–x2) + hi52(x·b) one lane up (xu0–xu2)
// + lo52(m·q) + hi52(m·q) one lane up (m and m.up at moff(CX)), then moved
// down one lane; lane0 is a0 as an X register, xlo x's limb 0, k0off(SI) its k0, carry the lane-0 carry.
#define ONESTEP(yoff, xlo, k0off, moff, carry, lane0, a0, a1, a2, x0, x1, x2, xu0, xu1, xu2, bb, qq) \
	MOVQ yoff(BX)(R10*8), DX; \
	VPBROADCASTQ DX, bb; \
	IMULQ xlo, DX; \
	ANDQ R8, DX; \
	VMOVQ lane0, AX; \
	ADDQ DX, AX; \
	ADDQ carry, AX; \
	MOVQ AX, DX; \
	IMULQ k0off(SI), AX; \
	ANDQ R8, AX; \
	VPBROADCASTQ AX, qq; \
	IMULQ moff(CX), AX; \
	ANDQ R8, AX; \
	ADDQ DX, AX; \
	SHRQ $52, AX; \
	MOVQ AX, carry; \
	VPMADD52LUQ x0, bb, a0; \
	VPMADD52LUQ x1, bb, a1; \
	VPMADD52LUQ x2, bb, a2; \
	VPMADD52HUQ xu0, bb, a0; \
	VPMADD52HUQ xu1, bb, a1; \
	VPMADD52HUQ xu2, bb, a2; \
	VPMADD52LUQ moff+0(CX), qq, a0; \
	VPMADD52LUQ moff+64(CX), qq, a1; \
	VPMADD52LUQ moff+128(CX), qq, a2; \
	VPMADD52HUQ moff+192(CX), qq, a0; \
	VPMADD52HUQ moff+256(CX), qq, a1; \
	VPMADD52HUQ moff+320(CX), qq, a2; \
	VALIGNQ $1, a0, a1, a0; \
	VALIGNQ $1, a1, a2, a1; \
	VALIGNQ $1, a2, Z22, a2

// CARRY24 carries the 24 lanes at DI into 52-bit limbs, starting with the
// carry in AX (it clobbers AX, DX, R10 and moves DI past them).
#define CARRY24(label) \
	MOVQ $24, R10; \
label: \
	MOVQ (DI), DX; \
	ADDQ AX, DX; \
	MOVQ DX, AX; \
	SHRQ $52, AX; \
	ANDQ R8, DX; \
	MOVQ DX, (DI); \
	ADDQ $8, DI; \
	DECQ R10; \
	JNZ label

// ZERO6 clears Z0–Z5.
#define ZERO6 \
	VPXORQ Z0, Z0, Z0; \
	VPXORQ Z1, Z1, Z1; \
	VPXORQ Z2, Z2, Z2; \
	VPXORQ Z3, Z3, Z3; \
	VPXORQ Z4, Z4, Z4; \
	VPXORQ Z5, Z5, Z5

// STORE6 writes Z0–Z5 to the 384 bytes at DI.
#define STORE6 \
	VMOVDQU64 Z0, 0(DI); \
	VMOVDQU64 Z1, 64(DI); \
	VMOVDQU64 Z2, 128(DI); \
	VMOVDQU64 Z3, 192(DI); \
	VMOVDQU64 Z4, 256(DI); \
	VMOVDQU64 Z5, 320(DI)

// func amm52x2(z, x, y *PairNum, m *[2]pairMod, k0 *[2]big.Word)
//
// Two independent 20-limb almost-Montgomery products at once, z[h] =
// x[h]·y[h]·2^-1040 (+ a multiple of m[h]), below 2m[h] for x[h], y[h] below
// 2m[h] (pair.go; amm52Words is the same sum in Go). The two products'
// steps are interleaved so that one's scalar q chain overlaps the other's
// vector work. Each number is 24 words (20 limbs and 4 zero words), so z[1]
// is at z + 192; a pairMod is m's limbs and m moved up one limb, 384 bytes.
// The instructions and memory accesses do not depend on the values; z may
// be x or y.
//
// Registers: DI z, SI k0, BX y, CX m, R8 2^52 − 1, R10 the step, R9/R11 the
// lane-0 carries, R12/R13 x[0]_0 and x[1]_0; Z0–Z2 and Z3–Z5 the
// accumulators, Z6–Z8/Z12–Z14 x, Z9–Z11/Z15–Z17 x moved up one lane,
// Z18/Z20 b, Z19/Z21 q, Z22 zero.
TEXT ·amm52x2(SB), NOSPLIT, $0-40
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), BX
	MOVQ m+24(FP), CX
	MOVQ $0xfffffffffffff, R8
	XORQ R9, R9
	XORQ R11, R11
	XORQ R10, R10
	MOVQ 0(SI), R12
	MOVQ 192(SI), R13
	VPXORQ Z22, Z22, Z22
	ZERO6
	VMOVDQU64 0(SI), Z6
	VMOVDQU64 64(SI), Z7
	VMOVDQU64 128(SI), Z8
	VMOVDQU64 192(SI), Z12
	VMOVDQU64 256(SI), Z13
	VMOVDQU64 320(SI), Z14
	VALIGNQ $7, Z22, Z6, Z9
	VALIGNQ $7, Z6, Z7, Z10
	VALIGNQ $7, Z7, Z8, Z11
	VALIGNQ $7, Z22, Z12, Z15
	VALIGNQ $7, Z12, Z13, Z16
	VALIGNQ $7, Z13, Z14, Z17
	MOVQ k0+32(FP), SI

loop:
	ONESTEP(0, R12, 0, 0, R9, X0, Z0, Z1, Z2, Z6, Z7, Z8, Z9, Z10, Z11, Z18, Z19)
	ONESTEP(192, R13, 8, 384, R11, X3, Z3, Z4, Z5, Z12, Z13, Z14, Z15, Z16, Z17, Z20, Z21)
	INCQ R10
	CMPQ R10, $20
	JNE loop

	MOVQ z+0(FP), DI
	STORE6
	VZEROUPPER

	MOVQ R9, AX
	CARRY24(carry0)
	MOVQ R11, AX
	CARRY24(carry1)
	RET

// func selectPair(z *PairNum, table *[pairTable]PairNum, idx0, idx1 uint64)
//
// z[h] = table[idx_h][h] for idx_h < pairTable, read by a scan of every entry
// (each loaded whole and kept or not by a mask from a comparison), so the
// memory accesses do not depend on the indices.
//
// Registers: DI z, SI the entry, CX the count; Z0–Z2 and Z3–Z5 the results,
// Z6–Z11 the entry, Z28 one, Z29 the entry's number, Z30/Z31 the indices.
TEXT ·selectPair(SB), NOSPLIT, $0-32
	MOVQ z+0(FP), DI
	MOVQ table+8(FP), SI
	VPBROADCASTQ idx0+16(FP), Z30
	VPBROADCASTQ idx1+24(FP), Z31
	MOVQ $1, AX
	VPBROADCASTQ AX, Z28
	VPXORQ Z29, Z29, Z29
	ZERO6
	MOVQ $32, CX

sel:
	VPCMPEQQ Z29, Z30, K1
	VPCMPEQQ Z29, Z31, K2
	VMOVDQU64 0(SI), Z6
	VMOVDQU64 64(SI), Z7
	VMOVDQU64 128(SI), Z8
	VMOVDQU64 192(SI), Z9
	VMOVDQU64 256(SI), Z10
	VMOVDQU64 320(SI), Z11
	VMOVDQA64 Z6, K1, Z0
	VMOVDQA64 Z7, K1, Z1
	VMOVDQA64 Z8, K1, Z2
	VMOVDQA64 Z9, K2, Z3
	VMOVDQA64 Z10, K2, Z4
	VMOVDQA64 Z11, K2, Z5
	VPADDQ Z28, Z29, Z29
	ADDQ $384, SI
	DECQ CX
	JNZ sel

	STORE6
	VZEROUPPER
	RET
