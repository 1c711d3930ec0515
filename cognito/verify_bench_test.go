package cognito

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// BenchmarkVerifyIDToken is the verification of the pool's ID token once a sign-in succeeds
// (keys cached).
func BenchmarkVerifyIDToken(b *testing.B) {
	now := time.Unix(1700000000, 0)
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	srv := newJWKSServer(b)
	srv.publish(http.StatusOK, jose.JSONWebKey{Key: &k.PublicKey, KeyID: "k", Algorithm: "RS256", Use: "sig"})
	v := NewJWKSVerifier(context.Background(), Config{ClientID: "client", Issuer: "https://issuer.example/pool", JWKSURL: srv.url}, nil)
	v.Now = func() time.Time { return now }
	tok := signedIDToken(b, k, "k", now)
	b.ReportAllocs()
	testutil.LoopCPU(b, func() {
		if _, err := v.VerifyIDToken(context.Background(), tok); err != nil {
			b.Fatal(err)
		}
	})
}
