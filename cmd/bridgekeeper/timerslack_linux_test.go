package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
	"golang.org/x/sys/unix"
)

// timerSlackProbeEnv makes this test binary a probe (TestMain): it applies serve's timer slack as
// main does, then prints the applied marker, its own processMark and every thread's timer slack.
const timerSlackProbeEnv = "BRIDGEKEEPER_TEST_TIMER_SLACK_PROBE"

func init() {
	if os.Getenv(timerSlackProbeEnv) != "" {
		os.Exit(timerSlackProbe())
	}
}

// timerSlackProbe is the probe process: setTimerSlack executes it again with the slack set, and
// the second run prints "applied=<marker>", "self=<processMark>" and one "slack=<ns>" line per
// thread.
func timerSlackProbe() int {
	if !setTimerSlack(os.Args, os.Environ(), os.Stderr) {
		return 1
	}
	self, err := processMark()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("applied=%s\nself=%s\n", os.Getenv(timerSlackAppliedEnv), self)
	// More threads, started after the slack was set, and every thread's slack.
	if err := testutil.PrintThreadTimerSlacks(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// TestServeThreadsGetTheTimerSlack runs the probe: with the default every thread of the process
// (sysmon's among them, which exists before main) has serve's slack after one re-execution, which
// marks the process as itself; with BRIDGEKEEPER_TIMER_SLACK a chosen one; with 0 the slack it
// was started with, and no re-execution; an invalid value stops it. A marker inherited from
// another process (this test's) does not stop the re-execution and is replaced.
func TestServeThreadsGetTheTimerSlack(t *testing.T) {
	own, err := os.ReadFile("/proc/self/timerslack_ns")
	if err != nil {
		t.Fatal(err)
	}
	started := strings.TrimSpace(string(own))
	parent, err := processMark()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, env, inherited, slack string
		execs, fails                bool
	}{
		{name: "default", env: "", execs: true, slack: "1000000"},
		{name: "250us", env: "250us", execs: true, slack: "250000"},
		{name: "0", env: "0", slack: started},
		{name: "often", env: "often", fails: true},
		{name: "default, marker inherited", env: "", inherited: parent, execs: true, slack: "1000000"},
		{name: "0, marker inherited", env: "0", inherited: parent, slack: started},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, timerSlackAppliedEnv+"=") })
			cmd.Env = append(cmd.Env, timerSlackProbeEnv+"=1", timerSlackEnv+"="+tc.env)
			if tc.inherited != "" {
				cmd.Env = append(cmd.Env, timerSlackAppliedEnv+"="+tc.inherited)
			}
			out, err := cmd.Output()
			if tc.fails {
				var exit *exec.ExitError
				if !errors.As(err, &exit) || !strings.Contains(string(exit.Stderr), timerSlackEnv) {
					t.Fatalf("an invalid value ran: %v, %q", err, out)
				}
				return
			}
			if err != nil {
				t.Fatalf("probe: %v\n%s", err, out)
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			if len(lines) < 4 { // the marker, the probe's mark, the main thread and sysmon at least
				t.Fatalf("probe said %q", out)
			}
			self, ok := strings.CutPrefix(lines[1], "self=")
			if !ok || self == parent {
				t.Fatalf("probe's mark %q (this process: %s)", lines[1], parent)
			}
			applied := tc.inherited
			if tc.execs && tc.slack != started { // started with the slack wanted already: nothing to execute again
				applied = self
			}
			if lines[0] != "applied="+applied {
				t.Errorf("marker %q, want applied=%s", lines[0], applied)
			}
			for i, s := range lines[2:] {
				if s != "slack="+tc.slack {
					t.Errorf("thread %d: %s, want slack=%s", i, s, tc.slack)
				}
			}
		})
	}
}

// TestApplyTimerSlackExecutesOnce: the process is executed again (itself, the same arguments, the
// environment with the marker naming it in place of any other) only when the slack is wanted,
// differs and was not applied to this process already; a failed exec leaves the thread's slack as
// it was.
func TestApplyTimerSlackExecutesOnce(t *testing.T) {
	runtime.LockOSThread() // applyTimerSlack's thread is this one: its slack can be read after
	defer runtime.UnlockOSThread()
	slack := func() time.Duration {
		n, err := unix.PrctlRetInt(unix.PR_GET_TIMERSLACK, 0, 0, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		return time.Duration(n)
	}
	before := slack()
	want := before + 123*time.Microsecond
	const self, marker = "4242@987654", timerSlackAppliedEnv + "="
	args := []string{"bridgekeeper", "serve", "--config", "x.yaml"}
	for _, tc := range []struct {
		name    string
		want    time.Duration
		env     []string
		execs   bool
		current time.Duration // the thread's slack before the call (0: as it is)
		execEnv []string      // the environment executed with, when it execs
	}{
		{name: "wanted", want: want, env: []string{"HOME=/h"}, execs: true, execEnv: []string{"HOME=/h", marker + self}},
		{name: "not wanted", want: 0, env: []string{"HOME=/h"}},
		{name: "applied already", want: want, env: []string{"HOME=/h", marker + self}},
		{name: "set already", want: want, env: []string{"HOME=/h"}, current: want},
		{name: "another process's marker", want: want, env: []string{marker + "4242@5", "HOME=/h", marker + self},
			execs: true, execEnv: []string{"HOME=/h", marker + self}},
		{name: "an old marker", want: want, env: []string{marker + "1ms", "HOME=/h"}, execs: true, execEnv: []string{"HOME=/h", marker + self}},
		{name: "another pid's", want: want, env: []string{"HOME=/h", marker + "1@987654"}, execs: true, execEnv: []string{"HOME=/h", marker + self}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.current != 0 {
				if err := unix.Prctl(unix.PR_SET_TIMERSLACK, uintptr(tc.current), 0, 0, 0); err != nil {
					t.Fatal(err)
				}
				defer func() { _ = unix.Prctl(unix.PR_SET_TIMERSLACK, uintptr(before), 0, 0, 0) }()
			}
			env := slices.Clone(tc.env)
			var calls [][]string
			var sawSlack time.Duration
			errExec := errors.New("exec refused")
			err := applyTimerSlackWith(tc.want, args, tc.env, self, func(path string, a, e []string) error {
				calls = append(calls, append([]string{path}, append(a, e...)...))
				sawSlack = slack()
				return errExec
			})
			if !slices.Equal(tc.env, env) {
				t.Errorf("the caller's environment changed to %q", tc.env)
			}
			if !tc.execs {
				if err != nil || len(calls) != 0 {
					t.Fatalf("err %v, execs %q", err, calls)
				}
				return
			}
			wantCall := append([]string{selfExe}, append(slices.Clone(args), tc.execEnv...)...)
			if len(calls) != 1 || !slices.Equal(calls[0], wantCall) {
				t.Fatalf("execs %q, want one %q", calls, wantCall)
			}
			if sawSlack != tc.want {
				t.Errorf("slack at exec %v, want %v", sawSlack, tc.want)
			}
			if !errors.Is(err, errExec) {
				t.Errorf("err %v, want the exec's", err)
			}
			if got := slack(); got != before {
				t.Errorf("after a failed exec the slack is %v, want %v back", got, before)
			}
		})
	}
}

// TestProcessMark: the mark is this process's pid and start time (/proc/self/stat), the same
// every time it is read (TestServeThreadsGetTheTimerSlack: a child's differs).
func TestProcessMark(t *testing.T) {
	self, err := processMark()
	if err != nil {
		t.Fatal(err)
	}
	pid, start, ok := strings.Cut(self, "@")
	if !ok || pid != strconv.Itoa(os.Getpid()) {
		t.Fatalf("mark %q, want pid %d first", self, os.Getpid())
	}
	if n, err := strconv.ParseUint(start, 10, 64); err != nil || n == 0 {
		t.Fatalf("mark %q: start time %q", self, start)
	}
	if again, err := processMark(); err != nil || again != self {
		t.Fatalf("mark %q, then %q (%v)", self, again, err)
	}
}

func TestTimerSlackTarget(t *testing.T) {
	for _, tc := range []struct {
		v    string
		want time.Duration
		err  bool
	}{
		{v: "", want: time.Millisecond},
		{v: "0", want: 0},
		{v: "250us", want: 250 * time.Microsecond},
		{v: "1s", want: time.Second},
		{v: "1ns", want: time.Nanosecond},
		{v: "0s", want: 0},
		{v: "0ms", want: 0},
		{v: "2s", err: true},
		{v: "-1ms", err: true},
		{v: "1000", err: true},
		{v: "often", err: true},
	} {
		got, err := timerSlackTarget(tc.v)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("%q: %v, %v; want %v (error %v)", tc.v, got, err, tc.want, tc.err)
		}
		if err != nil && !strings.Contains(err.Error(), strconv.Quote(tc.v)) {
			t.Errorf("%q: the error %q does not name the value", tc.v, err)
		}
	}
}
