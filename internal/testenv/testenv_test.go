package testenv_test

import (
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
)

func TestRepoRootHoldsThisModule(t *testing.T) {
	root := testenv.RepoRoot(t)
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatalf("read go.mod at the repo root: %v", err)
	}
	if want := "module github.com/bridgekeeper/bridgekeeper\n"; string(data[:len(want)]) != want {
		t.Errorf("go.mod at %s starts %q, want %q", root, data[:len(want)], want)
	}
	if _, err := os.Stat(filepath.Join(root, "internal", "testenv")); err != nil {
		t.Errorf("repo root %s does not contain internal/testenv: %v", root, err)
	}
}

func TestFreePortCanBeBound(t *testing.T) {
	port := testenv.FreePort(t)
	if port <= 0 || port > 65535 {
		t.Fatalf("FreePort = %d", port)
	}
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatalf("listen on the free port %d: %v", port, err)
	}
	l.Close()
}

func TestInCI(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  bool
	}{
		{"", false},
		{"0", false},
		{"false", false},
		{"FALSE", false},
		{"true", true},
		{"1", true},
		{"yes", true},
	} {
		t.Run(strconv.Quote(tc.value), func(t *testing.T) {
			t.Setenv("CI", tc.value)
			if got := testenv.InCI(); got != tc.want {
				t.Errorf("InCI() with CI=%q = %v, want %v", tc.value, got, tc.want)
			}
		})
	}
}

// recordingTB records how a helper stopped the test, without stopping the real one.
type recordingTB struct {
	testing.TB
	skipped, failed bool
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Skipf(format string, args ...any) {
	r.skipped = true
	runtime.Goexit()
}
func (r *recordingTB) Fatalf(format string, args ...any) {
	r.failed = true
	runtime.Goexit()
}

func TestMissingFailsInCIAndSkipsElsewhere(t *testing.T) {
	for _, tc := range []struct {
		ci                string
		wantSkip, wantErr bool
	}{
		{ci: "", wantSkip: true},
		{ci: "true", wantErr: true},
	} {
		t.Run("CI="+tc.ci, func(t *testing.T) {
			t.Setenv("CI", tc.ci)
			rec := &recordingTB{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				testenv.Missing(rec, "widget", "apt-get install widget")
			}()
			<-done
			if rec.skipped != tc.wantSkip || rec.failed != tc.wantErr {
				t.Errorf("Missing with CI=%q: skipped=%v failed=%v, want skipped=%v failed=%v",
					tc.ci, rec.skipped, rec.failed, tc.wantSkip, tc.wantErr)
			}
		})
	}
}
