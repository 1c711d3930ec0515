package oidc

import (
	"context"
	"errors"
	"sync"
	"time"
)

// errTestNotFound is the test store's not-found sentinel.
var errTestNotFound = errors.New("test store: not found")

// memStore is a minimal in-memory Store for the tests until the shared
// store package lands. Expiry uses its own clock.
type memStore struct {
	mu   sync.Mutex
	now  func() time.Time
	vals map[string]memEntry
	sets map[string]memSet
}

type memEntry struct {
	v   []byte
	exp time.Time
}

type memSet struct {
	m   map[string]bool
	exp time.Time
}

func newMemStore(now func() time.Time) *memStore {
	return &memStore{now: now, vals: map[string]memEntry{}, sets: map[string]memSet{}}
}

func (s *memStore) live(exp time.Time) bool { return exp.IsZero() || s.now().Before(exp) }

func (s *memStore) expiry(ttl time.Duration) time.Time {
	if ttl <= 0 {
		return time.Time{}
	}
	return s.now().Add(ttl)
}

func (s *memStore) Get(_ context.Context, key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.vals[key]
	if !ok || !s.live(e.exp) {
		return nil, errTestNotFound
	}
	return append([]byte(nil), e.v...), nil
}

func (s *memStore) Set(_ context.Context, key string, value []byte, ttl time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.vals[key] = memEntry{v: append([]byte(nil), value...), exp: s.expiry(ttl)}
	return nil
}

func (s *memStore) Swap(_ context.Context, key string, value []byte, ttl time.Duration) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.vals[key]
	if !ok || !s.live(e.exp) {
		return nil, errTestNotFound
	}
	s.vals[key] = memEntry{v: append([]byte(nil), value...), exp: s.expiry(ttl)}
	return e.v, nil
}

func (s *memStore) Delete(_ context.Context, keys ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		delete(s.vals, k)
		delete(s.sets, k)
	}
	return nil
}

func (s *memStore) SAdd(_ context.Context, key, member string, ttl time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	set, ok := s.sets[key]
	if !ok || !s.live(set.exp) {
		set = memSet{m: map[string]bool{}}
	}
	set.m[member] = true
	set.exp = s.expiry(ttl)
	s.sets[key] = set
	return nil
}

func (s *memStore) SMembers(_ context.Context, key string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	set, ok := s.sets[key]
	if !ok || !s.live(set.exp) {
		return nil, nil
	}
	out := make([]string, 0, len(set.m))
	for m := range set.m {
		out = append(out, m)
	}
	return out, nil
}

func (s *memStore) SRem(_ context.Context, key, member string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if set, ok := s.sets[key]; ok {
		delete(set.m, member)
	}
	return nil
}

// size counts live keys and sets, to check what traffic writes.
func (s *memStore) size() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range s.vals {
		if s.live(e.exp) {
			n++
		}
	}
	for _, set := range s.sets {
		if s.live(set.exp) && len(set.m) > 0 {
			n++
		}
	}
	return n
}
