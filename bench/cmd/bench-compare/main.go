// Command bench-compare measures Bridgekeeper beside two OpenID providers a user could pick
// instead (issue 11; docs/benchmarks.md explains how to read it). `make bench-compare` runs it.
//
//	bench-compare [-rounds 5] [-sign-ins 200] [-concurrency 1,64] [-parked 10000] [-peers=true]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

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
	flag.BoolVar(&o.Peers, "peers", true, "measure zitadel/oidc's example provider and oidc-provider too")
	flag.StringVar(&o.Cache, "cache", filepath.Join(cacheRoot, "bridgekeeper-bench"), "where the peers are built and installed")
	flag.StringVar(&o.Bridgekeeper, "bridgekeeper", "", "the bridgekeeper binary (default: built from this checkout)")
	flag.StringVar(&o.Baseline, "baseline", "", "another bridgekeeper binary to measure in the same rounds, e.g. main's before a change")
	flag.Parse()
	for f := range strings.SplitSeq(conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fmt.Errorf("-concurrency: %q is not a positive number", f)
		}
		o.Concurrency = append(o.Concurrency, n)
	}
	o.Flows = strings.Split(flows, ",")
	dir, err := os.MkdirTemp("", "bench-compare-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	o.Dir = dir
	if o.Bridgekeeper == "" {
		o.Bridgekeeper = filepath.Join(dir, "bridgekeeper")
		fmt.Fprintln(os.Stderr, "building bridgekeeper")
		cmd := exec.CommandContext(ctx, "go", "build", "-o", o.Bridgekeeper, "./cmd/bridgekeeper")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build ./cmd/bridgekeeper: %w", err)
		}
	}
	rep, err := compare.Run(ctx, o)
	if err != nil {
		return err
	}
	rep.Print(os.Stdout)
	return nil
}
