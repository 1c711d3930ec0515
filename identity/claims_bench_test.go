package identity

import (
	"testing"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// BenchmarkNewClaims: keeping a pool ID token's claims (once per sign-in).
func BenchmarkNewClaims(b *testing.B) {
	b.ReportAllocs()
	payload := []byte(poolPayload)
	testutil.LoopCPU(b, func() {
		if _, err := NewClaims(payload); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkIndexed: reading the claims once and taking the released ones (once per token).
func BenchmarkIndexed(b *testing.B) {
	b.ReportAllocs()
	c, err := NewClaims([]byte(poolPayload))
	if err != nil {
		b.Fatal(err)
	}
	names := []string{"email", "email_verified", "name", "phone_number", "address", "cognito:groups", "missing"}
	testutil.LoopCPU(b, func() {
		ix := c.Indexed()
		for _, n := range names {
			ix.Value(n)
		}
	})
}

// BenchmarkClaimsUnmarshal: reading the claims of a stored record.
func BenchmarkClaimsUnmarshal(b *testing.B) {
	b.ReportAllocs()
	c, err := NewClaims([]byte(poolPayload))
	if err != nil {
		b.Fatal(err)
	}
	testutil.LoopCPU(b, func() {
		var back Claims
		if err := back.UnmarshalJSON(c); err != nil {
			b.Fatal(err)
		}
	})
}
