package compare

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Usage is what a process has used so far: its CPU time in user and in kernel mode (all its
// threads, /proc/PID/stat) and the context switches of its threads (/proc/PID/task/*/status:
// voluntary ones when a thread blocks or sleeps, involuntary ones when the scheduler preempts
// it). A thread that has ended no longer counts among the switches; Go's threads live as long as
// the process.
type Usage struct {
	User, System           time.Duration
	Voluntary, Involuntary int64
}

// CPU is user plus system time.
func (u Usage) CPU() time.Duration { return u.User + u.System }

// Add is what u and v used together.
func (u Usage) Add(v Usage) Usage {
	return Usage{User: u.User + v.User, System: u.System + v.System,
		Voluntary: u.Voluntary + v.Voluntary, Involuntary: u.Involuntary + v.Involuntary}
}

// Sub is what was used between v and u (u taken later).
func (u Usage) Sub(v Usage) Usage {
	return u.Add(Usage{User: -v.User, System: -v.System, Voluntary: -v.Voluntary, Involuntary: -v.Involuntary})
}

// ProcessUsage reads what process pid has used so far.
func ProcessUsage(pid int) (Usage, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return Usage{}, err
	}
	var u Usage
	if u.User, u.System, err = parseStatCPU(string(raw)); err != nil {
		return Usage{}, err
	}
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/status", pid))
	if err != nil {
		return Usage{}, err
	}
	for _, path := range tasks {
		raw, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ESRCH) {
			continue // the thread ended after the listing
		}
		if err != nil {
			return Usage{}, err
		}
		vol, invol, err := parseSwitches(string(raw))
		if err != nil {
			return Usage{}, fmt.Errorf("%s: %w", path, err)
		}
		u.Voluntary += vol
		u.Involuntary += invol
	}
	return u, nil
}

// parseStatCPU reads utime and stime (fields 14 and 15, in clock ticks) of a /proc/PID/stat line.
func parseStatCPU(s string) (user, system time.Duration, err error) {
	// The command name (field 2) may hold spaces and parentheses: fields count from the last ')'.
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, 0, fmt.Errorf("unreadable /proc stat %q", s)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, 0, fmt.Errorf("short /proc stat %q", s)
	}
	// f[0] is field 3 (state): utime is field 14, stime field 15.
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, 0, fmt.Errorf("/proc stat: %w", err)
	}
	return time.Duration(utime) * time.Second / clockTicks, time.Duration(stime) * time.Second / clockTicks, nil
}

// parseSwitches reads voluntary_ctxt_switches and nonvoluntary_ctxt_switches of a
// /proc/PID/status file.
func parseSwitches(status string) (voluntary, involuntary int64, err error) {
	found := 0
	for line := range strings.SplitSeq(status, "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		var dst *int64
		switch name {
		case "voluntary_ctxt_switches":
			dst = &voluntary
		case "nonvoluntary_ctxt_switches":
			dst = &involuntary
		default:
			continue
		}
		if *dst, err = strconv.ParseInt(strings.TrimSpace(value), 10, 64); err != nil {
			return 0, 0, fmt.Errorf("%s: %w", name, err)
		}
		found++
	}
	if found != 2 {
		return 0, 0, errors.New("no context switch counts in /proc status")
	}
	return voluntary, involuntary, nil
}
