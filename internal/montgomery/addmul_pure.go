//go:build math_big_pure_go

package montgomery

import "math/big"

// addMulVVW and subVV are the Go versions where math/big is built without
// assembly (the math_big_pure_go tag) and has no such functions to link to.
func addMulVVW(z, x []big.Word, y big.Word) big.Word { return addMulVVWGeneric(z, x, y) }

func subVV(z, x, y []big.Word) big.Word { return subVVGeneric(z, x, y) }
