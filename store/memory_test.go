package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
	"github.com/bridgekeeper/bridgekeeper/store"
	"github.com/bridgekeeper/bridgekeeper/store/storetest"
)

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func newMemory(t *testing.T, maxKeys int) (*store.Memory, *testutil.Clock) {
	t.Helper()
	clock := testutil.NewClock(epoch)
	m := store.NewMemory(store.MemoryOptions{Now: clock.Now, MaxKeys: maxKeys})
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return m, clock
}

func TestMemoryConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (store.Store, storetest.Clock) {
		return newMemory(t, 0)
	})
}

func TestMemoryMaxKeys(t *testing.T) {
	ctx := t.Context()
	m, clock := newMemory(t, 3)
	wantFull := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, store.ErrFull) {
			t.Fatalf("%s at the limit: %v, want ErrFull", what, err)
		}
	}
	for i := range 3 {
		if err := m.Set(ctx, fmt.Sprint("k", i), []byte("v"), time.Hour); err != nil {
			t.Fatalf("Set %d: %v", i, err)
		}
	}
	wantFull("Set", m.Set(ctx, "k3", []byte("v"), time.Hour))
	_, err := m.SetNX(ctx, "k3", []byte("v"), time.Hour)
	wantFull("SetNX", err)
	_, err = m.Incr(ctx, "k3", time.Hour)
	wantFull("Incr", err)
	wantFull("SAdd", m.SAdd(ctx, "k3", "m", time.Hour))
	wantFull("ZAdd", m.ZAdd(ctx, "k3", "m", 1, time.Hour))

	// Writes to existing keys still work at the limit.
	if err := m.Set(ctx, "k0", []byte("w"), time.Hour); err != nil {
		t.Fatalf("overwrite at the limit: %v", err)
	}
	if _, err := m.Swap(ctx, "k1", []byte("w"), time.Hour); err != nil {
		t.Fatalf("Swap at the limit: %v", err)
	}

	// Set members count too.
	if err := m.Delete(ctx, "k2"); err != nil {
		t.Fatal(err)
	}
	if err := m.SAdd(ctx, "set", "a", time.Hour); err != nil {
		t.Fatalf("SAdd after Delete freed room: %v", err)
	}
	wantFull("SAdd of a second member", m.SAdd(ctx, "set", "b", time.Hour))
	if err := m.SAdd(ctx, "set", "a", 2*time.Hour); err != nil {
		t.Fatalf("SAdd of an existing member at the limit: %v", err)
	}
	// Removing a member frees its room.
	if err := m.SRem(ctx, "set", "a"); err != nil {
		t.Fatal(err)
	}
	if err := m.SAdd(ctx, "other", "x", time.Hour); err != nil {
		t.Fatalf("SAdd after SRem freed room: %v", err)
	}
	// Replacing a two-member set with a string frees one entry.
	if err := m.Delete(ctx, "k0"); err != nil {
		t.Fatal(err)
	}
	if err := m.SAdd(ctx, "other", "y", time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := m.Set(ctx, "other", []byte("s"), time.Hour); err != nil {
		t.Fatalf("Set over a set at the limit: %v", err)
	}
	if err := m.Set(ctx, "k0", []byte("v"), time.Hour); err != nil {
		t.Fatalf("Set after a set shrank to a string: %v", err)
	}
	wantFull("Set", m.Set(ctx, "k9", []byte("v"), time.Hour))

	// Expired entries are reclaimed to make room.
	clock.Advance(3 * time.Hour)
	for i := range 3 {
		if err := m.Set(ctx, fmt.Sprint("new", i), []byte("v"), time.Hour); err != nil {
			t.Fatalf("Set %d after everything expired: %v", i, err)
		}
	}
	wantFull("Set", m.Set(ctx, "new3", []byte("v"), time.Hour))
}

func TestMemoryDefaults(t *testing.T) {
	ctx := t.Context()
	m := store.NewMemory(store.MemoryOptions{})
	defer m.Close()
	// The default clock is the real one: a key set for an hour is there.
	if err := m.Set(ctx, "k", []byte("v"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Get(ctx, "k"); err != nil {
		t.Fatalf("Get: %v", err)
	}
	// … and one set for a nanosecond is gone by the time it is read.
	if err := m.Set(ctx, "short", []byte("v"), time.Nanosecond); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := m.Get(ctx, "short"); errors.Is(err, store.ErrNotFound) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a key with a 1ns ttl is still there after 10s")
		}
	}
}
