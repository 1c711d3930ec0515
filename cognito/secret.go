package cognito

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"sync"
)

// SecretHash computes Cognito's SECRET_HASH: base64(HMAC-SHA256(key = client secret,
// message = username + client id)), with a fresh HMAC (for one call, as the seed command makes;
// the engine keeps keyed states, secretHasher).
func SecretHash(clientID, clientSecret, username string) string {
	m := hmac.New(sha256.New, []byte(clientSecret))
	m.Write([]byte(username + clientID))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// secretHasher computes SecretHash for one app client with keyed HMAC states kept for reuse:
// the key's padded blocks are hashed once per state, not again on every call (a sign-in makes
// one to three calls that carry SECRET_HASH).
type secretHasher struct {
	clientID string
	states   sync.Pool // of hash.Hash: HMAC-SHA256 under the client secret, reset before it is put back
}

func newSecretHasher(clientID, clientSecret string) *secretHasher {
	key := []byte(clientSecret)
	h := &secretHasher{clientID: clientID}
	h.states.New = func() any { return hmac.New(sha256.New, key) }
	return h
}

// hash is SECRET_HASH over username.
func (h *secretHasher) hash(username string) string {
	m := h.states.Get().(hash.Hash)
	msg := make([]byte, 0, len(username)+len(h.clientID))
	m.Write(append(append(msg, username...), h.clientID...))
	var sum [sha256.Size]byte
	m.Sum(sum[:0])
	m.Reset()
	h.states.Put(m)
	var out [44]byte // base64 of 32 bytes
	base64.StdEncoding.Encode(out[:], sum[:])
	return string(out[:])
}
