package e2e

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMain runs the suite, then removes the binaries it built (each build is tens of
// megabytes in a fresh temporary directory, so runs must not leave them behind).
func TestMain(m *testing.M) {
	code := m.Run()
	for _, built := range []string{binary.path, staticBinary.path} {
		if built != "" {
			_ = os.RemoveAll(filepath.Dir(built))
		}
	}
	os.Exit(code)
}
