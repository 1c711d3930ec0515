//go:build !race

// The race detector drops a quarter of what is put into a sync.Pool, so the scratch buffers'
// allocation counts are only exact without it; `make test` runs these in its race-free
// `go test` after the main one.

package oidc

import (
	"testing"
)

// Sealing an opaque access token encodes its record in the provider's reused scratch buffers:
// its six allocations are the record (handed to the encoder as an interface), the codec's
// payload interface, buffer and associated data, the sealed string and the prefixed token;
// nothing holds the JSON (json.Marshal would add its copy of the record).
func TestOpaqueSealAllocations(t *testing.T) {
	e := newEnv(t)
	claims := &accessClaims{
		GrantID: "grant-0123456789abcdef", Subject: "sub-alice", ClientID: "opaque", Scope: "openid email offline_access",
		Expiry: 1_800_000_000, IssuedAt: 1_799_996_400, ID: "jti-0123456789abcdef",
	}
	if _, err := e.p.sealOpaqueAccessToken(claims); err != nil {
		t.Fatal(err)
	}
	const want = 6
	if got := testing.AllocsPerRun(100, func() {
		if _, err := e.p.sealOpaqueAccessToken(claims); err != nil {
			t.Fatal(err)
		}
	}); got > want {
		t.Errorf("sealing allocates %.1f objects, want at most %d", got, want)
	}
}
