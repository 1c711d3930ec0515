//go:build !purego

package rsasign

import (
	"crypto/fips140"
	"testing"

	"golang.org/x/sys/cpu"
)

// TestFastWhereTheCPUHasIFMAOrADX: where the CPU has AVX-512 IFMA, or else
// BMI2, ADX and AVX2 (as golang.org/x/sys/cpu reports them, GODEBUG
// included), an RSA-2048 key signs on that assembly, so the other tests'
// "asm" signer cannot go missing unnoticed.
func TestFastWhereTheCPUHasIFMAOrADX(t *testing.T) {
	ifma := cpu.X86.HasAVX512F && cpu.X86.HasAVX512IFMA
	adx := cpu.X86.HasBMI2 && cpu.X86.HasADX && cpu.X86.HasAVX2
	if !ifma && !adx || fips140.Enabled() {
		t.Skip("neither AVX-512 IFMA nor BMI2, ADX and AVX2 here (or FIPS 140 mode): crypto/rsa signs, as TestFastPathOnlyFor checks")
	}
	want := "adx"
	if ifma {
		want = "ifma"
	}
	if got := New(keys(t)[0]).Path(); got != want {
		t.Fatalf("an RSA-2048 key signs on %s, want %s", got, want)
	}
}
