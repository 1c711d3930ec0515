// Package storetest is the conformance suite every store.Store backend must
// pass.
//
// Expiry is tested without waiting: the suite makes time pass through the
// [Clock] the backend supplies. The memory backend's Clock is a testutil.Clock
// injected as its Now function. A Redis backend's Clock shortens the PTTL of
// every key under the store's prefix (deleting those that run out), which is
// exactly what the passing of time does to Redis keys. Time-to-lives in the
// suite are minutes or hours and the margins around each expiry are at least
// a minute, so the real time a test takes never changes an outcome.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/store"
)

// Clock makes time pass for one store under test.
type Clock interface {
	// Advance makes d elapse as far as the store's expiry is concerned. A
	// backend that finds a key without an expiry should fail the test: every
	// key must have one.
	Advance(d time.Duration)
}

// NewStore returns a fresh, empty store for one (sub)test and the Clock that
// drives its expiry, and arranges (t.Cleanup) to close it. It is called from
// parallel subtests, so it must be safe for concurrent use.
type NewStore func(t *testing.T) (store.Store, Clock)

// workers is how many goroutines the concurrency tests start.
const workers = 50

// Run runs the conformance suite against the backend newStore creates.
func Run(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store, c Clock)
	}{
		{"GetMissing", testGetMissing},
		{"SetGet", testSetGet},
		{"ValuesAreCopied", testValuesAreCopied},
		{"HandedOutValuesAreStable", testHandedOutValuesAreStable},
		{"KeysAreOpaque", testKeysAreOpaque},
		{"NonPositiveTTL", testNonPositiveTTL},
		{"SetExpiry", testSetExpiry},
		{"SetNX", testSetNX},
		{"Swap", testSwap},
		{"SwapExpiry", testSwapExpiry},
		{"Delete", testDelete},
		{"Incr", testIncr},
		{"IncrFixedWindow", testIncrFixedWindow},
		{"Sets", testSets},
		{"SetExpiryExtension", testSetExpiryExtension},
		{"WrongType", testWrongType},
		{"SetReplacesSet", testSetReplacesSet},
		{"ErrorsHideKeys", testErrorsHideKeys},
		{"CanceledContext", testCanceledContext},
		{"PingAndClose", testPingAndClose},
		{"ConcurrentSwap", testConcurrentSwap},
		{"ConcurrentSetNX", testConcurrentSetNX},
		{"ConcurrentIncr", testConcurrentIncr},
		{"ConcurrentSAdd", testConcurrentSAdd},
	}
	tests = append(tests, zsetTests...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, c := newStore(t)
			tc.fn(t, s, c)
		})
	}
}

// --- helpers ---

func mustSet(t *testing.T, s store.Store, key, value string, ttl time.Duration) {
	t.Helper()
	if err := s.Set(t.Context(), key, []byte(value), ttl); err != nil {
		t.Fatalf("Set(%q): %v", key, err)
	}
}

// wantValue fails unless key holds want.
func wantValue(t *testing.T, s store.Store, key, want string) {
	t.Helper()
	got, err := s.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v, want %q", key, err, want)
	}
	if string(got) != want {
		t.Fatalf("Get(%q) = %q, want %q", key, got, want)
	}
}

// wantMissing fails unless Get reports key as not found.
func wantMissing(t *testing.T, s store.Store, key string) {
	t.Helper()
	got, err := s.Get(t.Context(), key)
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get(%q) = %q, %v; want ErrNotFound", key, got, err)
	}
}

func wantMembers(t *testing.T, s store.Store, key string, want ...string) {
	t.Helper()
	got, err := s.SMembers(t.Context(), key)
	if err != nil {
		t.Fatalf("SMembers(%q): %v", key, err)
	}
	if got == nil {
		t.Fatalf("SMembers(%q) returned nil, want a non-nil slice", key)
	}
	if want == nil {
		want = []string{}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("SMembers(%q) = %q, want %q (sorted)", key, got, want)
	}
}

// start runs fn in n goroutines released together, and waits for them.
func start(n int, fn func(i int)) {
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-gate
			fn(i)
		})
	}
	close(gate)
	wg.Wait()
}

// --- tests ---

func testGetMissing(t *testing.T, s store.Store, _ Clock) {
	_, err := s.Get(t.Context(), "nothing-here")
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get of a missing key: %v, want an error wrapping ErrNotFound", err)
	}
}

func testSetGet(t *testing.T, s store.Store, _ Clock) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB
	for _, tc := range []struct {
		name  string
		value []byte
	}{
		{"text", []byte("hello")},
		{"binary", []byte{0, 1, 2, 0xff, 0, '\r', '\n'}},
		{"empty", []byte{}},
		{"large", big},
	} {
		key := "v:" + tc.name
		if err := s.Set(t.Context(), key, tc.value, time.Hour); err != nil {
			t.Fatalf("Set %s: %v", tc.name, err)
		}
		got, err := s.Get(t.Context(), key)
		if err != nil {
			t.Fatalf("Get %s: %v", tc.name, err)
		}
		if !bytes.Equal(got, tc.value) {
			t.Fatalf("Get %s returned %d bytes, want the %d stored", tc.name, len(got), len(tc.value))
		}
	}
	mustSet(t, s, "v:text", "replaced", time.Hour)
	wantValue(t, s, "v:text", "replaced")
}

// testValuesAreCopied checks the ownership rules: a write keeps its own copy (the caller's
// buffer may change afterwards), and a value handed out never changes, whatever is written to
// its key later (Get's values may be the store's own bytes, shared by every reader).
func testValuesAreCopied(t *testing.T, s store.Store, _ Clock) {
	ctx := t.Context()
	in := []byte("original")
	if err := s.Set(ctx, "k", in, time.Hour); err != nil {
		t.Fatal(err)
	}
	copy(in, "XXXXXXXX")
	wantValue(t, s, "k", "original")
	first, err := s.Get(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}

	in = []byte("second")
	prev, err := s.Swap(ctx, "k", in, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	copy(in, "ZZZZZZ")
	wantValue(t, s, "k", "second")
	if string(prev) != "original" || string(first) != "original" {
		t.Fatalf("after Swap: previous value %q, earlier Get %q; want both %q", prev, first, "original")
	}

	in = []byte("nx")
	if ok, err := s.SetNX(ctx, "nx", in, time.Hour); err != nil || !ok {
		t.Fatalf("SetNX = %v, %v; want true, nil", ok, err)
	}
	copy(in, "YY")
	wantValue(t, s, "nx", "nx")

	mustSet(t, s, "n", "7", time.Hour)
	seven, err := s.Get(ctx, "n")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Incr(ctx, "n", time.Hour); err != nil {
		t.Fatal(err)
	}
	mustSet(t, s, "k", "replaced", time.Hour)
	if string(seven) != "7" || string(first) != "original" {
		t.Fatalf("values handed out changed by later writes: %q (want 7), %q (want original)", seven, first)
	}
}

// testHandedOutValuesAreStable: values handed out (by Get, and Swap's previous values) stay as
// they were while other goroutines rewrite their keys and after they have. Readers take values
// first; then writers rewrite the keys (Incr, Swap, Set, Delete) in two halves, and every reader
// looks at what it holds while the second halves run, once every writer's first half is done
// (a data race under the race detector if one of those writes rewrites a held value in place:
// nothing orders the look and the write); once every write is done, each value must still read
// as it did when handed out (which catches a value rewritten in place by any write).
func testHandedOutValuesAreStable(t *testing.T, s store.Store, _ Clock) {
	ctx := t.Context()
	keys := [2]string{"n", "v"}
	mustSet(t, s, "n", "1", time.Hour)
	mustSet(t, s, "v", "the value first handed out", time.Hour) // longer than any written later
	type held struct {
		key, was string
		v        []byte
	}
	const (
		readers = workers / 2
		writes  = 50 // per writer, in two halves
	)
	got := make([]held, readers)
	errs := make([]error, workers)
	start(readers, func(i int) {
		v, err := s.Get(ctx, keys[i%2])
		got[i], errs[i] = held{keys[i%2], string(v), v}, err
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	var firstHalves, looking sync.WaitGroup // every writer's first half done; every reader about to look
	firstHalves.Add(workers - readers)
	looking.Add(readers)
	late := make([]held, readers) // what each reader saw while the second halves ran
	swapped := make([]held, workers)
	start(workers, func(i int) {
		if i < readers {
			firstHalves.Wait()
			looking.Done()
			late[i] = held{got[i].key, got[i].was, slices.Clone(got[i].v)}
			return
		}
		write := func(j int) error {
			var err error
			switch j % 4 {
			case 0:
				_, err = s.Incr(ctx, "n", time.Hour)
			case 1:
				var prev []byte
				prev, err = s.Swap(ctx, "v", []byte(fmt.Sprintf("value-%d-%d", i, j)), time.Hour)
				if swapped[i].v == nil && prev != nil {
					swapped[i] = held{"v", string(prev), prev}
				}
			case 2:
				value := []byte(strconv.Itoa(j)) // "n" stays a number
				if i%2 == 1 {
					value = fmt.Appendf(nil, "set-%d-%d", i, j)
				}
				err = s.Set(ctx, keys[i%2], value, time.Hour)
			case 3:
				err = s.Delete(ctx, keys[i%2])
			}
			if errors.Is(err, store.ErrNotFound) {
				return nil
			}
			return err
		}
		for j := 0; j < writes/2 && errs[i] == nil; j++ {
			errs[i] = write(j)
		}
		firstHalves.Done()
		looking.Wait()
		for j := writes / 2; j < writes && errs[i] == nil; j++ {
			errs[i] = write(j)
		}
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	for _, h := range late {
		if string(h.v) != h.was {
			t.Errorf("%s: a value handed out read %q while its key was rewritten, was %q", h.key, h.v, h.was)
		}
	}
	for _, h := range append(got, swapped...) {
		if string(h.v) != h.was {
			t.Errorf("%s: a value handed out changed from %q to %q", h.key, h.was, h.v)
		}
	}
}

func testKeysAreOpaque(t *testing.T, s store.Store, _ Clock) {
	keys := []string{"", "a", "a*", "a?", "a[b]", "a b", "a:b:c", "ключ", `a\*`, "A"}
	for i, k := range keys {
		mustSet(t, s, k, strconv.Itoa(i), time.Hour)
	}
	for i, k := range keys {
		wantValue(t, s, k, strconv.Itoa(i))
	}
	if err := s.Delete(t.Context(), "a*"); err != nil {
		t.Fatal(err)
	}
	wantMissing(t, s, "a*")
	wantValue(t, s, "a", "1") // Delete is not a pattern match
}

func testNonPositiveTTL(t *testing.T, s store.Store, _ Clock) {
	ctx := t.Context()
	ops := []struct {
		name string
		call func(ttl time.Duration) error
	}{
		{"Set", func(ttl time.Duration) error { return s.Set(ctx, "k", []byte("v"), ttl) }},
		{"SetNX", func(ttl time.Duration) error { _, err := s.SetNX(ctx, "k", []byte("v"), ttl); return err }},
		{"Incr", func(ttl time.Duration) error { _, err := s.Incr(ctx, "k", ttl); return err }},
		{"SAdd", func(ttl time.Duration) error { return s.SAdd(ctx, "k", "m", ttl) }},
	}
	for _, op := range ops {
		for _, ttl := range []time.Duration{0, -time.Second} {
			if err := op.call(ttl); err == nil {
				t.Errorf("%s with ttl %s succeeded, want an error", op.name, ttl)
			}
		}
	}
	wantMissing(t, s, "k")
	wantMembers(t, s, "k")

	mustSet(t, s, "swap", "v", time.Hour)
	for _, ttl := range []time.Duration{0, -time.Second} {
		if _, err := s.Swap(ctx, "swap", []byte("w"), ttl); err == nil {
			t.Errorf("Swap with ttl %s succeeded, want an error", ttl)
		}
	}
	wantValue(t, s, "swap", "v")
}

func testSetExpiry(t *testing.T, s store.Store, c Clock) {
	mustSet(t, s, "k", "v", time.Hour)
	c.Advance(59 * time.Minute)
	wantValue(t, s, "k", "v")
	c.Advance(2 * time.Minute)
	wantMissing(t, s, "k")

	// Set again restarts the ttl.
	mustSet(t, s, "k", "v1", time.Hour)
	c.Advance(50 * time.Minute)
	mustSet(t, s, "k", "v2", time.Hour)
	c.Advance(50 * time.Minute)
	wantValue(t, s, "k", "v2")
	// … and may shorten it.
	mustSet(t, s, "k", "v3", 5*time.Minute)
	c.Advance(6 * time.Minute)
	wantMissing(t, s, "k")
}

func testSetNX(t *testing.T, s store.Store, c Clock) {
	ctx := t.Context()
	ok, err := s.SetNX(ctx, "k", []byte("first"), time.Hour)
	if err != nil || !ok {
		t.Fatalf("SetNX on an absent key = %v, %v; want true, nil", ok, err)
	}
	wantValue(t, s, "k", "first")

	c.Advance(30 * time.Minute)
	ok, err = s.SetNX(ctx, "k", []byte("second"), 10*time.Hour)
	if err != nil || ok {
		t.Fatalf("SetNX on a present key = %v, %v; want false, nil", ok, err)
	}
	wantValue(t, s, "k", "first")
	// The losing SetNX left the original expiry alone.
	c.Advance(31 * time.Minute)
	wantMissing(t, s, "k")

	ok, err = s.SetNX(ctx, "k", []byte("third"), time.Hour)
	if err != nil || !ok {
		t.Fatalf("SetNX after expiry = %v, %v; want true, nil", ok, err)
	}
	wantValue(t, s, "k", "third")
}

func testSwap(t *testing.T, s store.Store, _ Clock) {
	ctx := t.Context()
	prev, err := s.Swap(ctx, "k", []byte("new"), time.Hour)
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Swap of an absent key = %q, %v; want ErrNotFound", prev, err)
	}
	wantMissing(t, s, "k") // and nothing was created

	mustSet(t, s, "k", "one", time.Hour)
	for _, next := range []string{"two", "", "three"} {
		want, _ := s.Get(ctx, "k")
		prev, err := s.Swap(ctx, "k", []byte(next), time.Hour)
		if err != nil {
			t.Fatalf("Swap to %q: %v", next, err)
		}
		if !bytes.Equal(prev, want) {
			t.Fatalf("Swap to %q returned %q, want the previous value %q", next, prev, want)
		}
		wantValue(t, s, "k", next)
	}
}

func testSwapExpiry(t *testing.T, s store.Store, c Clock) {
	ctx := t.Context()
	// Swap sets the new ttl, shorter …
	mustSet(t, s, "short", "v", time.Hour)
	if _, err := s.Swap(ctx, "short", []byte("w"), 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	// … or longer.
	mustSet(t, s, "long", "v", 10*time.Minute)
	if _, err := s.Swap(ctx, "long", []byte("w"), time.Hour); err != nil {
		t.Fatal(err)
	}
	c.Advance(11 * time.Minute)
	wantMissing(t, s, "short")
	wantValue(t, s, "long", "w")

	// An expired key cannot be swapped, and stays absent.
	c.Advance(50 * time.Minute)
	if _, err := s.Swap(ctx, "long", []byte("x"), time.Hour); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Swap of an expired key: %v, want ErrNotFound", err)
	}
	wantMissing(t, s, "long")
}

func testDelete(t *testing.T, s store.Store, _ Clock) {
	ctx := t.Context()
	mustSet(t, s, "a", "1", time.Hour)
	mustSet(t, s, "b", "2", time.Hour)
	mustSet(t, s, "c", "3", time.Hour)
	if err := s.SAdd(ctx, "set", "m", time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx); err != nil {
		t.Fatalf("Delete with no keys: %v", err)
	}
	if err := s.Delete(ctx, "a", "missing", "set", "c"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	wantMissing(t, s, "a")
	wantMissing(t, s, "c")
	wantMembers(t, s, "set")
	wantValue(t, s, "b", "2")
	if err := s.Delete(ctx, "a"); err != nil {
		t.Fatalf("Delete of an already deleted key: %v", err)
	}
}

func testIncr(t *testing.T, s store.Store, _ Clock) {
	ctx := t.Context()
	for want := int64(1); want <= 3; want++ {
		got, err := s.Incr(ctx, "n", time.Hour)
		if err != nil || got != want {
			t.Fatalf("Incr = %d, %v; want %d", got, err, want)
		}
	}
	wantValue(t, s, "n", "3") // counters are decimal strings

	mustSet(t, s, "m", "41", time.Hour)
	if got, err := s.Incr(ctx, "m", time.Hour); err != nil || got != 42 {
		t.Fatalf("Incr of a stored 41 = %d, %v; want 42", got, err)
	}
	mustSet(t, s, "neg", "-2", time.Hour)
	if got, err := s.Incr(ctx, "neg", time.Hour); err != nil || got != -1 {
		t.Fatalf("Incr of a stored -2 = %d, %v; want -1", got, err)
	}
}

func testIncrFixedWindow(t *testing.T, s store.Store, c Clock) {
	ctx := t.Context()
	incr := func(want int64) {
		t.Helper()
		got, err := s.Incr(ctx, "rl", time.Hour)
		if err != nil || got != want {
			t.Fatalf("Incr = %d, %v; want %d", got, err, want)
		}
	}
	incr(1)
	c.Advance(40 * time.Minute)
	incr(2) // does not extend the window …
	c.Advance(21 * time.Minute)
	wantMissing(t, s, "rl") // … which closed an hour after the first hit
	incr(1)
	c.Advance(59 * time.Minute)
	incr(2)
}

func testSets(t *testing.T, s store.Store, _ Clock) {
	ctx := t.Context()
	wantMembers(t, s, "s")
	for _, m := range []string{"c", "a", "b", "a", ""} {
		if err := s.SAdd(ctx, "s", m, time.Hour); err != nil {
			t.Fatalf("SAdd(%q): %v", m, err)
		}
	}
	wantMembers(t, s, "s", "", "a", "b", "c")
	for _, m := range []string{"b", "missing", ""} {
		if err := s.SRem(ctx, "s", m); err != nil {
			t.Fatalf("SRem(%q): %v", m, err)
		}
	}
	wantMembers(t, s, "s", "a", "c")
	if err := s.SRem(ctx, "no-such-set", "a"); err != nil {
		t.Fatalf("SRem on a missing key: %v", err)
	}
	// Removing the last member removes the key: it can then hold a string.
	for _, m := range []string{"a", "c"} {
		if err := s.SRem(ctx, "s", m); err != nil {
			t.Fatal(err)
		}
	}
	wantMembers(t, s, "s")
	wantMissing(t, s, "s")
	mustSet(t, s, "s", "now a string", time.Hour)
	wantValue(t, s, "s", "now a string")
}

func testSetExpiryExtension(t *testing.T, s store.Store, c Clock) {
	ctx := t.Context()
	sadd := func(m string, ttl time.Duration) {
		t.Helper()
		if err := s.SAdd(ctx, "s", m, ttl); err != nil {
			t.Fatalf("SAdd(%q): %v", m, err)
		}
	}
	sadd("a", time.Hour)
	c.Advance(30 * time.Minute)
	sadd("b", 10*time.Minute) // shorter than the 30m left: no change
	c.Advance(20 * time.Minute)
	wantMembers(t, s, "s", "a", "b")
	sadd("a", time.Hour) // existing member, longer ttl: extended to 1h from now
	c.Advance(55 * time.Minute)
	wantMembers(t, s, "s", "a", "b")
	c.Advance(10 * time.Minute)
	wantMembers(t, s, "s")
	// An expired set starts afresh.
	sadd("c", time.Hour)
	wantMembers(t, s, "s", "c")
}

func testWrongType(t *testing.T, s store.Store, _ Clock) {
	ctx := t.Context()
	mustSet(t, s, "str", "not a number", time.Hour)
	if err := s.SAdd(ctx, "set", "m", time.Hour); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name string
		err  error
	}{
		{"Get(set)", func() error { _, err := s.Get(ctx, "set"); return err }()},
		{"Swap(set)", func() error { _, err := s.Swap(ctx, "set", []byte("x"), time.Hour); return err }()},
		{"Incr(set)", func() error { _, err := s.Incr(ctx, "set", time.Hour); return err }()},
		{"Incr(non-integer)", func() error { _, err := s.Incr(ctx, "str", time.Hour); return err }()},
		{"SAdd(string)", s.SAdd(ctx, "str", "m", time.Hour)},
		{"SMembers(string)", func() error { _, err := s.SMembers(ctx, "str"); return err }()},
		{"SRem(string)", s.SRem(ctx, "str", "m")},
	}
	for _, c := range checks {
		if !errors.Is(c.err, store.ErrWrongType) {
			t.Errorf("%s: %v, want an error wrapping ErrWrongType", c.name, c.err)
		}
	}
	// SetNX on a set is simply "present".
	if ok, err := s.SetNX(ctx, "set", []byte("x"), time.Hour); err != nil || ok {
		t.Errorf("SetNX on a set = %v, %v; want false, nil", ok, err)
	}
	// Nothing was changed by the failed calls.
	wantValue(t, s, "str", "not a number")
	wantMembers(t, s, "set", "m")
}

func testSetReplacesSet(t *testing.T, s store.Store, c Clock) {
	if err := s.SAdd(t.Context(), "k", "m", time.Hour); err != nil {
		t.Fatal(err)
	}
	mustSet(t, s, "k", "v", 10*time.Minute)
	wantValue(t, s, "k", "v")
	c.Advance(11 * time.Minute) // the string's ttl replaced the set's
	wantMissing(t, s, "k")
	wantMembers(t, s, "k")
}

func testErrorsHideKeys(t *testing.T, s store.Store, _ Clock) {
	ctx := t.Context()
	const secret = "code-Zq8rT2vX"
	if err := s.SAdd(ctx, "set-"+secret, "m", time.Hour); err != nil {
		t.Fatal(err)
	}
	mustSet(t, s, "str-"+secret, "v-"+secret, time.Hour)
	errs := []error{
		func() error { _, err := s.Get(ctx, secret); return err }(),
		func() error { _, err := s.Swap(ctx, secret, []byte(secret), time.Hour); return err }(),
		func() error { _, err := s.Get(ctx, "set-"+secret); return err }(),
		func() error { _, err := s.Incr(ctx, "str-"+secret, time.Hour); return err }(),
		s.SAdd(ctx, "str-"+secret, secret, time.Hour),
		s.Set(ctx, secret, []byte(secret), 0),
	}
	for i, err := range errs {
		if err == nil {
			t.Errorf("call %d succeeded, want an error", i)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("call %d: error %q reveals a key or value", i, err)
		}
	}
}

func testCanceledContext(t *testing.T, s store.Store, _ Clock) {
	mustSet(t, s, "k", "v", time.Hour)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	calls := map[string]error{
		"Get":    func() error { _, err := s.Get(ctx, "k"); return err }(),
		"Set":    s.Set(ctx, "k", []byte("w"), time.Hour),
		"Swap":   func() error { _, err := s.Swap(ctx, "k", []byte("w"), time.Hour); return err }(),
		"Incr":   func() error { _, err := s.Incr(ctx, "n", time.Hour); return err }(),
		"Ping":   s.Ping(ctx),
		"SAdd":   s.SAdd(ctx, "s", "m", time.Hour),
		"Delete": s.Delete(ctx, "k"),
	}
	for name, err := range calls {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a canceled context: %v, want context.Canceled", name, err)
		}
	}
	wantValue(t, s, "k", "v")
	wantMissing(t, s, "n")
}

func testPingAndClose(t *testing.T, s store.Store, _ Clock) {
	ctx := t.Context()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	mustSet(t, s, "k", "v", time.Hour)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Ping(ctx); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Ping after Close: %v, want ErrClosed", err)
	}
	if _, err := s.Get(ctx, "k"); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Get after Close: %v, want ErrClosed", err)
	}
	if err := s.Set(ctx, "k", []byte("v"), time.Hour); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Set after Close: %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v, want nil", err)
	}
}

func testConcurrentSwap(t *testing.T, s store.Store, _ Clock) {
	mustSet(t, s, "code", "original", time.Hour)
	prevs := make([]string, workers)
	errs := make([]error, workers)
	start(workers, func(i int) {
		p, err := s.Swap(t.Context(), "code", []byte(fmt.Sprintf("used-%d", i)), time.Hour)
		prevs[i], errs[i] = string(p), err
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("Swap: %v", err)
	}
	// The swaps form one chain: original → v_a → v_b → … → final. So the
	// previous values seen are the original plus every new value but the
	// final one, each exactly once.
	final, err := s.Get(t.Context(), "code")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, p := range prevs {
		seen[p]++
	}
	if seen["original"] != 1 {
		t.Fatalf("%d goroutines got the original value, want exactly 1", seen["original"])
	}
	want := map[string]int{"original": 1}
	for i := range workers {
		if v := fmt.Sprintf("used-%d", i); v != string(final) {
			want[v] = 1
		}
	}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Fatalf("previous values %v, want %v (final value %q)", seen, want, final)
	}
}

func testConcurrentSetNX(t *testing.T, s store.Store, _ Clock) {
	won := make([]bool, workers)
	errs := make([]error, workers)
	start(workers, func(i int) {
		won[i], errs[i] = s.SetNX(t.Context(), "lock", []byte(strconv.Itoa(i)), time.Hour)
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("SetNX: %v", err)
	}
	winner := -1
	for i, w := range won {
		if w {
			if winner >= 0 {
				t.Fatalf("goroutines %d and %d both won SetNX", winner, i)
			}
			winner = i
		}
	}
	if winner < 0 {
		t.Fatal("no goroutine won SetNX")
	}
	wantValue(t, s, "lock", strconv.Itoa(winner))
}

func testConcurrentIncr(t *testing.T, s store.Store, _ Clock) {
	const perWorker = 20
	got := make([][]int64, workers)
	errs := make([]error, workers)
	start(workers, func(i int) {
		for range perWorker {
			n, err := s.Incr(t.Context(), "hits", time.Hour)
			if err != nil {
				errs[i] = err
				return
			}
			got[i] = append(got[i], n)
		}
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("Incr: %v", err)
	}
	all := slices.Concat(got...)
	slices.Sort(all)
	for i, n := range all {
		if n != int64(i+1) {
			t.Fatalf("sorted Incr results diverge at %d: got %d; want 1…%d each once", i, n, workers*perWorker)
		}
	}
	if len(all) != workers*perWorker {
		t.Fatalf("%d results, want %d", len(all), workers*perWorker)
	}
	wantValue(t, s, "hits", strconv.Itoa(workers*perWorker))
}

func testConcurrentSAdd(t *testing.T, s store.Store, _ Clock) {
	errs := make([]error, workers)
	start(workers, func(i int) {
		errs[i] = s.SAdd(t.Context(), "devices", fmt.Sprintf("m%02d", i), time.Hour)
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("SAdd: %v", err)
	}
	want := make([]string, workers)
	for i := range want {
		want[i] = fmt.Sprintf("m%02d", i)
	}
	wantMembers(t, s, "devices", want...)
}
