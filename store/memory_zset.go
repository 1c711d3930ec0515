package store

import (
	"cmp"
	"container/heap"
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
			e = &memEntry{key: key, zset: map[string]zMember{}, due: exp}
			m.insert(e)
		} else if _, ok := e.zset[member]; !ok {
			if err := m.reserve(1); err != nil {
				return err
			}
		}
		if _, ok := e.zset[member]; !ok {
			m.used++
		}
		e.zset[member] = zMember{score, exp}
		e.zexp.add(zExpiry{member, exp})
		e.zexp.compact(e.zset)
		m.zsettle(e)
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
	return m.write(ctx, "zrem", func(time.Time) error {
		e := m.zsets[key]
		if e == nil {
			return nil
		}
		for _, mem := range members {
			if _, ok := e.zset[mem]; ok {
				delete(e.zset, mem) // its expiry stays in zexp until it comes due
				m.used--
			}
		}
		if len(e.zset) == 0 {
			m.removeEntry(e)
		}
		return nil
	})
}

// ZTrim implements [Store].
func (m *Memory) ZTrim(ctx context.Context, key string, keep int) ([]string, error) {
	if err := checkCount("memory ztrim", "keep", keep); err != nil {
		return nil, err
	}
	gone := []string{}
	err := m.write(ctx, "ztrim", func(now time.Time) error {
		e := m.zlive(key, now)
		if e == nil {
			return nil
		}
		all := zsorted(e, now)
		if len(all) <= keep {
			return nil
		}
		for _, z := range all[:len(all)-keep] {
			gone = append(gone, z.Member)
			delete(e.zset, z.Member)
			m.used--
		}
		if len(e.zset) == 0 {
			m.removeEntry(e)
		}
		return nil
	})
	return gone, err
}

// zlive returns the ordered set at key with its expired members dropped, or
// nil if it is absent or has no live member left.
func (m *Memory) zlive(key string, now time.Time) *memEntry {
	e := m.zsets[key]
	if e == nil {
		return nil
	}
	if !now.Before(e.due) {
		m.zprune(e, now)
	}
	return m.zsets[key]
}

// zprune drops the members of e that have expired at now, soonest first,
// then reschedules e, or removes it once it is empty. Once it returns, every
// member left is live: each member's current expiry is in zexp, so an
// expired one would sort before the first entry still in the future.
func (m *Memory) zprune(e *memEntry, now time.Time) {
	for len(e.zexp) > 0 && !now.Before(e.zexp[0].expires) {
		x := heap.Pop(&e.zexp).(zExpiry)
		if z, ok := e.zset[x.member]; ok && z.expires.Equal(x.expires) {
			delete(e.zset, x.member)
			m.used--
		}
	}
	if len(e.zset) == 0 {
		m.removeEntry(e)
		return
	}
	m.zsettle(e)
}

// zsettle reschedules e at its soonest member expiry.
func (m *Memory) zsettle(e *memEntry) {
	if len(e.zexp) > 0 && !e.due.Equal(e.zexp[0].expires) {
		e.due = e.zexp[0].expires
		m.fix(e)
	}
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

// zExpiry is one member expiry in an ordered set's heap. A member whose
// expiry changed or that was removed leaves its old entry behind; zprune
// skips such stale entries, and ZAdd compacts the heap when they pile up.
type zExpiry struct {
	member  string
	expires time.Time
}

// zExpiryHeap orders member expiries, soonest first (container/heap).
type zExpiryHeap []zExpiry

func (h zExpiryHeap) Len() int           { return len(h) }
func (h zExpiryHeap) Less(i, j int) bool { return h[i].expires.Before(h[j].expires) }
func (h zExpiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *zExpiryHeap) Push(x any)        { *h = append(*h, x.(zExpiry)) }
func (h *zExpiryHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// add records x.
func (h *zExpiryHeap) add(x zExpiry) { heap.Push(h, x) }

// compact rebuilds the heap from the current members once it is mostly
// stale entries, so it stays proportional to the set.
func (h *zExpiryHeap) compact(members map[string]zMember) {
	if len(*h) <= 2*len(members)+16 {
		return
	}
	kept := (*h)[:0]
	for m, z := range members {
		kept = append(kept, zExpiry{m, z.expires})
	}
	clear((*h)[len(kept):])
	*h = kept
	heap.Init(h)
}
