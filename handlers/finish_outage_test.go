package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/handlers"
	"github.com/bridgekeeper/bridgekeeper/oidc"
	"github.com/bridgekeeper/bridgekeeper/store"
)

// downStore is a store that fails every read and write with store.ErrUnavailable while down is
// set, as the Redis store does while its server is unreachable.
type downStore struct {
	store.Store
	down *atomic.Bool
}

func (s downStore) fail(op string) error {
	if s.down.Load() {
		return fmt.Errorf("test store %s: %w", op, store.ErrUnavailable)
	}
	return nil
}

func (s downStore) Get(ctx context.Context, key string) ([]byte, error) {
	if err := s.fail("get"); err != nil {
		return nil, err
	}
	return s.Store.Get(ctx, key)
}

func (s downStore) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := s.fail("set"); err != nil {
		return err
	}
	return s.Store.Set(ctx, key, value, ttl)
}

func (s downStore) SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := s.fail("setnx"); err != nil {
		return false, err
	}
	return s.Store.SetNX(ctx, key, value, ttl)
}

func (s downStore) SAdd(ctx context.Context, key, member string, ttl time.Duration) error {
	if err := s.fail("sadd"); err != nil {
		return err
	}
	return s.Store.SAdd(ctx, key, member, ttl)
}

func (s downStore) ZAdd(ctx context.Context, key, member string, score int64, ttl time.Duration) error {
	if err := s.fail("zadd"); err != nil {
		return err
	}
	return s.Store.ZAdd(ctx, key, member, score, ttl)
}

// TestAppRequestSurvivesAStoreOutageAtLogin: Cognito accepted the password but the store is down
// when the SSO session is written. The person sees the calm 503 page; Cognito's session is used
// up, so they sign in again, and once the store is back that sign-in goes to the app that asked,
// with a code it can redeem: the parked authorization request was kept (handlers.finish re-saves
// it, since the page had already cleared it).
func TestAppRequestSurvivesAStoreOutageAtLogin(t *testing.T) {
	var down atomic.Bool
	s := newSite(t, func(su *siteSetup) { su.store = downStore{Store: su.store, down: &down} })
	c := s.browser()
	verifier := "outage-verifier-0123456789-0123456789-0123456789"
	page := s.get(c, authorizeURL(verifier, "state-7"))
	expect(t, page, oidc.PathAuthorize, http.StatusOK)

	down.Store(true)
	failed := s.submit(c, page, "username", map[string]string{"username": "alice", "password": password})
	down.Store(false)
	expect(t, failed, handlers.PathSignIn, http.StatusServiceUnavailable, s.T("error.Unavailable"))
	if failed.Header.Get("Retry-After") != retryAfter {
		t.Errorf("Retry-After = %q, want %s", failed.Header.Get("Retry-After"), retryAfter)
	}

	again := s.get(c, handlers.PathSignIn)
	expect(t, again, handlers.PathSignIn, http.StatusOK, s.T("error.Unavailable"))
	if fieldValue(again, "username") != "alice" {
		t.Errorf("the sign-in page forgot the username: %s", again.Text())
	}
	done := s.submit(c, again, "username", map[string]string{"password": password})
	loc, err := url.Parse(done.Header.Get("Location"))
	s.must(err)
	if done.Status != http.StatusSeeOther || loc.Scheme+"://"+loc.Host+loc.Path != appRedirect || loc.Query().Get("state") != "state-7" || loc.Query().Get("code") == "" {
		t.Fatalf("the second sign-in should go back to the app with a code, got %d %s: %s", done.Status, loc, done.Text())
	}
	if status, body := s.redeem(loc.Query().Get("code"), verifier); status != http.StatusOK || body["id_token"] == nil {
		t.Fatalf("redeem: %d %v", status, body)
	}
}
