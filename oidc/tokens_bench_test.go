package oidc

import (
	"net/http"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
	"github.com/bridgekeeper/bridgekeeper/store"
)

// BenchmarkIssueTokens is the tokens of one code redemption (access and ID token, ES256) for a
// person with every kind of attribute and every claim scope.
func BenchmarkIssueTokens(b *testing.B) {
	clock := testutil.NewClock(time.Unix(1700000000, 0))
	p, err := New(Config{
		Issuer: "https://id.example", Clients: testClients(), Keys: testKeys(),
		ClaimMappings: []ClaimMapping{{Attribute: "custom:department", Claim: "department"}, {Attribute: "custom:level", Claim: "level", Type: "number"}},
		CookieKeys:    [][]byte{[]byte("0123456789abcdef0123456789abcdef")},
		Store:         store.NewMemory(store.MemoryOptions{Now: clock.Now}), NotFound: store.ErrNotFound, Now: clock.Now,
		StartLogin: func(http.ResponseWriter, *http.Request, *AuthRequest) {},
	})
	if err != nil {
		b.Fatal(err)
	}
	c := p.clients["es"]
	g := &grantRecord{ClientID: c.ID, Identity: testUsers()["alice"], SessionID: "session", Created: clock.Now().Unix(),
		Scopes: []string{"openid", "profile", "email", "phone", "address", "groups"}}
	b.ReportAllocs()
	testutil.LoopCPU(b, func() {
		if _, err := p.issueTokens(c, "grant", g, g.Scopes, "nonce", ""); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkIssueTokensByFormat is BenchmarkIssueTokens for JWT and opaque access tokens at
// RS256 and ES256 (the opaque token is sealed, not signed: one signature per response).
func BenchmarkIssueTokensByFormat(b *testing.B) {
	clock := testutil.NewClock(time.Unix(1700000000, 0))
	p, err := New(Config{
		Issuer: "https://id.example", Clients: testClients(), Keys: testKeys(),
		CookieKeys: [][]byte{[]byte("0123456789abcdef0123456789abcdef")},
		Store:      store.NewMemory(store.MemoryOptions{Now: clock.Now}), NotFound: store.ErrNotFound, Now: clock.Now,
		StartLogin: func(http.ResponseWriter, *http.Request, *AuthRequest) {},
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range []struct{ name, client string }{
		{"jwt/RS256", "app"}, {"opaque/RS256", "opaque"}, {"jwt/ES256", "es"}, {"opaque/ES256", "opaque-es"},
	} {
		b.Run(f.name, func(b *testing.B) {
			c := p.clients[f.client]
			g := &grantRecord{ClientID: c.ID, Identity: testUsers()["bob"], SessionID: "session", Created: clock.Now().Unix(),
				Scopes: []string{"openid", "email"}}
			b.ReportAllocs()
			testutil.LoopCPU(b, func() {
				if _, err := p.issueTokens(c, "grant", g, g.Scopes, "nonce", ""); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}
