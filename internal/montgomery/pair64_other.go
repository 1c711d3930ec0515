//go:build !amd64 || purego

package montgomery

import "math/big"

// Where there is no assembly, NewPair does not choose the 64-bit-word form
// (pair64Supported is false) and these Go versions serve only the tests.

func pair64Supported() bool { return false }

func mont16Mul(z, x, y, m *pair64Half, k0 big.Word) { mont64Generic(z, x, y, m, k0) }

func mont16Sqr(z, x, m *pair64Half, k0 big.Word) { mont64Generic(z, x, x, m, k0) }

func selectPair64(z *PairNum, table *[pairTable]PairNum, idx0, idx1 uint64) {
	selectPairGeneric(z, table, idx0, idx1)
}

func mont32Mul(z, x, y, m *Mod2048Num, k0 big.Word) { montWordsGeneric(z[:], x[:], y[:], m[:], k0) }
