package handlers_test

import (
	"net/http"
	"net/url"
	"testing"
)

// BenchmarkSiteAppSignIn is one complete sign-in an app asked for, in process: the real pages,
// provider and web server in front of the local pool over the AWS SDK (SRP): /authorize, the
// sign-in page, the password post, the redirect to the app with a code, the code at /token.
// docs/benchmarks.md reads its CPU profile with the pool's own stacks left out.
func BenchmarkSiteAppSignIn(b *testing.B) {
	s := newSite(b, func(su *siteSetup) { su.web.RateLimit.SignInPerIP = 1 << 30 })
	const verifier = "bench-verifier-0123456789-0123456789-0123456789"
	for b.Loop() {
		c := s.browser()
		page := s.submit(c, s.get(c, authorizeURL(verifier, "st-bench")), "username", map[string]string{"username": "alice", "password": password})
		loc, err := url.Parse(page.Header.Get("Location"))
		if err != nil || page.Status != http.StatusSeeOther || loc.Query().Get("code") == "" {
			b.Fatalf("no code for the app: %d %s", page.Status, page.Header.Get("Location"))
		}
		if status, body := s.redeem(loc.Query().Get("code"), verifier); status != http.StatusOK || body["id_token"] == nil {
			b.Fatalf("redeem: %d %v", status, body)
		}
	}
}
