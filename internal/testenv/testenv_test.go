package testenv_test

import (
	"net"
	"os"
	"path/filepath"
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
