package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/bench/compare"
)

// TestBenchCompareSmoke keeps `make bench-compare` from rotting: a handful of complete sign-ins
// (authorize → sign-in page → password → code → token, every ID token verified with go-oidc)
// against `bridgekeeper serve` and `bridgekeeper localpool`, both flows and both algorithms
// (and the password flow's opaque-token apps), through the benchmark's own driver and report.
// The peers and the figures are the benchmark's.
func TestBenchCompareSmoke(t *testing.T) {
	const signIns = 4
	rep, err := compare.Run(t.Context(), compare.Options{
		Bridgekeeper: bridgekeeperBinary(t),
		Dir:          t.TempDir(),
		Flows:        []string{compare.FlowPassword, compare.FlowSRP},
		Rounds:       1,
		SignIns:      signIns,
		Concurrency:  []int{1, 2},
		Parked:       3,
		VerifyEvery:  1,
		WarmUp:       1,
		Opaque:       true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 6 {
		t.Fatalf("%d variants measured, want 6 (2 flows × 2 algorithms, and the password flow's 2 opaque-token apps)", len(rep.Results))
	}
	for _, res := range rep.Results {
		for _, c := range []int{1, 2} {
			if got, want := res.SignIns(c), max(signIns, 4*c); got != want {
				t.Errorf("%s, %d in flight: %d sign-ins completed, want %d", res.Variant.Name(), c, got, want)
			}
			// serve's threads block for every request (network, the local pool's answer).
			if vol, _ := res.Switches(c); vol <= 0 {
				t.Errorf("%s, %d in flight: %.1f voluntary context switches per sign-in, want some", res.Variant.Name(), c, vol)
			}
		}
	}
	if len(rep.Memory) != 3 {
		t.Fatalf("memory of %d processes, want 3 (local pool, two serve)", len(rep.Memory))
	}
	for _, m := range rep.Memory {
		if m.Rest <= 0 || m.After <= 0 || m.Park <= 0 {
			t.Errorf("%s: memory not read: %+v", m.Process, m)
		}
	}
	var out strings.Builder
	rep.Print(&out)
	for _, want := range []string{"bridgekeeper ES256 USER_PASSWORD_AUTH", "bridgekeeper RS256 USER_SRP_AUTH",
		"bridgekeeper RS256-opaque USER_PASSWORD_AUTH", "Bridgekeeper / peer", "with 3 parked", "1 in flight: user / system, ms",
		"CPU time of the machine during the run (every process): busy "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestBenchCompareRSSCurveSmoke keeps `bench-compare -rss-curve` from rotting, and checks its
// claim on the real process: a few complete sign-ins with three-second lifetimes leave nothing in
// serve's memory store once those lifetimes (ten of them for a redeemed code's replay marker)
// have passed.
func TestBenchCompareRSSCurveSmoke(t *testing.T) {
	const signIns = 6
	curve, err := compare.RunCurve(t.Context(), compare.CurveOptions{
		Bridgekeeper: bridgekeeperBinary(t),
		Dir:          t.TempDir(),
		Points:       []int{signIns},
		Concurrency:  2,
		Lifetime:     3 * time.Second, // a sign-in on a loaded machine must finish well within it
		VerifyEvery:  1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(curve.Points) != 1 {
		t.Fatalf("%d points, want 1", len(curve.Points))
	}
	p := curve.Points[0]
	if p.SignIns != signIns || p.LiveEntries < signIns {
		t.Errorf("after %d sign-ins the store held %d entries while they lived, want at least one each", p.SignIns, p.LiveEntries)
	}
	if p.Entries != curve.Rest.Entries {
		t.Errorf("once their lifetimes passed the store holds %d entries, %d at rest", p.Entries, curve.Rest.Entries)
	}
	if p.HeapInUse <= 0 || p.HeapGoal <= 0 || p.RSS <= 0 || curve.Rest.RSS <= 0 {
		t.Errorf("memory not read: %+v, at rest %+v", p, curve.Rest)
	}
	var out strings.Builder
	curve.Print(&out)
	if !strings.Contains(out.String(), "once ended: store entries") {
		t.Errorf("report lacks its table:\n%s", out.String())
	}
}
