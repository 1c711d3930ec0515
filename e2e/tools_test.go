package e2e

import (
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
	cache, err := os.UserCacheDir()
	if err != nil {
		testutil.Missing(t, "a user cache directory for "+name+" ("+err.Error()+")", "set HOME or XDG_CACHE_HOME")
	}
	dir := filepath.Join(cache, "bridgekeeper-e2e", name+"-"+version)
	bin := filepath.Join(dir, name)
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() {
		return bin
	}
	must(t, os.MkdirAll(dir, 0o755))
	scratch := t.TempDir()
	tmp := filepath.Join(dir, fmt.Sprintf("%s.%d.tmp", name, os.Getpid()))
	for _, args := range [][]string{
		{"mod", "init", "scratch"},
		{"get", mod + "@" + version},
		{"build", "-o", tmp, pkg},
	} {
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
