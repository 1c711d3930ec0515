package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
)

// The local pool's fault switchboard (localpool.FaultsPath) of a demo started with --faults, as
// tests drive it over HTTP: PUT sets a fault on one operation, DELETE clears every fault and
// count, GET lists the faults and counts the calls per operation.

// poolFaults is the switchboard of one running demo.
type poolFaults struct {
	url    string
	client *http.Client
}

// poolFault is one fault as the switchboard reads and lists it (localpool's JSON).
type poolFault struct {
	Op      string `json:"op"`
	Error   string `json:"error,omitempty"`
	Latency string `json:"latency,omitempty"`
	Times   int    `json:"times,omitempty"`
}

// poolFaultState is what GET answers: the faults set and the calls counted per operation since
// the last clear.
type poolFaultState struct {
	Faults []poolFault    `json:"faults"`
	Calls  map[string]int `json:"calls"`
}

var poolFaultsRE = regexp.MustCompile(`Pool faults \(test only\): (http://127\.0\.0\.1:\d+` + regexp.QuoteMeta(localpool.FaultsPath) + `)`)

// startFaultDemo runs the demo with --faults and, when yaml is not empty, that configuration
// file; it returns the process and its pool's switchboard.
func startFaultDemo(t *testing.T, yaml string) (*process, *poolFaults) {
	t.Helper()
	args := []string{"demo", "--listen", "127.0.0.1:0", "--faults"}
	if yaml != "" {
		path := filepath.Join(t.TempDir(), "demo.yaml")
		must(t, os.WriteFile(path, []byte(yaml), 0o600))
		args = append(args, "--config", path)
	}
	p := start(t, args...)
	m := poolFaultsRE.FindStringSubmatch(p.Stdout())
	if m == nil {
		t.Fatalf("the demo printed no fault switchboard:\n%s", p.Stdout())
	}
	return p, &poolFaults{url: m[1], client: &http.Client{Timeout: 10 * time.Second}}
}

// do sends one request to the switchboard and returns the answer's body; want is its status.
func (f *poolFaults) do(ctx context.Context, t *testing.T, method string, body any, want int) []byte {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		must(t, err)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, f.url, r)
	must(t, err)
	res, err := f.client.Do(req)
	must(t, err)
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	must(t, err)
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, f.url, res.StatusCode, want, out)
	}
	return out
}

// Set makes calls of the operation fault.Op behave as fault (PUT).
func (f *poolFaults) Set(ctx context.Context, t *testing.T, fault poolFault) {
	t.Helper()
	f.do(ctx, t, http.MethodPut, fault, http.StatusNoContent)
}

// Clear removes every fault and zeroes the call counts (DELETE).
func (f *poolFaults) Clear(ctx context.Context, t *testing.T) {
	t.Helper()
	f.do(ctx, t, http.MethodDelete, nil, http.StatusNoContent)
}

// State lists the faults set and the calls counted since the last Clear (GET).
func (f *poolFaults) State(ctx context.Context, t *testing.T) poolFaultState {
	t.Helper()
	var st poolFaultState
	if err := json.Unmarshal(f.do(ctx, t, http.MethodGet, nil, http.StatusOK), &st); err != nil {
		t.Fatalf("GET %s: %v", f.url, err)
	}
	return st
}

// Calls is how many requests for op reached the pool since the last Clear, retries included.
func (f *poolFaults) Calls(ctx context.Context, t *testing.T, op string) int {
	t.Helper()
	return f.State(ctx, t).Calls[op]
}
