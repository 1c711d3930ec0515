package testutil

import (
	"runtime"
	"syscall"
	"testing"
)

// LoopCPU runs f in b.Loop on one locked OS thread and reports, besides the
// wall-clock ns/op, the thread's own CPU time per call as "cpu-ns/op". On a
// machine shared with other work the wall clock measures the queue for the
// cores; the thread's CPU time does not. Work f hands to other goroutines is
// not counted.
func LoopCPU(b *testing.B, f func()) {
	b.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start := threadCPU(b)
	n := 0
	for b.Loop() {
		f()
		n++
	}
	if n > 0 {
		b.ReportMetric(float64(threadCPU(b)-start)/float64(n), "cpu-ns/op")
	}
}

// threadCPU is the calling thread's user plus system time in nanoseconds.
func threadCPU(b *testing.B) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_THREAD, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
