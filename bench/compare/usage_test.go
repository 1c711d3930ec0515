package compare

import (
	"crypto/sha256"
	"os"
	"os/exec"
	"testing"
	"time"
)

func TestParseStatCPU(t *testing.T) {
	for _, tc := range []struct {
		name, stat   string
		user, system time.Duration
		ok           bool
	}{
		{"plain", "42 (serve) S 1 42 42 0 -1 4194560 500 0 0 0 250 75 0 0 20 0 9 0 100 0 0", 2500 * time.Millisecond, 750 * time.Millisecond, true},
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

// TestProcessUsageOfThisProcess reads this process's own usage around work it knows it does:
// CPU in user mode until a clock tick shows it, and waits for child processes (each wait blocks
// a thread: a voluntary context switch).
func TestProcessUsageOfThisProcess(t *testing.T) {
	pid := os.Getpid()
	before, err := ProcessUsage(pid)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := exec.Command("true").Run(); err != nil {
			t.Fatal(err)
		}
	}
	sum := sha256.Sum256(nil)
	for u := before; u.User == before.User; {
		for range 10000 {
			sum = sha256.Sum256(sum[:])
		}
		if u, err = ProcessUsage(pid); err != nil {
			t.Fatal(err)
		}
	}
	after, err := ProcessUsage(pid)
	if err != nil {
		t.Fatal(err)
	}
	used := after.Sub(before)
	if used.User <= 0 || used.System < 0 || used.Voluntary < 3 || used.Involuntary < 0 {
		t.Errorf("used %+v, want user CPU, and at least 3 voluntary switches", used)
	}
	if got := used.CPU(); got != used.User+used.System {
		t.Errorf("CPU() = %v, want user + system = %v", got, used.User+used.System)
	}
	if back := after.Sub(before).Add(before); back != after {
		t.Errorf("Sub then Add = %+v, want %+v", back, after)
	}
}
