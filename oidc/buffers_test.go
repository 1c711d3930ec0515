package oidc

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/identity"
	"github.com/bridgekeeper/bridgekeeper/store"
)

// A scratch encodes exactly as json.Marshal (HTML escaped, a Marshaler's output compacted, no
// newline), however often it is reused and whatever it held before; errors stay errors.
func TestScratchMarshalIsJSONMarshal(t *testing.T) {
	claims, err := identity.NewClaims([]byte(`{"email":"a<b>&c@example.com","name":"Ä \u2028"}`))
	if err != nil {
		t.Fatal(err)
	}
	values := []any{
		&grantRecord{Identity: identity.Identity{Subject: "sub-<alice>", Claims: claims}, ClientID: "app", Scopes: []string{"openid", "email"}},
		&tokenResponse{AccessToken: strings.Repeat("a", 5000), TokenType: "Bearer", ExpiresIn: 300, Scope: "openid"},
		map[string]string{"error": "invalid_grant", "error_description": "a & b"},
		codeMarker{},
		nil,
		"short",
	}
	bufs := newBuffers()
	for round := range 3 {
		for i, v := range values {
			sc := bufs.get()
			got, err := sc.marshal(v)
			want, wantErr := json.Marshal(v)
			if err != nil || wantErr != nil || !bytes.Equal(got, want) {
				t.Fatalf("round %d, value %d: %s (%v), json.Marshal %s (%v)", round, i, got, err, want, wantErr)
			}
			bufs.put(sc)
		}
	}
	sc := bufs.get()
	if _, err := sc.marshal(func() {}); err == nil {
		t.Fatal("a func encoded")
	}
}

// Records written through the reused buffers read back as written: the store keeps its own
// copy, so the next record encoded in the same buffer does not change an earlier one.
func TestStoredRecordsOutliveTheirBuffer(t *testing.T) {
	mem := store.NewMemory(store.MemoryOptions{})
	p := &Provider{store: mem, notFound: store.ErrNotFound, bufs: newBuffers()}
	ctx := context.Background()
	recs := map[string]*grantRecord{}
	for i, sub := range []string{strings.Repeat("long-subject-", 40), "s", "medium-subject"} {
		key := keyGrant + string(rune('a'+i))
		recs[key] = &grantRecord{Identity: identity.Identity{Subject: sub}, ClientID: "app", Created: int64(i)}
		if err := p.setJSON(ctx, key, recs[key], time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	old := &grantRecord{}
	if found, err := p.swapJSON(ctx, keyGrant+"b", &grantRecord{ClientID: "swapped"}, old, time.Minute); err != nil || !found || old.Subject != "s" {
		t.Fatalf("swap: %v %v, old %+v", found, err, old)
	}
	recs[keyGrant+"b"] = &grantRecord{ClientID: "swapped"}
	for key, want := range recs {
		raw, err := mem.Get(ctx, key)
		wantRaw, _ := json.Marshal(want)
		if err != nil || !bytes.Equal(raw, wantRaw) {
			t.Errorf("%s: %s (%v), want %s", key, raw, err, wantRaw)
		}
	}
}

// The stack-buffered hashes and encodings give what the plain formulas give, on both sides of
// every buffer's size.
func TestHashesAndEncodingsAcrossBufferSizes(t *testing.T) {
	b64 := base64.RawURLEncoding.EncodeToString
	for _, n := range []int{0, 1, 31, 32, 33, 63, 64, 65, 200, 251, 252, 253, 256, 257, 2047, 2048, 2049, 6000} {
		s := strings.Repeat("x", n)
		raw := bytes.Repeat([]byte{0xfb}, n)
		if got, want := encodeB64(raw), b64(raw); got != want {
			t.Errorf("encodeB64 of %d bytes: %q, want %q", n, got, want)
		}
		h := sha256.Sum256([]byte(s))
		if got, want := hashSecret(s), b64(h[:]); got != want {
			t.Errorf("hashSecret of %d bytes: %q, want %q", n, got, want)
		}
		h = sha256.Sum256([]byte("sid:" + s))
		if got, want := publicSID(s), b64(h[:])[:22]; got != want {
			t.Errorf("publicSID of %d bytes: %q, want %q", n, got, want)
		}
		if got, want := tokenHash(ES256, s), b64(h256(s)[:16]); got != want {
			t.Errorf("at_hash (SHA-256) of %d bytes: %q, want %q", n, got, want)
		}
		h5 := sha512.Sum512([]byte(s))
		if got, want := tokenHash(EdDSA, s), b64(h5[:32]); got != want {
			t.Errorf("at_hash (SHA-512) of %d bytes: %q, want %q", n, got, want)
		}
	}
}

func h256(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// The provider has one pool of scratch buffers: the signer encodes claims and tokens in the
// same pool as the records and answers, so a buffer grown by one is reused by the other.
func TestOneScratchPool(t *testing.T) {
	e := newEnv(t)
	if e.p.bufs == nil || e.p.keys.bufs != e.p.bufs {
		t.Fatalf("the key set's buffers %p are not the provider's %p", e.p.keys.bufs, e.p.bufs)
	}
}
