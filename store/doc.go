// Package store keeps Bridgekeeper's server-side state: authorization codes,
// refresh-token families, SSO sessions, rate-limit counters and
// remembered-device records. Everything that must outlive one request and be
// shared by every instance lives here.
//
// # One interface, two backends
//
// [Store] is a small set of atomic key-value primitives; domain packages
// (oidc, handlers, …) build their records on top of it. [Memory] keeps state
// in the process (one instance, the demo, tests); [Redis] keeps it in Redis or
// Valkey (several instances behind a load balancer). Both pass the same
// conformance suite in package storetest, so code written against one behaves
// the same on the other. [Open] picks a backend from a URL.
//
// # Keys and values
//
// Keys are opaque strings chosen by the caller; by convention they are
// namespaced with a colon, for example "code:<hash>", "rt:<family>",
// "sso:<session id>", "rl:signin:<ip>" or "dev:<device key>". The Redis
// backend prepends a configurable prefix (default "bk:") to every key, so
// several deployments can share one Redis database without seeing each other's
// state. Keys often embed secrets (codes, token ids); callers should hash such
// secrets before using them in a key, and this package never puts a key or a
// value into an error message or a log line.
//
// A key holds either a string value (Get, Set, SetNX, Swap, Incr) or a set of
// members (SAdd, SMembers, SRem). Ordered sets (ZAdd, ZRange, ZRem, ZTrim)
// have a key space of their own: an ordered set named "k" and a string named
// "k" are independent, and Delete never removes an ordered set (ZTrim with
// keep 0 empties one). Using a key with an operation of the other
// kind fails with an error wrapping [ErrWrongType]; so does Incr on a value
// that is not a decimal integer.
//
// Values are copied once, on the way in: Set, SetNX and Swap keep their own
// copy, so callers may reuse or change their buffers afterwards. Values
// handed out (Get's value, Swap's previous value) are read-only: they may be
// the store's own bytes, shared with other readers, so callers must not
// change them (copy first if needed). A store never changes a value it has
// handed out; a later write replaces it instead.
//
// # Expiry
//
// Every key has a time-to-live; nothing is stored forever. Set, SetNX and Swap
// require ttl > 0 and (re)set the key's expiry. Incr sets the ttl only when it
// creates the counter, which gives fixed-window rate limiting: the window
// starts at the first hit and later hits do not extend it. SAdd extends the
// set's expiry to at least ttl from now and never shortens it. An expired key
// is indistinguishable from one that never existed. Redis rounds ttls up to
// whole milliseconds; the memory backend uses them exactly.
//
// Each member of an ordered set expires on its own: ZAdd gives the member a
// ttl (re-adding restarts it, possibly shorter), and the set lives as long as
// its longest-lived member. Expired members are never returned, counted or
// trimmed. Per-user session sets, the admin audit list and caps on live
// grants (ZTrim returns the oldest to revoke) are built on them. Scores are
// int64 within ±[MaxScore] (2⁵³−1, what a Redis score holds exactly): Unix
// milliseconds fit, Unix nanoseconds do not. Ties order by member.
//
// # Atomicity
//
// Every method is atomic with respect to every other method on the same
// backend, across goroutines and (for Redis) across processes:
//
//   - SetNX has exactly one winner among concurrent callers for an absent key.
//   - Swap replaces an existing value and returns the previous one in one
//     step, so among concurrent Swaps of the same key each sees a distinct
//     previous value and exactly one sees the original. Single-use
//     authorization codes and refresh-token rotation rely on this. Swap never
//     creates a key.
//   - Incr counts exactly: n concurrent increments of a fresh key return
//     1…n, each once.
//   - SAdd adds the member and extends the expiry in one step.
//   - ZAdd, ZRange, ZRem and ZTrim each run in one step; among concurrent
//     ZTrims every removed member is returned to exactly one caller.
//
// The Redis backend uses SET … XX GET for Swap (Redis 6.2 or later, or any
// Valkey) and Lua scripts for Incr, SAdd and the ordered sets. An ordered set
// is two sorted sets (members by score, members by expiry on the server's
// clock) whose names share a hash tag; every other command touches a single
// key, and a multi-key Delete on a cluster is sent as one DEL per key, so the
// same commands work on Redis Cluster ([ModeCluster]) and behind Sentinel
// ([ModeSentinel]).
//
// # Bounded memory
//
// The memory backend caps the number of entries (keys plus set and
// ordered-set members) at [MemoryOptions].MaxKeys; writes that would exceed
// it fail with [ErrFull] rather than letting unauthenticated traffic grow the
// heap without bound. Expired entries (and expired ordered-set members) are
// reclaimed on writes, soonest-expiring first, with bounded work per write;
// at the limit a write first reclaims everything expired, so stale data never
// makes a write fail. No background goroutine runs.
package store
