//go:build !purego

package montgomery

import (
	"math/big"

	"golang.org/x/sys/cpu"
)

// mulADX is mulADXGeneric in assembly (adx_amd64.s) for n words, n a
// multiple of adxBlock, and buf of mulADXBufWords(n) words laid out by
// mulADXBuf.
//
//go:noescape
func mulADX(z, x, y, buf *big.Word, k0 big.Word, n int)

// sqrADX is sqrADXGeneric in assembly, t being 2n words of working space.
//
//go:noescape
func sqrADX(z, x, t, m *big.Word, k0 big.Word, n int)

// adxSupported reports whether this CPU runs mulADX and sqrADX.
func adxSupported() bool { return cpu.X86.HasBMI2 && cpu.X86.HasADX }
