package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ErrNotFound is returned (wrapped) when a key is absent or has expired.
var ErrNotFound = errors.New("store: not found")

// ErrWrongType is returned (wrapped) when an operation meets a key holding the
// other kind of value (a set where a string was expected or the reverse), or
// when Incr meets a value that is not a decimal integer.
var ErrWrongType = errors.New("store: key holds a value of another kind")

// ErrFull is returned (wrapped) by the memory backend when a write would take
// it past its MaxKeys limit.
var ErrFull = errors.New("store: full")

// ErrClosed is returned (wrapped) by operations on a closed store.
var ErrClosed = errors.New("store: closed")

// ErrUnavailable is returned (wrapped) when the store cannot be reached or cannot serve right
// now (Redis down, restarting, failing over, or slower than the caller's deadline). It passes:
// callers answer "try again in a moment" (503) and keep what they had.
var ErrUnavailable = errors.New("store: unavailable")

// Store is the shared state used by every Bridgekeeper instance. All methods
// are safe for concurrent use and atomic; see the package documentation for
// the exact expiry and atomicity guarantees.
type Store interface {
	// Get returns the value of key, or ErrNotFound if it is absent or expired.
	// The value is read-only (see the package documentation, "Keys and
	// values").
	Get(ctx context.Context, key string) ([]byte, error)
	// Set stores a copy of value under key for ttl (which must be positive),
	// replacing any previous value and expiry.
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// SetNX stores a copy of value under key for ttl only if key is absent, and reports
	// whether it did.
	SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error)
	// Swap atomically replaces an existing key's value (new ttl) with a copy of
	// value and returns the previous value, read-only. If the key is absent it returns
	// ErrNotFound and creates nothing. Used for single-use codes and refresh
	// rotation.
	Swap(ctx context.Context, key string, value []byte, ttl time.Duration) ([]byte, error)
	// Delete removes keys; missing keys are fine.
	Delete(ctx context.Context, keys ...string) error
	// Incr adds one to the counter at key and returns the new count. A new
	// counter starts at 1 and expires after ttl; later increments keep that
	// expiry (a fixed window).
	Incr(ctx context.Context, key string, ttl time.Duration) (int64, error)
	// SAdd adds member to the set at key and extends the set's expiry to at
	// least ttl from now (never shortening it).
	SAdd(ctx context.Context, key, member string, ttl time.Duration) error
	// SMembers returns the members of the set at key in sorted order, or an
	// empty slice if it is absent.
	SMembers(ctx context.Context, key string) ([]string, error)
	// SRem removes member from the set at key; a set left empty disappears.
	// Missing keys and members are fine.
	SRem(ctx context.Context, key, member string) error
	// ZAdd adds member to the ordered set at key with score, or updates its
	// score; either way the member now expires on its own ttl from now
	// (which must be positive). The set lives as long as its longest-lived
	// member. Scores must lie within ±[MaxScore].
	ZAdd(ctx context.Context, key, member string, score int64, ttl time.Duration) error
	// ZRange returns the live members of the ordered set at key ordered by
	// score, lowest first (rev: highest first), ties by member, at most
	// limit of them (0: all). An absent set gives an empty slice.
	ZRange(ctx context.Context, key string, rev bool, limit int) ([]Scored, error)
	// ZRem removes members from the ordered set at key; missing ones are
	// fine.
	ZRem(ctx context.Context, key string, members ...string) error
	// ZTrim keeps the keep highest-scored live members of the ordered set at
	// key and removes the rest, returning the removed members lowest first.
	// Among concurrent callers each removed member is returned exactly once.
	ZTrim(ctx context.Context, key string, keep int) ([]string, error)
	// Ping reports whether the store can serve requests (used by /readyz).
	Ping(ctx context.Context) error
	// Close releases the store's resources; later calls fail with ErrClosed.
	Close() error
}

// Scored is one member of an ordered set and its score.
type Scored struct {
	Member string
	Score  int64
}

// MaxScore bounds the scores of ordered sets: Redis keeps scores as
// float64, which holds every integer up to 2⁵³ exactly. Unix milliseconds or
// microseconds fit; Unix nanoseconds do not.
const MaxScore int64 = 1<<53 - 1

// checkScore rejects scores a Redis sorted set could not hold exactly.
func checkScore(op string, score int64) error {
	if score > MaxScore || score < -MaxScore {
		return fmt.Errorf("%s: score %d outside ±2^53", op, score)
	}
	return nil
}

// checkCount rejects a negative limit or keep.
func checkCount(op, name string, n int) error {
	if n < 0 {
		return fmt.Errorf("%s: %s must not be negative, got %d", op, name, n)
	}
	return nil
}

// checkTTL rejects the non-positive ttls that would otherwise store a key
// forever (Redis) or never (memory).
func checkTTL(op string, ttl time.Duration) error {
	if ttl <= 0 {
		return fmt.Errorf("%s: ttl must be positive, got %s", op, ttl)
	}
	return nil
}

// Option configures [Open].
type Option func(*openConfig)

type openConfig struct {
	now          func() time.Time
	maxKeys      int
	keyPrefix    string
	mode         string
	waitReplicas int
	waitTimeout  time.Duration
}

// WithClock sets the clock of a memory store (default time.Now). Redis uses
// its own clock and ignores it.
func WithClock(now func() time.Time) Option {
	return func(c *openConfig) { c.now = now }
}

// WithMaxKeys sets the entry limit of a memory store (see
// [MemoryOptions].MaxKeys). It overrides a max_keys URL parameter.
func WithMaxKeys(n int) Option {
	return func(c *openConfig) { c.maxKeys = n }
}

// WithKeyPrefix sets the prefix of every Redis key (default
// [DefaultKeyPrefix]). The memory backend ignores it.
func WithKeyPrefix(prefix string) Option {
	return func(c *openConfig) { c.keyPrefix = prefix }
}

// WithMode sets how a redis:// URL is read: [ModeSingle] (the default),
// [ModeCluster] or [ModeSentinel]. A memory store takes only ModeSingle.
func WithMode(mode string) Option {
	return func(c *openConfig) { c.mode = mode }
}

// WithWait makes a Redis store's Swap wait for replicas replicas for at most
// timeout (see [RedisOptions].WaitReplicas). The memory backend ignores it.
func WithWait(replicas int, timeout time.Duration) Option {
	return func(c *openConfig) { c.waitReplicas, c.waitTimeout = replicas, timeout }
}

// Open returns the store described by rawURL:
//
//   - "" or "memory://" (optionally "memory://?max_keys=N"): a [Memory] store;
//   - "redis://…", "rediss://…" or "unix://…": a [Redis] store, in the URL
//     format of go-redis's ParseURL (password, database number and pool
//     settings included). Open pings the server before returning.
//
// Errors never contain the URL, which may carry a password.
func Open(ctx context.Context, rawURL string, opts ...Option) (Store, error) {
	var cfg openConfig
	for _, o := range opts {
		o(&cfg)
	}
	scheme, _, ok := strings.Cut(rawURL, "://")
	if rawURL == "" {
		scheme, ok = "memory", true
	}
	if !ok {
		return nil, errors.New("store: open: URL must look like memory:// or redis://host:port")
	}
	scheme = strings.ToLower(scheme)
	if scheme == "memory" && cfg.mode != "" && cfg.mode != ModeSingle {
		return nil, fmt.Errorf("store: open: mode %s needs a redis:// URL", cfg.mode)
	}
	switch scheme {
	case "memory":
		if rawURL == "" {
			return NewMemory(MemoryOptions{Now: cfg.now, MaxKeys: cfg.maxKeys}), nil
		}
		maxKeys, err := parseMemoryURL(rawURL)
		if err != nil {
			return nil, err
		}
		if cfg.maxKeys != 0 {
			maxKeys = cfg.maxKeys
		}
		return NewMemory(MemoryOptions{Now: cfg.now, MaxKeys: maxKeys}), nil
	case "redis", "rediss", "unix":
		r, err := NewRedis(ctx, RedisOptions{
			URL: rawURL, Mode: cfg.mode, KeyPrefix: cfg.keyPrefix,
			WaitReplicas: cfg.waitReplicas, WaitTimeout: cfg.waitTimeout,
		})
		if err != nil {
			return nil, err
		}
		return r, nil
	default:
		return nil, fmt.Errorf("store: open: unsupported URL scheme %q (want memory, redis, rediss or unix)", scheme)
	}
}

// parseMemoryURL reads the optional max_keys parameter of a memory:// URL.
func parseMemoryURL(rawURL string) (int, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return 0, errors.New("store: open: malformed memory:// URL")
	}
	if u.Host != "" || (u.Path != "" && u.Path != "/") {
		return 0, errors.New("store: open: a memory:// URL takes no host or path")
	}
	q := u.Query()
	maxKeys := 0
	for name, vals := range q {
		switch name {
		case "max_keys":
			n, err := strconv.Atoi(vals[len(vals)-1])
			if err != nil || n <= 0 {
				return 0, fmt.Errorf("store: open: max_keys must be a positive integer, got %q", vals[len(vals)-1])
			}
			maxKeys = n
		default:
			return 0, fmt.Errorf("store: open: unknown memory:// parameter %q", name)
		}
	}
	return maxKeys, nil
}
