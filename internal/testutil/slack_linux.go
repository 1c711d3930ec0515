package testutil

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// PrintThreadTimerSlacks is for timer-slack probe processes: it has the
// runtime start more threads (goroutines blocked in a syscall each hold one),
// then writes every thread's timer slack to w, one "slack=<ns>" line each.
func PrintThreadTimerSlacks(w io.Writer) error {
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { _ = unix.Nanosleep(&unix.Timespec{Nsec: 5e6}, nil) })
	}
	wg.Wait()
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return fmt.Errorf("threads: %w", err)
	}
	if len(tasks) == 0 {
		return fmt.Errorf("threads: none in /proc/self/task")
	}
	for _, t := range tasks {
		// A thread's slack is readable at /proc/<thread id>/timerslack_ns (not under task/).
		raw, err := os.ReadFile(filepath.Join("/proc", t.Name(), "timerslack_ns"))
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "slack=%s\n", strings.TrimSpace(string(raw)))
	}
	return nil
}
