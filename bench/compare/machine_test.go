package compare

import "testing"

func TestParseMachineTimes(t *testing.T) {
	for _, tc := range []struct {
		name, stat string
		want       MachineTimes
		ok         bool
	}{
		// user 100, nice 2, system 30, idle 500, iowait 7, irq 1, softirq 4, steal 9, guest 50
		// and guest_nice 1 (inside user and nice already); the per-CPU lines are not added.
		{"summary line first", "cpu  100 2 30 500 7 1 4 9 50 1\ncpu0 50 1 15 250 3 0 2 4 25 0\nintr 12345\n",
			MachineTimes{Busy: 137, Idle: 507, Steal: 9}, true},
		{"after other lines", "intr 1 2 3\ncpu 10 0 5 80 0 0 0 5\n", MachineTimes{Busy: 15, Idle: 80, Steal: 5}, true},
		{"short", "cpu 1 2 3 4 5 6 7\n", MachineTimes{}, false},
		{"not a number", "cpu 1 2 3 x 5 6 7 8\n", MachineTimes{}, false},
		{"only per-CPU lines", "cpu0 1 2 3 4 5 6 7 8\n", MachineTimes{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseMachineTimes(tc.stat)
			if (err == nil) != tc.ok || got != tc.want {
				t.Errorf("parseMachineTimes = %+v, %v; want %+v, ok %v", got, err, tc.want, tc.ok)
			}
		})
	}
}

func TestMachineTimesShares(t *testing.T) {
	later := MachineTimes{Busy: 1480, Idle: 1510, Steal: 30}
	earlier := MachineTimes{Busy: 1000, Idle: 1000, Steal: 20}
	d := later.Sub(earlier)
	if d != (MachineTimes{Busy: 480, Idle: 510, Steal: 10}) {
		t.Fatalf("Sub = %+v", d)
	}
	if got, want := d.String(), "busy 48 %, idle 51 %, stolen by the host 1.0 %"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	if got := (MachineTimes{}).String(); got != "unknown" {
		t.Errorf("nothing counted: %q, want unknown", got)
	}
}

// TestReadMachineTimes reads this machine's /proc/stat twice around work on this thread: busy
// time cannot go down, and the CPUs counted something.
func TestReadMachineTimes(t *testing.T) {
	before, err := ReadMachineTimes()
	if err != nil {
		t.Fatal(err)
	}
	if before.Busy <= 0 || before.Idle < 0 || before.Steal < 0 {
		t.Fatalf("read %+v, want busy time and no negative figure", before)
	}
	burnTicks(t, 2)
	after, err := ReadMachineTimes()
	if err != nil {
		t.Fatal(err)
	}
	// This process alone used two ticks of CPU in between, which the machine's busy time counts.
	if d := after.Sub(before); d.Busy < 1 || d.Idle < 0 || d.Steal < 0 {
		t.Errorf("between the reads %+v, want at least a tick busy and no negative figure", d)
	}
}
