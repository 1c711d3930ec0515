package compare

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// MachineTimes is the time of all the machine's CPUs so far (the "cpu" line of /proc/stat, in
// clock ticks): busy (user, nice, system, irq, softirq: any process, not only the benchmark's),
// idle (idle, iowait) and steal (a virtual CPU wanted to run while the host ran something else).
// Between the start and the end of a run it says how quiet the machine was, which the absolute
// figures depend on (docs/benchmarks.md: a quiet 2-vCPU run charges each wake-up more).
type MachineTimes struct {
	Busy, Idle, Steal int64
}

// Sub is what was spent between m0 and m (m read later).
func (m MachineTimes) Sub(m0 MachineTimes) MachineTimes {
	return MachineTimes{Busy: m.Busy - m0.Busy, Idle: m.Idle - m0.Idle, Steal: m.Steal - m0.Steal}
}

// String gives the shares of busy, idle and stolen time, e.g. "busy 48 %, idle 51 %, stolen by
// the host 1 %"; "unknown" when nothing was counted.
func (m MachineTimes) String() string {
	total := m.Busy + m.Idle + m.Steal
	if total <= 0 {
		return "unknown"
	}
	pct := func(n int64) float64 { return 100 * float64(n) / float64(total) }
	return fmt.Sprintf("busy %.0f %%, idle %.0f %%, stolen by the host %.1f %%", pct(m.Busy), pct(m.Idle), pct(m.Steal))
}

// ReadMachineTimes reads /proc/stat.
func ReadMachineTimes() (MachineTimes, error) {
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return MachineTimes{}, err
	}
	return parseMachineTimes(string(raw))
}

// parseMachineTimes reads the summary "cpu" line of a /proc/stat file: user nice system idle
// iowait irq softirq steal, then guest and guest_nice, which user and nice already include.
func parseMachineTimes(stat string) (MachineTimes, error) {
	for line := range strings.SplitSeq(stat, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != "cpu" {
			continue
		}
		if len(f) < 9 {
			return MachineTimes{}, fmt.Errorf("short /proc/stat cpu line %q", line)
		}
		var v [8]int64
		for i := range v {
			n, err := strconv.ParseInt(f[i+1], 10, 64)
			if err != nil {
				return MachineTimes{}, fmt.Errorf("/proc/stat cpu line: %w", err)
			}
			v[i] = n
		}
		return MachineTimes{Busy: v[0] + v[1] + v[2] + v[5] + v[6], Idle: v[3] + v[4], Steal: v[7]}, nil
	}
	return MachineTimes{}, errors.New("no cpu line in /proc/stat")
}
