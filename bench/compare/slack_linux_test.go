package compare

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// slackProbeEnv makes this test binary a probe (init): it starts more threads and prints every
// thread's timer slack, one "slack=<ns>" line each.
const slackProbeEnv = "BENCH_COMPARE_TEST_SLACK_PROBE"

func init() {
	if os.Getenv(slackProbeEnv) != "" {
		os.Exit(slackProbe())
	}
}

func slackProbe() int {
	if err := testutil.PrintThreadTimerSlacks(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// ownSlack is this process's main thread's timer slack (its threads share it unless something
// set one of them; the tests check that they do).
func ownSlack(t *testing.T) time.Duration {
	t.Helper()
	raw, err := os.ReadFile("/proc/self/timerslack_ns")
	if err != nil {
		t.Fatal(err)
	}
	ns, err := strconv.ParseInt(strings.TrimSpace(string(raw)), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return time.Duration(ns)
}

// TestStartWithTimerSlack starts the probe with a slack this process does not have: every thread
// of the probe, those its runtime started after it began among them, has that slack, and this
// process's threads keep theirs.
func TestStartWithTimerSlack(t *testing.T) {
	own := ownSlack(t)
	if err := checkTimerSlack(os.Getpid(), own); err != nil {
		t.Skipf("this process's threads differ in timer slack already: %v", err)
	}
	for _, want := range []time.Duration{own + 777*time.Microsecond, time.Millisecond + time.Nanosecond} {
		t.Run(want.String(), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), slackProbeEnv+"=1")
			var out, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &stderr
			if err := startWithTimerSlack(cmd, want); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("probe: %v\n%s", err, stderr.String())
			}
			lines := strings.Fields(out.String())
			if len(lines) < 3 { // the main thread, sysmon and one of the probe's at least
				t.Fatalf("only %d threads: %q", len(lines), out.String())
			}
			for i, l := range lines {
				if l != "slack="+strconv.FormatInt(want.Nanoseconds(), 10) {
					t.Errorf("probe thread %d: %s, want %d ns", i, l, want.Nanoseconds())
				}
			}
			if err := checkTimerSlack(os.Getpid(), own); err != nil {
				t.Errorf("this process after the start: %v", err)
			}
		})
	}
}

// TestStartWithTimerSlackFails: a command that cannot start is reported, and the thread's slack
// is put back all the same.
func TestStartWithTimerSlackFails(t *testing.T) {
	own := ownSlack(t)
	err := startWithTimerSlack(exec.Command(filepath.Join(t.TempDir(), "missing")), own+time.Millisecond)
	if err == nil {
		t.Fatal("a missing command started")
	}
	if err := checkTimerSlack(os.Getpid(), own); err != nil {
		t.Errorf("after the failed start: %v", err)
	}
}

// TestCheckTimerSlack: this process's threads pass with their own slack and fail with any other,
// naming the slack found and the one wanted; a process that is not there fails.
func TestCheckTimerSlack(t *testing.T) {
	own := ownSlack(t)
	if err := checkTimerSlack(os.Getpid(), own); err != nil {
		t.Skipf("this process's threads differ in timer slack already: %v", err)
	}
	for _, tc := range []struct {
		name string
		pid  int
		want time.Duration
		err  string // "" for none
	}{
		{name: "own slack", pid: os.Getpid(), want: own},
		{name: "another slack", pid: os.Getpid(), want: own + time.Nanosecond, err: fmt.Sprintf("timer slack %v, want %v", own, own+time.Nanosecond)},
		{name: "no process", pid: 1 << 30, want: own, err: "timer slack of process"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkTimerSlack(tc.pid, tc.want)
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Errorf("checkTimerSlack = %v, want an error with %q", err, tc.err)
			}
		})
	}
}
