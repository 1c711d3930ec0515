//go:build math_big_pure_go

package srp

import "math/big"

// addMulVVW is addMulVVWGeneric where math/big is built without assembly
// (the math_big_pure_go tag) and has no addMulVVW to link to.
func addMulVVW(z, x []big.Word, y big.Word) big.Word { return addMulVVWGeneric(z, x, y) }
