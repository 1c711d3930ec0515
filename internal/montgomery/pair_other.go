//go:build !amd64 || purego

package montgomery

import "math/big"

// Where there is no assembly, NewPair refuses (ifmaSupported is false) and
// these Go versions serve only the tests.

func amm52x2(z, x, y *PairNum, m *[2]pairMod, k0 *[2]big.Word) { amm52x2Generic(z, x, y, m, k0) }

func selectPair(z *PairNum, table *[pairTable]PairNum, idx0, idx1 uint64) {
	selectPairGeneric(z, table, idx0, idx1)
}
