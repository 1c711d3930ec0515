package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

var metricsURLRE = regexp.MustCompile(`Metrics are served at (http://127\.0\.0\.1:\d+/metrics)`)

// scrape reads the metrics endpoint and returns each sample as "name{label="value",…}" → value,
// labels in the exposition's order.
func scrape(ctx context.Context, t *testing.T, url string) map[string]float64 {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	must(t, err)
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse metrics: %v", err)
	}
	out := map[string]float64{}
	for name, f := range families {
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+"="+`"`+l.GetValue()+`"`)
			}
			key := name
			if len(labels) > 0 {
				key += "{" + strings.Join(labels, ",") + "}"
			}
			out[key] = sampleValue(f.GetType(), m)
		}
	}
	return out
}

func sampleValue(typ dto.MetricType, m *dto.Metric) float64 {
	switch typ {
	case dto.MetricType_COUNTER:
		return m.GetCounter().GetValue()
	case dto.MetricType_GAUGE:
		return m.GetGauge().GetValue()
	case dto.MetricType_HISTOGRAM:
		return float64(m.GetHistogram().GetSampleCount())
	default:
		return m.GetUntyped().GetValue()
	}
}

// TestMetrics: with metrics.listen set, /metrics on its own listener shows the counters of a
// sign-in, a wrong password, a token grant, a rate-limit refusal, Cognito calls and store
// operations moving; no username appears in any label; the pages' listener does not serve it.
func TestMetrics(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.yaml")
	must(t, os.WriteFile(path, []byte("metrics: {listen: \"127.0.0.1:0\"}\nrate_limit: {sign_in_per_ip: 3, window: 1h}\n"+
		"limits: {client_auth_attempts: 1}\n"), 0o600))
	p := start(t, "demo", "--listen", "127.0.0.1:0", "--config", path)
	m := metricsURLRE.FindStringSubmatch(p.Stdout())
	if m == nil {
		t.Fatalf("the demo did not print the metrics URL:\n%s", p.Stdout())
	}
	ctx := context.Background()
	before := scrape(ctx, t, m[1])
	var build bool
	for k, v := range before {
		build = build || strings.HasPrefix(k, "bridgekeeper_build_info{") && v == 1
	}
	if !build {
		t.Error("bridgekeeper_build_info is missing")
	}

	c := newClient()
	expectAccount(t, signIn(ctx, t, c, p.BaseURL, "alice", demoPassword), "alice")
	if page := signIn(ctx, t, newClient(), p.BaseURL, "alice", "wrong-password"); page.Status != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", page.Status)
	}
	// The demo app signs in with the SSO session and redeems its code at /token.
	app, err := c.Get(ctx, p.BaseURL+"/demo/app/login")
	must(t, err)
	if app.Status != http.StatusOK || !strings.Contains(app.Text(), "alice") {
		t.Fatalf("demo app after sign-in: %d %s", app.Status, app.Text())
	}
	// The third post is allowed, the fourth refused.
	for i, want := range []int{http.StatusUnauthorized, http.StatusTooManyRequests} {
		if page := signIn(ctx, t, newClient(), p.BaseURL, "alice", "wrong-password"); page.Status != want {
			t.Fatalf("post %d: %d, want %d", i+3, page.Status, want)
		}
	}

	// The per-username limits count their refusals too: one free wrong client secret, then 429.
	for i, want := range []int{http.StatusUnauthorized, http.StatusTooManyRequests} {
		if got := postClientAuth(ctx, t, p.BaseURL+"/introspect", "demo-app", "not-the-secret").StatusCode; got != want {
			t.Fatalf("wrong client secret %d: %d, want %d", i+1, got, want)
		}
	}

	after := scrape(ctx, t, m[1])
	for _, tc := range []struct {
		key     string
		diff    float64
		atLeast bool // other requests may add to it
	}{
		{"bridgekeeper_signins_started_total", 3, false},
		{"bridgekeeper_signins_completed_total", 1, false},
		{`bridgekeeper_signins_failed_total{reason="WrongCredentials",step="password"}`, 2, false},
		{`bridgekeeper_tokens_issued_total{client="demo-app",grant="authorization_code"}`, 1, false},
		{`bridgekeeper_rate_limited_total{limit="sign_in"}`, 1, false},
		{`bridgekeeper_rate_limited_total{limit="client_auth"}`, 1, false},
		{`bridgekeeper_cognito_requests_total{code="",operation="InitiateAuth"}`, 3, false},
		{`bridgekeeper_cognito_requests_total{code="NotAuthorizedException",operation="RespondToAuthChallenge"}`, 2, false},
		{`bridgekeeper_cognito_request_duration_seconds{operation="InitiateAuth"}`, 3, false},
		{`bridgekeeper_store_operation_duration_seconds{operation="incr"}`, 4, true},
		{"bridgekeeper_store_entries", 1, true}, // the memory store: the session, its code, counters
	} {
		if got := after[tc.key] - before[tc.key]; got != tc.diff && !(tc.atLeast && got > tc.diff) {
			t.Errorf("%s moved by %v, want %v", tc.key, got, tc.diff)
		}
	}
	for k := range after {
		if strings.Contains(k, "alice") {
			t.Errorf("a username reached a label: %s", k)
		}
	}
	page, err := newClient().Get(ctx, p.BaseURL+"/metrics")
	must(t, err)
	if page.Status != http.StatusNotFound {
		t.Errorf("the pages' listener answers /metrics with %d, want 404", page.Status)
	}
}
