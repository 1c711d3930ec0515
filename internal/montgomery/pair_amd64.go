//go:build !purego

package montgomery

import "math/big"

// amm52x2 is amm52x2Generic in AVX-512 IFMA assembly (pair_amd64.s).
//
//go:noescape
func amm52x2(z, x, y *PairNum, m *[2]pairMod, k0 *[2]big.Word)

// selectPair sets z[h] = table[idx_h][h] by a scan of every entry
// (selectPairGeneric in assembly, pair_amd64.s).
//
//go:noescape
func selectPair(z *PairNum, table *[pairTable]PairNum, idx0, idx1 uint64)
