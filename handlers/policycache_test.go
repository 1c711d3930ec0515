package handlers

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/cognito"
)

// blockingPolicy answers PasswordPolicy only when released, and says when a read began.
type blockingPolicy struct {
	started chan struct{}
	release chan struct{}
	policy  cognito.PasswordPolicy
}

func (b *blockingPolicy) PasswordPolicy(ctx context.Context) (cognito.PasswordPolicy, error) {
	b.started <- struct{}{}
	<-b.release
	return b.policy, nil
}

// TestPolicyReadDoesNotHoldOthersUp: while one request reads the pool's policy (a slow pool),
// the others get the rules kept at once instead of waiting, and no second read starts.
func TestPolicyReadDoesNotHoldOthersUp(t *testing.T) {
	src := &blockingPolicy{started: make(chan struct{}, 2), release: make(chan struct{}),
		policy: cognito.PasswordPolicy{MinimumLength: 12, RequireSymbols: true}}
	configured := DefaultPasswordPolicy()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	c := newPolicyCache(src, configured, func() time.Time { return now }, slog.New(slog.NewTextHandler(io.Discard, nil)))

	first := make(chan []PolicyRule)
	go func() { first <- c.get(context.Background()) }()
	<-src.started // the first request is inside the pool's call

	if got := c.get(context.Background()); len(got) != len(configured) || got[0].Data["Count"] != configured[0].Data["Count"] {
		t.Fatalf("during the read another request got %+v, want the rules kept %+v", got, configured)
	}
	select {
	case <-src.started:
		t.Fatal("a second read of the policy started while one was under way")
	default:
	}

	close(src.release)
	read := <-first
	if want := PolicyRules(src.policy); len(read) != len(want) || read[0].Data["Count"] != 12 {
		t.Fatalf("the reading request got %+v, want %+v", read, want)
	}
	if got := c.get(context.Background()); got[0].Data["Count"] != 12 {
		t.Fatalf("after the read the cache holds %+v", got)
	}
}
