//go:build !purego

package rsasign

import (
	"crypto/fips140"
	"testing"

	"golang.org/x/sys/cpu"
)

// TestFastWhereTheCPUHasIFMA: where the CPU has AVX-512 IFMA (as golang.org/x/sys/cpu reports
// it, GODEBUG included) an RSA-2048 key signs on the assembly, so the other tests' "asm" signer
// cannot go missing unnoticed.
func TestFastWhereTheCPUHasIFMA(t *testing.T) {
	if !cpu.X86.HasAVX512F || !cpu.X86.HasAVX512IFMA || fips140.Enabled() {
		t.Skip("no AVX-512 IFMA here (or FIPS 140 mode): crypto/rsa signs, as TestFastPathOnlyFor checks")
	}
	if !New(keys(t)[0]).Fast() {
		t.Fatal("a CPU with AVX-512 IFMA signs an RSA-2048 key with crypto/rsa")
	}
}
