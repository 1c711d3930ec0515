// Command bench-compare measures Bridgekeeper beside OpenID providers a user could pick
// instead (issue 11; docs/benchmarks.md explains how to read it). `make bench-compare` runs it.
//
//	bench-compare [-rounds 5] [-sign-ins 200] [-concurrency 1,64] [-parked 10000] [-peers=true] [-dex=true] [-peer-slack 1ms]
//	bench-compare -bridgekeeper-env GOMAXPROCS=1 [-bridgekeeper-env NAME=VALUE …] …
//	bench-compare -rss-curve [-rss-points 1000,10000,50000,100000] [-rss-lifetime 5s]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/bridgekeeper/bridgekeeper/bench/compare"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-compare:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	cacheRoot, err := os.UserCacheDir()
	if err != nil {
		cacheRoot = os.TempDir()
	}
	o := compare.Options{Log: os.Stderr}
	var conc, flows string
	flag.IntVar(&o.Rounds, "rounds", 5, "interleaved rounds")
	flag.IntVar(&o.SignIns, "sign-ins", 200, "complete sign-ins per variant, round and concurrency (at least 4× the concurrency)")
	flag.StringVar(&conc, "concurrency", "1,64", "sign-ins in flight, comma-separated")
	flag.StringVar(&flows, "flows", compare.FlowPassword+","+compare.FlowSRP, "Bridgekeeper's pool flows, comma-separated")
	flag.IntVar(&o.Parked, "parked", 10000, "sign-ins left at the sign-in page before memory is read again (0: skip)")
	flag.IntVar(&o.VerifyEvery, "verify-every", 20, "verify every n-th ID token with go-oidc")
	flag.IntVar(&o.WarmUp, "warm-up", 64, "sign-ins per variant before anything is measured")
	flag.BoolVar(&o.Opaque, "opaque", true, "also measure Bridgekeeper apps with opaque access tokens (USER_PASSWORD_AUTH, ES256 and RS256; not the -baseline build)")
	flag.BoolVar(&o.Peers, "peers", true, "measure zitadel/oidc's example provider and oidc-provider too")
	flag.BoolVar(&o.Dex, "dex", true, "with -peers: measure Dex v2.13.0 too (RS256 only)")
	flag.DurationVar(&o.PeerSlack, "peer-slack", 0, "with -peers: also run each peer with every thread at this timer slack (e.g. 1ms, serve's default; the peers otherwise inherit Linux's 50µs), as the variants <peer>[slack=1ms] in the same rounds (0: not)")
	flag.StringVar(&o.Cache, "cache", filepath.Join(cacheRoot, "bridgekeeper-bench"), "where the peers are built and installed")
	flag.StringVar(&o.Bridgekeeper, "bridgekeeper", "", "the bridgekeeper binary (default: built from this checkout)")
	flag.StringVar(&o.Baseline, "baseline", "", "another bridgekeeper binary to measure in the same rounds, e.g. main's before a change")
	flag.Func("bridgekeeper-env", "NAME=VALUE (repeatable): also measure the -bridgekeeper binary's serve with this extra environment, as the variant bridgekeeper[NAME=VALUE] in the same rounds beside the binary without it (e.g. GOMAXPROCS=1: not the default, it caps serve at one core)", func(v string) error {
		name, _, ok := strings.Cut(v, "=")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return fmt.Errorf("%q is not NAME=VALUE", v)
		}
		o.BridgekeeperEnv = append(o.BridgekeeperEnv, v)
		return nil
	})
	rssCurve := flag.Bool("rss-curve", false, "instead of the comparison: serve's memory as completed sign-ins grow (-rss-points), with short lifetimes (-rss-lifetime), at the largest -concurrency")
	rssPoints := flag.String("rss-points", "1000,10000,50000,100000", "with -rss-curve: completed sign-ins at which memory is read, comma-separated")
	rssLifetime := flag.Duration("rss-lifetime", 5*time.Second, "with -rss-curve: the code, SSO session and access token lifetime and the sign-in rate-limit window (replay markers live ten times it)")
	flag.Parse()
	if o.Concurrency, err = positiveList("-concurrency", conc); err != nil {
		return err
	}
	o.Flows = strings.Split(flows, ",")
	var points []int
	if *rssCurve {
		if points, err = positiveList("-rss-points", *rssPoints); err != nil {
			return err
		}
		if !slices.IsSorted(points) {
			return fmt.Errorf("-rss-points: %q is not in ascending order", *rssPoints)
		}
	}
	dir, err := os.MkdirTemp("", "bench-compare-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	o.Dir = dir
	if o.Bridgekeeper == "" {
		// Not dir/bridgekeeper: that is the Bridgekeeper processes' own scratch directory.
		o.Bridgekeeper = filepath.Join(dir, "bin", "bridgekeeper")
		fmt.Fprintln(os.Stderr, "building bridgekeeper")
		cmd := exec.CommandContext(ctx, "go", "build", "-o", o.Bridgekeeper, "./cmd/bridgekeeper")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build ./cmd/bridgekeeper: %w", err)
		}
	}
	if *rssCurve {
		curve, err := compare.RunCurve(ctx, compare.CurveOptions{
			Bridgekeeper: o.Bridgekeeper, Dir: o.Dir, Points: points, Concurrency: slices.Max(o.Concurrency),
			Lifetime: *rssLifetime, VerifyEvery: o.VerifyEvery, WarmUp: o.WarmUp, Log: os.Stderr,
		})
		if err != nil {
			return err
		}
		curve.Print(os.Stdout)
		return nil
	}
	rep, err := compare.Run(ctx, o)
	if err != nil {
		return err
	}
	rep.Print(os.Stdout)
	return nil
}

// positiveList parses a comma-separated list of positive numbers (the flag named name).
func positiveList(name, list string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: %q is not a positive number", name, f)
		}
		out = append(out, n)
	}
	return out, nil
}
