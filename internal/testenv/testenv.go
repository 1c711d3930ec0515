// Package testenv starts the real outside components Bridgekeeper's tests run against — the
// cognito-local emulator, headless Chromium, node with AWS's own JavaScript — and finds the
// repository, node and free ports for them.
//
// Every helper takes the test's testing.TB and registers its own cleanup. When a component is
// not installed, the helper skips the test on a developer machine (printing the command that
// installs it) but fails it when the CI environment variable is set, so CI can never pass by
// skipping. `make test` (scripts/install-deps.sh) installs everything these helpers need.
//
// Only use this package from tests.
package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// InstallHint is the command that installs every component this package starts.
const InstallHint = "make deps (or: bash scripts/install-deps.sh)"

// RepoRoot returns the repository root: the nearest directory at or above the test's working
// directory (the package directory under `go test`) that holds go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("testenv: working directory: %v", err)
	}
	root, err := findRepoRoot(dir)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	return root
}

func findRepoRoot(dir string) (string, error) {
	for d := dir; ; {
		if fi, err := os.Stat(filepath.Join(d, "go.mod")); err == nil && !fi.IsDir() {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.mod at or above %s", dir)
		}
		d = parent
	}
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago. Another process can
// still take it before the caller binds it; helpers that start servers on it retry on a clash.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testenv: find a free port: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		t.Fatalf("testenv: release port %d: %v", port, err)
	}
	return port
}

// Node returns the path of the node executable, or skips/fails the test (see Missing).
func Node(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("node")
	if err != nil {
		testutil.Missing(t, "node", "apt-get install nodejs npm")
	}
	return path
}

// NodeDir returns e2e/node, the directory holding the JavaScript the tests run, after checking
// that its dependencies are installed (skips/fails the test otherwise, see Missing).
func NodeDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(RepoRoot(t), "e2e", "node")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json")); err != nil {
		testutil.Missing(t, "e2e/node/node_modules", "npm ci --prefix e2e/node (or: "+InstallHint+")")
	}
	return dir
}

// RunNodeJSON runs the script e2e/node/<script> under node with in, encoded as JSON, on its
// standard input, and decodes its standard output as JSON into out. The test fails when the
// script exits non-zero or prints something that is not JSON; its standard error is reported.
func RunNodeJSON(ctx context.Context, t testing.TB, script string, in, out any) {
	t.Helper()
	node := Node(t)
	dir := NodeDir(t)
	input, err := json.Marshal(in)
	if err != nil {
		t.Fatalf("testenv: encode input for %s: %v", script, err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, node, filepath.Join(dir, script))
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(input)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("testenv: node %s: %v\nstderr:\n%s", script, err, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		t.Fatalf("testenv: node %s printed something that is not the expected JSON: %v\nstdout:\n%s\nstderr:\n%s",
			script, err, stdout.String(), stderr.String())
	}
}
