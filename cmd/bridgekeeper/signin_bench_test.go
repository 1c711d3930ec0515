package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/bench/compare"
	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
)

// The environment of the serve process BenchmarkSignIn starts: this test binary again, running
// `bridgekeeper serve --config $benchServeEnv` instead of the tests, with a CPU profile written
// into $benchProfileDir when it is set (for `go tool pprof`).
const (
	benchServeEnv   = "BRIDGEKEEPER_BENCH_SERVE"
	benchProfileEnv = "BRIDGEKEEPER_BENCH_PROFILE"
	benchProfileDir = "BRIDGEKEEPER_BENCH_PROFILE_DIR"
	// benchMemRateEnv sets serve's runtime.MemProfileRate (bytes per sample) while profiling;
	// unset, Go's default (512 KiB): a finer rate makes the allocation profile exact but costs
	// ≈ 10 % of the CPU profile's samples (runtime.profilealloc).
	benchMemRateEnv = "BRIDGEKEEPER_BENCH_MEMPROFILERATE"
)

func TestMain(m *testing.M) {
	if path := os.Getenv(benchServeEnv); path != "" {
		os.Exit(benchServeChild(path, os.Getenv(benchProfileEnv)))
	}
	os.Exit(m.Run())
}

// benchServeChild is the serve process of BenchmarkSignIn. With profile set, it writes its CPU
// profile there and its allocation profile next to it (.allocs) when it ends.
func benchServeChild(config, profile string) int {
	if !setTimerSlack(os.Args, os.Environ(), os.Stderr) { // as main does for serve
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if profile != "" {
		if rate := os.Getenv(benchMemRateEnv); rate != "" {
			n, err := strconv.Atoi(rate)
			if err != nil || n < 1 {
				slog.Error("memory profile rate: not a positive number of bytes", "env", benchMemRateEnv, "value", rate)
				return 1
			}
			runtime.MemProfileRate = n
		}
		f, err := os.Create(profile)
		if err != nil {
			slog.Error("cpu profile", "err", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			slog.Error("cpu profile", "err", err)
			return 1
		}
		defer func() {
			pprof.StopCPUProfile()
			if err := writeAllocsProfile(strings.TrimSuffix(profile, ".pprof") + ".allocs.pprof"); err != nil {
				slog.Error("allocation profile", "err", err)
			}
		}()
	}
	return run(ctx, []string{"serve", "--config", config}, os.Stdout, os.Stderr, os.Getenv)
}

func writeAllocsProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	return errors.Join(pprof.Lookup("allocs").WriteTo(f, 0), f.Close())
}

// BenchmarkSignIn completes whole OpenID sign-ins (authorize → sign-in page → password post →
// code → token, a fresh cookie jar each, as `make bench-compare` makes them) against a `serve`
// process with the benchmark's configuration, in front of the local pool (in this process), per
// pool flow and signing algorithm (and for the password flow with opaque access tokens too:
// ES256-opaque, RS256-opaque), one at a time and 64 in flight. serve-cpu-us/op is the serve
// process's own CPU per sign-in (what bench-compare's ratios are made of); ns/op is wall time of
// everything. It is the quick loop for comparing builds (benchstat). There is no default.pgo:
// profile-guided optimisation measured no gain here (docs/benchmarks.md, the levers table).
func BenchmarkSignIn(b *testing.B) {
	for _, flow := range []string{compare.FlowPassword, compare.FlowSRP} {
		b.Run(flow, func(b *testing.B) { benchSignIns(b, flow) })
	}
}

// benchSignIns measures sign-ins of each of flow's variants, one at a time and 64 in flight.
func benchSignIns(b *testing.B, flow string) {
	pid, variants := startBenchServe(b, flow)
	for _, v := range variants {
		b.Run(v.Label(), func(b *testing.B) {
			ctx := b.Context()
			b.ReportAllocs()
			cpu := benchCPU(b, pid)
			for b.Loop() {
				if err := v.SignIn(ctx, false); err != nil {
					b.Fatal(err)
				}
			}
			cpu()
		})
		b.Run(v.Label()+"/64-in-flight", func(b *testing.B) {
			ctx := b.Context()
			procs := runtime.GOMAXPROCS(0)
			b.SetParallelism((64 + procs - 1) / procs) // RunParallel starts this many × GOMAXPROCS
			cpu := benchCPU(b, pid)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := v.SignIn(ctx, false); err != nil {
						b.Error(err)
						return
					}
				}
			})
			cpu()
		})
	}
}

// benchCPU reads process pid's usage now; the function it returns reports what it used since,
// per operation: CPU (and the system part of it) and its threads' context switches.
func benchCPU(b *testing.B, pid int) func() {
	before, err := compare.ProcessUsage(pid)
	if err != nil {
		b.Fatal(err)
	}
	return func() {
		after, err := compare.ProcessUsage(pid)
		if err != nil {
			b.Fatal(err)
		}
		used, n := after.Sub(before), float64(b.N)
		b.ReportMetric(float64(used.CPU().Microseconds())/n, "serve-cpu-us/op")
		b.ReportMetric(float64(used.System.Microseconds())/n, "serve-sys-us/op")
		b.ReportMetric(float64(used.Voluntary)/n, "serve-vcsw/op")
		b.ReportMetric(float64(used.Involuntary)/n, "serve-ivcsw/op")
	}
}

var benchListeningRE = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)

// startBenchServe runs the local pool (seeded with compare.LocalPoolSeed) in this process and
// serve (compare.ServeConfig for flow) in a child process until the benchmark ends; it returns
// serve's process id and its variants, discovered, each with one sign-in verified.
func startBenchServe(b *testing.B, flow string) (int, []*compare.Variant) {
	b.Helper()
	dir := b.TempDir()
	ctx := b.Context()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	endpoint := "http://" + ln.Addr().String()
	poolSrv := &http.Server{
		Handler:           localpool.New(localpool.Options{Logger: slog.New(slog.DiscardHandler), Region: localPoolRegion, BaseURL: endpoint}).Handler(),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() { _ = poolSrv.Serve(ln) }() // ends with Close below
	b.Cleanup(func() { _ = poolSrv.Close() })
	seedPath := filepath.Join(dir, "seed.yaml")
	if err := os.WriteFile(seedPath, []byte(compare.LocalPoolSeed), 0o600); err != nil {
		b.Fatal(err)
	}
	seed, err := readPoolSeed(seedPath)
	if err != nil {
		b.Fatal(err)
	}
	info, err := seedLocalPool(ctx, endpoint, seed)
	if err != nil {
		b.Fatal(err)
	}
	p := info.Pools[0]
	pool := compare.LocalPool{Endpoint: endpoint, PoolID: p.ID, Issuer: p.Issuer, ClientID: p.Clients[0].ID, ClientSecret: p.Clients[0].Secret}

	keys, err := compare.WriteSigningKeys(dir)
	if err != nil {
		b.Fatal(err)
	}
	port, err := compare.FreePort()
	if err != nil {
		b.Fatal(err)
	}
	secret := rand.Text()
	cfgPath := filepath.Join(dir, "serve.yaml")
	if err := os.WriteFile(cfgPath, []byte(compare.ServeConfig(port, pool, flow, keys, secret)), 0o600); err != nil {
		b.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), benchServeEnv+"="+cfgPath)
	if d := os.Getenv(benchProfileDir); d != "" {
		cmd.Env = append(cmd.Env, benchProfileEnv+"="+filepath.Join(d, "serve-"+flow+".pprof"))
	}
	cmd.Stderr = io.Discard // serve's log, written (and so counted) but not kept
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM) // graceful: the profile is written at exit
		if err := cmd.Wait(); err != nil {
			b.Errorf("serve %s: %v", flow, err)
		}
	})
	base := ""
	sc := bufio.NewScanner(out)
	for base == "" && sc.Scan() {
		if m := benchListeningRE.FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
		}
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	if base == "" {
		b.Fatalf("serve did not say where it listens (%v)", sc.Err())
	}

	variants := compare.BridgekeeperVariants(base, flow, secret)
	for _, v := range variants {
		if err := v.Discover(ctx); err != nil {
			b.Fatal(err)
		}
		if err := v.SignIn(ctx, true); err != nil {
			b.Fatal(err)
		}
	}
	return cmd.Process.Pid, variants
}
