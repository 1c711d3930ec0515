package main

import "runtime/debug"

// defaultGCPercent is serve's garbage-collection target when GOGC is not set: the heap may grow
// to 3× what the last collection found live (Go's default is 2×). serve's live heap is small
// (≈ 6 MiB after a collection with the memory store nearly empty), so this costs ≈ 6 MiB of RSS
// at rest and ≈ 15 MiB under load and halves the collections per sign-in; docs/benchmarks.md
// has the measurement and docs/operations.md how to tune it (GOGC, GOMEMLIMIT).
const defaultGCPercent = 200

// setCollector gives the process's collector serve's default, unless the operator chose one with
// GOGC (which the Go runtime has applied already).
func setCollector(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
}
