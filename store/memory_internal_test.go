package store

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestMemorySweepReclaims checks the bookkeeping behind expiry: expired
// entries leave the map (not just become invisible), a bounded number per
// write, soonest-expiring first.
func TestMemorySweepReclaims(t *testing.T) {
	ctx := t.Context()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	m := NewMemory(MemoryOptions{Now: func() time.Time { return now }, MaxKeys: 10_000})
	const n = 3*sweepBudget + 10
	for i := range n {
		// Key i expires after i+1 minutes.
		if err := m.Set(ctx, fmt.Sprint("k", i), []byte("v"), time.Duration(i+1)*time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.SAdd(ctx, "set", "a", time.Hour*24); err != nil {
		t.Fatal(err)
	}
	if err := m.SAdd(ctx, "set", "b", time.Hour*24); err != nil {
		t.Fatal(err)
	}
	check := func(wantKeys, wantUsed int) {
		t.Helper()
		if len(m.entries) != wantKeys || len(m.byExpiry) != wantKeys || m.used != wantUsed {
			t.Fatalf("entries=%d heap=%d used=%d, want %d, %d, %d",
				len(m.entries), len(m.byExpiry), m.used, wantKeys, wantKeys, wantUsed)
		}
	}
	check(n+1, n+2)

	now = now.Add(time.Duration(n) * time.Minute) // every k expired, the set has not
	if err := m.Delete(ctx, "nothing"); err != nil {
		t.Fatal(err)
	}
	check(n+1-sweepBudget, n+2-sweepBudget)
	// The oldest went first.
	for i := range sweepBudget {
		if _, ok := m.entries[fmt.Sprint("k", i)]; ok {
			t.Fatalf("k%d survived the sweep but later keys were removed", i)
		}
	}
	for range 3 {
		if err := m.Delete(ctx, "nothing"); err != nil {
			t.Fatal(err)
		}
	}
	check(1, 2)
	// Reads never reclaim (they hold the read lock only) but never see expired keys.
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if m.entries != nil || m.used != 0 {
		t.Fatal("Close kept the entries")
	}
}

// TestMemoryFullOnlyWhenLive checks that a store at its limit with only
// expired entries accepts as many new ones as the limit allows, reclaiming the
// old ones as it goes.
func TestMemoryFullOnlyWhenLive(t *testing.T) {
	ctx := t.Context()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const limit = 4 * sweepBudget
	m := NewMemory(MemoryOptions{Now: func() time.Time { return now }, MaxKeys: limit})
	for i := range limit {
		if err := m.Set(ctx, fmt.Sprint("old", i), []byte("v"), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(2 * time.Minute)
	for i := range limit {
		if _, err := m.Incr(ctx, fmt.Sprint("new", i), time.Minute); err != nil {
			t.Fatalf("Incr %d with only expired entries in the way: %v", i, err)
		}
	}
	if len(m.entries) != limit || m.used != limit {
		t.Fatalf("entries=%d used=%d, want %d live new ones", len(m.entries), m.used, limit)
	}
	for k := range m.entries {
		if k[:3] != "new" {
			t.Fatalf("expired %s still held", k)
		}
	}
	if _, err := m.Incr(ctx, "one-more", time.Minute); !errors.Is(err, ErrFull) {
		t.Fatalf("Incr past the limit: %v, want ErrFull", err)
	}
}

// TestMemoryZSetBookkeeping checks that ordered-set members count against
// the limit one each and that expired members leave the store (not just
// become invisible) as the sweep reaches them, member by member.
func TestMemoryZSetBookkeeping(t *testing.T) {
	ctx := t.Context()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	m := NewMemory(MemoryOptions{Now: func() time.Time { return now }, MaxKeys: 4})
	check := func(wantSets, wantUsed int) {
		t.Helper()
		if len(m.zsets) != wantSets || len(m.byExpiry) != wantSets+len(m.entries) || m.used != wantUsed {
			t.Fatalf("zsets=%d heap=%d used=%d, want %d, %d, %d",
				len(m.zsets), len(m.byExpiry), m.used, wantSets, wantSets+len(m.entries), wantUsed)
		}
	}
	for i, ttl := range []time.Duration{time.Minute, 2 * time.Minute, 3 * time.Minute} {
		if err := m.ZAdd(ctx, "z", fmt.Sprint("m", i), int64(i), ttl); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.ZAdd(ctx, "y", "only", 1, time.Hour); err != nil {
		t.Fatal(err)
	}
	check(2, 4)
	if err := m.ZAdd(ctx, "y", "more", 1, time.Hour); !errors.Is(err, ErrFull) {
		t.Fatalf("ZAdd of a new member at the limit: %v, want ErrFull", err)
	}
	if err := m.ZAdd(ctx, "y", "only", 2, 2*time.Hour); err != nil {
		t.Fatalf("ZAdd of an existing member at the limit: %v", err)
	}
	// A write after the first member's expiry reclaims just that member.
	now = now.Add(90 * time.Second)
	if err := m.Delete(ctx, "nothing"); err != nil {
		t.Fatal(err)
	}
	check(2, 3)
	// At the limit with only expired members in the way, a write succeeds.
	now = now.Add(2 * time.Minute)
	for i := range 3 {
		if err := m.ZAdd(ctx, "y", fmt.Sprint("new", i), 1, time.Hour); err != nil {
			t.Fatalf("ZAdd %d with only expired members in the way: %v", i, err)
		}
	}
	check(1, 4)
	// Re-adding a member over and over leaves stale expiries behind, but the
	// heap is compacted: it stays proportional to the set.
	for i := range 1000 {
		if err := m.ZAdd(ctx, "y", "new0", 1, time.Hour+time.Duration(i)*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(m.zsets["y"].zexp); n > 2*4+16 {
		t.Fatalf("expiry heap of a 4-member set holds %d entries", n)
	}
	// Shortened members still expire on time: new0 now lives 10 minutes.
	if err := m.ZAdd(ctx, "y", "new0", 1, 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	now = now.Add(11 * time.Minute)
	if got := m.Len(); got != 3 {
		t.Fatalf("Len = %d after the shortened member expired, want 3", got)
	}
}
