package store_test

import (
	"bytes"
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
