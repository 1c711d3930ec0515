package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
	"github.com/bridgekeeper/bridgekeeper/store"
)

func TestOpenMemory(t *testing.T) {
	for _, tc := range []struct {
		url      string
		opts     []store.Option
		wantRoom int // how many keys fit; 0 for "many"
	}{
		{url: ""},
		{url: "memory://"},
		{url: "MEMORY://"},
		{url: "memory://?max_keys=2", wantRoom: 2},
		{url: "memory://?max_keys=2", opts: []store.Option{store.WithMaxKeys(3)}, wantRoom: 3},
		{url: "", opts: []store.Option{store.WithMaxKeys(1)}, wantRoom: 1},
	} {
		t.Run(tc.url, func(t *testing.T) {
			ctx := t.Context()
			s, err := store.Open(ctx, tc.url, tc.opts...)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			if _, ok := s.(*store.Memory); !ok {
				t.Fatalf("Open returned a %T, want *store.Memory", s)
			}
			room := tc.wantRoom
			if room == 0 {
				room = 100
			}
			for i := range room {
				if err := s.Set(ctx, string(rune('a'+i)), []byte("v"), time.Hour); err != nil {
					t.Fatalf("Set %d: %v", i, err)
				}
			}
			err = s.Set(ctx, "one-more", []byte("v"), time.Hour)
			if tc.wantRoom > 0 && !errors.Is(err, store.ErrFull) {
				t.Fatalf("Set past max_keys=%d: %v, want ErrFull", tc.wantRoom, err)
			}
			if tc.wantRoom == 0 && err != nil {
				t.Fatalf("Set: %v", err)
			}
		})
	}
}

func TestOpenMemoryClock(t *testing.T) {
	ctx := t.Context()
	clock := testutil.NewClock(epoch)
	s, err := store.Open(ctx, "memory://", store.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	if _, err := s.Get(ctx, "k"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get after the injected clock passed the ttl: %v", err)
	}
}

func TestOpenRejects(t *testing.T) {
	for _, url := range []string{
		"localhost:6379",
		"http://example.com",
		"memcached://127.0.0.1:11211",
		"memory://host",
		"memory:///path",
		"memory://?max_keys=0",
		"memory://?max_keys=lots",
		"memory://?maxkeys=5",
	} {
		if s, err := store.Open(t.Context(), url); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded, want an error", url)
		}
	}
}
