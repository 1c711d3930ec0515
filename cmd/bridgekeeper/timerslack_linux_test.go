package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// timerSlackProbeEnv makes this test binary a probe (TestMain): it applies serve's timer slack as
// main does, then prints every thread's timer slack and the applied marker.
const timerSlackProbeEnv = "BRIDGEKEEPER_TEST_TIMER_SLACK_PROBE"

func init() {
	if os.Getenv(timerSlackProbeEnv) != "" {
		os.Exit(timerSlackProbe())
	}
}

// timerSlackProbe is the probe process: setTimerSlack executes it again with the slack set, and
// the second run prints "applied=<marker>" and one "slack=<ns>" line per thread.
func timerSlackProbe() int {
	if !setTimerSlack(os.Args, os.Stderr, os.Getenv) {
		return 1
	}
	// More threads, started after the slack was set: goroutines blocked in a syscall each hold one.
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { _ = unix.Nanosleep(&unix.Timespec{Nsec: 5e6}, nil) })
	}
	wg.Wait()
	fmt.Printf("applied=%s\n", os.Getenv(timerSlackAppliedEnv))
	// A thread's slack is readable at /proc/<thread id>/timerslack_ns (not under task/).
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil || len(tasks) == 0 {
		fmt.Fprintln(os.Stderr, "no threads:", err)
		return 1
	}
	for _, t := range tasks {
		b, err := os.ReadFile(filepath.Join("/proc", t.Name(), "timerslack_ns"))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Printf("slack=%s\n", strings.TrimSpace(string(b)))
	}
	return 0
}

// TestServeThreadsGetTheTimerSlack runs the probe: with the default every thread of the process
// (sysmon's among them, which exists before main) has serve's slack after one re-execution; with
// BRIDGEKEEPER_TIMER_SLACK a chosen one; with 0 the slack it was started with, and no
// re-execution; an invalid value stops it.
func TestServeThreadsGetTheTimerSlack(t *testing.T) {
	own, err := os.ReadFile("/proc/self/timerslack_ns")
	if err != nil {
		t.Fatal(err)
	}
	started := strings.TrimSpace(string(own))
	for _, tc := range []struct {
		env, applied, slack string
		fails               bool
	}{
		{env: "", applied: "1ms", slack: "1000000"},
		{env: "250us", applied: "250µs", slack: "250000"},
		{env: "0", applied: "", slack: started},
		{env: "often", fails: true},
	} {
		t.Run("BRIDGEKEEPER_TIMER_SLACK="+tc.env, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), timerSlackProbeEnv+"=1", timerSlackEnv+"="+tc.env)
			cmd.Env = slices.DeleteFunc(cmd.Env, func(kv string) bool { return strings.HasPrefix(kv, timerSlackAppliedEnv+"=") })
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
			applied := tc.applied
			if tc.slack == started {
				applied = "" // started with the slack wanted already: nothing to execute again
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			if lines[0] != "applied="+applied {
				t.Errorf("marker %q, want applied=%s", lines[0], applied)
			}
			slacks := lines[1:]
			if len(slacks) < 2 { // the main thread and sysmon at least
				t.Fatalf("only %d threads: %q", len(slacks), out)
			}
			for i, s := range slacks {
				if s != "slack="+tc.slack {
					t.Errorf("thread %d: %s, want slack=%s", i, s, tc.slack)
				}
			}
		})
	}
}

// TestApplyTimerSlackExecutesOnce: the process is executed again (itself, the same arguments, the
// environment plus the marker) only when the slack is wanted, differs and was not applied already;
// a failed exec leaves the thread's slack as it was.
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
	args, env := []string{"bridgekeeper", "serve", "--config", "x.yaml"}, []string{"HOME=/h"}
	for _, tc := range []struct {
		name    string
		want    time.Duration
		getenv  map[string]string
		execs   bool
		current time.Duration // the thread's slack before the call (0: as it is)
	}{
		{name: "wanted", want: want, execs: true},
		{name: "not wanted", want: 0},
		{name: "applied already", want: want, getenv: map[string]string{timerSlackAppliedEnv: "1ms"}},
		{name: "set already", want: want, current: want},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.current != 0 {
				if err := unix.Prctl(unix.PR_SET_TIMERSLACK, uintptr(tc.current), 0, 0, 0); err != nil {
					t.Fatal(err)
				}
				defer func() { _ = unix.Prctl(unix.PR_SET_TIMERSLACK, uintptr(before), 0, 0, 0) }()
			}
			var calls [][]string
			var sawSlack time.Duration
			errExec := errors.New("exec refused")
			err := applyTimerSlackWith(tc.want, args, env, func(k string) string { return tc.getenv[k] }, func(path string, a, e []string) error {
				calls = append(calls, append([]string{path}, append(a, e...)...))
				sawSlack = slack()
				return errExec
			})
			if !tc.execs {
				if err != nil || len(calls) != 0 {
					t.Fatalf("err %v, execs %q", err, calls)
				}
				return
			}
			wantCall := []string{selfExe, "bridgekeeper", "serve", "--config", "x.yaml", "HOME=/h", timerSlackAppliedEnv + "=" + tc.want.String()}
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
		got, err := timerSlackTarget(func(k string) string {
			if k == timerSlackEnv {
				return tc.v
			}
			return ""
		})
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("%q: %v, %v; want %v (error %v)", tc.v, got, err, tc.want, tc.err)
		}
		if err != nil && !strings.Contains(err.Error(), strconv.Quote(tc.v)) {
			t.Errorf("%q: the error %q does not name the value", tc.v, err)
		}
	}
}
