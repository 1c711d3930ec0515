package testenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestStartChromiumReportsABrowserThatExits runs a "browser" that prints a line and exits: the
// start fails with its exit status and its output, so a flaky start can be told from a broken one.
func TestStartChromiumReportsABrowserThatExits(t *testing.T) {
	fake := filepath.Join(t.TempDir(), "chromium")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho 'no display here' >&2\nexit 3\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	_, stop, err := startChromium(t, fake, time.Minute)
	stop()
	if err == nil {
		t.Fatal("a browser that exits at once started")
	}
	for _, want := range []string{"exit status 3", "no display here"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the start error does not say %q: %v", want, err)
		}
	}
}
