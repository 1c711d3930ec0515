package cognito

import (
	"context"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// BenchmarkVerifyIDToken is the verification of the pool's ID token once a sign-in succeeds
// (keys cached).
func BenchmarkVerifyIDToken(b *testing.B) {
	now := time.Unix(1700000000, 0)
	v, k := oneKeyVerifier(b, now)
	tok := signedIDToken(b, k, "k", now)
	b.ReportAllocs()
	testutil.LoopCPU(b, func() {
		if _, err := v.VerifyIDToken(context.Background(), tok); err != nil {
			b.Fatal(err)
		}
	})
}
