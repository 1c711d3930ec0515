package compare

import (
	"crypto/sha256"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

func TestParseStatCPU(t *testing.T) {
	for _, tc := range []struct {
		name, stat   string
		user, system time.Duration
		ok           bool
	}{
		// utime 250 and stime 75 ticks; the children's (cutime 900, cstime 800) and the fields
		// before them differ, so a field misread shows.
		{"plain", "42 (serve) S 1 42 42 0 -1 4194560 500 11 12 13 250 75 900 800 20 0 9 0 100 0 0", 2500 * time.Millisecond, 750 * time.Millisecond, true},
		{"name with spaces and parentheses", "42 (a) (b c) R 1 42 42 0 -1 0 0 0 0 0 7 3 0 0", 70 * time.Millisecond, 30 * time.Millisecond, true},
		{"short", "42 (serve) S 1 42 42 0", 0, 0, false},
		{"no name", "42 serve S", 0, 0, false},
		{"not a number", "42 (serve) S 1 42 42 0 -1 0 0 0 0 0 x 3 0 0", 0, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			user, system, err := parseStatCPU(tc.stat)
			if (err == nil) != tc.ok || user != tc.user || system != tc.system {
				t.Errorf("parseStatCPU = %v, %v, %v; want %v, %v, ok %v", user, system, err, tc.user, tc.system, tc.ok)
			}
		})
	}
}

func TestParseSwitches(t *testing.T) {
	for _, tc := range []struct {
		name, status string
		vol, invol   int64
		ok           bool
	}{
		{"both", "Name:\tserve\nThreads:\t9\nvoluntary_ctxt_switches:\t1234\nnonvoluntary_ctxt_switches:\t56\n", 1234, 56, true},
		{"other order, no final newline", "nonvoluntary_ctxt_switches:\t7\nName:\tserve\nvoluntary_ctxt_switches:\t89", 89, 7, true},
		{"one missing", "Name:\tserve\nvoluntary_ctxt_switches:\t1234\n", 0, 0, false},
		{"not a number", "voluntary_ctxt_switches:\tmany\nnonvoluntary_ctxt_switches:\t56\n", 0, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vol, invol, err := parseSwitches(tc.status)
			if (err == nil) != tc.ok || vol != tc.vol || invol != tc.invol {
				t.Errorf("parseSwitches = %d, %d, %v; want %d, %d, ok %v", vol, invol, err, tc.vol, tc.invol, tc.ok)
			}
		})
	}
}

// TestProcessUsageOfThisProcess reads this process's usage between two getrusage(RUSAGE_SELF)
// calls, which the kernel answers from the same accounting: user and system time each lie
// between them (less up to a clock tick, /proc's unit, as /proc rounds down), and so do the
// voluntary and the involuntary switches summed over the threads (a field misread, the two
// counts swapped or only the main thread counted falls outside; a Go test binary ends none of its
// threads). Around it the process does work it knows: CPU in user mode for a few clock ticks, and
// waits for child processes (each wait blocks a thread: a voluntary switch).
func TestProcessUsageOfThisProcess(t *testing.T) {
	pid := os.Getpid()
	tick := time.Second / clockTicks
	before, err := ProcessUsage(pid)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := exec.Command("true").Run(); err != nil {
			t.Fatal(err)
		}
	}
	burnTicks(t, 3)
	var r0, r1 syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &r0); err != nil {
		t.Fatal(err)
	}
	got, err := ProcessUsage(pid)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &r1); err != nil {
		t.Fatal(err)
	}
	between := func(name string, v, lo, hi time.Duration) {
		t.Helper()
		if v < lo-tick || v > hi {
			t.Errorf("%s %v, want within [%v − %v, %v] (getrusage before and after)", name, v, lo, tick, hi)
		}
	}
	between("user", got.User, time.Duration(r0.Utime.Nano()), time.Duration(r1.Utime.Nano()))
	between("system", got.System, time.Duration(r0.Stime.Nano()), time.Duration(r1.Stime.Nano()))
	if got.Voluntary < int64(r0.Nvcsw) || got.Voluntary > int64(r1.Nvcsw) {
		t.Errorf("voluntary switches %d, want within [%d, %d] (getrusage before and after)", got.Voluntary, r0.Nvcsw, r1.Nvcsw)
	}
	if got.Involuntary < int64(r0.Nivcsw) || got.Involuntary > int64(r1.Nivcsw) {
		t.Errorf("involuntary switches %d, want within [%d, %d] (getrusage before and after)", got.Involuntary, r0.Nivcsw, r1.Nivcsw)
	}
	if used := got.Sub(before); used.User < 3*tick || used.Voluntary < 3 {
		t.Errorf("used %+v, want at least 3 clock ticks of user CPU and 3 voluntary switches", used)
	}
}

// TestUsageArithmetic checks Add, Sub and CPU on values whose every field differs.
func TestUsageArithmetic(t *testing.T) {
	a := Usage{User: 5 * time.Second, System: 2 * time.Second, Voluntary: 70, Involuntary: 9}
	b := Usage{User: 1 * time.Second, System: 500 * time.Millisecond, Voluntary: 30, Involuntary: 4}
	if got, want := a.Add(b), (Usage{User: 6 * time.Second, System: 2500 * time.Millisecond, Voluntary: 100, Involuntary: 13}); got != want {
		t.Errorf("Add = %+v, want %+v", got, want)
	}
	if got, want := a.Sub(b), (Usage{User: 4 * time.Second, System: 1500 * time.Millisecond, Voluntary: 40, Involuntary: 5}); got != want {
		t.Errorf("Sub = %+v, want %+v", got, want)
	}
	if got := a.CPU(); got != 7*time.Second {
		t.Errorf("CPU = %v, want 7s", got)
	}
}

// burnTicks works on this thread until the process's user CPU has grown by n clock ticks.
func burnTicks(t *testing.T, n int) {
	t.Helper()
	start, err := ProcessUsage(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(nil)
	for u := start; u.User < start.User+time.Duration(n)*time.Second/clockTicks; {
		for range 10000 {
			sum = sha256.Sum256(sum[:])
		}
		if u, err = ProcessUsage(os.Getpid()); err != nil {
			t.Fatal(err)
		}
	}
}
