package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
)

// BenchmarkSignInSRP measures one whole browser sign-in of a password-only user over HTTP against
// the real binary and its local pool: the sign-in page, the form post (CSRF, SRP on both sides,
// Cognito token verification, SSO session) and the account page.
func BenchmarkSignInSRP(b *testing.B) {
	cfg := filepath.Join(b.TempDir(), "bench.yaml")
	if err := os.WriteFile(cfg, []byte("log: {level: warn}\nrate_limit: {sign_in_per_ip: 100000000}\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	p := start(b, "demo", "--listen", "127.0.0.1:0", "--config", cfg)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		c := webclient.New()
		page, err := c.Get(ctx, p.BaseURL+"/signin")
		if err != nil {
			b.Fatal(err)
		}
		form, err := page.Form("password")
		if err != nil {
			b.Fatal(err)
		}
		if err := form.Set("username", "alice"); err != nil {
			b.Fatal(err)
		}
		if err := form.Set("password", demoPassword); err != nil {
			b.Fatal(err)
		}
		page, err = c.Submit(ctx, form, "", "")
		if err != nil || page.Status != http.StatusOK || page.URL.Path != "/account" {
			b.Fatalf("sign-in ended at %v (%v)", page, err)
		}
	}
}
