package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

// ZAdd implements [Store].
func (m *Memory) ZAdd(ctx context.Context, key, member string, score int64, ttl time.Duration) error {
	if err := checkTTL("memory zadd", ttl); err != nil {
		return err
	}
	if err := checkScore("memory zadd", score); err != nil {
		return err
	}
	return m.write(ctx, "zadd", func(now time.Time) error {
		exp := now.Add(ttl)
		e := m.zlive(key, now)
		if e == nil {
			if err := m.reserve(1); err != nil {
				return err
			}
			m.insert(&memEntry{key: key, zset: map[string]zMember{member: {score, exp}}, expires: exp})
			return nil
		}
		if _, ok := e.zset[member]; !ok {
			if err := m.reserve(1); err != nil {
				return err
			}
			m.used++
		}
		e.zset[member] = zMember{score, exp}
		// A shortened member may leave expires and due early or late by
		// its old expiry; the next prune recomputes them.
		e.expires = later(e.expires, exp)
		if exp.Before(e.due) {
			e.due = exp
			m.fix(e)
		}
		return nil
	})
}

// ZRange implements [Store].
func (m *Memory) ZRange(ctx context.Context, key string, rev bool, limit int) ([]Scored, error) {
	if err := checkCount("memory zrange", "limit", limit); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memory zrange: %w", err)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, fmt.Errorf("memory zrange: %w", ErrClosed)
	}
	out := zsorted(m.zsets[key], m.now())
	if rev {
		slices.Reverse(out)
	}
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// ZRem implements [Store].
func (m *Memory) ZRem(ctx context.Context, key string, members ...string) error {
	return m.write(ctx, "zrem", func(now time.Time) error {
		e := m.zsets[key]
		if e == nil {
			return nil
		}
		for _, mem := range members {
			if _, ok := e.zset[mem]; ok {
				delete(e.zset, mem)
				m.used--
			}
		}
		m.zprune(e, now)
		return nil
	})
}

// ZTrim implements [Store].
func (m *Memory) ZTrim(ctx context.Context, key string, keep int) ([]string, error) {
	if err := checkCount("memory ztrim", "keep", keep); err != nil {
		return nil, err
	}
	var gone []string
	err := m.write(ctx, "ztrim", func(now time.Time) error {
		e := m.zlive(key, now)
		if e == nil {
			return nil
		}
		all := zsorted(e, now)
		if len(all) <= keep {
			return nil
		}
		gone = make([]string, 0, len(all)-keep)
		for _, z := range all[:len(all)-keep] {
			gone = append(gone, z.Member)
			delete(e.zset, z.Member)
			m.used--
		}
		m.zprune(e, now)
		return nil
	})
	if gone == nil {
		gone = []string{}
	}
	return gone, err
}

// zlive prunes the ordered set at key and returns it, or nil if it is absent
// or has no live member left.
func (m *Memory) zlive(key string, now time.Time) *memEntry {
	e := m.zsets[key]
	if e == nil {
		return nil
	}
	m.zprune(e, now)
	return m.zsets[key]
}

// zprune drops the expired members of e, then recomputes its expiry and due
// time, or removes it once it is empty.
func (m *Memory) zprune(e *memEntry, now time.Time) {
	var first, last time.Time
	for mem, z := range e.zset {
		if !now.Before(z.expires) {
			delete(e.zset, mem)
			m.used--
			continue
		}
		if first.IsZero() || z.expires.Before(first) {
			first = z.expires
		}
		last = later(last, z.expires)
	}
	if len(e.zset) == 0 {
		m.removeEntry(e)
		return
	}
	e.expires, e.due = last, first
	m.fix(e)
}

// zsorted returns e's members live at now, lowest score first, ties by
// member (Redis's order). A nil e gives an empty slice.
func zsorted(e *memEntry, now time.Time) []Scored {
	if e == nil {
		return []Scored{}
	}
	out := make([]Scored, 0, len(e.zset))
	for mem, z := range e.zset {
		if now.Before(z.expires) {
			out = append(out, Scored{Member: mem, Score: z.score})
		}
	}
	slices.SortFunc(out, func(a, b Scored) int {
		return cmp.Or(cmp.Compare(a.Score, b.Score), cmp.Compare(a.Member, b.Member))
	})
	return out
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
