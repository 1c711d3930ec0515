package main

import (
	"fmt"
	"io"
	"os"
	"time"
)

// Timer slack: how late Linux may wake a sleeping thread. The Go runtime's sysmon thread polls
// every 20 µs for about 50 rounds each time the process turns busy after being idle (or has just
// retaken a P from a long syscall) before it backs off towards 10 ms, and with
// Linux's default slack of 50 µs that is a sleep and a wake-up every ≈ 70 µs of a busy request:
// ≈ 10 % of serve's CPU per sign-in in the sign-in benchmark, and the thread switches around it
// more (docs/benchmarks.md, the levers table). With 1 ms of slack the kernel batches those
// wake-ups. Nothing in serve depends on timers finer than that: its timeouts are seconds.
const (
	// defaultTimerSlack is serve's timer slack unless BRIDGEKEEPER_TIMER_SLACK says otherwise.
	defaultTimerSlack = time.Millisecond
	// timerSlackEnv sets serve's timer slack (a Go duration, e.g. "50us"); "0" (or "0s") leaves the
	// slack the process was started with.
	timerSlackEnv = "BRIDGEKEEPER_TIMER_SLACK"
	// timerSlackAppliedEnv marks the process serve re-executed itself as, so it never does it twice.
	timerSlackAppliedEnv = "BRIDGEKEEPER_TIMER_SLACK_APPLIED"
	// selfExe is the running binary, even if its file was replaced since it started.
	selfExe = "/proc/self/exe"
)

// timerSlackTarget is the slack serve wants: timerSlackEnv's duration, or the default when unset;
// 0 means "leave it".
func timerSlackTarget(getenv func(string) string) (time.Duration, error) {
	v := getenv(timerSlackEnv)
	if v == "" {
		return defaultTimerSlack, nil
	}
	d, err := time.ParseDuration(v) // "0" parses too: any zero duration leaves the slack
	if err == nil && d == 0 {
		return 0, nil
	}
	if err != nil || d < time.Nanosecond || d > time.Second {
		return 0, fmt.Errorf("%s=%q: want a duration from 1ns to 1s, or 0", timerSlackEnv, v)
	}
	return d, nil
}

// setTimerSlack gives the process serve's timer slack before serve starts (on Linux it executes
// the process again, see applyTimerSlack; args are the process's own, os.Args). It reports false,
// after saying why, when timerSlackEnv holds no valid value: serve does not start then. Failing
// to apply a valid slack is reported and serve runs on without it.
func setTimerSlack(args []string, stderr io.Writer, getenv func(string) string) bool {
	want, err := timerSlackTarget(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "bridgekeeper:", err)
		return false
	}
	if err := applyTimerSlack(want, args, os.Environ(), getenv); err != nil {
		fmt.Fprintf(stderr, "bridgekeeper: %v (serving without it)\n", err)
	}
	return true
}
