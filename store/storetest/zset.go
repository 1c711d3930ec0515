package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/store"
)

// zsetTests are the ordered-set part of the suite.
var zsetTests = []struct {
	name string
	fn   func(t *testing.T, s store.Store, c Clock)
}{
	{"ZOrder", testZOrder},
	{"ZScoreUpdate", testZScoreUpdate},
	{"ZMemberExpiry", testZMemberExpiry},
	{"ZRem", testZRem},
	{"ZTrim", testZTrim},
	{"ZTrimSkipsExpired", testZTrimSkipsExpired},
	{"ZBadArguments", testZBadArguments},
	{"ZOwnKeySpace", testZOwnKeySpace},
	{"ZErrorsHideKeys", testZErrorsHideKeys},
	{"ZCanceledAndClosed", testZCanceledAndClosed},
	{"ZConcurrentAdd", testZConcurrentAdd},
	{"ZConcurrentTrim", testZConcurrentTrim},
}

func mustZAdd(t *testing.T, s store.Store, key, member string, score int64, ttl time.Duration) {
	t.Helper()
	if err := s.ZAdd(t.Context(), key, member, score, ttl); err != nil {
		t.Fatalf("ZAdd(%q, %q, %d): %v", key, member, score, err)
	}
}

// zWant formats members as "member=score" for comparison.
func zWant(pairs ...any) []string {
	out := []string{}
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, fmt.Sprintf("%v=%v", pairs[i], pairs[i+1]))
	}
	return out
}

// wantZRange fails unless ZRange(key, rev, limit) returns want (as zWant
// formats it).
func wantZRange(t *testing.T, s store.Store, key string, rev bool, limit int, want []string) {
	t.Helper()
	got, err := s.ZRange(t.Context(), key, rev, limit)
	if err != nil {
		t.Fatalf("ZRange(%q, rev=%v, limit=%d): %v", key, rev, limit, err)
	}
	if got == nil {
		t.Fatalf("ZRange(%q) returned nil, want a non-nil slice", key)
	}
	gs := []string{}
	for _, z := range got {
		gs = append(gs, fmt.Sprintf("%s=%d", z.Member, z.Score))
	}
	if !slices.Equal(gs, want) {
		t.Fatalf("ZRange(%q, rev=%v, limit=%d) = %q, want %q", key, rev, limit, gs, want)
	}
}

func wantTrimmed(t *testing.T, s store.Store, key string, keep int, want ...string) {
	t.Helper()
	got, err := s.ZTrim(t.Context(), key, keep)
	if err != nil {
		t.Fatalf("ZTrim(%q, %d): %v", key, keep, err)
	}
	if got == nil {
		t.Fatalf("ZTrim(%q, %d) returned nil, want a non-nil slice", key, keep)
	}
	if want == nil {
		want = []string{}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("ZTrim(%q, %d) removed %q, want %q (lowest first)", key, keep, got, want)
	}
}

func testZOrder(t *testing.T, s store.Store, _ Clock) {
	wantZRange(t, s, "z", false, 0, zWant())
	// Ties order by member, negative and extreme scores are exact.
	for _, m := range []struct {
		member string
		score  int64
	}{
		{"c", 5}, {"a", 5}, {"big", store.MaxScore}, {"neg", -store.MaxScore}, {"", 0}, {"b", 5}, {"x y", 7},
	} {
		mustZAdd(t, s, "z", m.member, m.score, time.Hour)
	}
	asc := zWant("neg", -store.MaxScore, "", 0, "a", 5, "b", 5, "c", 5, "x y", 7, "big", store.MaxScore)
	desc := slices.Clone(asc)
	slices.Reverse(desc)
	for _, tc := range []struct {
		rev   bool
		limit int
		want  []string
	}{
		{false, 0, asc},
		{true, 0, desc},
		{false, 3, asc[:3]},
		{true, 2, desc[:2]},
		{false, 100, asc},
		{true, 1, desc[:1]},
	} {
		wantZRange(t, s, "z", tc.rev, tc.limit, tc.want)
	}
}

func testZScoreUpdate(t *testing.T, s store.Store, _ Clock) {
	mustZAdd(t, s, "z", "a", 1, time.Hour)
	mustZAdd(t, s, "z", "b", 2, time.Hour)
	mustZAdd(t, s, "z", "a", 3, time.Hour) // an update, not a second member
	wantZRange(t, s, "z", false, 0, zWant("b", 2, "a", 3))
}

func testZMemberExpiry(t *testing.T, s store.Store, c Clock) {
	mustZAdd(t, s, "z", "short", 1, 10*time.Minute)
	mustZAdd(t, s, "z", "long", 2, 2*time.Hour)
	mustZAdd(t, s, "z", "mid", 3, time.Hour)
	c.Advance(11 * time.Minute)
	wantZRange(t, s, "z", false, 0, zWant("long", 2, "mid", 3))
	// Re-adding a member restarts its ttl, which may also shorten it.
	mustZAdd(t, s, "z", "mid", 3, 2*time.Hour)
	mustZAdd(t, s, "z", "long", 2, 5*time.Minute)
	c.Advance(6 * time.Minute)
	wantZRange(t, s, "z", false, 0, zWant("mid", 3))
	// The set lives as long as its longest-lived member, and then is gone.
	c.Advance(time.Hour + 50*time.Minute)
	wantZRange(t, s, "z", true, 0, zWant("mid", 3))
	c.Advance(5 * time.Minute)
	wantZRange(t, s, "z", false, 0, zWant())
	wantTrimmed(t, s, "z", 0)
	// An expired set starts afresh.
	mustZAdd(t, s, "z", "new", 9, time.Hour)
	wantZRange(t, s, "z", false, 0, zWant("new", 9))
}

func testZRem(t *testing.T, s store.Store, _ Clock) {
	ctx := t.Context()
	for i, m := range []string{"a", "b", "c", "d"} {
		mustZAdd(t, s, "z", m, int64(i), time.Hour)
	}
	if err := s.ZRem(ctx, "z"); err != nil {
		t.Fatalf("ZRem with no members: %v", err)
	}
	if err := s.ZRem(ctx, "z", "b", "missing", "d"); err != nil {
		t.Fatalf("ZRem: %v", err)
	}
	wantZRange(t, s, "z", false, 0, zWant("a", 0, "c", 2))
	if err := s.ZRem(ctx, "no-such-set", "a"); err != nil {
		t.Fatalf("ZRem on a missing key: %v", err)
	}
	if err := s.ZRem(ctx, "z", "a", "c"); err != nil {
		t.Fatal(err)
	}
	wantZRange(t, s, "z", false, 0, zWant())
}

func testZTrim(t *testing.T, s store.Store, _ Clock) {
	wantTrimmed(t, s, "none", 3)
	for i, m := range []string{"e", "a", "d", "b", "c"} {
		mustZAdd(t, s, "z", m, int64(10*i), time.Hour) // e=0 a=10 d=20 b=30 c=40
	}
	wantTrimmed(t, s, "z", 5)
	wantTrimmed(t, s, "z", 9)
	wantTrimmed(t, s, "z", 3, "e", "a") // lowest first
	wantZRange(t, s, "z", false, 0, zWant("d", 20, "b", 30, "c", 40))
	wantTrimmed(t, s, "z", 0, "d", "b", "c")
	wantZRange(t, s, "z", false, 0, zWant())
}

func testZTrimSkipsExpired(t *testing.T, s store.Store, c Clock) {
	mustZAdd(t, s, "z", "gone-low", 1, 10*time.Minute)
	mustZAdd(t, s, "z", "low", 2, time.Hour)
	mustZAdd(t, s, "z", "gone-high", 9, 10*time.Minute)
	mustZAdd(t, s, "z", "high", 5, time.Hour)
	c.Advance(11 * time.Minute)
	// Expired members are neither counted nor returned.
	wantTrimmed(t, s, "z", 2)
	wantTrimmed(t, s, "z", 1, "low")
	wantZRange(t, s, "z", false, 0, zWant("high", 5))
}

func testZBadArguments(t *testing.T, s store.Store, _ Clock) {
	ctx := t.Context()
	bad := map[string]error{
		"ZAdd ttl 0":        s.ZAdd(ctx, "z", "m", 1, 0),
		"ZAdd ttl -1s":      s.ZAdd(ctx, "z", "m", 1, -time.Second),
		"ZAdd score 2^53":   s.ZAdd(ctx, "z", "m", store.MaxScore+1, time.Hour),
		"ZAdd score -2^53":  s.ZAdd(ctx, "z", "m", -store.MaxScore-1, time.Hour),
		"ZAdd UnixNano":     s.ZAdd(ctx, "z", "m", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano(), time.Hour),
		"ZRange limit -1":   func() error { _, err := s.ZRange(ctx, "z", false, -1); return err }(),
		"ZTrim keep -1":     func() error { _, err := s.ZTrim(ctx, "z", -1); return err }(),
		"ZRange rev lim -5": func() error { _, err := s.ZRange(ctx, "z", true, -5); return err }(),
	}
	for name, err := range bad {
		if err == nil {
			t.Errorf("%s succeeded, want an error", name)
		}
	}
	wantZRange(t, s, "z", false, 0, zWant())
}

// testZOwnKeySpace: an ordered set and a string or set of the same name are
// independent, and Delete leaves ordered sets alone.
func testZOwnKeySpace(t *testing.T, s store.Store, _ Clock) {
	ctx := t.Context()
	mustSet(t, s, "k", "v", time.Hour)
	if err := s.SAdd(ctx, "s", "m", time.Hour); err != nil {
		t.Fatal(err)
	}
	mustZAdd(t, s, "k", "a", 1, time.Hour)
	mustZAdd(t, s, "s", "b", 2, time.Hour)
	wantValue(t, s, "k", "v")
	wantMembers(t, s, "s", "m")
	if err := s.Delete(ctx, "k", "s"); err != nil {
		t.Fatal(err)
	}
	wantMissing(t, s, "k")
	wantZRange(t, s, "k", false, 0, zWant("a", 1))
	wantZRange(t, s, "s", false, 0, zWant("b", 2))
}

func testZErrorsHideKeys(t *testing.T, s store.Store, _ Clock) {
	ctx := t.Context()
	const secret = "family-Zq8rT2vX"
	errs := []error{
		s.ZAdd(ctx, secret, secret, store.MaxScore+1, time.Hour),
		s.ZAdd(ctx, secret, secret, 1, 0),
		func() error { _, err := s.ZTrim(ctx, secret, -1); return err }(),
		func() error { _, err := s.ZRange(ctx, secret, false, -1); return err }(),
	}
	for i, err := range errs {
		if err == nil {
			t.Errorf("call %d succeeded, want an error", i)
		} else if strings.Contains(err.Error(), secret) {
			t.Errorf("call %d: error %q reveals a key or member", i, err)
		}
	}
}

func testZCanceledAndClosed(t *testing.T, s store.Store, _ Clock) {
	mustZAdd(t, s, "z", "a", 1, time.Hour)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	calls := func(ctx context.Context) map[string]error {
		return map[string]error{
			"ZAdd":   s.ZAdd(ctx, "z", "b", 2, time.Hour),
			"ZRange": func() error { _, err := s.ZRange(ctx, "z", false, 0); return err }(),
			"ZRem":   s.ZRem(ctx, "z", "a"),
			"ZTrim":  func() error { _, err := s.ZTrim(ctx, "z", 0); return err }(),
		}
	}
	for name, err := range calls(ctx) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a canceled context: %v, want context.Canceled", name, err)
		}
	}
	wantZRange(t, s, "z", false, 0, zWant("a", 1))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for name, err := range calls(t.Context()) {
		if !errors.Is(err, store.ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", name, err)
		}
	}
}

func testZConcurrentAdd(t *testing.T, s store.Store, _ Clock) {
	errs := make([]error, workers)
	start(workers, func(i int) {
		errs[i] = s.ZAdd(t.Context(), "z", fmt.Sprintf("m%02d", i), int64(i), time.Hour)
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("ZAdd: %v", err)
	}
	want := []string{}
	for i := range workers {
		want = append(want, fmt.Sprintf("m%02d=%d", i, i))
	}
	wantZRange(t, s, "z", false, 0, want)
}

// testZConcurrentTrim: concurrent trims never hand the same member to two
// callers (a grant cap revokes each family once) and leave exactly keep.
func testZConcurrentTrim(t *testing.T, s store.Store, _ Clock) {
	const n, keep = 3 * workers, 7
	for i := range n {
		mustZAdd(t, s, "z", fmt.Sprintf("m%03d", i), int64(i), time.Hour)
	}
	got := make([][]string, workers)
	errs := make([]error, workers)
	start(workers, func(i int) {
		got[i], errs[i] = s.ZTrim(t.Context(), "z", keep)
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("ZTrim: %v", err)
	}
	all := slices.Concat(got...)
	slices.Sort(all)
	want := []string{}
	for i := range n - keep {
		want = append(want, fmt.Sprintf("m%03d", i))
	}
	if !slices.Equal(all, want) {
		t.Fatalf("concurrent ZTrims removed %d members %q, want each of the %d lowest exactly once", len(all), all, n-keep)
	}
	rest := []string{}
	for i := n - keep; i < n; i++ {
		rest = append(rest, fmt.Sprintf("m%03d=%d", i, i))
	}
	wantZRange(t, s, "z", false, 0, rest)
}
