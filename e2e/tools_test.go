package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// moduleBinary builds the command pkg of module mod at a pinned version, in a scratch module, and
// caches the binary under the user cache directory, so only the first run pays for the build.
// When the build fails (no module proxy, say) the test fails in CI and is skipped elsewhere.
func moduleBinary(t *testing.T, name, mod, pkg, version string) string {
	t.Helper()
	return cachedBuild(t, name, name+"-"+version, nil, [][]string{
		{"mod", "init", "scratch"},
		{"get", mod + "@" + version},
		{"build", "-o", "$OUT", pkg},
	}, version)
}

// sourceBinary builds the main program at src (a file under testdata) in a scratch module of its
// own that requires mod at version, with the newest versions of everything else that module
// needs (go mod tidy), so it may need newer modules than the product's go.mod has. The binary
// is cached by the program's content, like moduleBinary's.
func sourceBinary(t *testing.T, name, src, mod, version string) string {
	t.Helper()
	code, err := os.ReadFile(src)
	must(t, err)
	sum := sha256.Sum256(code)
	return cachedBuild(t, name, name+"-"+version+"-"+hex.EncodeToString(sum[:6]), map[string][]byte{"main.go": code}, [][]string{
		{"mod", "init", "scratch"},
		{"get", mod + "@" + version},
		{"mod", "tidy"},
		{"build", "-o", "$OUT", "."},
	}, version)
}

// cachedBuild runs the go commands steps ($OUT: the binary being built) in a scratch directory
// holding files, unless the cache directory key already holds the binary.
func cachedBuild(t *testing.T, name, key string, files map[string][]byte, steps [][]string, version string) string {
	t.Helper()
	cache, err := os.UserCacheDir()
	if err != nil {
		testutil.Missing(t, "a user cache directory for "+name+" ("+err.Error()+")", "set HOME or XDG_CACHE_HOME")
	}
	dir := filepath.Join(cache, "bridgekeeper-e2e", key)
	bin := filepath.Join(dir, name)
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() {
		return bin
	}
	must(t, os.MkdirAll(dir, 0o755))
	scratch := t.TempDir()
	for file, content := range files {
		must(t, os.WriteFile(filepath.Join(scratch, file), content, 0o644))
	}
	tmp := filepath.Join(dir, fmt.Sprintf("%s.%d.tmp", name, os.Getpid()))
	for _, args := range steps {
		args = append([]string(nil), args...)
		for i, a := range args {
			if a == "$OUT" {
				args[i] = tmp
			}
		}
		cmd := exec.Command("go", args...)
		cmd.Dir = scratch
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			_ = os.Remove(tmp)
			testutil.Missing(t, fmt.Sprintf("%s %s (go %s: %v\n%s)", name, version, strings.Join(args, " "), err, tail(string(out), 2000)),
				"a reachable Go module proxy (GOPROXY)")
		}
	}
	must(t, os.Rename(tmp, bin))
	return bin
}
