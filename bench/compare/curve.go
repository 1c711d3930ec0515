package compare

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// CurveOptions say how the memory curve (`bench-compare -rss-curve`) is run: one Bridgekeeper
// `serve` (USER_PASSWORD_AUTH, ES256, a client without offline_access) whose codes, SSO sessions,
// tokens and sign-in rate-limit window last Lifetime, signed in to until each of Points sign-ins
// have completed.
type CurveOptions struct {
	Bridgekeeper string        // the bridgekeeper binary
	Dir          string        // scratch directory
	Points       []int         // completed sign-ins at which it reads memory, ascending
	Concurrency  int           // sign-ins in flight
	Lifetime     time.Duration // code, SSO session and access token lifetime
	VerifyEvery  int           // verify every n-th ID token with go-oidc (the first always)
	WarmUp       int           // sign-ins before the baseline is read
	Log          io.Writer
}

// CurvePoint is what serve held after SignIns completed sign-ins: while they were still coming
// (Live*) and once everything they left had expired (the rest).
type CurvePoint struct {
	SignIns     int
	Elapsed     time.Duration // spent signing in so far (the waits for expiry left out)
	LiveEntries int64         // memory store entries right after the last of them
	LiveRSS     int64         // VmRSS then, bytes
	Entries     int64         // store entries once their lifetimes had passed
	HeapInUse   int64         // Go heap in use (spans holding objects) after a garbage collection that followed
	HeapGoal    int64         // that collection's heap goal: about three times the heap it found live (serve's default GC percent 200, unless GOGC is set)
	RSS         int64         // VmRSS then, bytes
}

// Curve is everything one memory-curve run measured.
type Curve struct {
	Options            CurveOptions
	Rest               CurvePoint // after warm-up
	Points             []CurvePoint
	LoadBefore, LoadAt string
	Elapsed            time.Duration
}

// maxGCScrapes bounds how many metric scrapes waitForGC makes to see a collection.
const maxGCScrapes = 20_000

// RunCurve starts the local pool and one serve, and measures serve's memory at each point.
func RunCurve(ctx context.Context, o CurveOptions) (*Curve, error) {
	if o.Log == nil {
		o.Log = io.Discard
	}
	if len(o.Points) == 0 || o.Concurrency < 1 || o.Lifetime <= 0 {
		return nil, errors.New("bench: the curve needs points, a positive concurrency and a lifetime")
	}
	start := time.Now()
	c := &Curve{Options: o, LoadBefore: loadavg()}
	variants, procs, err := startBridgekeeper(ctx, providerBridgekeeper, o.Bridgekeeper, o.Dir, []string{FlowPassword},
		serveTuning{metrics: true, lifetime: o.Lifetime})
	defer func() {
		for _, p := range procs {
			p.stop()
		}
	}()
	if err != nil {
		return nil, err
	}
	var v *Variant
	for _, cand := range variants {
		if cand.Alg == AlgES256 {
			v = cand
		}
	}
	if err := v.discover(ctx); err != nil {
		return nil, err
	}
	if _, err := signInMany(ctx, v, o.WarmUp, 8, o.VerifyEvery); err != nil {
		return nil, err
	}
	wait := 10*o.Lifetime + time.Second // the longest lifetime (a replay marker's), and a margin
	if o.WarmUp == 0 {
		wait = 0
	}
	if c.Rest, err = v.settled(ctx, wait); err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Log, "at rest: %d store entries, heap in use %s MiB, heap goal %s MiB, VmRSS %s MiB\n", c.Rest.Entries, mib(c.Rest.HeapInUse), mib(c.Rest.HeapGoal), mib(c.Rest.RSS))
	var signing time.Duration // time spent signing in, the waits for expiry left out
	done := 0
	for _, target := range o.Points {
		for done < target {
			n := min(target-done, 5_000)
			t0 := time.Now()
			if _, err := signInMany(ctx, v, n, o.Concurrency, o.VerifyEvery); err != nil {
				return nil, err
			}
			done, signing = done+n, signing+time.Since(t0)
			fmt.Fprintf(o.Log, "%d sign-ins completed (%s)\n", done, signing.Round(time.Second))
		}
		pt := CurvePoint{SignIns: done, Elapsed: signing}
		m, err := v.scrape(ctx)
		if err != nil {
			return nil, err
		}
		pt.LiveEntries = int64(m["bridgekeeper_store_entries"])
		pt.LiveRSS = must(v.procs[0].rss())
		ended, err := v.settled(ctx, 10*o.Lifetime+time.Second)
		if err != nil {
			return nil, err
		}
		pt.Entries, pt.HeapInUse, pt.HeapGoal, pt.RSS = ended.Entries, ended.HeapInUse, ended.HeapGoal, ended.RSS
		fmt.Fprintf(o.Log, "  live: %d entries, VmRSS %s MiB; ended: %d entries, heap in use %s MiB, heap goal %s MiB, VmRSS %s MiB\n",
			pt.LiveEntries, mib(pt.LiveRSS), pt.Entries, mib(pt.HeapInUse), mib(pt.HeapGoal), mib(pt.RSS))
		c.Points = append(c.Points, pt)
	}
	c.LoadAt, c.Elapsed = loadavg(), time.Since(start)
	return c, nil
}

// settled waits for what the sign-ins so far left behind to expire, then for a garbage
// collection after the store reclaimed it, and reads serve's memory.
func (v *Variant) settled(ctx context.Context, wait time.Duration) (CurvePoint, error) {
	select {
	case <-time.After(wait):
	case <-ctx.Done():
		return CurvePoint{}, ctx.Err()
	}
	m, err := v.scrape(ctx) // reading the entry gauge reclaims the expired entries
	if err != nil {
		return CurvePoint{}, err
	}
	entries := int64(m["bridgekeeper_store_entries"])
	if m, err = v.waitForGC(ctx, m["go_gc_duration_seconds_count"]); err != nil {
		return CurvePoint{}, err
	}
	return CurvePoint{
		Entries: entries, HeapInUse: int64(m["go_memstats_heap_inuse_bytes"]), HeapGoal: int64(m["go_memstats_next_gc_bytes"]),
		RSS: must(v.procs[0].rss()),
	}, nil
}

// waitForGC scrapes the metrics (each scrape makes a little garbage in serve) until serve has
// completed a garbage collection since the count gcs, and returns the scrape after it.
func (v *Variant) waitForGC(ctx context.Context, gcs float64) (map[string]float64, error) {
	for range maxGCScrapes {
		m, err := v.scrape(ctx)
		if err != nil {
			return nil, err
		}
		if m["go_gc_duration_seconds_count"] > gcs {
			return m, nil
		}
	}
	return nil, fmt.Errorf("%s: no garbage collection within %d metric scrapes", v.Name(), maxGCScrapes)
}

// scrape reads serve's metrics listener: the value of each sample without labels, by name.
func (v *Variant) scrape(ctx context.Context) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.metricsURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := v.transport.RoundTrip(req)
	if err != nil {
		return nil, fmt.Errorf("%s: metrics: %w", v.Name(), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: metrics answered %d", v.Name(), resp.StatusCode)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), " ")
		if !ok || strings.HasPrefix(name, "#") || strings.Contains(name, "{") {
			continue
		}
		if f, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
			out[name] = f
		}
	}
	return out, sc.Err()
}

// Print writes the curve as a table.
func (c *Curve) Print(w io.Writer) {
	o := c.Options
	fmt.Fprintf(w, "bench-compare -rss-curve: Bridgekeeper serve, %s ES256, a client without offline_access, lifetimes %s (replay markers %s), %d in flight, %s\n",
		FlowPassword, o.Lifetime, 10*o.Lifetime, o.Concurrency, c.Elapsed.Round(time.Second))
	fmt.Fprintf(w, "load average before: %s, after: %s\n\n", c.LoadBefore, c.LoadAt)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "completed sign-ins\tsign-ins/s\twhile signing in: store entries\tVmRSS MiB\tonce ended: store entries\tGo heap in use MiB\theap goal MiB\tVmRSS MiB")
	fmt.Fprintf(tw, "0 (after %d warm-up)\t–\t–\t–\t%d\t%s\t%s\t%s\n", o.WarmUp, c.Rest.Entries, mib(c.Rest.HeapInUse), mib(c.Rest.HeapGoal), mib(c.Rest.RSS))
	for _, p := range c.Points {
		fmt.Fprintf(tw, "%d\t%.0f\t%d\t%s\t%d\t%s\t%s\t%s\n", p.SignIns, float64(p.SignIns)/p.Elapsed.Seconds(),
			p.LiveEntries, mib(p.LiveRSS), p.Entries, mib(p.HeapInUse), mib(p.HeapGoal), mib(p.RSS))
	}
	_ = tw.Flush()
}
