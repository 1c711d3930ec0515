package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

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

// BenchmarkWrongPasswordKnownVsUnknown (issue 9, item 7) measures a wrong-password sign-in post
// for 30 real users and 30 unknown usernames, alternating, against the real binary, and reports
// both medians: with PreventUserExistenceErrors ENABLED (the demo pool's client) both make the
// same Cognito calls and SRP computations (cognito.TestUnknownUsersCostTheSameWork counts them).
func BenchmarkWrongPasswordKnownVsUnknown(b *testing.B) {
	cfg := filepath.Join(b.TempDir(), "bench.yaml")
	if err := os.WriteFile(cfg, []byte("log: {level: warn}\nrate_limit: {sign_in_per_ip: 100000000}\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	p := start(b, "demo", "--listen", "127.0.0.1:0", "--config", cfg)
	ctx := context.Background()
	post := func(username string) time.Duration {
		c := webclient.New()
		page, err := c.Get(ctx, p.BaseURL+"/signin")
		if err != nil {
			b.Fatal(err)
		}
		form, err := page.Form("password")
		if err != nil {
			b.Fatal(err)
		}
		if err := form.Set("username", username); err != nil {
			b.Fatal(err)
		}
		if err := form.Set("password", "Wrong-passw0rd!"); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		page, err = c.Submit(ctx, form, "", "")
		d := time.Since(start)
		if err != nil || page.Status != http.StatusUnauthorized {
			b.Fatalf("%s: %v (%v)", username, page, err)
		}
		return d
	}
	const samples = 30 // each real user once, so Cognito's lockout never answers instead
	for b.Loop() {
		var known, unknown []time.Duration
		for i := 1; i <= samples; i++ {
			known = append(known, post(fmt.Sprintf("user%02d", i)))
			unknown = append(unknown, post(fmt.Sprintf("nobody%02d", i)))
		}
		b.ReportMetric(float64(median(known).Microseconds())/1000, "known-median-ms")
		b.ReportMetric(float64(median(unknown).Microseconds())/1000, "unknown-median-ms")
		b.StopTimer()
		p.Stop()
		p = start(b, "demo", "--listen", "127.0.0.1:0", "--config", cfg) // fresh users for the next round
		b.StartTimer()
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
