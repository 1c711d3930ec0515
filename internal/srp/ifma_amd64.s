//go:build !purego

#include "textflag.h"

// MADD8 adds op's halves (VPMADD52LUQ: low, VPMADD52HUQ: high) of the
// products of the 64 limbs at src and the broadcast limb b to the lanes.
#define MADD8(op, src, b) \
	op 0(src), b, Z0; \
	op 64(src), b, Z1; \
	op 128(src), b, Z2; \
	op 192(src), b, Z3; \
	op 256(src), b, Z4; \
	op 320(src), b, Z5; \
	op 384(src), b, Z6; \
	op 448(src), b, Z7

// func amm52(z, x, y, m *ifmaNum, k0 big.Word)
//
// z = x·y·R'⁻¹ (+ a multiple of m), below 2m, for 60 limbs of 52 bits padded
// to 64 words (ifma.go; amm52Generic is the same steps in Go). The 64 lanes
// of the accumulator are Z0–Z7. Each of the 60 steps takes limb y_i:
//   acc += lo52(x·y_i); q = acc_0·k0 mod 2^52; acc += lo52(m·q)
//   (which clears acc_0's low 52 bits); acc = acc/2^52 one lane down, with
//   acc_0's carry added to the new acc_0; acc += hi52(x·y_i) + hi52(m·q),
//   which belong one lane up and so now line up.
// Lanes are not carried during the steps (each stays below 2^61); the end
// carries them into 52-bit limbs, in order, and writes z, so z may be x or y.
// The instructions and memory accesses do not depend on the values.
//
// Registers: DI z, SI x, BX y's next limb, CX m, R8 k0, R9 2^52 − 1, R10 the
// count; Z0–Z7 the accumulator, Z8 the limb of y, Z9 q, Z10 zero, Z11 the
// carry of lane 0.
TEXT ·amm52(SB), NOSPLIT, $0-40
	MOVQ z+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), BX
	MOVQ m+24(FP), CX
	MOVQ k0+32(FP), R8
	MOVQ $0xfffffffffffff, R9
	MOVQ $60, R10
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7
	VPXORQ Z10, Z10, Z10

loop:
	VPBROADCASTQ (BX), Z8
	MADD8(VPMADD52LUQ, SI, Z8)
	VMOVQ X0, AX
	IMULQ R8, AX
	ANDQ R9, AX
	VPBROADCASTQ AX, Z9
	MADD8(VPMADD52LUQ, CX, Z9)
	VMOVQ X0, AX
	SHRQ $52, AX
	VALIGNQ $1, Z0, Z1, Z0
	VALIGNQ $1, Z1, Z2, Z1
	VALIGNQ $1, Z2, Z3, Z2
	VALIGNQ $1, Z3, Z4, Z3
	VALIGNQ $1, Z4, Z5, Z4
	VALIGNQ $1, Z5, Z6, Z5
	VALIGNQ $1, Z6, Z7, Z6
	VALIGNQ $1, Z7, Z10, Z7
	VMOVQ AX, X11
	VPADDQ Z11, Z0, Z0
	MADD8(VPMADD52HUQ, SI, Z8)
	MADD8(VPMADD52HUQ, CX, Z9)
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

	// Carry the lanes into 52-bit limbs.
	XORQ AX, AX
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
