package oidc

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/bridgekeeper/bridgekeeper/store"
)

// Store is the subset of the shared state store the provider uses. Its
// methods have the signatures of the store package's implementations, so
// *store.Memory and the Redis store satisfy it.
type Store interface {
	// Get returns the value at key, or the store's not-found error.
	Get(ctx context.Context, key string) ([]byte, error)
	// Set writes value at key for ttl.
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// Swap atomically replaces an existing value and returns the old one; it
	// returns the not-found error (and creates nothing) when key is absent.
	Swap(ctx context.Context, key string, value []byte, ttl time.Duration) ([]byte, error)
	// Delete removes keys; absent keys are not an error.
	Delete(ctx context.Context, keys ...string) error
	// ZAdd adds member to the ordered set at key with score, or updates it;
	// the member expires on its own ttl from now.
	ZAdd(ctx context.Context, key, member string, score int64, ttl time.Duration) error
	// ZRange lists the live members at key by score (rev: highest first), at
	// most limit of them (0: all).
	ZRange(ctx context.Context, key string, rev bool, limit int) ([]store.Scored, error)
	// ZRem removes members from the ordered set at key.
	ZRem(ctx context.Context, key string, members ...string) error
	// ZTrim keeps the keep highest-scored members at key and returns the
	// removed ones, lowest first.
	ZTrim(ctx context.Context, key string, keep int) ([]string, error)
}

// Keys in the store. Codes and refresh tokens are stored as SHA-256
// hashes, never in clear.
const (
	keyCode         = "oidc:code:"  // + hash(code) → codeRecord or a redeemed marker
	keySession      = "oidc:sso:"   // + session id → sessionRecord
	keyUpstream     = "oidc:up:"    // + session id → upstreamRecord (the Cognito refresh token)
	keySessGrants   = "oidc:ssog:"  // + session id → ordered set of grant ids issued under the session (index.go)
	keySubject      = "oidc:subj:"  // + subject → ordered set of its sessions and their grants (index.go)
	keyGrant        = "oidc:grant:" // + grant id → grantRecord (one per code redemption, with its refresh-token family)
	keyClientGrants = "oidc:cg:"    // + hash(client id, subject) → ordered set of the person's refresh families at the client (grantlimits.go)
)

// hashSecret is the store key part for a high-entropy secret (code or token).
func hashSecret(s string) string {
	h := sha256Of("", s)
	return encodeB64(h[:])
}

// sha256Of is the SHA-256 of prefix followed by s, hashed from a buffer on the stack when
// they fit in it (a []byte conversion of a string longer than 32 bytes is allocated).
func sha256Of(prefix, s string) [sha256.Size]byte {
	var in [256]byte
	return sha256.Sum256(append(append(in[:0], prefix...), s...))
}

// getJSON reads key into v; found is false when the key does not exist.
func (p *Provider) getJSON(ctx context.Context, key string, v recordDecoder) (found bool, err error) {
	raw, err := p.store.Get(ctx, key)
	if p.isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store get: %w", err)
	}
	if err := v.decodeJSON(raw); err != nil {
		return false, fmt.Errorf("decode stored record: %w", err)
	}
	return true, nil
}

// setJSON writes v at key for ttl.
func (p *Provider) setJSON(ctx context.Context, key string, v record, ttl time.Duration) error {
	sc := p.bufs.get()
	defer p.bufs.put(sc) // the store keeps a copy of what it is given
	raw, err := sc.encode(v)
	if err != nil {
		return fmt.Errorf("encode record: %w", err)
	}
	if err := p.store.Set(ctx, key, raw, ttl); err != nil {
		return fmt.Errorf("store set: %w", err)
	}
	return nil
}

// swapJSON atomically replaces the value at key with v and decodes the old
// value into old; found is false when the key did not exist.
func (p *Provider) swapJSON(ctx context.Context, key string, v record, old recordDecoder, ttl time.Duration) (found bool, err error) {
	sc := p.bufs.get()
	defer p.bufs.put(sc) // the store keeps a copy of what it is given
	raw, err := sc.encode(v)
	if err != nil {
		return false, fmt.Errorf("encode record: %w", err)
	}
	prev, err := p.store.Swap(ctx, key, raw, ttl)
	if p.isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store swap: %w", err)
	}
	if err := old.decodeJSON(prev); err != nil {
		return false, fmt.Errorf("decode stored record: %w", err)
	}
	return true, nil
}

// isNotFound reports whether err is the store's not-found error.
func (p *Provider) isNotFound(err error) bool {
	return err != nil && errors.Is(err, p.notFound)
}
