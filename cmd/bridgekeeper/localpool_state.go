package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
)

// poolStateFile is `bridgekeeper localpool --state FILE`: the pool's state (pools, app clients,
// users, groups, devices, passkeys; not sign-ins in flight) is loaded from FILE at start when it
// exists, and written to it, atomically, after every change and at shutdown.
type poolStateFile struct {
	path  string
	log   *slog.Logger
	pool  *localpool.Server // set before the pool serves
	dirty chan struct{}
	quit  chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex // one write at a time
}

func newPoolStateFile(path string, log *slog.Logger) *poolStateFile {
	return &poolStateFile{path: path, log: log, dirty: make(chan struct{}, 1), quit: make(chan struct{})}
}

// changed is the pool's OnChange: it asks for a write without waiting for it (changes that
// come while a write is under way are coalesced into the next one).
func (f *poolStateFile) changed() {
	select {
	case f.dirty <- struct{}{}:
	default:
	}
}

// load reads the file into the pool; it reports false when there is no file yet.
func (f *poolStateFile) load() (bool, error) {
	raw, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("state: %w", err)
	}
	if err := f.pool.LoadState(bytes.NewReader(raw)); err != nil {
		return false, fmt.Errorf("state %s: %w", f.path, err)
	}
	return true, nil
}

// start writes the state after each change until stop.
func (f *poolStateFile) start() {
	f.wg.Go(func() {
		for {
			select {
			case <-f.dirty:
				if err := f.write(); err != nil {
					f.log.Error("write the local pool's state", "err", err)
				}
			case <-f.quit:
				return
			}
		}
	})
}

// stop ends the writes after changes and writes the state a last time.
func (f *poolStateFile) stop() error {
	close(f.quit)
	f.wg.Wait()
	return f.write()
}

// write replaces the file with the current state: a private temporary file beside it, synced,
// then renamed over it, so a crash leaves the old state or the new one, never half of one.
func (f *poolStateFile) write() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	var buf bytes.Buffer
	if err := f.pool.SaveState(&buf); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.path), filepath.Base(f.path)+".*.tmp") // mode 0600
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	defer os.Remove(tmp.Name()) // gone after the rename; removes a failed write's leftovers
	_, err = tmp.Write(buf.Bytes())
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), f.path)
	}
	if err != nil {
		return fmt.Errorf("state %s: %w", f.path, err)
	}
	return nil
}
