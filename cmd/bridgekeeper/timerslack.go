package main

import (
	"fmt"
	"io"
	"strings"
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
	// timerSlackAppliedEnv marks the process serve re-executed itself as, so it never does it twice:
	// its value names that process (processMark), and a marker naming another one (inherited from
	// a serve that started this process, or left in an environment copied from one) is ignored and
	// replaced.
	timerSlackAppliedEnv = "BRIDGEKEEPER_TIMER_SLACK_APPLIED"
	// selfExe is the running binary, even if its file was replaced since it started.
	selfExe = "/proc/self/exe"
)

// timerSlackTarget is the slack serve wants, given timerSlackEnv's value: its duration, or the
// default when unset (empty); 0 means "leave it".
func timerSlackTarget(v string) (time.Duration, error) {
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

// lookupEnv is the value of key in env (KEY=value entries, as os.Environ), the first entry's
// as os.Getenv takes it; "" when absent.
func lookupEnv(env []string, key string) string {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// setTimerSlack gives the process serve's timer slack before serve starts (on Linux it executes
// the process again, see applyTimerSlack; args and env are the process's own, os.Args and
// os.Environ). It reports false, after saying why, when timerSlackEnv holds no valid value: serve
// does not start then. Failing to apply a valid slack is reported and serve runs on without it.
func setTimerSlack(args, env []string, stderr io.Writer) bool {
	want, err := timerSlackTarget(lookupEnv(env, timerSlackEnv))
	if err != nil {
		fmt.Fprintln(stderr, "bridgekeeper:", err)
		return false
	}
	if err := applyTimerSlack(want, args, env); err != nil {
		fmt.Fprintf(stderr, "bridgekeeper: %v (serving without it)\n", err)
	}
	return true
}
