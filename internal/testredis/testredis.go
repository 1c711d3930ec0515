// Package testredis starts a real, throwaway redis-server for tests.
//
// Each call to [Start] runs its own server on a free 127.0.0.1 port with
// persistence off, in a temporary directory, and stops it when the test ends.
// The server is ready (it answers commands) when Start returns.
package testredis

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

const (
	// startTimeout bounds how long a server may take to answer.
	startTimeout = 15 * time.Second
	// stopTimeout bounds how long a server may take to exit after SIGTERM.
	stopTimeout = 10 * time.Second
	// attempts is how many ports Start tries (another process may take the
	// port between choosing it and the server binding it).
	attempts = 5
)

// Start runs a redis-server for the test and returns its URL
// (redis://127.0.0.1:PORT/0). If redis-server is not on PATH the test is
// skipped, unless the tests run in CI (testutil.InCI), when it fails: CI must
// run the Redis tests.
func Start(t testing.TB) string {
	t.Helper()
	return fmt.Sprintf("redis://%s/0", startServer(t, redisServer(t), t.TempDir()).addr)
}

// startServer runs one redis-server in dir with the extra arguments first (a config file, a
// mode), stopped when the test ends, trying a few ports.
func startServer(t testing.TB, bin, dir string, extra ...string) *server {
	t.Helper()
	var errs []error
	for range attempts {
		s, err := start(bin, dir, extra...)
		if err == nil {
			t.Cleanup(func() {
				if err := s.stop(); err != nil {
					t.Errorf("testredis: %v", err)
				}
				if t.Failed() {
					t.Logf("testredis: server output:\n%s", s.out.String())
				}
			})
			return s
		}
		errs = append(errs, err)
	}
	t.Fatalf("testredis: could not start redis-server: %v", errors.Join(errs...))
	return nil
}

// server is one running redis-server.
type server struct {
	cmd    *exec.Cmd
	addr   string
	out    *testutil.Buffer
	exited chan struct{} // closed when the process has exited
}

// start runs redis-server on a free port and waits until it answers.
func start(bin, dir string, extra ...string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	return startOn(bin, dir, port, extra...)
}

// startOn runs redis-server on port and waits until it answers.
func startOn(bin, dir string, port int, extra ...string) (*server, error) {
	s := &server{
		addr:   net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		out:    &testutil.Buffer{},
		exited: make(chan struct{}),
	}
	args := append(extra, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--dir", dir, "--logfile", "", "--daemonize", "no")
	if !slices.Contains(extra, "--appendonly") {
		args = append(args, "--appendonly", "no")
	}
	s.cmd = exec.Command(bin, args...)
	s.cmd.Dir = dir
	s.cmd.Stdout = s.out
	s.cmd.Stderr = s.out
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() {
		_ = s.cmd.Wait() // the exit status is reported through s.out and s.exited
		close(s.exited)
	}()
	if err := s.waitReady(); err != nil {
		return nil, errors.Join(err, s.stop())
	}
	return s, nil
}

// waitReady polls the port until this process (not some other server that
// took the port) answers INFO, or the process exits, or the deadline passes.
func (s *server) waitReady() error {
	deadline := time.NewTimer(startTimeout)
	defer deadline.Stop()
	poll := time.NewTicker(5 * time.Millisecond)
	defer poll.Stop()
	for {
		err := ready(s.addr, s.cmd.Process.Pid)
		if err == nil {
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("redis-server on %s exited early: %s", s.addr, strings.TrimSpace(s.out.String()))
		case <-deadline.C:
			return fmt.Errorf("redis-server on %s not ready after %s: %w", s.addr, startTimeout, err)
		case <-poll.C:
		}
	}
}

// stop terminates the server and waits for it to exit.
func (s *server) stop() error {
	select {
	case <-s.exited:
		return nil
	default:
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stop redis-server: %w", err)
	}
	timer := time.NewTimer(stopTimeout)
	defer timer.Stop()
	select {
	case <-s.exited:
		return nil
	case <-timer.C:
		_ = s.cmd.Process.Kill() // escalate; the result shows in the error below
		<-s.exited
		return fmt.Errorf("redis-server on %s ignored SIGTERM for %s and was killed", s.addr, stopTimeout)
	}
}

// ready reports whether the redis-server with process id pid serves addr and has loaded its
// data: INFO names that process (not some other server that took the port), and PING answers
// PONG (a server still reading its append-only file answers INFO, but PING and every data
// command get "-LOADING").
func ready(addr string, pid int) error {
	got, err := serverPID(addr)
	if err != nil {
		return err
	}
	if got != pid {
		return fmt.Errorf("%s is served by another process (pid %d)", addr, got)
	}
	return ping(addr)
}

// ping sends PING to addr and expects +PONG.
func ping(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(2 * time.Second)); err != nil {
		return err
	}
	if _, err := io.WriteString(conn, "PING\r\n"); err != nil {
		return err
	}
	reply, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if reply = strings.TrimRight(reply, "\r\n"); reply != "+PONG" {
		return fmt.Errorf("PING answered %q", reply)
	}
	return nil
}

// serverPID connects to addr, sends INFO server and returns the process_id
// the server reports.
func serverPID(addr string) (int, error) {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(2 * time.Second)); err != nil {
		return 0, err
	}
	if _, err := io.WriteString(conn, "INFO server\r\n"); err != nil {
		return 0, err
	}
	r := bufio.NewReader(conn)
	header, err := r.ReadString('\n')
	if err != nil {
		return 0, err
	}
	header = strings.TrimRight(header, "\r\n")
	if !strings.HasPrefix(header, "$") {
		// For example "-LOADING …" while the server starts.
		return 0, fmt.Errorf("unexpected reply %q", header)
	}
	n, err := strconv.Atoi(header[1:])
	if err != nil || n < 0 {
		return 0, fmt.Errorf("unexpected reply %q", header)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(body)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "process_id:"); ok {
			return strconv.Atoi(v)
		}
	}
	return 0, errors.New("INFO reply has no process_id")
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	return port, nil
}

// Server is a redis-server a test stops and starts again on the same port, to see what its
// clients do while Redis is down and once it is back (an outage, a restart). It keeps its data
// across the restart in an append-only file written before each write is answered, as a
// production Redis with persistence does.
type Server struct {
	t    testing.TB
	bin  string
	dir  string
	port int
	cur  *server // nil while stopped
}

// StartServer runs a redis-server for the test, like Start, and returns it for stopping and
// starting again. It is stopped when the test ends.
func StartServer(t testing.TB) *Server {
	t.Helper()
	bin, dir := redisServer(t), t.TempDir()
	s := &Server{t: t, bin: bin, dir: dir, cur: startServer(t, bin, dir, persistent...)}
	_, port, _ := net.SplitHostPort(s.cur.addr)
	s.port, _ = strconv.Atoi(port)
	return s
}

// URL is the server's redis:// URL; it stays the same across Stop and Restart.
func (s *Server) URL() string {
	return fmt.Sprintf("redis://127.0.0.1:%d/0", s.port)
}

// persistent are the arguments of a Server: every write goes to the append-only file before it
// is answered.
var persistent = []string{"--appendonly", "yes", "--appendfsync", "always"}

// Stop terminates the server (SIGTERM, then waits). Its data stays on disk for Restart.
func (s *Server) Stop() {
	s.t.Helper()
	if s.cur == nil {
		return
	}
	if err := s.cur.stop(); err != nil {
		s.t.Fatalf("testredis: %v", err)
	}
	s.cur = nil
}

// Restart starts the server again on the same port, with the data it had, and waits until it
// answers. It fails the test if the port was taken meanwhile.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	srv, err := startOn(s.bin, s.dir, s.port, persistent...)
	if err != nil {
		s.t.Fatalf("testredis: restart on port %d: %v", s.port, err)
	}
	s.cur = srv
	s.t.Cleanup(func() {
		if err := srv.stop(); err != nil {
			s.t.Errorf("testredis: %v", err)
		}
	})
}
