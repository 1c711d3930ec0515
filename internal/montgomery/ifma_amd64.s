//go:build !purego

#include "textflag.h"

// MADD8 adds op's halves (VPMADD52LUQ: low, VPMADD52HUQ: high) of the
// products of the 64 limbs at off(src) and the broadcast limb b to the lanes.
#define MADD8(op, off, src, b) \
	op off+0(src), b, Z0; \
	op off+64(src), b, Z1; \
	op off+128(src), b, Z2; \
	op off+192(src), b, Z3; \
	op off+256(src), b, Z4; \
	op off+320(src), b, Z5; \
	op off+384(src), b, Z6; \
	op off+448(src), b, Z7

// func amm52(z, x, y *ifmaNum, m *ifmaMod, k0 big.Word)
//
// z = x·y·R'⁻¹ (+ a multiple of m), below 2m, for 60 limbs of 52 bits padded
// to 64 words (ifma.go; amm52Generic is the same sum in Go). The 64 lanes of
// the accumulator are Z0–Z7. Each of the 60 steps takes limb b = y_i:
//   q = (acc_0 + lo52(x_0·b))·k0 mod 2^52, in scalar registers;
//   acc += lo52(x·b) + hi52(x·b) one lane up + lo52(m·q) + hi52(m·q) one
//   lane up (x and m moved up one lane for the high halves: Z20–Z27 and
//   m.up), which clears acc_0's low 52 bits;
//   acc = acc/2^52: one lane down, dropping lane 0, whose carry (acc_0 >> 52)
//   is kept in a scalar register and added to the next step's acc_0 there.
// Only the scalar path waits on q; the vector work of the next step that
// does not need q overlaps it. Lanes are not carried during the steps (each
// stays below 2^61); the end carries them into 52-bit limbs, starting with
// the last step's carry, and writes z, so z may be x or y. The instructions
// and memory accesses do not depend on the values.
//
// Registers: DI z, SI x, BX y's next limb, CX m, R8 k0, R9 2^52 − 1, R10 the
// count, R11 x_0, R12 m_0, R13 the carry of lane 0; Z0–Z7 the accumulator,
// Z8 b, Z9 q, Z10 zero, Z20–Z27 x moved up one lane.
TEXT ·amm52(SB), NOSPLIT, $0-40
	MOVQ z+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), BX
	MOVQ m+24(FP), CX
	MOVQ k0+32(FP), R8
	MOVQ $0xfffffffffffff, R9
	MOVQ $60, R10
	MOVQ (SI), R11
	MOVQ (CX), R12
	XORQ R13, R13
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7
	VPXORQ Z10, Z10, Z10

	// Z20–Z27 = x one lane up.
	VMOVDQU64 0(SI), Z12
	VMOVDQU64 64(SI), Z13
	VMOVDQU64 128(SI), Z14
	VMOVDQU64 192(SI), Z15
	VMOVDQU64 256(SI), Z16
	VMOVDQU64 320(SI), Z17
	VMOVDQU64 384(SI), Z18
	VMOVDQU64 448(SI), Z19
	VALIGNQ $7, Z10, Z12, Z20
	VALIGNQ $7, Z12, Z13, Z21
	VALIGNQ $7, Z13, Z14, Z22
	VALIGNQ $7, Z14, Z15, Z23
	VALIGNQ $7, Z15, Z16, Z24
	VALIGNQ $7, Z16, Z17, Z25
	VALIGNQ $7, Z17, Z18, Z26
	VALIGNQ $7, Z18, Z19, Z27

loop:
	MOVQ (BX), DX
	VPBROADCASTQ DX, Z8
	IMULQ R11, DX
	ANDQ R9, DX
	VMOVQ X0, AX
	ADDQ DX, AX
	ADDQ R13, AX
	MOVQ AX, DX
	IMULQ R8, AX
	ANDQ R9, AX
	VPBROADCASTQ AX, Z9
	IMULQ R12, AX
	ANDQ R9, AX
	ADDQ DX, AX
	SHRQ $52, AX
	MOVQ AX, R13
	MADD8(VPMADD52LUQ, 0, SI, Z8)
	VPMADD52HUQ Z20, Z8, Z0
	VPMADD52HUQ Z21, Z8, Z1
	VPMADD52HUQ Z22, Z8, Z2
	VPMADD52HUQ Z23, Z8, Z3
	VPMADD52HUQ Z24, Z8, Z4
	VPMADD52HUQ Z25, Z8, Z5
	VPMADD52HUQ Z26, Z8, Z6
	VPMADD52HUQ Z27, Z8, Z7
	MADD8(VPMADD52LUQ, 0, CX, Z9)
	MADD8(VPMADD52HUQ, 512, CX, Z9)
	VALIGNQ $1, Z0, Z1, Z0
	VALIGNQ $1, Z1, Z2, Z1
	VALIGNQ $1, Z2, Z3, Z2
	VALIGNQ $1, Z3, Z4, Z3
	VALIGNQ $1, Z4, Z5, Z4
	VALIGNQ $1, Z5, Z6, Z5
	VALIGNQ $1, Z6, Z7, Z6
	VALIGNQ $1, Z7, Z10, Z7
	ADDQ $8, BX
	DECQ R10
	JNZ loop

	VMOVDQU64 Z0, 0(DI)
	VMOVDQU64 Z1, 64(DI)
	VMOVDQU64 Z2, 128(DI)
	VMOVDQU64 Z3, 192(DI)
	VMOVDQU64 Z4, 256(DI)
	VMOVDQU64 Z5, 320(DI)
	VMOVDQU64 Z6, 384(DI)
	VMOVDQU64 Z7, 448(DI)
	VZEROUPPER

	// Carry the lanes into 52-bit limbs, from the last step's carry.
	MOVQ R13, AX
	MOVQ $64, R10

carry:
	MOVQ (DI), DX
	ADDQ AX, DX
	MOVQ DX, AX
	SHRQ $52, AX
	ANDQ R9, DX
	MOVQ DX, (DI)
	ADDQ $8, DI
	DECQ R10
	JNZ carry
	RET
