package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// applyTimerSlack gives every thread of the process the timer slack serve wants. A thread's slack
// is its own and is inherited by the threads it starts, and only a thread itself may change it
// without CAP_SYS_NICE; the runtime's threads (sysmon among them) exist before main runs, so the
// process sets the slack on its main thread and executes itself again, and the new runtime's
// threads all start with it. It returns without doing anything when the slack is already set or
// not wanted (want 0); on success it does not return. A failure is reported and serve runs on as it is.
func applyTimerSlack(want time.Duration, args, env []string) error {
	if want == 0 {
		return nil
	}
	self, err := processMark()
	if err != nil {
		return fmt.Errorf("timer slack: %w", err)
	}
	return applyTimerSlackWith(want, args, env, self, syscall.Exec)
}

// processMark names this process in timerSlackAppliedEnv: its pid and its start time (clock
// ticks after boot), which executing itself again keeps and no other process has at once. The
// pid alone would not do: pids are reused, and in a container every serve is pid 1.
func processMark() (string, error) {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return "", fmt.Errorf("name the process: %w", err)
	}
	// "pid (comm) state ppid …": comm may hold anything, so the fields are counted after its last
	// ')'; the start time is the 22nd field, the 20th after comm.
	pid, _, _ := bytes.Cut(b, []byte(" ("))
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return "", errors.New("name the process: /proc/self/stat has no command name")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(pid) == 0 || len(f) < 20 {
		return "", fmt.Errorf("name the process: /proc/self/stat has %d fields after the command name", len(f))
	}
	return string(pid) + "@" + f[19], nil
}

// applyTimerSlackWith is applyTimerSlack for the process named self (processMark), with the exec
// call given (tests count it).
func applyTimerSlackWith(want time.Duration, args, env []string, self string, exec func(path string, args, env []string) error) error {
	if want == 0 || lookupEnv(env, timerSlackAppliedEnv) == self {
		return nil
	}
	runtime.LockOSThread() // the slack is this thread's: set it and exec from the same thread
	defer runtime.UnlockOSThread()
	have, err := unix.PrctlRetInt(unix.PR_GET_TIMERSLACK, 0, 0, 0, 0)
	if err != nil {
		return fmt.Errorf("timer slack: %w", err)
	}
	if time.Duration(have) == want {
		return nil
	}
	if err := unix.Prctl(unix.PR_SET_TIMERSLACK, uintptr(want.Nanoseconds()), 0, 0, 0); err != nil {
		return fmt.Errorf("timer slack: %w", err)
	}
	// Another process's marker (inherited) is replaced: only the first of two would be read.
	env = slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, timerSlackAppliedEnv+"=") })
	err = exec(selfExe, args, append(env, timerSlackAppliedEnv+"="+self))
	// Still here: exec failed. Put the thread's slack back; the runtime's other threads kept theirs.
	_ = unix.Prctl(unix.PR_SET_TIMERSLACK, uintptr(have), 0, 0, 0)
	return fmt.Errorf("timer slack: run %s again: %w", selfExe, err)
}
