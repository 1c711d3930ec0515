package compare

import (
	"strings"
	"testing"
	"time"
)

// TestRatioRowsPairs checks which variants the report puts side by side: each Bridgekeeper
// variant with the peers of its algorithm, with Dex whatever the algorithm (it signs RS256 only
// and the targets are its figures), and with the baseline build's same flow and
// algorithm, an opaque-token variant also with the same build's JWT variant (and not with the
// baseline's: that ratio would mix two changes, the build and the token format), and the same
// binary with extra environment beside it without (and not as a peer), a peer run at a timer
// slack of its own beside Bridgekeeper as a peer and beside itself at the inherited slack; and
// that each ratio is the round's own.
func TestRatioRowsPairs(t *testing.T) {
	result := func(provider, alg, flow string, ms ...float64) *Result {
		r := &Result{Variant: &Variant{Provider: provider, Alg: alg, Flow: flow}, samples: map[int][]sample{}}
		for _, m := range ms {
			r.samples[1] = append(r.samples[1], sample{cpu: time.Duration(m * float64(time.Millisecond))})
		}
		return r
	}
	opaque := result(providerBridgekeeper, AlgRS256, FlowPassword, 1.5, 1.5)
	opaque.Variant.Opaque = true
	dexSlack := result(providerDex, AlgRS256, flowPeer, 1, 1)
	dexSlack.Variant.Slack = time.Millisecond
	rep := &Report{Options: Options{Concurrency: []int{1}}, Results: []*Result{
		result(providerBridgekeeper, AlgES256, FlowPassword, 1, 2),
		result(providerBridgekeeper, AlgRS256, FlowPassword, 3, 3),
		opaque,
		result(providerBaseline, AlgES256, FlowPassword, 2, 2),
		result(providerBaseline, AlgES256, FlowSRP, 9, 9),
		result(providerBaseline, AlgRS256, FlowPassword, 6, 2),
		result("oidc-provider", AlgES256, flowPeer, 4, 4),
		result("zitadel", AlgRS256, flowPeer, 1, 1),
		result(providerDex, AlgRS256, flowPeer, 2, 1),
		dexSlack,
		result(envProvider([]string{"GOMAXPROCS=1"}), AlgES256, FlowPassword, 0.5, 1.5),
	}}
	want := []string{
		"bridgekeeper ES256 USER_PASSWORD_AUTH\tbaseline ES256 USER_PASSWORD_AUTH\t1.00 [0.50–1.00]",
		"bridgekeeper ES256 USER_PASSWORD_AUTH\toidc-provider ES256\t0.50 [0.25–0.50]",
		"bridgekeeper ES256 USER_PASSWORD_AUTH\tdex RS256\t2.00 [0.50–2.00]",
		"bridgekeeper ES256 USER_PASSWORD_AUTH\tdex[slack=1ms] RS256\t2.00 [1.00–2.00]",
		"bridgekeeper RS256 USER_PASSWORD_AUTH\tbaseline RS256 USER_PASSWORD_AUTH\t1.50 [0.50–1.50]",
		"bridgekeeper RS256 USER_PASSWORD_AUTH\tzitadel RS256\t3.00 [3.00–3.00]",
		"bridgekeeper RS256 USER_PASSWORD_AUTH\tdex RS256\t3.00 [1.50–3.00]",
		"bridgekeeper RS256 USER_PASSWORD_AUTH\tdex[slack=1ms] RS256\t3.00 [3.00–3.00]",
		"bridgekeeper RS256-opaque USER_PASSWORD_AUTH\tbridgekeeper RS256 USER_PASSWORD_AUTH\t0.50 [0.50–0.50]",
		"bridgekeeper RS256-opaque USER_PASSWORD_AUTH\tzitadel RS256\t1.50 [1.50–1.50]",
		"bridgekeeper RS256-opaque USER_PASSWORD_AUTH\tdex RS256\t1.50 [0.75–1.50]",
		"bridgekeeper RS256-opaque USER_PASSWORD_AUTH\tdex[slack=1ms] RS256\t1.50 [1.50–1.50]",
		"dex[slack=1ms] RS256\tdex RS256\t1.00 [0.50–1.00]",
		"bridgekeeper[GOMAXPROCS=1] ES256 USER_PASSWORD_AUTH\tbridgekeeper ES256 USER_PASSWORD_AUTH\t0.75 [0.50–0.75]",
	}
	got := rep.ratioRows()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("ratio rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSplitColumns checks the user/system and context-switch columns: each the median of the
// rounds, the system share of their medians, and a dash where nothing was measured.
func TestSplitColumns(t *testing.T) {
	ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
	res := &Result{samples: map[int][]sample{1: {
		{user: ms(0.9), system: ms(0.3), voluntary: 40, involuntary: 2},
		{user: ms(0.6), system: ms(0.4), voluntary: 30, involuntary: 1},
		{user: ms(0.75), system: ms(0.25), voluntary: 50, involuntary: 3},
	}}}
	got := res.splitColumns([]int{1, 64})
	want := "\t0.75 / 0.30 (29 %)\t40.0 / 2.0\t–\t–"
	if got != want {
		t.Errorf("splitColumns = %q, want %q", got, want)
	}
}

func TestScratchName(t *testing.T) {
	for name, want := range map[string]string{
		providerBaseline: providerBaseline,
		envProvider([]string{"GOMAXPROCS=1", "GODEBUG=a=1,b=2"}): "bridgekeeper_GOMAXPROCS_1_GODEBUG_a_1_b_2_",
	} {
		if got := scratchName(name); got != want {
			t.Errorf("scratchName(%q) = %q, want %q", name, got, want)
		}
	}
}
