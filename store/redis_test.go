package store_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bridgekeeper/bridgekeeper/internal/testredis"
	"github.com/bridgekeeper/bridgekeeper/store"
	"github.com/bridgekeeper/bridgekeeper/store/storetest"
)

// advanceScript makes ARGV[1] milliseconds pass for one key: it shortens the
// key's PTTL, deleting the key if that runs out. It returns -1 for a key
// without an expiry, which the store must never create. With ARGV[2] = "1"
// the key is an ordered set's expiry set, whose scores are deadlines on the
// server's clock: they move ARGV[1] milliseconds closer too.
const advanceScript = `
local p = redis.call('PTTL', KEYS[1])
if p == -1 then return -1 end
if p == -2 then return 0 end
local d = tonumber(ARGV[1])
local n = p - d
if n <= 0 then redis.call('DEL', KEYS[1]) return 0 end
redis.call('PEXPIRE', KEYS[1], n)
if ARGV[2] == '1' then
  local all = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
  for i = 1, #all, 2 do
    redis.call('ZADD', KEYS[1], tonumber(all[i + 1]) - d, all[i])
  end
end
return 0`

// isExpirySet reports whether the Redis key is an ordered set's expiry set:
// only those names end in "}:exp" (an ordered set's score set ends in "}").
func isExpirySet(ctx context.Context, raw redis.UniversalClient, key string) bool {
	return strings.HasSuffix(key, "}:exp") && raw.Type(ctx, key).Val() == "zset"
}

// redisClock is the storetest.Clock of a Redis store: it ages every key under
// the store's prefix, which is what the passing of time does to them.
type redisClock struct {
	t      *testing.T
	raw    redis.UniversalClient // a *redis.Client, or a *redis.ClusterClient whose masters are all scanned
	prefix string
	script *redis.Script
}

func (c *redisClock) Advance(d time.Duration) {
	c.t.Helper()
	ctx := c.t.Context()
	var mu sync.Mutex
	keys := map[string]bool{} // SCAN may return a key twice: age it once
	scan := func(ctx context.Context, n *redis.Client) error {
		iter := n.Scan(ctx, 0, globEscape(c.prefix)+"*", 1000).Iterator()
		for iter.Next(ctx) {
			mu.Lock()
			keys[iter.Val()] = true
			mu.Unlock()
		}
		return iter.Err()
	}
	var err error
	if cc, ok := c.raw.(*redis.ClusterClient); ok {
		err = cc.ForEachMaster(ctx, scan)
	} else {
		err = scan(ctx, c.raw.(*redis.Client))
	}
	if err != nil {
		c.t.Fatalf("advance: scan: %v", err)
	}
	for k := range keys {
		exp := "0"
		if isExpirySet(ctx, c.raw, k) {
			exp = "1"
		}
		res, err := c.script.Run(ctx, c.raw, []string{k}, d.Milliseconds(), exp).Int64()
		if err != nil {
			c.t.Fatalf("advance: %v", err)
		}
		if res == -1 {
			c.t.Errorf("key %q has no expiry", k)
		}
	}
}

func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\^-`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func rawClient(t testing.TB, url string) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opts)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func newRedis(t testing.TB, url, prefix string) *store.Redis {
	t.Helper()
	r, err := store.NewRedis(t.Context(), store.RedisOptions{URL: url, KeyPrefix: prefix})
	if err != nil {
		t.Fatalf("NewRedis: %v", err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return r
}

func TestRedisConformance(t *testing.T) {
	url := testredis.Start(t)
	raw := rawClient(t, url)
	var n atomic.Int64
	// The suite's subtests are parallel: wrap them so they have all finished
	// before the final check.
	t.Run("suite", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) (store.Store, storetest.Clock) {
			// Each subtest gets its own prefix on the shared server.
			prefix := fmt.Sprintf("t%d:", n.Add(1))
			r := newRedis(t, url, prefix)
			return r, &redisClock{t: t, raw: raw, prefix: prefix, script: redis.NewScript(advanceScript)}
		})
	})
	if n.Load() == 0 {
		t.Fatal("the suite created no stores")
	}
	// The subtests left nothing behind that would never expire.
	keys, err := raw.Keys(t.Context(), "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) == 0 {
		t.Fatal("the suite left no keys at all: is it writing to this server?")
	}
	for _, k := range keys {
		if ttl := raw.PTTL(t.Context(), k).Val(); ttl < 0 && ttl != -2*time.Nanosecond {
			t.Errorf("key %q has no expiry (PTTL %v)", k, ttl)
		}
	}
}

func TestRedisKeyPrefix(t *testing.T) {
	ctx := t.Context()
	url := testredis.Start(t)
	raw := rawClient(t, url)
	a, b, def := newRedis(t, url, "a:"), newRedis(t, url, "b:"), newRedis(t, url, "")
	if got := def.KeyPrefix(); got != store.DefaultKeyPrefix {
		t.Fatalf("empty KeyPrefix gave %q, want %q", got, store.DefaultKeyPrefix)
	}
	for _, s := range []*store.Redis{a, b, def} {
		if err := s.Set(ctx, "k", []byte("from "+s.KeyPrefix()), time.Hour); err != nil {
			t.Fatal(err)
		}
		if err := s.SAdd(ctx, "set", s.KeyPrefix(), time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	// Every key lands under its store's prefix and nowhere else.
	for _, p := range []string{"a:", "b:", "bk:"} {
		if got := raw.Get(ctx, p+"k").Val(); got != "from "+p {
			t.Errorf("raw GET %sk = %q, want %q", p, got, "from "+p)
		}
		if got := raw.SMembers(ctx, p+"set").Val(); len(got) != 1 || got[0] != p {
			t.Errorf("raw SMEMBERS %sset = %q, want [%q]", p, got, p)
		}
	}
	if n := raw.DBSize(ctx).Val(); n != 6 {
		t.Errorf("DBSIZE = %d, want 6 (two keys per prefix)", n)
	}
	// Deleting through one store leaves the others alone.
	if err := a.Delete(ctx, "k", "set"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Get(ctx, "k"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a still sees k: %v", err)
	}
	if _, err := a.Swap(ctx, "k", []byte("x"), time.Hour); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Swap through a found b's key: %v", err)
	}
	if got, err := b.Get(ctx, "k"); err != nil || string(got) != "from b:" {
		t.Errorf("b's k = %q, %v after a deleted its own", got, err)
	}
	if n, err := b.Incr(ctx, "n", time.Hour); err != nil || n != 1 {
		t.Fatal(n, err)
	}
	if n, err := a.Incr(ctx, "n", time.Hour); err != nil || n != 1 {
		t.Errorf("a's counter = %d, %v; want 1 (independent of b's)", n, err)
	}
}

// TestRedisTTLs checks the expiry each write leaves on the Redis key.
func TestRedisTTLs(t *testing.T) {
	ctx := t.Context()
	url := testredis.Start(t)
	raw := rawClient(t, url)
	s := newRedis(t, url, "")
	pttl := func(key string) time.Duration {
		t.Helper()
		d, err := raw.PTTL(ctx, "bk:"+key).Result()
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	within := func(what string, got, want time.Duration) {
		t.Helper()
		// A little real time passes between the write and PTTL.
		if got > want || got < want-5*time.Second {
			t.Errorf("%s: PTTL %v, want just under %v", what, got, want)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Set(ctx, "set", []byte("v"), 90*time.Second))
	within("Set", pttl("set"), 90*time.Second)
	_, err := s.SetNX(ctx, "setnx", []byte("v"), 2*time.Minute)
	must(err)
	within("SetNX", pttl("setnx"), 2*time.Minute)
	_, err = s.Swap(ctx, "set", []byte("w"), 3*time.Minute)
	must(err)
	within("Swap", pttl("set"), 3*time.Minute)
	_, err = s.Incr(ctx, "n", time.Minute)
	must(err)
	within("Incr (create)", pttl("n"), time.Minute)
	_, err = s.Incr(ctx, "n", time.Hour)
	must(err)
	within("Incr (again)", pttl("n"), time.Minute)
	must(s.SAdd(ctx, "s", "a", time.Minute))
	within("SAdd (create)", pttl("s"), time.Minute)
	must(s.SAdd(ctx, "s", "b", time.Hour))
	within("SAdd (longer)", pttl("s"), time.Hour)
	must(s.SAdd(ctx, "s", "c", time.Minute))
	within("SAdd (shorter)", pttl("s"), time.Hour)

	// A ttl under a millisecond rounds up rather than meaning "forever".
	must(s.Set(ctx, "tiny", []byte("v"), time.Microsecond))
	if d := pttl("tiny"); d == -1 {
		t.Errorf("Set with 1µs ttl left no expiry")
	}
}

// TestRedisRealExpiry lets Redis itself expire a key, observed by polling.
func TestRedisRealExpiry(t *testing.T) {
	ctx := t.Context()
	s := newRedis(t, testredis.Start(t), "")
	if err := s.Set(ctx, "k", []byte("v"), 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	poll := time.NewTicker(5 * time.Millisecond)
	defer poll.Stop()
	for {
		_, err := s.Get(ctx, "k")
		if errors.Is(err, store.ErrNotFound) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatal("a key with a 50ms ttl is still there after 10s")
		}
		<-poll.C
	}
	if ok, err := s.SetNX(ctx, "k", []byte("again"), time.Hour); err != nil || !ok {
		t.Fatalf("SetNX after Redis expired the key = %v, %v", ok, err)
	}
}

func TestRedisErrorsHideURL(t *testing.T) {
	const secret = "hunter2-s3cret"
	closed := closedPort(t)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	for _, url := range []string{
		"redis://:" + secret + "@" + closed + "/0?max_retries=-1",    // connection refused
		"redis://user:" + secret + "@[::1",                           // malformed
		"redis://:" + secret + "@127.0.0.1:1/notanumber",             // bad database
		"rediss://:" + secret + "@" + closed + "/0?dial_timeout=bad", // bad parameter
	} {
		_, err := store.NewRedis(ctx, store.RedisOptions{URL: url})
		if err == nil {
			t.Errorf("NewRedis succeeded for a bad URL")
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error reveals the password: %v", err)
		}
		_, err = store.Open(ctx, url)
		if err == nil || strings.Contains(err.Error(), secret) {
			t.Errorf("Open: %v", err)
		}
	}
}

func TestOpenRedis(t *testing.T) {
	ctx := t.Context()
	url := testredis.Start(t)
	raw := rawClient(t, url)
	s, err := store.Open(ctx, url, store.WithKeyPrefix("app1:"))
	if err != nil {
		t.Fatalf("Open(%q): %v", url, err)
	}
	defer s.Close()
	if _, ok := s.(*store.Redis); !ok {
		t.Fatalf("Open(redis://…) returned a %T", s)
	}
	if err := s.Set(ctx, "k", []byte("v"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if got := raw.Get(ctx, "app1:k").Val(); got != "v" {
		t.Fatalf("raw GET app1:k = %q, want v", got)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

// closedPort returns a 127.0.0.1 address nothing listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// TestRedisZSetSlot checks that an ordered set's two Redis keys share a hash
// tag, so a Redis Cluster keeps them on one slot, whatever braces the key
// holds.
func TestRedisZSetSlot(t *testing.T) {
	ctx := t.Context()
	url := testredis.Start(t)
	raw := rawClient(t, url)
	s := newRedis(t, url, "")
	for _, key := range []string{"plain", "}lead", "a}b", "{x}", "{}", "tail{"} {
		if err := raw.FlushDB(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		if err := s.ZAdd(ctx, key, "m", 1, time.Hour); err != nil {
			t.Fatal(err)
		}
		keys, err := raw.Keys(ctx, "*").Result()
		if err != nil {
			t.Fatal(err)
		}
		if len(keys) != 2 {
			t.Fatalf("ZAdd(%q) made Redis keys %q, want two", key, keys)
		}
		a, b := hashTag(keys[0]), hashTag(keys[1])
		if a == "" || a != b {
			t.Errorf("ZAdd(%q): keys %q hash as %q and %q, want one shared tag", key, keys, a, b)
		}
	}
}

// hashTag returns what Redis Cluster hashes of key: the text between the
// first "{" and the next "}" when that is not empty, else "" (the whole key).
func hashTag(key string) string {
	_, after, ok := strings.Cut(key, "{")
	if !ok {
		return ""
	}
	tag, _, ok := strings.Cut(after, "}")
	if !ok {
		return ""
	}
	return tag
}

// TestRedisClusterConformance runs the conformance suite on a three-master Redis Cluster: every
// operation, multi-key Delete and the ordered sets' two keys included, must work across slots.
func TestRedisClusterConformance(t *testing.T) {
	url := testredis.StartCluster(t)
	opts, err := redis.ParseClusterURL(url)
	if err != nil {
		t.Fatal(err)
	}
	raw := redis.NewClusterClient(opts)
	t.Cleanup(func() { _ = raw.Close() })
	var n atomic.Int64
	storetest.Run(t, func(t *testing.T) (store.Store, storetest.Clock) {
		prefix := fmt.Sprintf("c%d:", n.Add(1))
		s, err := store.Open(t.Context(), url, store.WithMode(store.ModeCluster), store.WithKeyPrefix(prefix))
		if err != nil {
			t.Fatalf("Open cluster: %v", err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s, &redisClock{t: t, raw: raw, prefix: prefix, script: redis.NewScript(advanceScript)}
	})
}

// TestRedisClusterDeleteAcrossSlots: one Delete of keys on every master removes them all (a
// plain multi-key DEL would fail with CROSSSLOT).
func TestRedisClusterDeleteAcrossSlots(t *testing.T) {
	ctx := t.Context()
	s, err := store.Open(ctx, testredis.StartCluster(t), store.WithMode(store.ModeCluster))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var keys []string
	for i := range 30 {
		k := fmt.Sprint("k", i)
		keys = append(keys, k)
		if err := s.Set(ctx, k, []byte("v"), time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Delete(ctx, keys...); err != nil {
		t.Fatalf("Delete across slots: %v", err)
	}
	for _, k := range keys {
		if _, err := s.Get(ctx, k); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("%s survived Delete: %v", k, err)
		}
	}
}

// TestRedisSentinelConformance runs the conformance suite through Sentinel, with every Swap
// waiting for the replica.
func TestRedisSentinelConformance(t *testing.T) {
	sen := testredis.StartSentinel(t)
	opts, err := redis.ParseFailoverURL(sen.URL)
	if err != nil {
		t.Fatal(err)
	}
	raw := redis.NewFailoverClient(opts)
	t.Cleanup(func() { _ = raw.Close() })
	var n atomic.Int64
	storetest.Run(t, func(t *testing.T) (store.Store, storetest.Clock) {
		prefix := fmt.Sprintf("s%d:", n.Add(1))
		s, err := store.Open(t.Context(), sen.URL, store.WithMode(store.ModeSentinel), store.WithKeyPrefix(prefix), store.WithWait(1, 5*time.Second))
		if err != nil {
			t.Fatalf("Open sentinel: %v", err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s, &redisClock{t: t, raw: raw, prefix: prefix, script: redis.NewScript(advanceScript)}
	})
}

// TestRedisSwapSurvivesFailover: a Swap that waited for the replica is still there after the
// master is killed (SIGKILL, right after the write) and Sentinel promotes the replica; the same
// store follows the failover.
func TestRedisSwapSurvivesFailover(t *testing.T) {
	ctx := t.Context()
	sen := testredis.StartSentinel(t)
	s, err := store.Open(ctx, sen.URL, store.WithMode(store.ModeSentinel), store.WithWait(1, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Set(ctx, "code", []byte("issued"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if prev, err := s.Swap(ctx, "code", []byte("redeemed"), time.Hour); err != nil || string(prev) != "issued" {
		t.Fatalf("Swap = %q, %v", prev, err)
	}
	old := sen.MasterAddr()
	sen.KillMaster()
	if sen.MasterAddr() == old {
		t.Fatal("no failover happened")
	}
	// The client's first commands may still meet the dead master's connections; it then asks
	// Sentinel again. Poll until it answers.
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := s.Get(ctx, "code")
		if err == nil {
			if string(got) != "redeemed" {
				t.Fatalf("after the failover the code reads %q, want the swapped value", got)
			}
			return
		}
		if errors.Is(err, store.ErrNotFound) {
			t.Fatal("the swapped key was lost in the failover")
		}
		if time.Now().After(deadline) {
			t.Fatalf("store did not follow the failover: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
