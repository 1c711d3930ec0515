package oidc

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/identity"
	"github.com/bridgekeeper/bridgekeeper/internal/testredis"
	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
	"github.com/bridgekeeper/bridgekeeper/store"
)

// countingStore counts the operations made on a Store by kind and key family ("Set oidc:sso").
type countingStore struct {
	Store
	mu  sync.Mutex
	ops map[string]int
}

func newCountingStore(st Store) *countingStore {
	return &countingStore{Store: st, ops: map[string]int{}}
}

func (s *countingStore) count(op, key string) {
	family := key
	if i := strings.LastIndexByte(key, ':'); i >= 0 {
		family = key[:i]
	}
	s.mu.Lock()
	s.ops[op+" "+family]++
	s.mu.Unlock()
}

// take returns the counts so far and starts again.
func (s *countingStore) take() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	ops := s.ops
	s.ops = map[string]int{}
	return ops
}

func (s *countingStore) Get(ctx context.Context, key string) ([]byte, error) {
	s.count("Get", key)
	return s.Store.Get(ctx, key)
}

func (s *countingStore) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	s.count("Set", key)
	return s.Store.Set(ctx, key, value, ttl)
}

func (s *countingStore) Swap(ctx context.Context, key string, value []byte, ttl time.Duration) ([]byte, error) {
	s.count("Swap", key)
	return s.Store.Swap(ctx, key, value, ttl)
}

func (s *countingStore) Delete(ctx context.Context, keys ...string) error {
	for _, k := range keys {
		s.count("Delete", k)
	}
	return s.Store.Delete(ctx, keys...)
}

func (s *countingStore) ZAdd(ctx context.Context, key, member string, score int64, ttl time.Duration) error {
	s.count("ZAdd", key)
	return s.Store.ZAdd(ctx, key, member, score, ttl)
}

func (s *countingStore) ZRange(ctx context.Context, key string, rev bool, limit int) ([]store.Scored, error) {
	s.count("ZRange", key)
	return s.Store.ZRange(ctx, key, rev, limit)
}

func (s *countingStore) ZRem(ctx context.Context, key string, members ...string) error {
	s.count("ZRem", key)
	return s.Store.ZRem(ctx, key, members...)
}

func (s *countingStore) ZTrim(ctx context.Context, key string, keep int) ([]string, error) {
	s.count("ZTrim", key)
	return s.Store.ZTrim(ctx, key, keep)
}

// loginRig is a provider over a counting memory store, for calling Login directly as the web
// layer does after a sign-in.
type loginRig struct {
	p     *Provider
	st    *countingStore
	up    *fakeUpstream
	alice identity.Identity
}

// newLoginRig builds the rig over a memory store (redisURL "") or the Redis server at redisURL.
func newLoginRig(tb testing.TB, redisURL string) *loginRig {
	tb.Helper()
	now := time.Now().Truncate(time.Second)
	clock := func() time.Time { return now }
	up := &fakeUpstream{denied: map[string]bool{}}
	var backend Store = store.NewMemory(store.MemoryOptions{Now: clock})
	if redisURL != "" {
		r, err := store.Open(tb.Context(), redisURL)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { _ = r.Close() })
		backend = r
	}
	st := newCountingStore(backend)
	p, err := New(Config{
		Issuer:         "http://127.0.0.1:1",
		Clients:        testClients(),
		Keys:           testKeys(),
		CookieKeys:     [][]byte{[]byte("0123456789abcdef0123456789abcdef")},
		InsecureCookie: true,
		Store:          st,
		NotFound:       store.ErrNotFound,
		Upstream:       up,
		StartLogin:     func(http.ResponseWriter, *http.Request, *AuthRequest) {},
		Now:            clock,
	})
	if err != nil {
		tb.Fatal(err)
	}
	alice := testUsers()["alice"]
	alice.AuthTime = now.Unix()
	return &loginRig{p: p, st: st, up: up, alice: alice}
}

// parked is an app's authorization request as the web layer hands it to Login.
func (r *loginRig) parked() *AuthRequest {
	return &AuthRequest{
		ClientID: "es", RedirectURI: "https://es.example/cb", Scopes: []string{"openid", "email"},
		State: "st", Nonce: "n", CodeChallenge: strings.Repeat("c", 43), RequestedAt: r.p.now().Unix(),
	}
}

// login signs alice in with the cookies of from (nil: a new browser) and returns the answer.
func (r *loginRig) login(tb testing.TB, from *httptest.ResponseRecorder, upstreamToken string) *httptest.ResponseRecorder {
	tb.Helper()
	req := httptest.NewRequest(http.MethodPost, "/signin", nil)
	if from != nil {
		for _, c := range from.Result().Cookies() {
			req.AddCookie(c)
		}
	}
	w := httptest.NewRecorder()
	if err := r.p.Login(w, req, r.parked(), r.alice, upstreamToken); err != nil {
		tb.Fatal(err)
	}
	if w.Code != http.StatusSeeOther || !strings.Contains(w.Header().Get("Location"), "code=") {
		tb.Fatalf("Login answered %d %q, want a 303 with a code", w.Code, w.Header().Get("Location"))
	}
	return w
}

// TestLoginStoreOperations counts the store operations of a sign-in's Login by kind: a new
// browser's session needs nothing read (its id is new, so nothing can be stored under it), and
// the same person signing in again in the same browser reads what it replaces. Every write and
// read here is one round trip to Redis.
func TestLoginStoreOperations(t *testing.T) {
	r := newLoginRig(t, "")
	first := r.login(t, nil, "up-1")
	want := map[string]int{
		"Set oidc:up":    1, // the pool's refresh token
		"Set oidc:sso":   1, // the session
		"ZAdd oidc:subj": 1, // the person's index of sessions
		"Set oidc:code":  1, // the code
	}
	if got := r.st.take(); !maps.Equal(got, want) {
		t.Errorf("new session: store operations %v, want %v", got, want)
	}

	// Again in the same browser: the session is renewed and its older refresh token revoked.
	r.login(t, first, "up-2")
	want = map[string]int{
		"Get oidc:sso":     1, // the browser's current session
		"Get oidc:up":      1, // the refresh token it replaces (revoked)
		"ZRange oidc:ssog": 1, // how long the token must live (grants under the session)
		"Set oidc:up":      1,
		"Set oidc:sso":     1,
		"ZAdd oidc:subj":   1,
		"Set oidc:code":    1,
	}
	if got := r.st.take(); !maps.Equal(got, want) {
		t.Errorf("renewed session: store operations %v, want %v", got, want)
	}
	if got := r.up.revokedTokens(); !slices.Equal(got, []string{"up-1"}) {
		t.Errorf("revoked upstream tokens %v, want [up-1]", got)
	}
}

// BenchmarkLogin is Login for a new browser with a parked request: the SSO session, its cookie,
// the code and the redirect to the app, over the memory store and over a real Redis server
// (whose own CPU is not counted; ns/op shows its round trips).
func BenchmarkLogin(b *testing.B) {
	token := strings.Repeat("t", 1800) // a Cognito refresh token is a JWE of this order
	for _, backend := range []string{"memory", "redis"} {
		b.Run(backend, func(b *testing.B) {
			url := ""
			if backend == "redis" {
				url = testredis.Start(b)
			}
			r := newLoginRig(b, url)
			b.ReportAllocs()
			testutil.LoopCPU(b, func() { r.login(b, nil, token) })
		})
	}
}
