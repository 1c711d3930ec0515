package metrics

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	bktest "github.com/bridgekeeper/bridgekeeper/internal/testutil"
	"github.com/bridgekeeper/bridgekeeper/store"
)

// TestStoreEntries: the gauge follows the memory store's live entries (expired ones are not
// counted), and a store that cannot count them gets no gauge.
func TestStoreEntries(t *testing.T) {
	ctx := context.Background()
	clock := bktest.NewClock(time.Unix(1_700_000_000, 0))
	mem := store.NewMemory(store.MemoryOptions{Now: clock.Now})
	m := New(BuildInfo{})
	if !m.StoreEntries(mem) {
		t.Fatal("the memory store was not counted")
	}
	st := m.Store(mem)
	gauge := func() float64 {
		t.Helper()
		mfs, err := m.Registry().Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() == "bridgekeeper_store_entries" {
				return mf.GetMetric()[0].GetGauge().GetValue()
			}
		}
		t.Fatal("no bridgekeeper_store_entries")
		return 0
	}
	for _, step := range []struct {
		name string
		do   func() error
		want float64
	}{
		{"empty", func() error { return nil }, 0},
		{"a key", func() error { return st.Set(ctx, "a", []byte("1"), time.Minute) }, 1},
		{"a set of two", func() error {
			if err := st.SAdd(ctx, "s", "x", 2*time.Minute); err != nil {
				return err
			}
			return st.SAdd(ctx, "s", "y", 2*time.Minute)
		}, 3},
		{"the key expired", func() error { clock.Advance(time.Minute); return nil }, 2},
		{"everything expired", func() error { clock.Advance(time.Minute); return nil }, 0},
	} {
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if got := gauge(); got != step.want {
			t.Errorf("%s: bridgekeeper_store_entries = %v, want %v", step.name, got, step.want)
		}
	}

	other := New(BuildInfo{})
	if other.StoreEntries(st) {
		t.Error("the instrumented wrapper, which cannot count, got a gauge")
	}
	if n, err := testutil.GatherAndCount(other.Registry(), "bridgekeeper_store_entries"); err != nil || n != 0 {
		t.Errorf("%d bridgekeeper_store_entries series without a counting store (%v)", n, err)
	}
}
