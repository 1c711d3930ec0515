//go:build !math_big_pure_go

package montgomery

import (
	"math/big"
	_ "unsafe" // for go:linkname
)

// addMulVVW sets z = z + x·y for len(x) ≥ len(z) and returns the carry word:
// math/big's linkable wrapper around its assembly (addMulVVWW; ADX/BMI2 on amd64), which math/big keeps linkable
// by that name and signature on purpose ("Do not remove or change the type
// signature", go.dev/issue/67401). No exported API of the standard library
// multiplies a number by a word into another in place, which each row of a
// Montgomery product needs; addMulVVWGeneric is the same in Go, and
// TestAddMulVVW checks the two agree.
//
//go:linkname addMulVVW math/big.addMulVVW
//go:noescape
func addMulVVW(z, x []big.Word, y big.Word) (c big.Word)

// subVV sets z = x − y for words of equal length and returns the borrow:
// math/big's assembly, kept linkable like addMulVVW; subVVGeneric is the same
// in Go (TestSubVV).
//
//go:linkname subVV math/big.subVV
//go:noescape
func subVV(z, x, y []big.Word) (c big.Word)
