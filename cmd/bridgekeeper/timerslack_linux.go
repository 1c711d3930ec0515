package main

import (
	"fmt"
	"runtime"
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
func applyTimerSlack(want time.Duration, args, env []string, getenv func(string) string) error {
	return applyTimerSlackWith(want, args, env, getenv, syscall.Exec)
}

// applyTimerSlackWith is applyTimerSlack with the exec call given (tests count it).
func applyTimerSlackWith(want time.Duration, args, env []string, getenv func(string) string, exec func(path string, args, env []string) error) error {
	if want == 0 || getenv(timerSlackAppliedEnv) != "" {
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
	err = exec(selfExe, args, append(env, timerSlackAppliedEnv+"="+want.String()))
	// Still here: exec failed. Put the thread's slack back; the runtime's other threads kept theirs.
	_ = unix.Prctl(unix.PR_SET_TIMERSLACK, uintptr(have), 0, 0, 0)
	return fmt.Errorf("timer slack: run %s again: %w", selfExe, err)
}
