package localpool

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Fault kinds: what a faulty operation answers (Fault.Error).
const (
	// FaultThrottle answers Cognito's throttling error: TooManyRequestsException, "Rate
	// exceeded", HTTP 400.
	FaultThrottle = "throttle"
	// FaultInternal answers InternalErrorException, "Internal server error.", HTTP 500.
	FaultInternal = "internal"
	// FaultUnavailable answers a bare HTTP 503 without a Cognito error body, as a load balancer
	// in front of a failing service does.
	FaultUnavailable = "unavailable"
	// FaultReset closes the connection before the operation runs: nothing happened.
	FaultReset = "reset"
	// FaultResetAfter runs the operation and then closes the connection without its answer:
	// what the call did (a session used up, a code sent) stands, but the caller never hears.
	FaultResetAfter = "reset-after"
)

// FaultsPath is where a Server made with Options.Faults serves its fault switchboard: GET lists
// the faults and the calls counted per operation, PUT sets one fault ({"op": …, "error": …,
// "latency": "2s", "times": 1}), DELETE clears every fault and count.
const FaultsPath = "/_localpool/faults"

// Fault is what the local pool does to calls of one operation: wait Latency (or until the caller
// gives up), then fail with Error (one of the Fault* kinds), or answer normally when Error is
// empty. Times > 0 limits the fault to that many calls; 0 keeps it until cleared.
type Fault struct {
	Latency time.Duration
	Error   string
	Times   int
}

// faults is the fault table and the per-operation call counts of one Server.
type faults struct {
	mu    sync.Mutex
	byOp  map[string]*Fault
	calls map[string]int
	// cleared is closed (and replaced) by ClearFaults, releasing calls held by latency.
	cleared chan struct{}
}

func newFaults() *faults {
	return &faults{byOp: map[string]*Fault{}, calls: map[string]int{}, cleared: make(chan struct{})}
}

// SetFault makes every call of op (an X-Amz-Target operation name such as
// "RespondToAuthChallenge", or "*" for every operation) behave as f, replacing op's previous
// fault.
func (s *Server) SetFault(op string, f Fault) error {
	switch f.Error {
	case "", FaultThrottle, FaultInternal, FaultUnavailable, FaultReset, FaultResetAfter:
	default:
		return fmt.Errorf("localpool: unknown fault %q (want %s, %s, %s, %s or %s)", f.Error,
			FaultThrottle, FaultInternal, FaultUnavailable, FaultReset, FaultResetAfter)
	}
	if f.Latency < 0 || f.Times < 0 {
		return fmt.Errorf("localpool: fault latency and times must not be negative")
	}
	if op == "" {
		return fmt.Errorf("localpool: a fault needs an operation name (or *)")
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.byOp[op] = &f
	return nil
}

// ClearFaults removes every fault and resets the call counts; calls held by latency go on at once.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	clear(s.faults.byOp)
	clear(s.faults.calls)
	close(s.faults.cleared)
	s.faults.cleared = make(chan struct{})
}

// Calls is how many requests for op reached the pool (faulty or not) since it started or the
// faults were last cleared: the attempts a client made, retries included.
func (s *Server) Calls(op string) int {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	return s.faults.calls[op]
}

// take counts a call of op and returns the fault it meets, if any, using up one of its times,
// and the channel ClearFaults closes.
func (fs *faults) take(op string) (Fault, <-chan struct{}, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.calls[op]++
	key := op
	f, ok := fs.byOp[key]
	if !ok {
		key = "*"
		if f, ok = fs.byOp[key]; !ok {
			return Fault{}, nil, false
		}
	}
	got := *f
	if f.Times > 0 {
		if f.Times--; f.Times == 0 {
			delete(fs.byOp, key)
		}
	}
	return got, fs.cleared, true
}

// inject applies the fault f to a call before the operation runs: its latency lasts until the
// caller gives up or the faults are cleared. It reports whether the call is over (answered or
// cut); after reports whether the connection must be cut once the operation has run.
func (s *Server) inject(w http.ResponseWriter, r *http.Request, f Fault, cleared <-chan struct{}) (done, after bool) {
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-cleared:
			t.Stop()
		case <-r.Context().Done():
			t.Stop()
			return true, false // the caller gave up; nobody reads an answer
		}
	}
	switch f.Error {
	case FaultThrottle:
		writeError(w, errf("TooManyRequestsException", "Rate exceeded"))
	case FaultInternal:
		writeError(w, &apiError{Code: "InternalErrorException", Message: "Internal server error.", Status: http.StatusInternalServerError})
	case FaultUnavailable:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
	case FaultReset:
		resetConnection(w)
	case FaultResetAfter:
		return false, true
	default:
		return false, false
	}
	return true, false
}

// resetConnection closes the client's connection without an answer (a reset, as the client
// sees it).
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // HTTP/2 or a test recorder: abort the stream instead
	}
	_ = conn.Close() // the point is that the client hears nothing
}

// cutAfter wraps w so the operation's answer is never sent: the connection is closed instead.
type cutAfter struct{ http.ResponseWriter }

func (c cutAfter) Header() http.Header         { return c.ResponseWriter.Header() }
func (c cutAfter) Write(b []byte) (int, error) { return len(b), nil }
func (c cutAfter) WriteHeader(int)             {}

// faultJSON is one fault as the switchboard reads and lists it.
type faultJSON struct {
	Op      string `json:"op"`
	Error   string `json:"error,omitempty"`
	Latency string `json:"latency,omitempty"`
	Times   int    `json:"times,omitempty"`
}

// serveFaults is the fault switchboard (FaultsPath), mounted only with Options.Faults.
func (s *Server) serveFaults(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		s.faults.mu.Lock()
		out := struct {
			Faults []faultJSON    `json:"faults"`
			Calls  map[string]int `json:"calls"`
		}{Faults: []faultJSON{}, Calls: map[string]int{}}
		for op, f := range s.faults.byOp {
			fj := faultJSON{Op: op, Error: f.Error, Times: f.Times}
			if f.Latency > 0 {
				fj.Latency = f.Latency.String()
			}
			out.Faults = append(out.Faults, fj)
		}
		for op, n := range s.faults.calls {
			out.Calls[op] = n
		}
		s.faults.mu.Unlock()
		sort.Slice(out.Faults, func(i, j int) bool { return out.Faults[i].Op < out.Faults[j].Op })
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out) // the client went away
	case http.MethodPut, http.MethodPost:
		var fj faultJSON
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&fj); err != nil {
			http.Error(w, "want a JSON object: op, error, latency, times", http.StatusBadRequest)
			return
		}
		f := Fault{Error: fj.Error, Times: fj.Times}
		if fj.Latency != "" {
			d, err := time.ParseDuration(fj.Latency)
			if err != nil {
				http.Error(w, "latency: want a duration such as 2s", http.StatusBadRequest)
				return
			}
			f.Latency = d
		}
		if err := s.SetFault(strings.TrimSpace(fj.Op), f); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case http.MethodDelete:
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "GET, PUT, POST, DELETE")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}
