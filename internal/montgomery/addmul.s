//go:build !math_big_pure_go

// This file is empty: its presence lets addmul.go declare addMulVVW without a
// body (go:linkname to math/big's implementation).
