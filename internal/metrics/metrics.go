// Package metrics exposes Bridgekeeper's Prometheus metrics on their own
// listener (metrics.listen): sign-ins by outcome, step and reason, Cognito
// calls by operation and error code, tokens issued by grant and client,
// rate-limit refusals, store latency and errors, and build information.
//
// Every label has a bounded set of values (step kinds, error kinds, operation
// names, registered client ids); usernames, addresses and other unbounded
// values never become labels. The collectors live in a Metrics value with its
// own registry, never in package-level state, and reach the instrumented parts
// through small decorators and hooks:
//
//	m := metrics.New(metrics.BuildInfo{Version: "v1.2.3"})
//	engine = m.Engine(engine)       // sign-ins started, completed, failed
//	st = m.Store(st)                // store latency and errors
//	cognito.NewAPI(ctx, cfg, cognito.WithAPIMiddleware(m.CognitoMiddleware))
package metrics

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Path is where the metrics listener serves the Prometheus text format.
const Path = "/metrics"

// namespace prefixes every metric name.
const namespace = "bridgekeeper"

// maxLabelLen bounds a label value taken from outside a fixed list (an error
// code a server returned); longer values are counted as "other".
const maxLabelLen = 64

// BuildInfo describes the running binary (the bridgekeeper_build_info metric).
type BuildInfo struct {
	Version   string
	GoVersion string // default runtime.Version()
}

// Metrics holds Bridgekeeper's collectors and the registry they are
// registered in. It is safe for concurrent use.
type Metrics struct {
	reg *prometheus.Registry

	signInsStarted   prometheus.Counter
	signInsCompleted prometheus.Counter
	signInsFailed    *prometheus.CounterVec
	cognitoCalls     *prometheus.CounterVec
	cognitoDuration  *prometheus.HistogramVec
	tokensIssued     *prometheus.CounterVec
	rateLimited      *prometheus.CounterVec
	storeDuration    *prometheus.HistogramVec
	storeErrors      *prometheus.CounterVec

	now func() time.Time
}

// New builds the collectors, registers them with Go runtime and process
// metrics in a registry of their own, and sets bridgekeeper_build_info.
func New(info BuildInfo) *Metrics {
	if info.GoVersion == "" {
		info.GoVersion = runtime.Version()
	}
	if info.Version == "" {
		info.Version = "unknown"
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		now: time.Now,
		signInsStarted: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Name: "signins_started_total",
			Help: "Sign-ins started: username and password posted and sent to Cognito.",
		}),
		signInsCompleted: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Name: "signins_completed_total",
			Help: "Sign-ins that ended with Cognito's tokens.",
		}),
		signInsFailed: counterVec("signins_failed_total",
			"Sign-in answers Cognito refused, by step (password or the step kind) and reason (error kind).", "step", "reason"),
		cognitoCalls: counterVec("cognito_requests_total",
			"Calls to the Cognito API, by operation and error code (\"\" for success), after retries.", "operation", "code"),
		cognitoDuration: histogramVec("cognito_request_duration_seconds",
			"Duration of calls to the Cognito API, retries included, by operation.",
			[]float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}, "operation"),
		tokensIssued: counterVec("tokens_issued_total",
			"Token responses issued at the token endpoint, by grant type and client id.", "grant", "client"),
		rateLimited: counterVec("rate_limited_total", "Requests refused by a rate limit, by limit.", "limit"),
		storeDuration: histogramVec("store_operation_duration_seconds", "Duration of store operations, by operation.",
			[]float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1}, "operation"),
		storeErrors: counterVec("store_errors_total",
			"Store operations that failed (a missing key is not a failure), by operation.", "operation"),
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: namespace, Name: "build_info",
		Help:        "Always 1; the labels describe the running binary.",
		ConstLabels: prometheus.Labels{"version": info.Version, "goversion": info.GoVersion},
	})
	build.Set(1)
	m.reg.MustRegister(
		m.signInsStarted, m.signInsCompleted, m.signInsFailed,
		m.cognitoCalls, m.cognitoDuration, m.tokensIssued, m.rateLimited,
		m.storeDuration, m.storeErrors, build,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

func counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: name, Help: help}, labels)
}

func histogramVec(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	return prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Name: name, Help: help, Buckets: buckets}, labels)
}

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry is the registry the collectors are registered in (for tests and
// for adding collectors).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// TokensIssued counts one token response for a grant type and a registered
// client id (the oidc provider's TokensIssued hook).
func (m *Metrics) TokensIssued(grant, clientID string) {
	m.tokensIssued.WithLabelValues(bounded(grant), bounded(clientID)).Inc()
}

// RateLimited counts one request refused by the named limit (the web
// server's RateLimited hook).
func (m *Metrics) RateLimited(limit string) {
	m.rateLimited.WithLabelValues(bounded(limit)).Inc()
}

// bounded keeps a label value short; anything longer is "other".
func bounded(v string) string {
	if len(v) > maxLabelLen {
		return "other"
	}
	return v
}

// Server serves the metrics on their own listener, apart from the pages and
// the OpenID endpoints, so they can stay on a private address.
type Server struct {
	ln  net.Listener
	srv *http.Server
}

// Listen binds addr (metrics.listen) and returns a server for the handler.
func Listen(addr string, h http.Handler) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: listen on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+Path, h)
	return &Server{ln: ln, srv: &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
	}}, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Serve serves until ctx is cancelled, then closes the listener.
func (s *Server) Serve(ctx context.Context) error {
	done := make(chan error, 1)
	go func() { done <- s.srv.Serve(s.ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("metrics: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(sctx)
	if serr := <-done; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("metrics: shutdown: %w", err)
	}
	return nil
}

// Close stops a server that was never served.
func (s *Server) Close() error { return s.ln.Close() }
