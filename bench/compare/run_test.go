package compare

import (
	"strings"
	"testing"
	"time"
)

// TestOptionsCheck: Run refuses options that measure nothing or a timer slack out of range before
// it starts anything.
func TestOptionsCheck(t *testing.T) {
	ok := Options{Rounds: 1, SignIns: 4, Concurrency: []int{1}, Peers: true}
	for _, tc := range []struct {
		name string
		edit func(*Options)
		err  string // "" for none
	}{
		{name: "defaults", edit: func(*Options) {}},
		{name: "peer slack 1ms", edit: func(o *Options) { o.PeerSlack = time.Millisecond }},
		{name: "peer slack 1s", edit: func(o *Options) { o.PeerSlack = time.Second }},
		{name: "peer slack over 1s", edit: func(o *Options) { o.PeerSlack = time.Second + 1 }, err: "peer timer slack"},
		{name: "negative peer slack", edit: func(o *Options) { o.PeerSlack = -time.Millisecond }, err: "peer timer slack"},
		{name: "peer slack without peers", edit: func(o *Options) { o.PeerSlack, o.Peers = time.Millisecond, false }, err: "without the peers"},
		{name: "no rounds", edit: func(o *Options) { o.Rounds = 0 }, err: "must be positive"},
		{name: "no sign-ins", edit: func(o *Options) { o.SignIns = 0 }, err: "must be positive"},
		{name: "no concurrency", edit: func(o *Options) { o.Concurrency = nil }, err: "must be positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := ok
			tc.edit(&o)
			err := o.check()
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Errorf("check = %v, want an error with %q", err, tc.err)
			}
			if tc.err != "" {
				if _, err := Run(t.Context(), o); err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("Run = %v, want the check's error", err)
				}
			}
		})
	}
}

// TestVariantNameSlack: a peer started at a timer slack of its own says so in its name.
func TestVariantNameSlack(t *testing.T) {
	for _, tc := range []struct {
		v    Variant
		want string
	}{
		{Variant{Provider: providerDex, Alg: AlgRS256, Flow: flowPeer}, "dex RS256 password"},
		{Variant{Provider: providerDex, Alg: AlgRS256, Flow: flowPeer, Slack: time.Millisecond}, "dex[slack=1ms] RS256 password"},
		{Variant{Provider: "oidc-provider", Alg: AlgES256, Flow: flowPeer, Slack: 250 * time.Microsecond}, "oidc-provider[slack=250µs] ES256 password"},
	} {
		if got := tc.v.Name(); got != tc.want {
			t.Errorf("Name = %q, want %q", got, tc.want)
		}
	}
}
