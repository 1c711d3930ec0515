package e2e

import (
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/bench/compare"
)

// TestBenchCompareSmoke keeps `make bench-compare` from rotting: a handful of complete sign-ins
// (authorize → sign-in page → password → code → token, every ID token verified with go-oidc)
// against `bridgekeeper serve` and `bridgekeeper localpool`, both flows and both algorithms,
// through the benchmark's own driver and report. The peers and the figures are the benchmark's.
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
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 4 {
		t.Fatalf("%d variants measured, want 4 (2 flows × 2 algorithms)", len(rep.Results))
	}
	for _, res := range rep.Results {
		for _, c := range []int{1, 2} {
			if got, want := res.SignIns(c), max(signIns, 4*c); got != want {
				t.Errorf("%s, %d in flight: %d sign-ins completed, want %d", res.Variant.Name(), c, got, want)
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
	for _, want := range []string{"bridgekeeper ES256 USER_PASSWORD_AUTH", "bridgekeeper RS256 USER_SRP_AUTH", "with 3 parked"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}
