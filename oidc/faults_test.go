package oidc

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/store"
)

// outageStore is the real memory store with an outage switched on per operation and key prefix:
// a matching call fails with store.ErrUnavailable before it reaches the store, as a Redis that
// went away does. Calls lists what the token endpoint did, in order.
type outageStore struct {
	Store
	mu    sync.Mutex
	down  map[string]bool // "op key-prefix"
	calls []string
}

func (s *outageStore) fail(op, prefix string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down[op+" "+prefix] = true
}

func (s *outageStore) restore() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.down)
}

func (s *outageStore) check(op, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, op+" "+key)
	for k := range s.down {
		o, prefix, _ := strings.Cut(k, " ")
		if o == op && strings.HasPrefix(key, prefix) {
			return fmt.Errorf("redis %s: %w: connection refused", op, store.ErrUnavailable)
		}
	}
	return nil
}

func (s *outageStore) Get(ctx context.Context, key string) ([]byte, error) {
	if err := s.check("get", key); err != nil {
		return nil, err
	}
	return s.Store.Get(ctx, key)
}

func (s *outageStore) Set(ctx context.Context, key string, v []byte, ttl time.Duration) error {
	if err := s.check("set", key); err != nil {
		return err
	}
	return s.Store.Set(ctx, key, v, ttl)
}

func (s *outageStore) Swap(ctx context.Context, key string, v []byte, ttl time.Duration) ([]byte, error) {
	if err := s.check("swap", key); err != nil {
		return nil, err
	}
	return s.Store.Swap(ctx, key, v, ttl)
}

func (s *outageStore) ZAdd(ctx context.Context, key, member string, score int64, ttl time.Duration) error {
	if err := s.check("zadd", key); err != nil {
		return err
	}
	return s.Store.ZAdd(ctx, key, member, score, ttl)
}

func (s *outageStore) ZTrim(ctx context.Context, key string, keep int) ([]string, error) {
	if err := s.check("ztrim", key); err != nil {
		return nil, err
	}
	return s.Store.ZTrim(ctx, key, keep)
}

func newOutageEnv(t *testing.T) (*testEnv, *outageStore) {
	var s *outageStore
	e := newEnv(t, func(c *Config) {
		s = &outageStore{Store: c.Store, down: map[string]bool{}}
		c.Store, c.Unavailable = s, store.ErrUnavailable
	})
	return e, s
}

// wantUnavailable checks the token endpoint's answer to a store outage: 503
// temporarily_unavailable with Retry-After — never invalid_grant, which would make the app drop
// its refresh token.
func wantUnavailable(t *testing.T, res apiResponse) {
	t.Helper()
	wantTokenError(t, res, http.StatusServiceUnavailable, errTemporarilyUnavailable)
	if res.header.Get("Retry-After") == "" {
		t.Errorf("no Retry-After: %v", res.header)
	}
}

// TestCodeRedemptionDuringAnOutage: whichever write of a code redemption the store fails, the
// app gets temporarily_unavailable and the code stays good (the code's swap is the last write),
// so the same code works once the store is back.
func TestCodeRedemptionDuringAnOutage(t *testing.T) {
	for _, tt := range []struct{ op, prefix string }{
		{"get", keyCode},        // reading the code
		{"set", keyGrant},       // writing the grant
		{"ztrim", ""},           // the live-grant cap
		{"zadd", keySessGrants}, // indexing the grant
		{"swap", keyCode},       // consuming the code
	} {
		t.Run(tt.op+" "+tt.prefix, func(t *testing.T) {
			e, s := newOutageEnv(t)
			code := e.login(authParams("app", "scope", "openid offline_access"), "alice")
			s.fail(tt.op, tt.prefix)
			wantUnavailable(t, e.redeem("app", code, appRedirect))
			s.restore()
			res := e.redeem("app", code, appRedirect)
			if res.status != http.StatusOK || res.body["refresh_token"] == nil {
				t.Fatalf("the code after the outage: %d %s", res.status, res.raw)
			}
		})
	}
}

// TestRefreshDuringAnOutage: whichever step of a refresh the store fails, the app gets
// temporarily_unavailable and its refresh token stays current (the rotating swap is the last
// write), so it works once the store is back, and its successor after that.
func TestRefreshDuringAnOutage(t *testing.T) {
	for _, tt := range []struct{ op, prefix string }{
		{"get", keyGrant},    // reading the family
		{"set", keyUpstream}, // keeping the upstream token
		{"zadd", keySubject}, // extending the indexes
		{"swap", keyGrant},   // rotating
		{"get", keyUpstream}, // reading the upstream token
	} {
		t.Run(tt.op+" "+tt.prefix, func(t *testing.T) {
			e, s := newOutageEnv(t)
			code := e.login(authParams("app", "scope", "openid offline_access"), "alice")
			first := e.redeem("app", code, appRedirect)
			rt, _ := first.body["refresh_token"].(string)
			if first.status != http.StatusOK || rt == "" {
				t.Fatalf("redeem: %d %s", first.status, first.raw)
			}
			s.fail(tt.op, tt.prefix)
			wantUnavailable(t, e.refresh("app", rt))
			s.restore()
			next := e.refresh("app", rt)
			rt2, _ := next.body["refresh_token"].(string)
			if next.status != http.StatusOK || rt2 == "" || rt2 == rt {
				t.Fatalf("the refresh token after the outage: %d %s", next.status, next.raw)
			}
			if res := e.refresh("app", rt2); res.status != http.StatusOK {
				t.Fatalf("its successor: %d %s", res.status, res.raw)
			}
		})
	}
}

// TestUpstreamUnavailableKeepsTheRefreshToken: Cognito throttling or down during a refresh is
// temporarily_unavailable, not invalid_grant, and the family is not revoked.
func TestUpstreamUnavailableKeepsTheRefreshToken(t *testing.T) {
	e := newEnv(t)
	code := e.login(authParams("app", "scope", "openid offline_access"), "alice")
	rt, _ := e.redeem("app", code, appRedirect).body["refresh_token"].(string)
	e.up.mu.Lock()
	e.up.failWith = fmt.Errorf("cognito InitiateAuth: Unavailable: %w", ErrUpstreamUnavailable)
	e.up.mu.Unlock()
	wantUnavailable(t, e.refresh("app", rt))
	e.up.mu.Lock()
	e.up.failWith = nil
	e.up.mu.Unlock()
	if res := e.refresh("app", rt); res.status != http.StatusOK {
		t.Fatalf("after upstream came back: %d %s", res.status, res.raw)
	}
}

// TestAuthorizeDuringAnOutage: with the store down the app hears temporarily_unavailable on its
// redirect URI (RFC 6749 §4.1.2.1), not server_error.
func TestAuthorizeDuringAnOutage(t *testing.T) {
	e, s := newOutageEnv(t)
	e.login(authParams("app"), "alice") // an SSO session: the next request is answered from it
	s.fail("set", keyCode)
	res := e.authorize(authParams("app"))
	if res.location == nil || res.location.Query().Get("error") != errTemporarilyUnavailable {
		t.Fatalf("authorize during an outage: %d %v %s", res.status, res.location, res.body)
	}
}
