package compare

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Print writes the report as tables: CPU per sign-in, the ratios to the peers, latency per
// request type, and memory.
func (r *Report) Print(w io.Writer) {
	o := r.Options
	fmt.Fprintf(w, "bench-compare: %d rounds, %d sign-ins per variant, round and concurrency (at least 4× the concurrency), concurrency %v, %s\n",
		o.Rounds, o.SignIns, o.Concurrency, r.Elapsed.Round(time.Second))
	fmt.Fprintf(w, "load average before: %s, after: %s\n", r.LoadBefore, r.LoadAt)
	fmt.Fprintf(w, "CPU time of the machine during the run (every process): %s\n\n", r.Machine)

	fmt.Fprintln(w, "Provider CPU per complete sign-in, ms: median of the rounds [min–max]")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := "variant"
	for _, c := range o.Concurrency {
		head += fmt.Sprintf("\t%d in flight", c)
	}
	for _, c := range o.Concurrency {
		head += fmt.Sprintf("\tupstream, %d in flight", c)
	}
	fmt.Fprintln(tw, head+"\trequests")
	for _, res := range r.Results {
		line := res.Variant.Name()
		for _, c := range o.Concurrency {
			line += "\t" + spread(res.cpu(c))
		}
		for _, c := range o.Concurrency {
			if len(res.Variant.extra) == 0 {
				line += "\t–"
				continue
			}
			line += "\t" + spread(res.extra(c))
		}
		fmt.Fprintf(tw, "%s\t%.1f\n", line, res.samples[o.Concurrency[0]][0].requests)
	}
	_ = tw.Flush()

	fmt.Fprintln(w, "\nProvider CPU by mode and its threads' context switches (voluntary / involuntary), per complete sign-in: median of the rounds")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head = "variant"
	for _, c := range o.Concurrency {
		head += fmt.Sprintf("\t%d in flight: user / system, ms\tswitches", c)
	}
	fmt.Fprintln(tw, head)
	for _, res := range r.Results {
		fmt.Fprintln(tw, res.Variant.Name()+res.splitColumns(o.Concurrency))
	}
	_ = tw.Flush()

	if ratios := r.ratioRows(); len(ratios) > 0 {
		fmt.Fprintln(w, "\nBridgekeeper / peer, CPU per sign-in, each round's own ratio: median [min–max]")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		head = "variant\tpeer"
		for _, c := range o.Concurrency {
			head += fmt.Sprintf("\t%d in flight", c)
		}
		fmt.Fprintln(tw, head)
		for _, row := range ratios {
			fmt.Fprintln(tw, row)
		}
		_ = tw.Flush()
	}

	fmt.Fprintln(w, "\nLatency per request type, ms: p50 / p99")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "variant\tin flight\t"+strings.Join(requestTypes, "\t"))
	for _, res := range r.Results {
		for _, c := range o.Concurrency {
			line := fmt.Sprintf("%s\t%d", res.Variant.Name(), c)
			for _, k := range requestTypes {
				d := res.latency[c][k]
				if len(d) == 0 {
					line += "\t–"
					continue
				}
				line += fmt.Sprintf("\t%s / %s", ms(percentile(d, 50)), ms(percentile(d, 99)))
			}
			fmt.Fprintln(tw, line)
		}
	}
	_ = tw.Flush()

	fmt.Fprintln(w, "\nResident memory (VmRSS), MiB")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "process\tat rest\tafter its sign-ins\twith %d parked\tper parked sign-in\n", o.Parked)
	for _, m := range r.Memory {
		parked, per := "–", "–"
		if o.Parked > 0 {
			parked = mib(m.Park)
			per = fmt.Sprintf("%+.2f KiB", float64(m.Park-m.After)/1024/float64(o.Parked))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s (%d)\t%s\t%s\n", m.Process, mib(m.Rest), mib(m.After), m.Completed, parked, per)
	}
	_ = tw.Flush()
}

// ratioRows compares each Bridgekeeper variant with each peer variant of the same algorithm (and
// with Dex, whatever the algorithm: it signs RS256 only and the targets are its figures),
// with the baseline build's variant of the same algorithm and flow, and puts an opaque-token
// variant beside the same build's JWT variant and the variant run with extra environment beside
// the one without it, round by round (the rounds interleave, so a round's ratio saw the same
// machine load). A row beside Bridgekeeper itself differs in one thing only: the build, the
// client's access token format or serve's environment (an opaque app is never put beside the
// baseline build, which differs in both the build and the format). A peer run at a timer slack
// of its own (Options.PeerSlack) is a peer like the others beside Bridgekeeper, and is put beside
// the same peer and algorithm at the slack it inherited.
func (r *Report) ratioRows() []string {
	var rows []string
	for _, bk := range r.Results {
		b := bk.Variant
		if b.Provider != providerBridgekeeper && !isEnvProvider(b.Provider) && b.Slack == 0 {
			continue
		}
		for _, peer := range r.Results {
			p := peer.Variant
			var comparable bool
			switch {
			case b.Slack > 0: // a peer beside itself at the slack it inherited
				comparable = p.Provider == b.Provider && p.Alg == b.Alg && p.Slack == 0
			case isEnvProvider(b.Provider): // beside the same binary without the environment
				comparable = p.Provider == providerBridgekeeper && !p.Opaque && p.Flow == b.Flow && p.Alg == b.Alg
			case b.Opaque && p.Provider == providerBridgekeeper: // beside the same build's JWT variant
				comparable = !p.Opaque && p.Flow == b.Flow && p.Alg == b.Alg
			case p.Provider == providerBaseline: // one change: the build (an opaque app is beside its own build's JWT app only)
				comparable = !b.Opaque && p.Flow == b.Flow && p.Alg == b.Alg
			default: // Dex signs RS256 only: the targets put every algorithm beside it
				comparable = p.Provider != providerBridgekeeper && !isEnvProvider(p.Provider) && (p.Alg == b.Alg || p.Provider == providerDex)
			}
			if !comparable {
				continue
			}
			name := p.provider() + " " + p.Alg
			if p.Flow != flowPeer {
				name = p.Name() // a Bridgekeeper run: its flow too
			}
			row := b.Name() + "\t" + name
			if b.Slack > 0 {
				row = b.provider() + " " + b.Alg + "\t" + name
			}
			for _, c := range r.Options.Concurrency {
				var ratios []float64
				for i, s := range bk.samples[c] {
					if i < len(peer.samples[c]) && peer.samples[c][i].cpu > 0 {
						ratios = append(ratios, float64(s.cpu)/float64(peer.samples[c][i].cpu))
					}
				}
				row += "\t" + spreadFloat(ratios, "%.2f")
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// splitColumns are the result's user and system CPU (with the system share) and context
// switches per sign-in at each concurrency, each the median of the rounds.
func (res *Result) splitColumns(concurrency []int) string {
	var line string
	for _, c := range concurrency {
		var user, system []float64
		for _, s := range res.samples[c] {
			user = append(user, float64(s.user)/float64(time.Millisecond))
			system = append(system, float64(s.system)/float64(time.Millisecond))
		}
		if len(user) == 0 {
			line += "\t–\t–"
			continue
		}
		u, sys := median(user), median(system)
		share := 0.0
		if u+sys > 0 {
			share = 100 * sys / (u + sys)
		}
		vol, invol := res.Switches(c)
		line += fmt.Sprintf("\t%.2f / %.2f (%.0f %%)\t%.1f / %.1f", u, sys, share, vol, invol)
	}
	return line
}

// median is the middle value of f (of two middle values the upper, as spreadFloat's); f is not
// empty.
func median(f []float64) float64 {
	s := slices.Clone(f)
	slices.Sort(s)
	return s[len(s)/2]
}

func (res *Result) cpu(conc int) []time.Duration {
	var out []time.Duration
	for _, s := range res.samples[conc] {
		out = append(out, s.cpu)
	}
	return out
}

func (res *Result) extra(conc int) []time.Duration {
	var out []time.Duration
	for _, s := range res.samples[conc] {
		out = append(out, s.extra)
	}
	return out
}

// CPU returns the median provider CPU per sign-in at a concurrency (for tests and callers).
func (res *Result) CPU(conc int) time.Duration { return percentile(res.cpu(conc), 50) }

// Switches returns the median context switches per sign-in of the provider's threads at a
// concurrency, voluntary and involuntary.
func (res *Result) Switches(conc int) (voluntary, involuntary float64) {
	var vol, invol []float64
	for _, s := range res.samples[conc] {
		vol, invol = append(vol, s.voluntary), append(invol, s.involuntary)
	}
	if len(vol) == 0 {
		return 0, 0
	}
	return median(vol), median(invol)
}

// SignIns returns how many measured sign-ins completed at a concurrency.
func (res *Result) SignIns(conc int) int { return len(res.latency[conc][reqToken]) }

func spread(d []time.Duration) string {
	f := make([]float64, len(d))
	for i, x := range d {
		f[i] = float64(x) / float64(time.Millisecond)
	}
	return spreadFloat(f, "%.2f")
}

func spreadFloat(f []float64, format string) string {
	if len(f) == 0 {
		return "–"
	}
	med, lo, hi := median(f), slices.Min(f), slices.Max(f)
	if len(f) == 1 {
		return fmt.Sprintf(format, med)
	}
	return fmt.Sprintf(format+" ["+format+"–"+format+"]", med, lo, hi)
}

func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }

func mib(b int64) string {
	if b < 0 {
		return "?"
	}
	return fmt.Sprintf("%.1f", float64(b)/(1<<20))
}
