//go:build !purego

#include "textflag.h"

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
	VPMADD52LUQ 0(SI), Z8, Z0
	VPMADD52LUQ 64(SI), Z8, Z1
	VPMADD52LUQ 128(SI), Z8, Z2
	VPMADD52LUQ 192(SI), Z8, Z3
	VPMADD52LUQ 256(SI), Z8, Z4
	VPMADD52LUQ 320(SI), Z8, Z5
	VPMADD52LUQ 384(SI), Z8, Z6
	VPMADD52LUQ 448(SI), Z8, Z7
	VMOVQ X0, AX
	IMULQ R8, AX
	ANDQ R9, AX
	VPBROADCASTQ AX, Z9
	VPMADD52LUQ 0(CX), Z9, Z0
	VPMADD52LUQ 64(CX), Z9, Z1
	VPMADD52LUQ 128(CX), Z9, Z2
	VPMADD52LUQ 192(CX), Z9, Z3
	VPMADD52LUQ 256(CX), Z9, Z4
	VPMADD52LUQ 320(CX), Z9, Z5
	VPMADD52LUQ 384(CX), Z9, Z6
	VPMADD52LUQ 448(CX), Z9, Z7
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
	VPMADD52HUQ 0(SI), Z8, Z0
	VPMADD52HUQ 64(SI), Z8, Z1
	VPMADD52HUQ 128(SI), Z8, Z2
	VPMADD52HUQ 192(SI), Z8, Z3
	VPMADD52HUQ 256(SI), Z8, Z4
	VPMADD52HUQ 320(SI), Z8, Z5
	VPMADD52HUQ 384(SI), Z8, Z6
	VPMADD52HUQ 448(SI), Z8, Z7
	VPMADD52HUQ 0(CX), Z9, Z0
	VPMADD52HUQ 64(CX), Z9, Z1
	VPMADD52HUQ 128(CX), Z9, Z2
	VPMADD52HUQ 192(CX), Z9, Z3
	VPMADD52HUQ 256(CX), Z9, Z4
	VPMADD52HUQ 320(CX), Z9, Z5
	VPMADD52HUQ 384(CX), Z9, Z6
	VPMADD52HUQ 448(CX), Z9, Z7
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
