package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultKeyPrefix is the prefix [Open] puts in front of every Redis key.
const DefaultKeyPrefix = "bk:"

// Redis deployment modes ([RedisOptions].Mode).
const (
	// ModeSingle is one Redis server (or a managed endpoint that hides its replicas).
	ModeSingle = "single"
	// ModeCluster is a Redis Cluster: URL in go-redis's ParseClusterURL form,
	// redis://h1:6379?addr=h2:6379&addr=h3:6379.
	ModeCluster = "cluster"
	// ModeSentinel is a master found through Redis Sentinel: URL in go-redis's
	// ParseFailoverURL form, redis://s1:26379?master_name=M&addr=s2:26379.
	ModeSentinel = "sentinel"
)

// RedisOptions configures [NewRedis].
type RedisOptions struct {
	// URL is a redis://, rediss:// or unix:// URL in go-redis's ParseURL
	// format, for example "redis://:password@10.0.0.5:6379/2?dial_timeout=2s",
	// or its cluster or failover form (see Mode).
	URL string
	// Mode is ModeSingle (the default when empty), ModeCluster or ModeSentinel.
	Mode string
	// WaitReplicas, when positive, makes every Swap (a redeemed code, a rotated
	// refresh token: the writes whose loss in a failover would matter) wait
	// until that many replicas have it, for at most WaitTimeout (Redis's WAIT).
	// Past the timeout the write stands, unreplicated: WAIT bounds the loss
	// window, it does not make Redis synchronous.
	WaitReplicas int
	WaitTimeout  time.Duration
	// KeyPrefix is prepended to every key (empty means DefaultKeyPrefix).
	// Deployments sharing one Redis database need distinct prefixes.
	KeyPrefix string
}

// Redis is a [Store] kept in Redis or Valkey, shared by every instance.
type Redis struct {
	client  redis.UniversalClient // *redis.Client (single, sentinel) or *redis.ClusterClient
	cluster bool                  // keys of one command must share a slot
	wait    int                   // replicas a Swap waits for (0: none)
	waitMS  int64                 // how long it waits, in milliseconds
	prefix  string
	incr    *redis.Script
	sadd    *redis.Script
	z       zscripts
}

var _ Store = (*Redis)(nil)

// incrScript increments a counter and gives it an expiry only if it has none,
// that is when INCR has just created it (a fixed window).
const incrScript = `
local n = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return n`

// saddScript adds a member and extends the set's expiry to at least ARGV[2]
// milliseconds (PTTL is -1 for a set SADD has just created).
const saddScript = `
redis.call('SADD', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if redis.call('PTTL', KEYS[1]) < ttl then
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return 1`

// NewRedis connects to the Redis server named by opts.URL and pings it.
// Command timeouts follow the caller's context deadline as well as the URL's
// read_timeout and write_timeout. Errors never contain the URL, which may
// carry a password.
func NewRedis(ctx context.Context, opts RedisOptions) (*Redis, error) {
	client, err := newRedisClient(opts.Mode, opts.URL)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			// url.Error repeats the whole URL, password included.
			err = uerr.Err
		}
		return nil, fmt.Errorf("redis: parse URL: %w", err)
	}
	prefix := opts.KeyPrefix
	if prefix == "" {
		prefix = DefaultKeyPrefix
	}
	r := &Redis{
		client:  client,
		cluster: opts.Mode == ModeCluster,
		wait:    opts.WaitReplicas,
		waitMS:  max(1, opts.WaitTimeout.Milliseconds()),
		prefix:  prefix,
		incr:    redis.NewScript(incrScript),
		sadd:    redis.NewScript(saddScript),
		z:       newZScripts(),
	}
	if err := r.Ping(ctx); err != nil {
		return nil, errors.Join(err, r.client.Close())
	}
	return r, nil
}

// newRedisClient parses rawURL in the form of the mode and returns its client. Every client
// lets request contexts' deadlines bound its commands.
func newRedisClient(mode, rawURL string) (redis.UniversalClient, error) {
	switch mode {
	case "", ModeSingle:
		o, err := redis.ParseURL(rawURL)
		if err != nil {
			return nil, err
		}
		o.ContextTimeoutEnabled = true
		return redis.NewClient(o), nil
	case ModeCluster:
		o, err := redis.ParseClusterURL(rawURL)
		if err != nil {
			return nil, err
		}
		o.ContextTimeoutEnabled = true
		return redis.NewClusterClient(o), nil
	case ModeSentinel:
		o, err := redis.ParseFailoverURL(rawURL)
		if err != nil {
			return nil, err
		}
		o.ContextTimeoutEnabled = true
		return redis.NewFailoverClient(o), nil
	default:
		return nil, fmt.Errorf("unknown mode %q (want %s, %s or %s)", mode, ModeSingle, ModeCluster, ModeSentinel)
	}
}

// KeyPrefix returns the prefix this store puts in front of every key.
func (r *Redis) KeyPrefix() string { return r.prefix }

// Get implements [Store].
func (r *Redis) Get(ctx context.Context, key string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, wrapRedis("get", err)
	}
	v, err := r.client.Get(ctx, r.prefix+key).Bytes()
	if err != nil {
		return nil, wrapRedis("get", err)
	}
	return v, nil
}

// Set implements [Store].
func (r *Redis) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := checkTTL("redis set", ttl); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return wrapRedis("set", err)
	}
	err := r.client.Do(ctx, "SET", r.prefix+key, value, "PX", millis(ttl)).Err()
	return wrapRedis("set", err)
}

// SetNX implements [Store].
func (r *Redis) SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := checkTTL("redis setnx", ttl); err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, wrapRedis("setnx", err)
	}
	err := r.client.Do(ctx, "SET", r.prefix+key, value, "NX", "PX", millis(ttl)).Err()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	if err != nil {
		return false, wrapRedis("setnx", err)
	}
	return true, nil
}

// Swap implements [Store] with SET … XX GET, which replaces the value only if
// the key exists and returns the old one, atomically.
func (r *Redis) Swap(ctx context.Context, key string, value []byte, ttl time.Duration) ([]byte, error) {
	if err := checkTTL("redis swap", ttl); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, wrapRedis("swap", err)
	}
	args := []any{"SET", r.prefix + key, value, "XX", "GET", "PX", millis(ttl)}
	if r.wait > 0 {
		return r.swapAndWait(ctx, key, args)
	}
	prev, err := r.client.Do(ctx, args...).Text()
	if err != nil {
		return nil, wrapRedis("swap", err)
	}
	return []byte(prev), nil
}

// swapAndWait sends the swap and a WAIT on one connection to the key's master (WAIT counts the
// replicas that have every earlier write of its connection).
func (r *Redis) swapAndWait(ctx context.Context, key string, args []any) ([]byte, error) {
	var node redis.Cmdable = r.client
	if cc, ok := r.client.(*redis.ClusterClient); ok {
		m, err := cc.MasterForKey(ctx, r.prefix+key)
		if err != nil {
			return nil, wrapRedis("swap", err)
		}
		node = m
	}
	var set *redis.Cmd
	_, err := node.Pipelined(ctx, func(p redis.Pipeliner) error {
		set = p.Do(ctx, args...)
		p.Do(ctx, "WAIT", r.wait, r.waitMS)
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, wrapRedis("swap", err)
	}
	prev, err := set.Text()
	if err != nil {
		return nil, wrapRedis("swap", err)
	}
	return []byte(prev), nil
}

// Delete implements [Store].
func (r *Redis) Delete(ctx context.Context, keys ...string) error {
	if err := ctx.Err(); err != nil {
		return wrapRedis("delete", err)
	}
	if len(keys) == 0 {
		return nil
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = r.prefix + k
	}
	if r.cluster && len(full) > 1 {
		// The keys may live on different slots: one DEL each, pipelined (go-redis
		// sends each to its node).
		_, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range full {
				p.Del(ctx, k)
			}
			return nil
		})
		return wrapRedis("delete", err)
	}
	return wrapRedis("delete", r.client.Del(ctx, full...).Err())
}

// Incr implements [Store] with a Lua script (INCR, then PEXPIRE if the
// counter has no expiry yet).
func (r *Redis) Incr(ctx context.Context, key string, ttl time.Duration) (int64, error) {
	if err := checkTTL("redis incr", ttl); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, wrapRedis("incr", err)
	}
	n, err := r.incr.Run(ctx, r.client, []string{r.prefix + key}, millis(ttl)).Int64()
	if err != nil {
		return 0, wrapRedis("incr", err)
	}
	return n, nil
}

// SAdd implements [Store] with a Lua script (SADD, then PEXPIRE if the set's
// remaining ttl is shorter).
func (r *Redis) SAdd(ctx context.Context, key, member string, ttl time.Duration) error {
	if err := checkTTL("redis sadd", ttl); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return wrapRedis("sadd", err)
	}
	err := r.sadd.Run(ctx, r.client, []string{r.prefix + key}, member, millis(ttl)).Err()
	return wrapRedis("sadd", err)
}

// SMembers implements [Store].
func (r *Redis) SMembers(ctx context.Context, key string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, wrapRedis("smembers", err)
	}
	m, err := r.client.SMembers(ctx, r.prefix+key).Result()
	if err != nil {
		return nil, wrapRedis("smembers", err)
	}
	if m == nil {
		m = []string{}
	}
	slices.Sort(m)
	return m, nil
}

// SRem implements [Store].
func (r *Redis) SRem(ctx context.Context, key, member string) error {
	if err := ctx.Err(); err != nil {
		return wrapRedis("srem", err)
	}
	return wrapRedis("srem", r.client.SRem(ctx, r.prefix+key, member).Err())
}

// Ping implements [Store] with Redis's PING.
func (r *Redis) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return wrapRedis("ping", err)
	}
	return wrapRedis("ping", r.client.Ping(ctx).Err())
}

// Close implements [Store]: it closes the connection pool. Closing twice is
// fine.
func (r *Redis) Close() error {
	err := r.client.Close()
	if errors.Is(err, redis.ErrClosed) {
		return nil
	}
	return wrapRedis("close", err)
}

// millis converts ttl to whole milliseconds for PX and PEXPIRE, rounding up
// so a positive ttl never becomes zero.
func millis(ttl time.Duration) int64 {
	return int64((ttl + time.Millisecond - 1) / time.Millisecond)
}

// wrapRedis adds the operation to err and maps go-redis and server errors to
// this package's sentinels. It returns nil for nil.
func wrapRedis(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, redis.Nil):
		return fmt.Errorf("redis %s: %w", op, ErrNotFound)
	case errors.Is(err, redis.ErrClosed):
		return fmt.Errorf("redis %s: %w", op, ErrClosed)
	}
	var rerr redis.Error
	if errors.As(err, &rerr) {
		// Errors raised inside a script keep the command's message but gain a
		// suffix (and, on some versions, a prefix), hence Contains.
		msg := rerr.Error()
		if strings.Contains(msg, "WRONGTYPE") || strings.Contains(msg, "value is not an integer") {
			return fmt.Errorf("redis %s: %w", op, ErrWrongType)
		}
		for _, p := range unavailableReplies {
			if strings.HasPrefix(msg, p) {
				return fmt.Errorf("redis %s: %w: %w", op, ErrUnavailable, err)
			}
		}
		// Lua errors quote the failing command but no keys or values.
		return fmt.Errorf("redis %s: %w", op, err)
	}
	// No reply at all: refused or broken connection, timeout, pool exhausted.
	return fmt.Errorf("redis %s: %w: %w", op, ErrUnavailable, err)
}

// unavailableReplies are the Redis error replies of a server that cannot serve for a while:
// loading its data after a restart, without a reachable master or cluster slot, or a replica
// that is not (yet) the master.
var unavailableReplies = []string{"LOADING", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN", "READONLY", "NOREPLICAS", "BUSY"}
