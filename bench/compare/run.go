// Package compare is the side-by-side benchmark of `make bench-compare` (issue 11): complete
// sign-ins (authorize → sign-in page → password → redirect with the code → token, with a cookie
// jar, the ID token verified with go-oidc on a sample) against Bridgekeeper `serve` in front of
// `bridgekeeper localpool`, and against OpenID providers a user could pick instead, each
// installed from its registry by the benchmark: the example provider of github.com/zitadel/oidc
// and Dex (Go module proxy), and oidc-provider (npm). Variants run in interleaved rounds; each provider
// process's CPU comes from /proc/PID/stat, memory from /proc/PID/status.
package compare

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// Options say what to measure and how much.
type Options struct {
	Bridgekeeper string   // the bridgekeeper binary (built without the race detector for figures)
	Baseline     string   // another bridgekeeper binary measured in the same rounds (before/after), or ""
	Dir          string   // scratch directory for configuration, keys and seed files
	Cache        string   // where the peers are built and installed, kept between runs
	Peers        bool     // measure zitadel/oidc and oidc-provider too
	Dex          bool     // with Peers: measure Dex too (built from the Go module proxy on first use)
	Flows        []string // Bridgekeeper's pool flows (FlowPassword, FlowSRP)
	Rounds       int      // interleaved rounds
	SignIns      int      // complete sign-ins per variant, round and concurrency (at least 4× the concurrency)
	Concurrency  []int    // sign-ins in flight, e.g. 1 and 64
	Parked       int      // sign-ins left at the sign-in page before RSS is read again (0: none)
	VerifyEvery  int      // verify every n-th ID token with go-oidc (the first always)
	WarmUp       int      // sign-ins per variant before anything is measured
	Opaque       bool     // also measure apps with opaque access tokens (password flow, not the baseline)
	Log          io.Writer

	// PeerSlack, when not 0, adds each peer (with Peers; Dex with Dex too) started once more with
	// every thread at this timer slack, e.g. 1 ms, serve's default (the peers otherwise run at the
	// slack they inherit, Linux's 50 µs), as the variants "<peer>[slack=1ms]" in the same rounds.
	PeerSlack time.Duration

	// BridgekeeperEnv, when not empty, adds the Bridgekeeper binary's serve with this extra
	// environment (NAME=VALUE, e.g. GOMAXPROCS=1) as one more variant in the same rounds,
	// compared with the same binary without it (its local pool runs without it).
	BridgekeeperEnv []string
}

// sample is one measurement: one variant, one round, one concurrency.
type sample struct {
	cpu, extra time.Duration // provider and upstream CPU per complete sign-in
	requests   float64       // requests per sign-in
	// The provider's CPU per sign-in by mode, and its threads' context switches per sign-in.
	user, system           time.Duration
	voluntary, involuntary float64
}

// Result is one variant's figures.
type Result struct {
	Variant *Variant
	samples map[int][]sample
	latency map[int]map[string][]time.Duration
}

// Memory is one process's resident set size at the benchmark's three moments.
type Memory struct {
	Process           string
	Rest, After, Park int64 // bytes: after warm-up, after the rounds, with Options.Parked sign-ins parked
	Completed         int   // sign-ins completed before After
}

// Report is everything one run measured.
type Report struct {
	Options            Options
	Results            []*Result
	Memory             []Memory
	LoadBefore, LoadAt string       // /proc/loadavg at the start and the end
	Machine            MachineTimes // the machine's CPU time from the start to the end (all processes)
	Elapsed            time.Duration
}

// Run starts every provider, measures and stops them again.
func Run(ctx context.Context, o Options) (*Report, error) {
	if o.Log == nil {
		o.Log = io.Discard
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	start := time.Now()
	rep := &Report{Options: o, LoadBefore: loadavg()}
	machine0, machineErr := ReadMachineTimes()
	variants, procs, err := startAll(ctx, o)
	defer func() {
		for _, p := range procs {
			p.stop()
		}
	}()
	if err != nil {
		return nil, err
	}
	for _, v := range variants {
		if err := v.discover(ctx); err != nil {
			return nil, err
		}
		rep.Results = append(rep.Results, &Result{Variant: v, samples: map[int][]sample{}, latency: map[int]map[string][]time.Duration{}})
	}
	fmt.Fprintf(o.Log, "warming up %d variants\n", len(variants))
	for _, v := range variants {
		if _, err := signInMany(ctx, v, o.WarmUp, 8, o.VerifyEvery); err != nil {
			return nil, err
		}
	}
	completed := map[*proc]int{}
	for _, v := range variants {
		v.count(completed, o.WarmUp)
	}
	mem := make([]Memory, len(procs))
	for i, p := range procs {
		mem[i].Process, mem[i].Rest = p.name, must(p.rss())
	}
	for r := range o.Rounds {
		fmt.Fprintf(o.Log, "round %d of %d\n", r+1, o.Rounds)
		for i := range rep.Results {
			res := rep.Results[(i+r)%len(rep.Results)] // each round starts one variant later
			for _, conc := range o.Concurrency {
				n := max(o.SignIns, 4*conc)
				s, lat, err := measure(ctx, res.Variant, n, conc, o.VerifyEvery)
				if err != nil {
					return nil, err
				}
				res.samples[conc] = append(res.samples[conc], s)
				if res.latency[conc] == nil {
					res.latency[conc] = map[string][]time.Duration{}
				}
				for k, d := range lat {
					res.latency[conc][k] = append(res.latency[conc][k], d...)
				}
				res.Variant.count(completed, n)
			}
		}
	}
	for i, p := range procs {
		mem[i].After, mem[i].Completed = must(p.rss()), completed[p]
	}
	if o.Parked > 0 {
		parked := map[*proc]bool{}
		for _, v := range variants {
			if parked[v.procs[0]] {
				continue
			}
			parked[v.procs[0]] = true
			fmt.Fprintf(o.Log, "parking %d sign-ins at %s\n", o.Parked, v.procs[0].name)
			if err := parkMany(ctx, v, o.Parked, 64); err != nil {
				return nil, err
			}
		}
		for i, p := range procs {
			mem[i].Park = must(p.rss())
		}
	}
	rep.Memory, rep.LoadAt, rep.Elapsed = mem, loadavg(), time.Since(start)
	if machine1, err := ReadMachineTimes(); err == nil && machineErr == nil {
		rep.Machine = machine1.Sub(machine0)
	}
	return rep, nil
}

// maxPeerSlack is the largest Options.PeerSlack, serve's limit too (BRIDGEKEEPER_TIMER_SLACK).
const maxPeerSlack = time.Second

// check says what is wrong with the options, before anything is started.
func (o Options) check() error {
	if o.Rounds < 1 || o.SignIns < 1 || len(o.Concurrency) == 0 {
		return errors.New("bench: rounds, sign-ins and concurrency must be positive")
	}
	if o.PeerSlack < 0 || o.PeerSlack > maxPeerSlack {
		return fmt.Errorf("bench: peer timer slack %v: want 0 (none) or up to %v", o.PeerSlack, maxPeerSlack)
	}
	if o.PeerSlack > 0 && !o.Peers {
		return errors.New("bench: a peer timer slack without the peers measures nothing")
	}
	return nil
}

// startAll starts Bridgekeeper and, with o.Peers, the peers; it returns every process started,
// also on error, so the caller stops them.
func startAll(ctx context.Context, o Options) ([]*Variant, []*proc, error) {
	variants, procs, err := startBridgekeeper(ctx, providerBridgekeeper, o.Bridgekeeper, o.Dir, o.Flows, serveTuning{opaque: o.Opaque})
	if err == nil && o.Baseline != "" {
		bv, bp, berr := startBridgekeeper(ctx, providerBaseline, o.Baseline, o.Dir, o.Flows, serveTuning{})
		variants, procs, err = append(variants, bv...), append(procs, bp...), berr
	}
	if err == nil && len(o.BridgekeeperEnv) > 0 {
		ev, ep, eerr := startBridgekeeper(ctx, envProvider(o.BridgekeeperEnv), o.Bridgekeeper, o.Dir, o.Flows, serveTuning{env: o.BridgekeeperEnv})
		variants, procs, err = append(variants, ev...), append(procs, ep...), eerr
	}
	if err != nil || !o.Peers {
		return variants, procs, err
	}
	fmt.Fprintf(o.Log, "building %s@%s and installing oidc-provider@%s under %s\n", zitadelServer, zitadelVersion, oidcProviderVersion, o.Cache)
	zbin, err := buildZitadel(ctx, o.Cache)
	if err != nil {
		return variants, procs, err
	}
	script, err := installOIDCProvider(ctx, o.Cache)
	if err != nil {
		return variants, procs, err
	}
	slacks := []time.Duration{0} // 0: the slack they inherit
	if o.PeerSlack > 0 {
		slacks = append(slacks, o.PeerSlack)
	}
	for _, slack := range slacks {
		zv, zp, err := startZitadel(ctx, zbin, o.Dir, slack)
		variants, procs = append(variants, zv...), append(procs, zp...)
		if err != nil {
			return variants, procs, err
		}
		ov, op, err := startOIDCProvider(ctx, script, o.Dir, slack)
		variants, procs = append(variants, ov...), append(procs, op...)
		if err != nil {
			return variants, procs, err
		}
	}
	if !o.Dex {
		return variants, procs, nil
	}
	fmt.Fprintf(o.Log, "building %s@%s under %s\n", dexCommand, dexVersion, o.Cache)
	dex, err := buildDex(ctx, o.Cache)
	if err != nil {
		// The oldest peer is the one most likely not to build (it needs cgo, so a C compiler):
		// the comparison goes on without it rather than not at all.
		fmt.Fprintf(o.Log, "Dex left out (-dex=false skips it): %v\n", err)
		return variants, procs, nil
	}
	for _, slack := range slacks {
		dv, dp, err := startDex(ctx, dex, o.Dir, slack)
		variants, procs = append(variants, dv...), append(procs, dp...)
		if err != nil {
			return variants, procs, err
		}
	}
	return variants, procs, nil
}

// count adds n sign-ins to each of the variant's processes.
func (v *Variant) count(completed map[*proc]int, n int) {
	for _, p := range append(slices.Clone(v.procs), v.extra...) {
		completed[p] += n
	}
}

// measure completes n sign-ins, conc at a time, and reads what the variant's processes used.
func measure(ctx context.Context, v *Variant, n, conc, verifyEvery int) (sample, map[string][]time.Duration, error) {
	use0, extra0 := usageOf(v.procs), usageOf(v.extra)
	lat, err := signInMany(ctx, v, n, conc, verifyEvery)
	if err != nil {
		return sample{}, nil, err
	}
	use, extra := usageOf(v.procs).Sub(use0), usageOf(v.extra).Sub(extra0)
	requests := 0
	for _, d := range lat {
		requests += len(d)
	}
	return sample{
		cpu:         use.CPU() / time.Duration(n),
		extra:       extra.CPU() / time.Duration(n),
		requests:    float64(requests) / float64(n),
		user:        use.User / time.Duration(n),
		system:      use.System / time.Duration(n),
		voluntary:   float64(use.Voluntary) / float64(n),
		involuntary: float64(use.Involuntary) / float64(n),
	}, lat, nil
}

// signInMany completes n sign-ins with conc workers and returns every request's time by type.
func signInMany(ctx context.Context, v *Variant, n, conc, verifyEvery int) (map[string][]time.Duration, error) {
	var mu sync.Mutex
	lat := map[string][]time.Duration{}
	err := inParallel(ctx, n, conc, func(ctx context.Context, i int) error {
		times, err := v.signIn(ctx, i == 0 || (verifyEvery > 0 && i%verifyEvery == 0))
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		for _, t := range times {
			lat[t.kind] = append(lat[t.kind], t.d)
		}
		return nil
	})
	return lat, err
}

// parkMany leaves n sign-ins at the sign-in page, conc at a time.
func parkMany(ctx context.Context, v *Variant, n, conc int) error {
	return inParallel(ctx, n, conc, func(ctx context.Context, _ int) error { return v.park(ctx) })
}

// inParallel calls do for 0 … n-1, conc calls at a time, and stops at the first error.
func inParallel(ctx context.Context, n, conc int, do func(context.Context, int) error) error {
	var wg sync.WaitGroup
	errs := make(chan error, conc)
	next := make(chan int)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range conc {
		wg.Go(func() {
			for i := range next {
				if err := do(ctx, i); err != nil {
					errs <- err
					cancel()
					return
				}
			}
		})
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return ctx.Err()
	}
}

// usageOf adds up what the processes used; a process that cannot be read counts as zero, and
// the sign-ins against it fail and say why.
func usageOf(ps []*proc) Usage {
	var sum Usage
	for _, p := range ps {
		u, _ := p.usage()
		sum = sum.Add(u)
	}
	return sum
}

func must(n int64, err error) int64 {
	if err != nil {
		return -1
	}
	return n
}

func loadavg() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
