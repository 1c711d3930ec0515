package cognito

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// jwksServer publishes a JWKS document that a test can change, counting the fetches.
type jwksServer struct {
	mu      sync.Mutex
	set     jose.JSONWebKeySet
	status  int
	fetches atomic.Int32
	url     string
}

func newJWKSServer(t testing.TB) *jwksServer {
	s := &jwksServer{status: http.StatusOK}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.fetches.Add(1)
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.status != http.StatusOK {
			w.WriteHeader(s.status)
			return
		}
		_ = json.NewEncoder(w).Encode(s.set)
	}))
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

// publish makes the server publish keys.
func (s *jwksServer) publish(status int, keys ...jose.JSONWebKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.set = status, jose.JSONWebKeySet{Keys: keys}
}

// signedIDToken is a Cognito-like ID token signed by key with the header's kid.
func signedIDToken(t testing.TB, key *rsa.PrivateKey, kid string, now time.Time) string {
	t.Helper()
	header := map[string]string{"alg": "RS256"}
	if kid != "" {
		header["kid"] = kid
	}
	h, _ := json.Marshal(header)
	p, _ := json.Marshal(map[string]any{"iss": "https://issuer.example/pool", "aud": "client", "token_use": "id", "sub": "s-1",
		"cognito:username": "ana", "email": "ana@example.com", "exp": now.Add(time.Hour).Unix(), "auth_time": now.Unix()})
	return signedPayload(t, key, string(h), string(p))
}

// oneKeyVerifier is a verifier for app client "client" of the test pool whose keys are one RS256
// key, kid "k", with its clock at now; it returns that key too.
func oneKeyVerifier(t testing.TB, now time.Time) (*JWKSVerifier, *rsa.PrivateKey) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	srv := newJWKSServer(t)
	srv.publish(http.StatusOK, jose.JSONWebKey{Key: &k.PublicKey, KeyID: "k", Algorithm: "RS256", Use: "sig"})
	v := NewJWKSVerifier(context.Background(), Config{ClientID: "client", Issuer: "https://issuer.example/pool", JWKSURL: srv.url}, nil)
	v.Now = func() time.Time { return now }
	return v, k
}

// TestJWKSVerifierKeys: the pool's keys are read once and again only for a key id not among
// them (a rotation); a failed read keeps the keys; keys not for RS256 signatures are not used.
func TestJWKSVerifierKeys(t *testing.T) {
	now := time.Unix(1700000000, 0)
	k1, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	srv := newJWKSServer(t)
	jwk := func(k *rsa.PrivateKey, kid string) jose.JSONWebKey {
		return jose.JSONWebKey{Key: &k.PublicKey, KeyID: kid, Algorithm: "RS256", Use: "sig"}
	}
	srv.publish(http.StatusOK, jwk(k1, "one"), jose.JSONWebKey{Key: &ec.PublicKey, KeyID: "ec", Use: "sig"},
		jose.JSONWebKey{Key: &k2.PublicKey, KeyID: "enc", Use: "enc"})
	v := NewJWKSVerifier(context.Background(), Config{ClientID: "client", Issuer: "https://issuer.example/pool", JWKSURL: srv.url}, nil)
	v.Now = func() time.Time { return now }
	verify := func(tok string) error {
		_, err := v.VerifyIDToken(context.Background(), tok)
		return err
	}
	step := func(what string, tok string, ok bool, fetches int32) {
		t.Helper()
		if err := verify(tok); (err == nil) != ok {
			t.Errorf("%s: err %v, want ok=%v", what, err, ok)
		}
		if n := srv.fetches.Load(); n != fetches {
			t.Errorf("%s: %d fetches of the keys so far, want %d", what, n, fetches)
		}
	}
	step("first token", signedIDToken(t, k1, "one", now), true, 1)
	step("same key again", signedIDToken(t, k1, "one", now), true, 1)
	step("a token naming no key", signedIDToken(t, k1, "", now), true, 1)
	step("wrong key for the key id", signedIDToken(t, k2, "one", now), false, 1)
	step("a key id for encryption only", signedIDToken(t, k2, "enc", now), false, 2)
	srv.publish(http.StatusOK, jwk(k1, "one"), jwk(k2, "two"))
	step("rotated in", signedIDToken(t, k2, "two", now), true, 3)
	step("unknown key id", signedIDToken(t, k2, "three", now), false, 4)
	srv.publish(http.StatusInternalServerError)
	step("the pool's keys unreadable: known key still verifies", signedIDToken(t, k2, "two", now), true, 4)
	step("the pool's keys unreadable: new key id refused", signedIDToken(t, k2, "four", now), false, 5)

	// Concurrent sign-ins verify a newly rotated key together.
	srv.publish(http.StatusOK, jwk(k1, "one"), jwk(k2, "five"))
	tok := signedIDToken(t, k2, "five", now)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- verify(tok)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent verification: %v", err)
		}
	}
	if n := srv.fetches.Load(); n < 6 || n > 5+8 {
		t.Errorf("%d fetches after the concurrent ones", n)
	}
}

// A waiting verification gives up with its own context; the fetch goes on for the others.
func TestJWKSVerifierContext(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		<-release
		_, _ = w.Write([]byte(`{"keys":[]}`))
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	v := NewJWKSVerifier(context.Background(), Config{ClientID: "client", Issuer: "https://issuer.example/pool", JWKSURL: srv.URL}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := v.VerifyIDToken(ctx, signedIDToken(t, k, "k", time.Now())); err == nil {
		t.Fatal("verified without keys")
	}
}
