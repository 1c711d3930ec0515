// Package e2e holds scenario suites that run the real bridgekeeper binary and drive it as people
// and apps would: over HTTP with a cookie jar, in headless Chromium, against each backend.
package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
)

var binary struct {
	once sync.Once
	path string
	err  error
}

// bridgekeeperBinary builds the binary once per test run.
func bridgekeeperBinary(t testing.TB) string {
	t.Helper()
	binary.once.Do(func() {
		dir, err := os.MkdirTemp("", "bk-e2e-bin-")
		if err != nil {
			binary.err = err
			return
		}
		binary.path = filepath.Join(dir, "bridgekeeper")
		args := []string{"build", "-race", "-o", binary.path, "./cmd/bridgekeeper"}
		if f := flag.Lookup("test.bench"); f != nil && f.Value.String() != "" {
			// Benchmarks measure the binary as shipped, without the race detector.
			args = []string{"build", "-o", binary.path, "./cmd/bridgekeeper"}
		}
		cmd := exec.Command("go", args...)
		cmd.Dir = testenv.RepoRoot(t)
		out, err := cmd.CombinedOutput()
		if err != nil {
			binary.err = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

// process is a running bridgekeeper.
type process struct {
	BaseURL string
	stop    func()
	mu      sync.Mutex
	stdout  strings.Builder
	stderr  strings.Builder
	logged  chan struct{} // gets a value after each write to stderr (capacity 1)
}

// Stop sends SIGTERM and waits for a clean exit (also done at cleanup).
func (p *process) Stop() { p.stop() }

// Stdout returns what the process printed so far.
func (p *process) Stdout() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stdout.String()
}

// Logs returns the process's structured log lines so far.
func (p *process) Logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// WaitLogged reports whether the process's logs match re within timeout: a line the process wrote
// before it answered may still be on its way through the stderr pipe.
func (p *process) WaitLogged(re *regexp.Regexp, timeout time.Duration) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for !re.MatchString(p.Logs()) {
		select {
		case <-p.logged:
		case <-deadline.C:
			return re.MatchString(p.Logs())
		}
	}
	return true
}

var listeningRE = regexp.MustCompile(`(?:running at|listening on) (http://(?:127\.0\.0\.1|localhost):\d+)`)

// start runs bridgekeeper with args and waits until it prints the URL it listens on. The process
// gets SIGTERM at cleanup and must exit cleanly.
func start(t testing.TB, args ...string) *process {
	t.Helper()
	return startBinary(t, bridgekeeperBinary(t), args...)
}

// startBinary is start with another build of bridgekeeper (the static release build).
func startBinary(t testing.TB, bin string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &process{logged: make(chan struct{}, 1)}
	cmd.Stderr = writerFunc(func(b []byte) (int, error) {
		p.mu.Lock()
		defer p.mu.Unlock()
		select {
		case p.logged <- struct{}{}:
		default:
		}
		return p.stderr.Write(b)
	})
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.stdout.WriteString(line + "\n")
			p.mu.Unlock()
			if m := listeningRE.FindStringSubmatch(line); m != nil && !sent {
				urlc <- m[1]
				sent = true
			}
		}
		close(urlc)
	}()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var once sync.Once
	p.stop = func() {
		once.Do(func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("bridgekeeper exited with %v after SIGTERM\nlogs:\n%s", err, p.Logs())
				}
			case <-time.After(20 * time.Second):
				_ = cmd.Process.Kill()
				t.Errorf("bridgekeeper did not stop within 20s of SIGTERM")
			}
		})
	}
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("bridgekeeper stdout:\n%s\nlogs (last 4000 bytes):\n%s", p.Stdout(), tail(p.Logs(), 4000))
		}
	})
	select {
	case u, ok := <-urlc:
		if !ok {
			t.Fatalf("bridgekeeper exited before listening\nstdout:\n%s\nlogs:\n%s", p.Stdout(), p.Logs())
		}
		p.BaseURL = u
	case <-time.After(60 * time.Second):
		t.Fatalf("bridgekeeper did not print its URL within 60s\nstdout:\n%s\nlogs:\n%s", p.Stdout(), p.Logs())
	}
	return p
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// outboxMessage is one entry of /demo/outbox.json.
type outboxMessage struct {
	To      string `json:"to"`
	Medium  string `json:"medium"`
	Code    string `json:"code"`
	Message string `json:"message"`
	SentAt  string `json:"sent_at"`
}

// latestCode returns the newest code the demo pool sent to to over medium.
func latestCode(ctx context.Context, t *testing.T, p *process, medium, to string) string {
	t.Helper()
	c := newClient()
	page, err := c.Get(ctx, p.BaseURL+"/demo/outbox.json")
	if err != nil {
		t.Fatal(err)
	}
	var msgs []outboxMessage
	if err := json.NewDecoder(strings.NewReader(page.Body)).Decode(&msgs); err != nil {
		t.Fatalf("outbox.json: %v\n%s", err, page.Body)
	}
	for _, m := range msgs {
		if m.Medium == medium && m.To == to {
			return m.Code
		}
	}
	t.Fatalf("no %s message to %s in the outbox: %s", medium, to, page.Body)
	return ""
}

var _ = io.EOF
