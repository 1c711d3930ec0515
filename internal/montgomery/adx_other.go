//go:build !amd64 || purego

package montgomery

import (
	"math/big"
	"unsafe"
)

// adxSupported is false where there is no ADX assembly (other
// architectures, or the purego tag): the ADX path runs the Go products.
func adxSupported() bool { return false }

// mulADX and sqrADX are the Go versions here; the ADX path only calls them
// where adxSupported, and tests compare them.
func mulADX(z, x, y, buf *big.Word, k0 big.Word, n int) {
	mulADXGeneric(unsafe.Slice(z, n), unsafe.Slice(x, n), unsafe.Slice(y, n), unsafe.Slice(buf, mulADXBufWords(n)), k0)
}

func sqrADX(z, x, t, m *big.Word, k0 big.Word, n int) {
	sqrADXGeneric(unsafe.Slice(z, n), unsafe.Slice(x, n), unsafe.Slice(t, 2*n), unsafe.Slice(m, n), k0)
}
