package abuse_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/abuse"
	"github.com/bridgekeeper/bridgekeeper/internal/testredis"
	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
	"github.com/bridgekeeper/bridgekeeper/store"
)

var testConfig = abuse.Config{
	Password:         abuse.Rule{Free: 5, Window: 15 * time.Minute, Delay: time.Second, MaxDelay: 15 * time.Minute},
	MFACode:          abuse.Rule{Free: 10, Window: 15 * time.Minute, Delay: time.Minute, MaxDelay: 15 * time.Minute},
	ResetCode:        abuse.Rule{Free: 5, Window: time.Hour, Delay: time.Hour, MaxDelay: time.Hour},
	CodeSends:        3,
	SendWindow:       15 * time.Minute,
	CodesPerSession:  4,
	IssueWindow:      15 * time.Minute,
	Ceiling:          3,
	TrackedUsernames: 100,
}

// backends are the stores the limits run on: memory with the test's clock, and a real Redis
// (whose clock is real, so its tests only use what does not wait on expiry).
var backends = map[string]func(*testing.T, *testutil.Clock) store.Store{
	"memory": func(_ *testing.T, c *testutil.Clock) store.Store {
		return store.NewMemory(store.MemoryOptions{Now: c.Now})
	},
	"redis": func(t *testing.T, _ *testutil.Clock) store.Store {
		st, err := store.Open(context.Background(), testredis.Start(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	},
}

// memoryLimiter is a limiter on a memory store with a clock of its own.
func memoryLimiter() (*testutil.Clock, *abuse.Limiter) {
	c := testutil.NewClock(time.Now().Truncate(time.Millisecond))
	return c, abuse.New(store.NewMemory(store.MemoryOptions{Now: c.Now}), testConfig, c.Now, nil)
}

func refusal(t *testing.T, err error) *abuse.Refusal {
	t.Helper()
	var r *abuse.Refusal
	if !errors.As(err, &r) || !errors.Is(err, abuse.ErrLimited) {
		t.Fatalf("err = %v, want a refusal", err)
	}
	return r
}

// TestPasswordWaitsGrowAndInstancesCountTogether: two limiters on one store (two instances)
// count one person's failures together; after the free ones each failure doubles the wait; the
// same address for another username, and another address for the same username, are not held.
func TestPasswordWaitsGrowAndInstancesCountTogether(t *testing.T) {
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := testutil.NewClock(time.Now().Truncate(time.Millisecond))
			st := open(t, c)
			var logs bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logs, nil))
			a, b := abuse.New(st, testConfig, c.Now, log), abuse.New(st, testConfig, c.Now, log)
			for i := 0; i < 5; i++ {
				lim := []*abuse.Limiter{a, b}[i%2]
				if err := lim.Check(ctx, abuse.Password, "Grace", "192.0.2.1"); err != nil {
					t.Fatalf("attempt %d refused: %v", i+1, err)
				}
				if err := lim.Failed(ctx, abuse.Password, "grace ", "192.0.2.1"); err != nil {
					t.Fatal(err)
				}
			}
			r := refusal(t, b.Check(ctx, abuse.Password, "grace", "192.0.2.1"))
			if r.Kind != abuse.Password || r.Scope != "username+address" || r.Wait <= 0 || r.Wait > time.Second {
				t.Fatalf("refusal %+v", r)
			}
			if got := strings.Count(logs.String(), "limit refused"); got != 1 || !strings.Contains(logs.String(), "reason=password") || strings.Contains(logs.String(), "grace") {
				t.Fatalf("want one log line naming the reason and not the username:\n%s", logs.String())
			}
			if err := a.Check(ctx, abuse.Password, "grace", "198.51.100.7"); err != nil {
				t.Fatalf("the person's own address is held: %v", err)
			}
			if err := a.Check(ctx, abuse.Password, "heidi", "192.0.2.1"); err != nil {
				t.Fatalf("another username is held: %v", err)
			}
			if name != "memory" {
				return // the rest waits on expiry
			}
			c.Advance(time.Second)
			if err := a.Check(ctx, abuse.Password, "grace", "192.0.2.1"); err != nil {
				t.Fatalf("after the first wait: %v", err)
			}
			if err := a.Failed(ctx, abuse.Password, "grace", "192.0.2.1"); err != nil {
				t.Fatal(err)
			}
			if w := refusal(t, a.Check(ctx, abuse.Password, "grace", "192.0.2.1")).Wait; w <= time.Second || w > 2*time.Second {
				t.Fatalf("the second wait is %s, want 2s", w)
			}
			// Never for ever: the wait stops growing, and the window forgets everything.
			for i := 0; i < 40; i++ {
				_ = a.Failed(ctx, abuse.Password, "grace", "192.0.2.1")
			}
			if w := refusal(t, a.Check(ctx, abuse.Password, "grace", "192.0.2.1")).Wait; w != 15*time.Minute {
				t.Fatalf("wait %s, want max_delay", w)
			}
			c.Advance(16 * time.Minute)
			if err := a.Check(ctx, abuse.Password, "grace", "192.0.2.1"); err != nil {
				t.Fatalf("after the window: %v", err)
			}
		})
	}
}

// TestUsernameCeiling: failures from many addresses add up per username, to Ceiling×Free.
func TestUsernameCeiling(t *testing.T) {
	ctx := context.Background()
	_, l := memoryLimiter()
	for i := 0; i < 15; i++ {
		addr := fmt.Sprintf("203.0.113.%d", i)
		if err := l.Check(ctx, abuse.Password, "grace", addr); err != nil {
			t.Fatalf("attempt %d from a fresh address refused: %v", i+1, err)
		}
		_ = l.Failed(ctx, abuse.Password, "grace", addr)
	}
	if r := refusal(t, l.Check(ctx, abuse.Password, "grace", "198.51.100.1")); r.Scope != "username" {
		t.Fatalf("refusal %+v", r)
	}
}

func TestResetCodesStopUntilANewCodeIsSent(t *testing.T) {
	ctx := context.Background()
	_, l := memoryLimiter()
	for i := 0; i < 5; i++ {
		if err := l.Check(ctx, abuse.ResetCode, "grace", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		_ = l.Failed(ctx, abuse.ResetCode, "grace", "192.0.2.1")
	}
	if w := refusal(t, l.Check(ctx, abuse.ResetCode, "grace", "192.0.2.1")).Wait; w < 59*time.Minute {
		t.Fatalf("wait %s, want the code's hour", w)
	}
	if err := l.Reset(ctx, abuse.ResetCode, "grace", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	if err := l.Check(ctx, abuse.ResetCode, "grace", "192.0.2.1"); err != nil {
		t.Fatalf("after a new code: %v", err)
	}
}

func TestCodeSendsPerUsernameAndPerAddress(t *testing.T) {
	ctx := context.Background()
	c, l := memoryLimiter()
	for i := 0; i < 3; i++ {
		if err := l.Send(ctx, "grace", fmt.Sprintf("203.0.113.%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if r := refusal(t, l.Send(ctx, "grace", "198.51.100.1")); r.Scope != "username" {
		t.Fatalf("refusal %+v", r)
	}
	for _, u := range []string{"a", "b", "c"} {
		if err := l.Send(ctx, u, "192.0.2.9"); err != nil {
			t.Fatal(err)
		}
	}
	if r := refusal(t, l.Send(ctx, "d", "192.0.2.9")); r.Scope != "address" {
		t.Fatalf("refusal %+v", r)
	}
	c.Advance(15 * time.Minute)
	if err := l.Send(ctx, "grace", "198.51.100.1"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

// TestCodeSendRefusalSaysWhatIsLeft: a refused send waits for what is left of the window that
// the first send started, not a whole new window.
func TestCodeSendRefusalSaysWhatIsLeft(t *testing.T) {
	ctx := context.Background()
	c, l := memoryLimiter()
	for i := 0; i < 3; i++ {
		if err := l.Send(ctx, "heidi", "192.0.2.7"); err != nil {
			t.Fatal(err)
		}
		c.Advance(4 * time.Minute)
	}
	if r := refusal(t, l.Send(ctx, "heidi", "192.0.2.7")); r.Wait != 3*time.Minute {
		t.Fatalf("refusal %+v, want a wait of the 3 minutes left", r)
	}
	c.Advance(3 * time.Minute)
	if err := l.Send(ctx, "heidi", "192.0.2.7"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

// TestInventedUsernamesCannotFillTheStore: a spray of invented usernames creates at most
// TrackedUsernames counters per limit and window; usernames already tracked keep counting.
func TestInventedUsernamesCannotFillTheStore(t *testing.T) {
	ctx := context.Background()
	c := testutil.NewClock(time.Now().Truncate(time.Millisecond))
	const maxKeys = 1000
	st := store.NewMemory(store.MemoryOptions{Now: c.Now, MaxKeys: maxKeys})
	cfg := testConfig
	cfg.TrackedUsernames = 50
	l := abuse.New(st, cfg, c.Now, nil)
	for i := 0; i < 5; i++ {
		_ = l.Failed(ctx, abuse.Password, "grace", "192.0.2.1")
	}
	for i := 0; i < 5000; i++ {
		if err := l.Failed(ctx, abuse.Password, fmt.Sprintf("nobody-%d", i), "192.0.2.1"); err != nil {
			t.Fatalf("spray %d: %v (the store filled up)", i, err)
		}
	}
	refusal(t, l.Check(ctx, abuse.Password, "grace", "192.0.2.1"))
	if err := st.Set(ctx, "after-the-spray", []byte("x"), time.Minute); err != nil {
		t.Fatalf("the store has no room left: %v", err)
	}
}

// TestCodesPerSession: each SSO session gets CodesPerSession codes per window, whatever the
// other sessions do, and more after the window.
func TestCodesPerSession(t *testing.T) {
	ctx := context.Background()
	c, l := memoryLimiter()
	lim := abuse.CodeIssueLimits{L: l}
	ends := c.Now().Add(12 * time.Hour) // the sessions outlive the window
	for i := 0; i < 4; i++ {
		if wait, err := lim.Issue(ctx, "sid-a", ends); err != nil || wait != 0 {
			t.Fatalf("code %d: wait %v, err %v", i+1, wait, err)
		}
	}
	if wait, err := lim.Issue(ctx, "sid-a", ends); err != nil || wait != 15*time.Minute {
		t.Fatalf("code 5: wait %v, err %v; want the window, 15m", wait, err)
	}
	if r := refusal(t, l.Issue(ctx, "sid-a", ends)); r.Kind != abuse.CodeIssue || r.Scope != "session" {
		t.Fatalf("refusal %+v", r)
	}
	if wait, err := lim.Issue(ctx, "sid-b", ends); err != nil || wait != 0 {
		t.Fatalf("another session: wait %v, err %v", wait, err)
	}
	c.Advance(15 * time.Minute)
	if wait, err := lim.Issue(ctx, "sid-a", ends); err != nil || wait != 0 {
		t.Fatalf("after the window: wait %v, err %v", wait, err)
	}
}

// TestCodesPerSessionCountLivesNoLongerThanTheSession: a session that ends before the window
// does leaves no counter behind once it has ended, and a refusal waits no longer than it lives.
func TestCodesPerSessionCountLivesNoLongerThanTheSession(t *testing.T) {
	ctx := context.Background()
	c := testutil.NewClock(time.Now().Truncate(time.Millisecond))
	st := store.NewMemory(store.MemoryOptions{Now: c.Now})
	lim := abuse.CodeIssueLimits{L: abuse.New(st, testConfig, c.Now, nil)}
	ends := c.Now().Add(2 * time.Minute)
	for i := 0; i < 5; i++ {
		if _, err := lim.Issue(ctx, "sid-short", ends); err != nil {
			t.Fatal(err)
		}
	}
	if wait, err := lim.Issue(ctx, "sid-short", ends); err != nil || wait != 2*time.Minute {
		t.Fatalf("over the limit: wait %v, err %v; want the session's remaining 2m", wait, err)
	}
	if st.Len() == 0 {
		t.Fatal("nothing was counted")
	}
	c.Advance(2 * time.Minute)
	if n := st.Len(); n != 0 {
		t.Fatalf("%d store entries left once the session ended (window 15m)", n)
	}
}

// TestRefusedHookCountsEachRefusal: Config.Refused (the metrics' rate-limit counter) hears each
// refusal once, with the limit that refused, and nothing while attempts are allowed.
func TestRefusedHookCountsEachRefusal(t *testing.T) {
	ctx := context.Background()
	c := testutil.NewClock(time.Now().Truncate(time.Millisecond))
	got := map[abuse.Kind]int{}
	cfg := testConfig
	cfg.Refused = func(k abuse.Kind) { got[k]++ }
	l := abuse.New(store.NewMemory(store.MemoryOptions{Now: c.Now}), cfg, c.Now, nil)
	for i := 0; i < 5; i++ {
		if err := l.Check(ctx, abuse.Password, "grace", "192.0.2.1"); err != nil {
			t.Fatalf("attempt %d refused: %v", i+1, err)
		}
		if err := l.Failed(ctx, abuse.Password, "grace", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 0 {
		t.Fatalf("refusals counted while attempts were allowed: %v", got)
	}
	for range 2 {
		refusal(t, l.Check(ctx, abuse.Password, "grace", "192.0.2.1"))
	}
	for i := 0; i < 4; i++ {
		if err := l.Issue(ctx, "sid", c.Now().Add(time.Hour)); err != nil {
			t.Fatalf("code %d refused: %v", i+1, err)
		}
	}
	refusal(t, l.Issue(ctx, "sid", c.Now().Add(time.Hour)))
	if want := map[abuse.Kind]int{abuse.Password: 2, abuse.CodeIssue: 1}; !maps.Equal(got, want) {
		t.Fatalf("refusals counted %v, want %v", got, want)
	}
}

// BenchmarkCheck is the limit check every password post and every authenticated token request
// makes (nothing blocked: the common case), and BenchmarkIssue the count of every code issued.
func BenchmarkCheck(b *testing.B) {
	_, l := memoryLimiter()
	b.ReportAllocs()
	for b.Loop() {
		if err := l.Check(b.Context(), abuse.Password, "User@Example.com", "192.0.2.1"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIssue(b *testing.B) {
	c, l := memoryLimiter()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if err := l.Issue(b.Context(), fmt.Sprint("session-", i), c.Now().Add(time.Hour)); err != nil {
			b.Fatal(err)
		}
	}
}
