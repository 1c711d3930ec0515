package cognito

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// maxJWKSSize bounds the pool's JWKS document read.
const maxJWKSSize = 1 << 20

// jwksFetchTimeout bounds one fetch of the pool's keys.
const jwksFetchTimeout = 30 * time.Second

// poolKeys are the pool's published RSA signing keys by key id: fetched on first use and again
// when a token names a key id not among them, or names none and no kept key verifies it (the
// pool rotated its keys), one fetch at a time
// (concurrent callers wait for it), as go-oidc's remote key set does.
type poolKeys struct {
	url    string
	client *http.Client
	// ctx carries no deadline: a fetch outlives the request that started it, since others wait
	// for it too.
	ctx context.Context

	mu       sync.RWMutex
	keys     map[string]*rsa.PublicKey
	inflight *keysFetch
}

// keysFetch is a fetch of the keys under way; done is closed when err is set.
type keysFetch struct {
	done chan struct{}
	err  error
}

// newPoolKeys reads the keys at url with client (nil: http.DefaultClient).
func newPoolKeys(ctx context.Context, url string, client *http.Client) *poolKeys {
	if client == nil {
		client = http.DefaultClient
	}
	return &poolKeys{url: url, client: client, ctx: context.WithoutCancel(ctx)}
}

// cached appends to dst the keys a token whose header names kid may be signed with: that key,
// or every key for a token naming none.
func (k *poolKeys) cached(dst []*rsa.PublicKey, kid string) []*rsa.PublicKey {
	k.mu.RLock()
	defer k.mu.RUnlock()
	if kid != "" {
		if pub := k.keys[kid]; pub != nil {
			return append(dst, pub)
		}
		return dst
	}
	for _, pub := range k.keys {
		dst = append(dst, pub)
	}
	return dst
}

// refresh fetches the keys, or waits for the fetch under way.
func (k *poolKeys) refresh(ctx context.Context) error {
	k.mu.Lock()
	f := k.inflight
	if f == nil {
		f = &keysFetch{done: make(chan struct{})}
		k.inflight = f
		go k.fetch(f)
	}
	k.mu.Unlock()
	select {
	case <-f.done:
		return f.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fetch reads the JWKS document and replaces the keys (kept as they were on failure).
func (k *poolKeys) fetch(f *keysFetch) {
	keys, err := k.read()
	k.mu.Lock()
	if err == nil {
		k.keys = keys
	}
	k.inflight = nil
	f.err = err
	k.mu.Unlock()
	close(f.done)
}

// read fetches and parses the JWKS document: its RSA keys meant for signatures.
func (k *poolKeys) read() (map[string]*rsa.PublicKey, error) {
	ctx, cancel := context.WithTimeout(k.ctx, jwksFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := k.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSSize+1))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s", k.url, resp.Status)
	}
	if len(body) > maxJWKSSize {
		return nil, errors.New("the JWKS document is too large")
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, fmt.Errorf("read the JWKS document: %w", err)
	}
	keys := map[string]*rsa.PublicKey{}
	for _, jwk := range set.Keys {
		pub, ok := jwk.Key.(*rsa.PublicKey)
		if !ok || (jwk.Use != "" && jwk.Use != "sig") || (jwk.Algorithm != "" && jwk.Algorithm != "RS256") {
			continue
		}
		keys[jwk.KeyID] = pub
	}
	return keys, nil
}
