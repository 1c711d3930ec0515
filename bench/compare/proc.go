package compare

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/PID/stat: 100 on every Linux ABI.
const clockTicks = 100

// proc is one running server process whose CPU and memory the benchmark reads from /proc.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan error
	mu   sync.Mutex
	out  strings.Builder // what it printed (stdout and stderr), the last part kept for errors
}

// startProc runs name with args in dir and waits until a line of its output matches ready
// (when ready is not nil); the first submatch of ready, if any, is returned.
func startProc(ctx context.Context, label string, env []string, dir string, ready *regexp.Regexp, name string, args ...string) (*proc, string, error) {
	return startProcSlack(ctx, 0, label, env, dir, ready, name, args...)
}

// startProcSlack is startProc with every thread of the process at timer slack slack (when not
// 0, Options.PeerSlack), which it checks once the process is ready.
func startProcSlack(ctx context.Context, slack time.Duration, label string, env []string, dir string, ready *regexp.Regexp, name string, args ...string) (*proc, string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	p := &proc{name: label, cmd: cmd, done: make(chan error, 1)}
	start := cmd.Start
	if slack > 0 {
		start = func() error { return startWithTimerSlack(cmd, slack) }
	}
	if err := start(); err != nil {
		return nil, "", fmt.Errorf("start %s: %w", label, err)
	}
	go func() { err := cmd.Wait(); _ = pw.Close(); p.done <- err }()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		sent := ready == nil
		if sent {
			found <- ""
		}
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			if p.out.Len() < 64<<10 {
				p.out.WriteString(line + "\n")
			}
			p.mu.Unlock()
			if !sent {
				if m := ready.FindStringSubmatch(line); m != nil {
					sent = true
					found <- append(m, "")[1]
				}
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	timer := time.NewTimer(2 * time.Minute)
	defer timer.Stop()
	select {
	case s := <-found:
		if slack > 0 {
			if err := checkTimerSlack(cmd.Process.Pid, slack); err != nil {
				p.stop()
				return nil, "", fmt.Errorf("%s: %w", label, err)
			}
		}
		return p, s, nil
	case err := <-p.done:
		p.done <- err
		return nil, "", fmt.Errorf("%s exited before it was ready (%v):\n%s", label, err, p.output())
	case <-timer.C:
		p.stop()
		return nil, "", fmt.Errorf("%s was not ready within 2 minutes:\n%s", label, p.output())
	case <-ctx.Done():
		p.stop()
		return nil, "", ctx.Err()
	}
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// stop sends SIGTERM, then SIGKILL after ten seconds, and waits for the process to end.
func (p *proc) stop() {
	if p == nil || p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		p.done <- err
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		p.done <- <-p.done
	}
}

// usage is what the process has used so far.
func (p *proc) usage() (Usage, error) {
	u, err := ProcessUsage(p.cmd.Process.Pid)
	if err != nil {
		return Usage{}, fmt.Errorf("%s: %w", p.name, err)
	}
	return u, nil
}

// rss is the process's resident set size in bytes (VmRSS).
func (p *proc) rss() (int64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", p.name, err)
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("%s: VmRSS %q: %w", p.name, rest, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("%s: no VmRSS in /proc status", p.name)
}

// freePort returns a loopback port that was free a moment ago, for servers that must know their
// own URL before they listen (an issuer names its port).
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
