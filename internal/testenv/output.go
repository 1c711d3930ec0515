package testenv

import (
	"bytes"
	"sync"
)

// output is an io.Writer, safe for concurrent use, that keeps everything written to it and lets
// readers wait for more.
type output struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed and replaced on every write
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n, err := o.buf.Write(p)
	if o.changed != nil {
		close(o.changed)
		o.changed = nil
	}
	return n, err
}

// String returns everything written so far.
func (o *output) String() string {
	s, _ := o.snapshot()
	return s
}

// snapshot returns everything written so far and a channel that is closed by the next write.
func (o *output) snapshot() (string, <-chan struct{}) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.changed == nil {
		o.changed = make(chan struct{})
	}
	return o.buf.String(), o.changed
}
