package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
	"github.com/chromedp/chromedp"
)

// ChromiumPath is where Debian's chromium package installs the browser; Chromium uses it when
// present and otherwise looks for chromium, chromium-browser or google-chrome on PATH.
const ChromiumPath = "/usr/bin/chromium"

// BrowserTimeout bounds everything one test does with the browser from Chromium, so a page that
// never loads fails that test with a clear error instead of hanging the whole run.
const BrowserTimeout = 2 * time.Minute

// chromiumFlags are the command-line switches the browser starts with (besides
// --user-data-dir, a fresh temporary directory per test, and chromedp's own pipe switch).
var chromiumFlags = []string{
	"headless",
	"no-sandbox",
	"disable-gpu",
	"disable-dev-shm-usage",
	"disable-background-networking",
	"disable-component-update",
	"no-first-run",
	"disable-sync",
	"disable-quic",
}

// Chromium starts a headless Chromium for the test and returns a chromedp context for its first
// tab: pass it to chromedp.Run. The browser has a fresh profile (cookies, storage) in a temporary
// directory, is already running when Chromium returns, and is closed at the test's cleanup. The
// context expires after BrowserTimeout. If the browser cannot start, the test fails and shows
// what the browser printed.
func Chromium(t testing.TB) context.Context {
	t.Helper()
	return ChromiumFor(t, BrowserTimeout)
}

// startAttempts is how many times ChromiumFor starts the browser before it fails the test. A
// browser process can exit during start-up without a word (seen once in CI, in 0.2 s, between
// two tests that each started one); a second start in a fresh directory tells such a one-off
// from a broken installation, which fails every attempt.
const startAttempts = 3

// ChromiumFor is Chromium for a test that does more with the browser than BrowserTimeout allows
// (one browser for many pages): its context expires after timeout.
func ChromiumFor(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		testutil.Missing(t, "chromium", "apt-get install chromium (or: "+InstallHint+")")
	}
	var failures []string
	for attempt := 1; attempt <= startAttempts; attempt++ {
		ctx, stop, err := startChromium(t, path, timeout)
		if err == nil {
			t.Cleanup(stop)
			for _, f := range failures {
				t.Logf("testenv: an earlier chromium start failed, the next one worked: %s", f)
			}
			return ctx
		}
		stop()
		failures = append(failures, fmt.Sprintf("attempt %d: %v", attempt, err))
	}
	t.Fatalf("testenv: start chromium %s failed %d times:\n%s", path, startAttempts, strings.Join(failures, "\n"))
	return nil
}

// startChromium starts one browser and returns a chromedp context for its first tab and the
// function that closes the browser and removes its directory (to call in every case). A browser
// that does not start gives an error with its exit status and what it printed.
func startChromium(t testing.TB, path string, timeout time.Duration) (context.Context, func(), error) {
	// One short-named directory holds the profile and the browser's TMPDIR (where it puts its
	// singleton socket, whose path must stay under the 108-byte limit of a Unix socket name).
	// It is removed after the browser has exited.
	base, err := os.MkdirTemp("", "bk-chromium-")
	if err != nil {
		t.Fatalf("testenv: chromium directory: %v", err)
	}
	removeBase := func() {
		if err := os.RemoveAll(base); err != nil {
			t.Errorf("testenv: remove chromium directory: %v", err)
		}
	}
	profile, tmp := filepath.Join(base, "profile"), filepath.Join(base, "tmp")
	for _, d := range []string{profile, tmp} {
		if err := os.Mkdir(d, 0o700); err != nil {
			removeBase()
			t.Fatalf("testenv: chromium directory: %v", err)
		}
	}

	out := &testutil.Buffer{}
	var cmd *exec.Cmd
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.Env("TMPDIR=" + tmp),
		chromedp.CombinedOutput(out),
		chromedp.ModifyCmdFunc(func(c *exec.Cmd) { cmd = c }),
	}
	for _, f := range chromiumFlags {
		opts = append(opts, chromedp.Flag(f, true))
	}
	// Like chromedp.Headless: no scrollbars changing layout widths, no sound.
	opts = append(opts, chromedp.Flag("hide-scrollbars", true), chromedp.Flag("mute-audio", true))

	timeoutCtx, cancelTimeout := context.WithTimeout(context.Background(), timeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(timeoutCtx, opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithErrorf(t.Logf))
	stop := func() {
		// Close the browser gracefully, then make sure the process is gone (cancelAlloc waits).
		closeCtx, cancelClose := context.WithTimeout(ctx, 10*time.Second)
		defer cancelClose()
		if err := chromedp.Cancel(closeCtx); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			t.Logf("testenv: closing chromium: %v", err)
		}
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
		removeBase()
	}
	// Start the browser now, so a broken installation fails here and not in the test's first step.
	if err := chromedp.Do(ctx); err != nil {
		status := "not started"
		if cmd != nil && cmd.ProcessState != nil {
			status = cmd.ProcessState.String()
		}
		return nil, stop, fmt.Errorf("%w (process: %s)\nbrowser output:\n%s", err, status, out.String())
	}
	return ctx, stop, nil
}

func chromiumPath() string {
	if fi, err := os.Stat(ChromiumPath); err == nil && !fi.IsDir() {
		return ChromiumPath
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}
