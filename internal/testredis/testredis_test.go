package testredis

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestStartServesAndStops(t *testing.T) {
	var addr string
	t.Run("server", func(t *testing.T) {
		u, err := url.Parse(Start(t))
		if err != nil {
			t.Fatalf("Start returned a bad URL: %v", err)
		}
		if u.Scheme != "redis" || !strings.HasPrefix(u.Host, "127.0.0.1:") {
			t.Fatalf("Start returned %q, want redis://127.0.0.1:PORT/…", u)
		}
		addr = u.Host
		if got := roundTrip(t, addr, "PING"); got != "+PONG" {
			t.Fatalf("PING answered %q, want +PONG", got)
		}
		// Persistence is off, so tests leave no files and never block on disk.
		if got := roundTrip(t, addr, "CONFIG GET appendonly"); !strings.HasSuffix(got, " no") {
			t.Errorf("appendonly: %q", got)
		}
	})
	// The subtest's cleanup has stopped the server: the port refuses connections.
	if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		conn.Close()
		t.Fatalf("server on %s still accepts connections after the test ended", addr)
	}
}

func TestStartGivesEachCallItsOwnServer(t *testing.T) {
	a, b := Start(t), Start(t)
	if a == b {
		t.Fatalf("two calls returned the same URL %q", a)
	}
	ua, _ := url.Parse(a)
	ub, _ := url.Parse(b)
	roundTrip(t, ua.Host, "SET k a")
	if got := roundTrip(t, ub.Host, "EXISTS k"); got != ":0" {
		t.Fatalf("second server sees the first one's key: EXISTS = %q", got)
	}
}

func TestServerPIDRejectsNonRedis(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = io.WriteString(c, "HTTP/1.1 400 Bad Request\r\n\r\n")
	}()
	if _, err := serverPID(l.Addr().String()); err == nil {
		t.Fatal("serverPID accepted a server that is not Redis")
	}
}

// roundTrip sends one inline command and returns the first reply line for
// simple replies, or the bulk/array body joined for others.
func roundTrip(t *testing.T, addr, cmd string) string {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(2 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(conn, cmd+"\r\n"); err != nil {
		t.Fatalf("write: %v", err)
	}
	r := bufio.NewReader(conn)
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if !strings.HasPrefix(line, "*") {
		return line
	}
	var parts []string
	for range 4 { // CONFIG GET returns two bulk strings: 4 lines
		l, err := r.ReadString('\n')
		if err != nil {
			break
		}
		parts = append(parts, strings.TrimRight(l, "\r\n"))
	}
	return strings.Join(parts, " ")
}

// TestStartWithoutRedisServer runs this test binary again with an empty PATH:
// Start must skip the test, or fail it when CI is set.
func TestStartWithoutRedisServer(t *testing.T) {
	if os.Getenv("TESTREDIS_CHILD") == "1" {
		Start(t)
		t.Log("Start returned without redis-server")
		return
	}
	for _, tc := range []struct {
		ci       string
		wantFail bool
		wantOut  string
	}{
		{ci: "", wantFail: false, wantOut: "--- SKIP"},
		{ci: "false", wantFail: false, wantOut: "--- SKIP"}, // the one rule: testutil.InCI
		{ci: "true", wantFail: true, wantOut: "CI is set, so this is a failure"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestStartWithoutRedisServer$", "-test.v")
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "PATH=") && !strings.HasPrefix(kv, "CI=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, "PATH="+t.TempDir(), "TESTREDIS_CHILD=1")
		if tc.ci != "" {
			cmd.Env = append(cmd.Env, "CI="+tc.ci)
		}
		out, err := cmd.CombinedOutput()
		var exitErr *exec.ExitError
		failed := errors.As(err, &exitErr)
		if err != nil && !failed {
			t.Fatalf("run child: %v", err)
		}
		if failed != tc.wantFail || !strings.Contains(string(out), tc.wantOut) {
			t.Errorf("CI=%q: failed=%v, want %v; output:\n%s", tc.ci, failed, tc.wantFail, out)
		}
		if strings.Contains(string(out), "Start returned") {
			t.Errorf("CI=%q: Start returned without redis-server", tc.ci)
		}
	}
}

func TestServerStopsAndRestartsOnItsPort(t *testing.T) {
	s := StartServer(t)
	u, err := url.Parse(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	if got := roundTrip(t, u.Host, "SET k v"); got != "+OK" {
		t.Fatalf("SET answered %q", got)
	}
	s.Stop()
	if conn, err := net.DialTimeout("tcp", u.Host, time.Second); err == nil {
		conn.Close()
		t.Fatalf("%s still accepts connections after Stop", u.Host)
	}
	s.Restart()
	if s.URL() != u.String() {
		t.Fatalf("URL changed from %s to %s", u, s.URL())
	}
	// The server answers on the same port, with what it held before.
	if got := roundTrip(t, u.Host, "EXISTS k"); got != ":1" {
		t.Fatalf("EXISTS after the restart answered %q, want :1", got)
	}
}
