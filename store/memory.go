package store

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"
)

// DefaultMaxKeys is the entry limit of a memory store whose options leave
// MaxKeys zero.
const DefaultMaxKeys = 1_000_000

// sweepBudget bounds how many expired entries one write reclaims, so no single
// request pays for a large backlog. Each write adds at most one entry and
// reclaims up to sweepBudget, so expired entries never crowd out live ones.
const sweepBudget = 64

// MemoryOptions configures [NewMemory].
type MemoryOptions struct {
	// Now is the clock that decides expiry (default time.Now).
	Now func() time.Time
	// MaxKeys caps the live entries: each string key counts one and each set
	// member counts one. Writes past it fail with ErrFull. Zero means
	// DefaultMaxKeys.
	MaxKeys int
}

// Memory is an in-process [Store] for a single instance. It is safe for
// concurrent use; the zero value is not usable, call [NewMemory].
type Memory struct {
	now     func() time.Time
	maxKeys int

	mu       sync.RWMutex
	closed   bool
	entries  map[string]*memEntry // string and set keys
	zsets    map[string]*memEntry // ordered sets: a key space of their own
	byExpiry expiryHeap
	used     int // string keys plus set and ordered-set members
}

// memEntry is one key: a string value, a set or an ordered set, and its
// expiry.
type memEntry struct {
	key     string
	value   []byte              // the string value, when set and zset are nil
	set     map[string]struct{} // the members, for a set key
	zset    map[string]zMember  // the members, for an ordered set (in Memory.zsets)
	zexp    zExpiryHeap         // an ordered set's member expiries, soonest first
	expires time.Time           // a string or set is live before this
	// due is when something in the entry next expires, the heap's order:
	// expires itself, or an ordered set's soonest member expiry.
	due   time.Time
	index int // position in Memory.byExpiry
}

// zMember is one member of an ordered set.
type zMember struct {
	score   int64
	expires time.Time
}

func (e *memEntry) weight() int {
	switch {
	case e.set != nil:
		return len(e.set)
	case e.zset != nil:
		return len(e.zset)
	}
	return 1
}

// NewMemory returns an empty memory store.
func NewMemory(opts MemoryOptions) *Memory {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	maxKeys := opts.MaxKeys
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	return &Memory{now: now, maxKeys: maxKeys, entries: make(map[string]*memEntry), zsets: make(map[string]*memEntry)}
}

var _ Store = (*Memory)(nil)

// Get implements [Store].
func (m *Memory) Get(ctx context.Context, key string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memory get: %w", err)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, fmt.Errorf("memory get: %w", ErrClosed)
	}
	e := m.live(key, m.now())
	if e == nil {
		return nil, errGetNotFound
	}
	if e.set != nil {
		return nil, fmt.Errorf("memory get: %w", ErrWrongType)
	}
	return e.value, nil // read-only for the caller; no write changes it in place
}

// errGetNotFound is Get's answer for a missing key, made once: most reads on the sign-in path
// (rate-limit checks finding no block) miss.
var errGetNotFound = fmt.Errorf("memory get: %w", ErrNotFound)

// Set implements [Store].
func (m *Memory) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := checkTTL("memory set", ttl); err != nil {
		return err
	}
	return m.write(ctx, "set", func(now time.Time) error {
		old := m.live(key, now)
		delta := 1
		if old != nil {
			delta -= old.weight()
		}
		if err := m.reserve(delta); err != nil {
			return err
		}
		m.remove(key)
		m.insert(&memEntry{key: key, value: slices.Clone(value), expires: now.Add(ttl)})
		return nil
	})
}

// SetNX implements [Store].
func (m *Memory) SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := checkTTL("memory setnx", ttl); err != nil {
		return false, err
	}
	var stored bool
	err := m.write(ctx, "setnx", func(now time.Time) error {
		if m.live(key, now) != nil {
			return nil
		}
		if err := m.reserve(1); err != nil {
			return err
		}
		m.remove(key)
		m.insert(&memEntry{key: key, value: slices.Clone(value), expires: now.Add(ttl)})
		stored = true
		return nil
	})
	return stored, err
}

// Swap implements [Store].
func (m *Memory) Swap(ctx context.Context, key string, value []byte, ttl time.Duration) ([]byte, error) {
	if err := checkTTL("memory swap", ttl); err != nil {
		return nil, err
	}
	var prev []byte
	err := m.write(ctx, "swap", func(now time.Time) error {
		e := m.live(key, now)
		if e == nil {
			return ErrNotFound
		}
		if e.set != nil {
			return ErrWrongType
		}
		prev = e.value // read-only, as Get's values: earlier Gets may share it
		e.value = slices.Clone(value)
		m.setExpiry(e, now.Add(ttl))
		return nil
	})
	return prev, err
}

// Delete implements [Store].
func (m *Memory) Delete(ctx context.Context, keys ...string) error {
	return m.write(ctx, "delete", func(time.Time) error {
		for _, k := range keys {
			m.remove(k)
		}
		return nil
	})
}

// Incr implements [Store].
func (m *Memory) Incr(ctx context.Context, key string, ttl time.Duration) (int64, error) {
	if err := checkTTL("memory incr", ttl); err != nil {
		return 0, err
	}
	var n int64
	err := m.write(ctx, "incr", func(now time.Time) error {
		e := m.live(key, now)
		if e == nil {
			if err := m.reserve(1); err != nil {
				return err
			}
			m.remove(key)
			n = 1
			m.insert(&memEntry{key: key, value: []byte{'1'}, expires: now.Add(ttl)})
			return nil
		}
		if e.set != nil {
			return ErrWrongType
		}
		cur, err := strconv.ParseInt(string(e.value), 10, 64)
		if err != nil {
			return ErrWrongType
		}
		if cur == math.MaxInt64 {
			return errors.New("counter would overflow")
		}
		n = cur + 1
		// A new slice: the old one may be held by a Get's caller.
		e.value = strconv.AppendInt(nil, n, 10)
		return nil
	})
	return n, err
}

// SAdd implements [Store].
func (m *Memory) SAdd(ctx context.Context, key, member string, ttl time.Duration) error {
	if err := checkTTL("memory sadd", ttl); err != nil {
		return err
	}
	return m.write(ctx, "sadd", func(now time.Time) error {
		e := m.live(key, now)
		if e != nil && e.set == nil {
			return ErrWrongType
		}
		exp := now.Add(ttl)
		if e != nil {
			if _, ok := e.set[member]; !ok {
				if err := m.reserve(1); err != nil {
					return err
				}
				e.set[member] = struct{}{}
				m.used++
			}
			if exp.After(e.expires) {
				m.setExpiry(e, exp)
			}
			return nil
		}
		if err := m.reserve(1); err != nil {
			return err
		}
		m.remove(key)
		m.insert(&memEntry{key: key, set: map[string]struct{}{member: {}}, expires: exp})
		return nil
	})
}

// SMembers implements [Store].
func (m *Memory) SMembers(ctx context.Context, key string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memory smembers: %w", err)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, fmt.Errorf("memory smembers: %w", ErrClosed)
	}
	e := m.live(key, m.now())
	if e == nil {
		return []string{}, nil
	}
	if e.set == nil {
		return nil, fmt.Errorf("memory smembers: %w", ErrWrongType)
	}
	out := make([]string, 0, len(e.set))
	for mem := range e.set {
		out = append(out, mem)
	}
	slices.Sort(out)
	return out, nil
}

// SRem implements [Store].
func (m *Memory) SRem(ctx context.Context, key, member string) error {
	return m.write(ctx, "srem", func(now time.Time) error {
		e := m.live(key, now)
		if e == nil {
			return nil
		}
		if e.set == nil {
			return ErrWrongType
		}
		if _, ok := e.set[member]; !ok {
			return nil
		}
		if len(e.set) == 1 {
			m.remove(key)
			return nil
		}
		delete(e.set, member)
		m.used--
		return nil
	})
}

// Ping implements [Store]: it fails only once the store is closed.
func (m *Memory) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memory ping: %w", err)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return fmt.Errorf("memory ping: %w", ErrClosed)
	}
	return nil
}

// Close implements [Store]: it drops every entry. Closing twice is fine.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	m.entries = nil
	m.zsets = nil
	m.byExpiry = nil
	m.used = 0
	return nil
}

// write runs fn under the write lock after the common checks and a bounded
// sweep, wrapping any error with the operation's name.
func (m *Memory) write(ctx context.Context, op string, fn func(now time.Time) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memory %s: %w", op, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return fmt.Errorf("memory %s: %w", op, ErrClosed)
	}
	now := m.now()
	m.sweep(now, sweepBudget)
	if err := fn(now); err != nil {
		return fmt.Errorf("memory %s: %w", op, err)
	}
	return nil
}

// live returns key's entry if it exists and has not expired at now.
func (m *Memory) live(key string, now time.Time) *memEntry {
	e := m.entries[key]
	if e == nil || !now.Before(e.expires) {
		return nil
	}
	return e
}

// reserve checks that delta more entries fit. At the limit it first
// reclaims every expired entry (not just write's bounded sweep, which may
// have met ordered sets with nothing yet to drop), so expired data never
// makes a write fail.
func (m *Memory) reserve(delta int) error {
	if m.used+delta <= m.maxKeys {
		return nil
	}
	m.sweep(m.now(), math.MaxInt)
	if m.used+delta <= m.maxKeys {
		return nil
	}
	return fmt.Errorf("%w: %d entries (limit %d)", ErrFull, m.used, m.maxKeys)
}

// Len reclaims every expired entry and returns how many entries (string
// keys plus set and ordered-set members) the store then holds, the figure
// MaxKeys limits. It is for tests and diagnostics: it holds the write lock
// for as long as the reclaiming takes.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return 0
	}
	m.sweep(m.now(), math.MaxInt)
	return m.used
}

// sweep removes up to budget expired entries, soonest-expiring first.
func (m *Memory) sweep(now time.Time, budget int) {
	for n := 0; n < budget && len(m.byExpiry) > 0; n++ {
		e := m.byExpiry[0]
		if now.Before(e.due) {
			return
		}
		if e.zset != nil {
			m.zprune(e, now)
		} else {
			m.removeEntry(e)
		}
	}
}

// insert adds e, which must not be in the store; a zero due means expires.
func (m *Memory) insert(e *memEntry) {
	if e.due.IsZero() {
		e.due = e.expires
	}
	if e.zset != nil {
		m.zsets[e.key] = e
	} else {
		m.entries[e.key] = e
	}
	heap.Push(&m.byExpiry, e)
	m.used += e.weight()
}

// remove removes the string or set key, if any.
func (m *Memory) remove(key string) {
	if e := m.entries[key]; e != nil {
		m.removeEntry(e)
	}
}

func (m *Memory) removeEntry(e *memEntry) {
	if e.zset != nil {
		delete(m.zsets, e.key)
	} else {
		delete(m.entries, e.key)
	}
	heap.Remove(&m.byExpiry, e.index)
	m.used -= e.weight()
}

func (m *Memory) setExpiry(e *memEntry, exp time.Time) {
	e.expires = exp
	e.due = exp
	m.fix(e)
}

// fix restores the heap order after e.due changed.
func (m *Memory) fix(e *memEntry) { heap.Fix(&m.byExpiry, e.index) }

// expiryHeap orders entries by expiry, soonest first (container/heap).
type expiryHeap []*memEntry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].due.Before(h[j].due) }
func (h expiryHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *expiryHeap) Push(x any) {
	e := x.(*memEntry)
	e.index = len(*h)
	*h = append(*h, e)
}

func (h *expiryHeap) Pop() any {
	old := *h
	n := len(old)
	e := old[n-1]
	old[n-1] = nil
	*h = old[:n-1]
	return e
}
