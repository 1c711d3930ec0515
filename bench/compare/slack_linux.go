package compare

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// startWithTimerSlack starts cmd from a thread whose timer slack is slack, so that every thread
// of the new process has it: a new process's first thread takes the current slack of the thread
// that forked it, execve keeps it, and each thread a process starts takes its starter's, so a Go
// runtime's sysmon and node's worker threads run with it too, as serve's own threads do with the
// slack serve sets itself (cmd/bridgekeeper/timerslack*.go). Go forks on the thread of the
// goroutine calling cmd.Start: that goroutine is locked to its thread, which gets its own slack
// back before it is unlocked (or, should that fail, ends with the goroutine).
func startWithTimerSlack(cmd *exec.Cmd, slack time.Duration) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		have, err := unix.PrctlRetInt(unix.PR_GET_TIMERSLACK, 0, 0, 0, 0)
		if err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("timer slack: %w", err)
			return
		}
		if err := unix.Prctl(unix.PR_SET_TIMERSLACK, uintptr(slack.Nanoseconds()), 0, 0, 0); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("timer slack %v: %w", slack, err)
			return
		}
		err = cmd.Start()
		if unix.Prctl(unix.PR_SET_TIMERSLACK, uintptr(have), 0, 0, 0) == nil {
			runtime.UnlockOSThread() // else it stays locked: the runtime ends the thread with this goroutine
		}
		errc <- err
	}()
	return <-errc
}

// checkTimerSlack returns an error unless every thread of process pid has the timer slack want.
func checkTimerSlack(pid int, want time.Duration) error {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return fmt.Errorf("timer slack of process %d: %w", pid, err)
	}
	for _, t := range tasks {
		// A thread's slack is at /proc/<thread id>/timerslack_ns (there is none under task/).
		raw, err := os.ReadFile(filepath.Join("/proc", t.Name(), "timerslack_ns"))
		if os.IsNotExist(err) {
			continue // the thread ended since the directory was read
		}
		if err != nil {
			return fmt.Errorf("timer slack of process %d: %w", pid, err)
		}
		ns, err := strconv.ParseInt(strings.TrimSpace(string(raw)), 10, 64)
		if err != nil {
			return fmt.Errorf("timer slack of process %d, thread %s: %w", pid, t.Name(), err)
		}
		if time.Duration(ns) != want {
			return fmt.Errorf("process %d, thread %s: timer slack %v, want %v", pid, t.Name(), time.Duration(ns), want)
		}
	}
	return nil
}
