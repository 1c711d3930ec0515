//go:build !purego

package montgomery

import (
	"math/big"

	"golang.org/x/sys/cpu"
)

// amm52 is amm52Generic in AVX-512 IFMA assembly (ifma_amd64.s).
//
//go:noescape
func amm52(z, x, y *ifmaNum, m *ifmaMod, k0 big.Word)

// ifmaSupported reports whether this CPU (and its operating system, which
// must save the 512-bit registers) runs amm52.
func ifmaSupported() bool { return cpu.X86.HasAVX512F && cpu.X86.HasAVX512IFMA }
