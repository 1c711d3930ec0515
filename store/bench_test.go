package store_test

import (
	"bytes"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/testredis"
	"github.com/bridgekeeper/bridgekeeper/store"
)

// benchValue is about the size of an authorization code or session record.
var benchValue = bytes.Repeat([]byte("x"), 256)

// benchKeys is how many distinct keys the Set benchmarks cycle through.
const benchKeys = 1024

func benchMemory(b *testing.B) store.Store {
	m := store.NewMemory(store.MemoryOptions{})
	b.Cleanup(func() { _ = m.Close() })
	return m
}

func benchRedis(b *testing.B) store.Store {
	return newRedis(b, testredis.Start(b), "")
}

// The bench* functions measure one operation on one backend, from one
// goroutine ("serial") and from GOMAXPROCS goroutines ("parallel").

func benchGet(b *testing.B, s store.Store) {
	ctx := b.Context()
	if err := s.Set(ctx, "k", benchValue, time.Hour); err != nil {
		b.Fatal(err)
	}
	b.Run("serial", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Get(ctx, "k"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := s.Get(ctx, "k"); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

func benchSet(b *testing.B, s store.Store) {
	ctx := b.Context()
	keys := make([]string, benchKeys)
	for i := range keys {
		keys[i] = "k" + strconv.Itoa(i)
	}
	b.Run("serial", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if err := s.Set(ctx, keys[i%benchKeys], benchValue, time.Hour); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				if err := s.Set(ctx, keys[i%benchKeys], benchValue, time.Hour); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
}

func benchSwap(b *testing.B, s store.Store) {
	ctx := b.Context()
	if err := s.Set(ctx, "k", benchValue, time.Hour); err != nil {
		b.Fatal(err)
	}
	b.Run("serial", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Swap(ctx, "k", benchValue, time.Hour); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := s.Swap(ctx, "k", benchValue, time.Hour); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

func benchIncr(b *testing.B, s store.Store) {
	ctx := b.Context()
	b.Run("serial", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Incr(ctx, "n", time.Hour); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkMemoryGet(b *testing.B)  { benchGet(b, benchMemory(b)) }
func BenchmarkMemorySet(b *testing.B)  { benchSet(b, benchMemory(b)) }
func BenchmarkMemorySwap(b *testing.B) { benchSwap(b, benchMemory(b)) }
func BenchmarkMemoryIncr(b *testing.B) { benchIncr(b, benchMemory(b)) }
func BenchmarkRedisGet(b *testing.B)   { benchGet(b, benchRedis(b)) }
func BenchmarkRedisSet(b *testing.B)   { benchSet(b, benchRedis(b)) }
func BenchmarkRedisSwap(b *testing.B)  { benchSwap(b, benchRedis(b)) }
func BenchmarkRedisIncr(b *testing.B)  { benchIncr(b, benchRedis(b)) }

// benchSentinel opens a store on a Sentinel-managed master with one replica; wait is how many
// replicas every Swap waits for.
func benchSentinel(b *testing.B, wait int) store.Store {
	b.Helper()
	s, err := store.Open(b.Context(), testredis.StartSentinel(b).URL, store.WithMode(store.ModeSentinel), store.WithWait(wait, time.Second))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	return s
}

// BenchmarkSentinelSwap and BenchmarkSentinelSwapWait measure what waiting for the replica
// costs a Swap (a redeemed code, a rotated refresh token).
func BenchmarkSentinelSwap(b *testing.B)     { benchSwap(b, benchSentinel(b, 0)) }
func BenchmarkSentinelSwapWait(b *testing.B) { benchSwap(b, benchSentinel(b, 1)) }

// benchSignInOps makes the store operations of one complete sign-in (counted by a wrapper
// around serve's store; docs/benchmarks.md, "Store operations per sign-in"), with the records'
// sizes, on fresh keys: two limit checks (two Gets that miss each), the sign-in counter, the SSO
// session (upstream token read, then written, its grants ranged, the session written and
// indexed), the code (counted, written, read, swapped), the upstream token read twice by the
// token endpoint, and the grant written and indexed twice.
func benchSignInOps(b *testing.B, s store.Store) {
	ctx := b.Context()
	up, sso, code, grant, used := make([]byte, 1805), make([]byte, 329), make([]byte, 491), make([]byte, 370), make([]byte, 95)
	i := 0
	for b.Loop() {
		i++
		id := strconv.Itoa(i)
		miss := func(key string) {
			if _, err := s.Get(ctx, key); !errors.Is(err, store.ErrNotFound) {
				b.Fatalf("get %s: %v", key, err)
			}
		}
		must := func(err error) {
			if err != nil {
				b.Fatal(err)
			}
		}
		hit := func(key string) {
			_, err := s.Get(ctx, key)
			must(err)
		}
		miss("ab:password:ua:" + id + ":127.0.0.1:block")
		miss("ab:password:u:" + id + ":block")
		_, err := s.Incr(ctx, "rl:signin:127.0.0.1", time.Minute)
		must(err)
		miss("oidc:up:" + id)
		_, err = s.ZRange(ctx, "oidc:ssog:"+id, false, 0)
		must(err)
		must(s.Set(ctx, "oidc:up:"+id, up, time.Hour))
		must(s.Set(ctx, "oidc:sso:"+id, sso, time.Hour))
		must(s.ZAdd(ctx, "oidc:subj:"+id, id, int64(i), time.Hour))
		_, err = s.Incr(ctx, "ab:code_issue:s:"+id, time.Minute)
		must(err)
		must(s.Set(ctx, "oidc:code:"+id, code, time.Minute))
		miss("ab:client_auth:ua:" + id + ":127.0.0.1:block")
		miss("ab:client_auth:u:" + id + ":block")
		hit("oidc:code:" + id)
		_, err = s.Swap(ctx, "oidc:code:"+id, used, time.Minute)
		must(err)
		hit("oidc:up:" + id)
		hit("oidc:up:" + id)
		must(s.Set(ctx, "oidc:grant:"+id, grant, time.Hour))
		must(s.ZAdd(ctx, "oidc:subj:"+id, "g"+id, int64(i), time.Hour))
		must(s.ZAdd(ctx, "oidc:ssog:"+id, "g"+id, int64(i), time.Hour))
	}
}

func BenchmarkMemorySignIn(b *testing.B) { b.ReportAllocs(); benchSignInOps(b, benchMemory(b)) }
func BenchmarkRedisSignIn(b *testing.B)  { b.ReportAllocs(); benchSignInOps(b, benchRedis(b)) }
