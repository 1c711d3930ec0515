// Package testutil holds the few helpers every package's tests share: a settable clock, a
// buffer that concurrent writers may share (log output, a process's output), and the one rule
// for "the tests run in CI".
//
// Only use this package from tests.
package testutil

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// Clock is a settable clock, safe for concurrent use. Pass its Now method wherever a package
// takes a clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock reading start.
func NewClock(start time.Time) *Clock { return &Clock{t: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Set sets the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Buffer keeps everything written to it; concurrent writers and readers may share it. Its zero
// value is ready to use.
type Buffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed and replaced on every write
}

// Write implements io.Writer.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	if b.changed != nil {
		close(b.changed)
		b.changed = nil
	}
	return n, err
}

// String returns everything written so far.
func (b *Buffer) String() string {
	s, _ := b.Snapshot()
	return s
}

// Lines returns the complete lines written so far, without their newlines.
func (b *Buffer) Lines() []string {
	s := b.String()
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return strings.Split(s[:i], "\n")
	}
	return nil
}

// Snapshot returns everything written so far and a channel that the next write closes, so a
// reader can wait for more output without polling.
func (b *Buffer) Snapshot() (string, <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.changed == nil {
		b.changed = make(chan struct{})
	}
	return b.buf.String(), b.changed
}

// InCI reports whether the tests run in continuous integration, where a missing component is a
// failure rather than a reason to skip. CI is set by most CI systems and by .ci/run; the values
// "", "0" and "false" (in any case) mean "not CI".
func InCI() bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv("CI"))) {
	case "", "0", "false":
		return false
	}
	return true
}

// Missing stops the test because a component it needs is not available: t.Fatal in CI, t.Skip
// elsewhere. what names the component and fix is the command that installs it.
func Missing(t testing.TB, what, fix string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s is not available (CI is set, so this is a failure, not a skip); install it with: %s", what, fix)
	}
	t.Skipf("%s is not available; install it with: %s", what, fix)
}
