//go:build !purego

package montgomery

import (
	"math/big"

	"golang.org/x/sys/cpu"
)

// mont16Mul is mont64Generic in BMI2 and ADX assembly (pair64_amd64.s).
//
//go:noescape
func mont16Mul(z, x, y, m *pair64Half, k0 big.Word)

// mont16Sqr is mont64Generic(z, x, x, m, k0) with each product x_i·x_j
// (i ≠ j) computed once (pair64_amd64.s).
//
//go:noescape
func mont16Sqr(z, x, m *pair64Half, k0 big.Word)

// selectPair64 is selectPairGeneric for the 64-bit-word form (the first 16
// words of each half) in AVX2 assembly (pair64_amd64.s).
//
//go:noescape
func selectPair64(z *PairNum, table *[pairTable]PairNum, idx0, idx1 uint64)

// pair64Supported reports whether this CPU runs pair64_amd64.s: MULX (BMI2),
// ADCX and ADOX (ADX), and AVX2 for the table scan.
func pair64Supported() bool { return cpu.X86.HasBMI2 && cpu.X86.HasADX && cpu.X86.HasAVX2 }

// mont32Mul is montWordsGeneric for 32 words in BMI2 and ADX assembly
// (pair64_amd64.s).
//
//go:noescape
func mont32Mul(z, x, y, m *Mod2048Num, k0 big.Word)
