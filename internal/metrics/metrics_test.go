package metrics

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/handlers"
	"github.com/bridgekeeper/bridgekeeper/store"
)

// fakeEngine answers with fixed results; the decorator's counting is what is tested.
type fakeEngine struct {
	handlers.Engine
	res cognito.Result
	err error
}

func (f fakeEngine) Start(context.Context, cognito.StartInput) (cognito.Result, error) {
	return f.res, f.err
}

func (f fakeEngine) Answer(context.Context, cognito.State, cognito.Answer) (cognito.Result, error) {
	return f.res, f.err
}

func TestEngineCounts(t *testing.T) {
	ctx := context.Background()
	step := cognito.Result{Step: &cognito.Step{}}
	done := cognito.Result{Success: &cognito.Success{}}
	wrong := &cognito.Error{Kind: cognito.CodeMismatch}
	tests := []struct {
		name               string
		engine             fakeEngine
		answer             bool
		started, completed float64
		failedStep, reason string
	}{
		{"start to a step", fakeEngine{res: step}, false, 1, 0, "", ""},
		{"start to success", fakeEngine{res: done}, false, 1, 1, "", ""},
		{"wrong password", fakeEngine{err: &cognito.Error{Kind: cognito.WrongCredentials}}, false, 1, 0, "password", "WrongCredentials"},
		{"unclassified error", fakeEngine{err: errors.New("boom")}, false, 1, 0, "password", "Internal"},
		{"wrong code", fakeEngine{err: wrong}, true, 0, 0, "totp", "CodeMismatch"},
		{"answer to success", fakeEngine{res: done}, true, 0, 1, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := New(BuildInfo{Version: "test"})
			e := m.Engine(tc.engine)
			if tc.answer {
				_, _ = e.Answer(ctx, cognito.State{Kind: "totp"}, cognito.Answer{})
			} else {
				_, _ = e.Start(ctx, cognito.StartInput{Username: "ana", Password: "pw"})
			}
			if got := testutil.ToFloat64(m.signInsStarted); got != tc.started {
				t.Errorf("started = %v, want %v", got, tc.started)
			}
			if got := testutil.ToFloat64(m.signInsCompleted); got != tc.completed {
				t.Errorf("completed = %v, want %v", got, tc.completed)
			}
			wantFailed := 0
			if tc.failedStep != "" {
				wantFailed = 1
				if got := testutil.ToFloat64(m.signInsFailed.WithLabelValues(tc.failedStep, tc.reason)); got != 1 {
					t.Errorf("failed{%s,%s} = %v, want 1", tc.failedStep, tc.reason, got)
				}
			}
			if got := testutil.CollectAndCount(m.signInsFailed); got != wantFailed {
				t.Errorf("%d failed series, want %d", got, wantFailed)
			}
		})
	}
}

func TestStoreCounts(t *testing.T) {
	ctx := context.Background()
	m := New(BuildInfo{})
	clock := time.Unix(0, 0)
	m.now = func() time.Time { clock = clock.Add(time.Millisecond); return clock }
	mem := store.NewMemory(store.MemoryOptions{})
	st := m.Store(mem)
	if _, err := st.Get(ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get missing: %v", err)
	}
	if err := st.Set(ctx, "k", []byte("v"), 0); err == nil {
		t.Fatal("Set with ttl 0 should fail")
	}
	if _, err := st.Incr(ctx, "n", time.Minute); err != nil {
		t.Fatal(err)
	}
	if got := testutil.ToFloat64(m.storeErrors.WithLabelValues("get")); got != 0 {
		t.Errorf("a missing key counted as an error: %v", got)
	}
	if got := testutil.ToFloat64(m.storeErrors.WithLabelValues("set")); got != 1 {
		t.Errorf("set errors = %v, want 1", got)
	}
	if got := testutil.CollectAndCount(m.storeDuration); got != 3 {
		t.Errorf("%d store latency series, want 3 (get, set, incr)", got)
	}
	if err := st.Ping(ctx); err != nil {
		t.Errorf("Ping passes through: %v", err)
	}
}

func TestBoundedLabels(t *testing.T) {
	m := New(BuildInfo{})
	m.TokensIssued("authorization_code", strings.Repeat("x", 500))
	m.RateLimited("sign_in")
	if got := testutil.ToFloat64(m.tokensIssued.WithLabelValues("authorization_code", "other")); got != 1 {
		t.Errorf("a long client id was not folded into other: %v", got)
	}
	if got := testutil.ToFloat64(m.rateLimited.WithLabelValues("sign_in")); got != 1 {
		t.Errorf("rate_limited{sign_in} = %v", got)
	}
}

// metricNameRE finds Bridgekeeper metric names in queries and docs.
var metricNameRE = regexp.MustCompile(`bridgekeeper_[a-z_]+`)

// TestDocsNameEveryMetric: docs/operations.md lists exactly the registered metrics, and every
// query of the Grafana dashboard uses only registered ones.
func TestDocsNameEveryMetric(t *testing.T) {
	m := New(BuildInfo{})
	m.TokensIssued("g", "c") // vectors appear once they have a series
	m.RateLimited("l")
	m.signInsFailed.WithLabelValues("s", "r").Inc()
	m.cognitoCalls.WithLabelValues("o", "").Inc()
	m.cognitoDuration.WithLabelValues("o").Observe(1)
	m.storeDuration.WithLabelValues("o").Observe(1)
	m.storeErrors.WithLabelValues("o").Inc()
	m.StoreEntries(store.NewMemory(store.MemoryOptions{})) // registered for a memory store only
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	registered := map[string]bool{}
	for _, f := range families {
		if strings.HasPrefix(f.GetName(), namespace+"_") {
			registered[f.GetName()] = true
		}
	}
	root := filepath.Join("..", "..")
	ops, err := os.ReadFile(filepath.Join(root, "docs", "operations.md"))
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, line := range strings.Split(string(ops), "\n") {
		if strings.HasPrefix(line, "| `bridgekeeper_") {
			documented[metricNameRE.FindString(line)] = true
		}
	}
	for name := range registered {
		if !documented[name] {
			t.Errorf("docs/operations.md does not list %s", name)
		}
	}
	for name := range documented {
		if !registered[name] {
			t.Errorf("docs/operations.md lists %s, which is not registered", name)
		}
	}

	raw, err := os.ReadFile(filepath.Join(root, "docs", "grafana-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("dashboard JSON: %v", err)
	}
	if len(dash.Panels) == 0 {
		t.Fatal("the dashboard has no panels")
	}
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			for _, name := range metricNameRE.FindAllString(tg.Expr, -1) {
				if !registered[strings.TrimSuffix(name, "_bucket")] {
					t.Errorf("panel %q queries %s, which is not registered", p.Title, name)
				}
			}
		}
	}
}

func TestStoreCountsOrderedSets(t *testing.T) {
	ctx := context.Background()
	m := New(BuildInfo{})
	st := m.Store(store.NewMemory(store.MemoryOptions{}))
	if err := st.ZAdd(ctx, "z", "a", 1, time.Minute); err != nil {
		t.Fatal(err)
	}
	if got, err := st.ZRange(ctx, "z", false, 0); err != nil || len(got) != 1 {
		t.Fatalf("ZRange = %v, %v", got, err)
	}
	if _, err := st.ZTrim(ctx, "z", -1); err == nil {
		t.Fatal("ZTrim with keep -1 should fail")
	}
	if err := st.ZRem(ctx, "z", "a"); err != nil {
		t.Fatal(err)
	}
	if got := testutil.CollectAndCount(m.storeDuration); got != 4 {
		t.Fatalf("%d store latency series, want 4 (zadd, zrange, ztrim, zrem)", got)
	}
	for _, op := range []string{"zadd", "zrange", "ztrim", "zrem"} {
		want := 0.0
		if op == "ztrim" {
			want = 1
		}
		if got := testutil.ToFloat64(m.storeErrors.WithLabelValues(op)); got != want {
			t.Errorf("%s errors = %v, want %v", op, got, want)
		}
	}
}
