package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// An ordered set lives in two Redis sorted sets: the members by score, and
// the same members by expiry (Unix milliseconds on the server's clock). Their
// names share a hash tag, so both land on one Redis Cluster slot and every
// script below touches a single slot. Both keys expire at the last member's
// expiry.
//
// zPrelude reads the server's clock and defines the helpers the scripts
// share: KEYS[1] is the score set, KEYS[2] the expiry set.
const zPrelude = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function zremall(list)
  for i = 1, #list, 1000 do
    local chunk = {unpack(list, i, math.min(i + 999, #list))}
    redis.call('ZREM', KEYS[1], unpack(chunk))
    redis.call('ZREM', KEYS[2], unpack(chunk))
  end
end
local function prune()
  zremall(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now))
end
local function settle()
  local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
  if #last > 0 then
    redis.call('PEXPIREAT', KEYS[1], last[2])
    redis.call('PEXPIREAT', KEYS[2], last[2])
  end
end
`

// zaddScript: ARGV = member, score, ttl in milliseconds.
const zaddScript = zPrelude + `
prune()
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[1])
settle()
return 1`

// zrangeScript: ARGV = "1" for highest first, limit (0: all). It returns
// member, score, member, score, …
const zrangeScript = zPrelude + `
prune()
local stop = tonumber(ARGV[2]) - 1
if ARGV[1] == '1' then
  return redis.call('ZRANGE', KEYS[1], 0, stop, 'REV', 'WITHSCORES')
end
return redis.call('ZRANGE', KEYS[1], 0, stop, 'WITHSCORES')`

// zremScript: ARGV = the members.
const zremScript = zPrelude + `
zremall(ARGV)
prune()
settle()
return 1`

// ztrimScript: ARGV = keep. It returns the removed members, lowest first.
const ztrimScript = zPrelude + `
prune()
local drop = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[1])
if drop <= 0 then return {} end
local gone = redis.call('ZRANGE', KEYS[1], 0, drop - 1)
zremall(gone)
settle()
return gone`

// zscripts are the ordered-set scripts of one [Redis] store.
type zscripts struct {
	add, rng, rem, trim *redis.Script
}

func newZScripts() zscripts {
	return zscripts{
		add:  redis.NewScript(zaddScript),
		rng:  redis.NewScript(zrangeScript),
		rem:  redis.NewScript(zremScript),
		trim: redis.NewScript(ztrimScript),
	}
}

// zkeys returns the two Redis keys of the ordered set key. The hash tag
// "{z:key}" is never empty, and any "}" inside key ends it at the same place
// in both names, so they always share a slot. The names cannot collide with
// each other's or another set's (the score set ends in "}", the expiry set
// in ":exp"), but they are not the names Get, Set or Delete use: ordered sets
// have a key space of their own.
func (r *Redis) zkeys(key string) []string {
	base := r.prefix + "{z:" + key + "}"
	return []string{base, base + ":exp"}
}

// ZAdd implements [Store] with a Lua script.
func (r *Redis) ZAdd(ctx context.Context, key, member string, score int64, ttl time.Duration) error {
	if err := checkTTL("redis zadd", ttl); err != nil {
		return err
	}
	if err := checkScore("redis zadd", score); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return wrapRedis("zadd", err)
	}
	err := r.z.add.Run(ctx, r.client, r.zkeys(key), member, score, millis(ttl)).Err()
	return wrapRedis("zadd", err)
}

// ZRange implements [Store] with a Lua script.
func (r *Redis) ZRange(ctx context.Context, key string, rev bool, limit int) ([]Scored, error) {
	if err := checkCount("redis zrange", "limit", limit); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, wrapRedis("zrange", err)
	}
	dir := "0"
	if rev {
		dir = "1"
	}
	flat, err := r.z.rng.Run(ctx, r.client, r.zkeys(key), dir, limit).StringSlice()
	if err != nil {
		return nil, wrapRedis("zrange", err)
	}
	out := make([]Scored, 0, len(flat)/2)
	for i := 0; i+1 < len(flat); i += 2 {
		f, err := strconv.ParseFloat(flat[i+1], 64)
		if err != nil {
			return nil, fmt.Errorf("redis zrange: malformed score: %w", err)
		}
		out = append(out, Scored{Member: flat[i], Score: int64(f)})
	}
	return out, nil
}

// ZRem implements [Store] with a Lua script.
func (r *Redis) ZRem(ctx context.Context, key string, members ...string) error {
	if err := ctx.Err(); err != nil {
		return wrapRedis("zrem", err)
	}
	if len(members) == 0 {
		return nil
	}
	args := make([]any, len(members))
	for i, m := range members {
		args[i] = m
	}
	return wrapRedis("zrem", r.z.rem.Run(ctx, r.client, r.zkeys(key), args...).Err())
}

// ZTrim implements [Store] with a Lua script.
func (r *Redis) ZTrim(ctx context.Context, key string, keep int) ([]string, error) {
	if err := checkCount("redis ztrim", "keep", keep); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, wrapRedis("ztrim", err)
	}
	gone, err := r.z.trim.Run(ctx, r.client, r.zkeys(key), keep).StringSlice()
	if err != nil {
		return nil, wrapRedis("ztrim", err)
	}
	if gone == nil {
		gone = []string{}
	}
	return gone, nil
}
