package oidc

import (
	"testing"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// BenchmarkKeySetSign is one token signature as issueTokens makes it (two per code redemption).
func BenchmarkKeySetSign(b *testing.B) {
	ks, err := newKeySet(testKeys(), "", newBuffers())
	if err != nil {
		b.Fatal(err)
	}
	claims := map[string]any{"iss": "https://id.example", "sub": "sub-alice", "aud": "app", "exp": 1, "iat": 1}
	for _, alg := range []string{ES256, RS256, EdDSA} {
		b.Run(alg, func(b *testing.B) {
			b.ReportAllocs()
			testutil.LoopCPU(b, func() {
				if _, err := ks.sign(alg, typIDToken, claims); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}
