//go:build !amd64 || purego

package montgomery

import "math/big"

// ifmaSupported is false where there is no IFMA assembly (other
// architectures, or the purego tag): the word-by-word product is used.
func ifmaSupported() bool { return false }

// amm52 is the Go version; nothing selects it here, tests compare it.
func amm52(z, x, y *ifmaNum, m *ifmaMod, k0 big.Word) { amm52Generic(z, x, y, m, k0) }
