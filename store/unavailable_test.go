package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/testredis"
	"github.com/bridgekeeper/bridgekeeper/store"
)

// TestRedisUnavailableAndBack: while redis-server is stopped every operation fails with
// ErrUnavailable (never ErrNotFound, which would read as "no such code"); once a server answers
// on the same address again, the same store serves without being reopened.
func TestRedisUnavailableAndBack(t *testing.T) {
	srv := testredis.StartServer(t)
	s := newRedis(t, srv.URL(), "bk:")
	ctx := context.Background()
	if err := s.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	ops := map[string]func() error{
		"get":   func() error { _, err := s.Get(ctx, "k"); return err },
		"set":   func() error { return s.Set(ctx, "k", []byte("w"), time.Minute) },
		"swap":  func() error { _, err := s.Swap(ctx, "k", []byte("w"), time.Minute); return err },
		"incr":  func() error { _, err := s.Incr(ctx, "n", time.Minute); return err },
		"zadd":  func() error { return s.ZAdd(ctx, "z", "m", 1, time.Minute) },
		"ztrim": func() error { _, err := s.ZTrim(ctx, "z", 1); return err },
		"ping":  func() error { return s.Ping(ctx) },
	}
	for name, op := range ops {
		if err := op(); !errors.Is(err, store.ErrUnavailable) || errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s while Redis is down: %v, want ErrUnavailable", name, err)
		}
	}
	srv.Restart()
	// go-redis redials in the background about once a second after failed dials.
	deadline := time.Now().Add(15 * time.Second)
	for err := s.Ping(ctx); err != nil; err = s.Ping(ctx) {
		if time.Now().After(deadline) {
			t.Fatalf("still unavailable 15s after the restart: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if v, err := s.Get(ctx, "k"); err != nil || string(v) != "v" {
		t.Fatalf("get after the restart: %q, %v (the server keeps its data)", v, err)
	}
	if err := s.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatalf("set after the restart: %v", err)
	}
}
