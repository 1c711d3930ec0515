package metrics

import (
	"context"
	"time"

	"github.com/bridgekeeper/bridgekeeper/store"
)

func (s *instrumentedStore) ZAdd(ctx context.Context, key, member string, score int64, ttl time.Duration) error {
	t0 := s.m.now()
	err := s.Store.ZAdd(ctx, key, member, score, ttl)
	s.observe("zadd", t0, err)
	return err
}

func (s *instrumentedStore) ZRange(ctx context.Context, key string, rev bool, limit int) ([]store.Scored, error) {
	t0 := s.m.now()
	v, err := s.Store.ZRange(ctx, key, rev, limit)
	s.observe("zrange", t0, err)
	return v, err
}

func (s *instrumentedStore) ZRem(ctx context.Context, key string, members ...string) error {
	t0 := s.m.now()
	err := s.Store.ZRem(ctx, key, members...)
	s.observe("zrem", t0, err)
	return err
}

func (s *instrumentedStore) ZTrim(ctx context.Context, key string, keep int) ([]string, error) {
	t0 := s.m.now()
	v, err := s.Store.ZTrim(ctx, key, keep)
	s.observe("ztrim", t0, err)
	return v, err
}
