package metrics

import (
	"context"
	"errors"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go"
	smithymiddleware "github.com/aws/smithy-go/middleware"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/handlers"
	"github.com/bridgekeeper/bridgekeeper/store"
)

// stepPassword is the step label of a sign-in's first answer (username and
// password), which has no step kind of its own.
const stepPassword = "password"

// Engine wraps a sign-in engine so that starting, completing and failing a
// sign-in are counted. Methods it does not instrument pass through.
func (m *Metrics) Engine(e handlers.Engine) handlers.Engine {
	return &engine{Engine: e, m: m}
}

type engine struct {
	handlers.Engine
	m *Metrics
}

func (e *engine) Start(ctx context.Context, in cognito.StartInput) (cognito.Result, error) {
	e.m.signInsStarted.Inc()
	res, err := e.Engine.Start(ctx, in)
	e.m.outcome(stepPassword, res, err)
	return res, err
}

func (e *engine) Answer(ctx context.Context, st cognito.State, a cognito.Answer) (cognito.Result, error) {
	res, err := e.Engine.Answer(ctx, st, a)
	e.m.outcome(string(st.Kind), res, err)
	return res, err
}

// outcome counts what one engine call ended in: success, a failure with its
// error kind, or (a next step) nothing.
func (m *Metrics) outcome(step string, res cognito.Result, err error) {
	switch {
	case err != nil:
		reason := cognito.Internal.String()
		var ce *cognito.Error
		if errors.As(err, &ce) {
			reason = ce.Kind.String()
		}
		m.signInsFailed.WithLabelValues(bounded(step), reason).Inc()
	case res.Success != nil:
		m.signInsCompleted.Inc()
	}
}

// CognitoMiddleware adds the Cognito call metrics to an AWS SDK client's
// middleware stack (cognito.WithAPIMiddleware). It sits in the initialize
// step, after the SDK has named the operation and before the retry loop, so
// one call is counted once with its final outcome, retries included.
func (m *Metrics) CognitoMiddleware(stack *smithymiddleware.Stack) error {
	return stack.Initialize.Add(smithymiddleware.InitializeMiddlewareFunc("BridgekeeperMetrics",
		func(ctx context.Context, in smithymiddleware.InitializeInput, next smithymiddleware.InitializeHandler) (smithymiddleware.InitializeOutput, smithymiddleware.Metadata, error) {
			op := bounded(awsmiddleware.GetOperationName(ctx))
			t0 := m.now()
			out, md, err := next.HandleInitialize(ctx, in)
			m.cognitoDuration.WithLabelValues(op).Observe(m.now().Sub(t0).Seconds())
			m.cognitoCalls.WithLabelValues(op, errorCode(err)).Inc()
			return out, md, err
		}), smithymiddleware.After)
}

// errorCode is Cognito's error code for err, "" for success, or "transport"
// when no answer came back.
func errorCode(err error) string {
	if err == nil {
		return ""
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return bounded(ae.ErrorCode())
	}
	return "transport"
}

// Store wraps a store so that each operation's latency and failures are
// recorded. A missing key (store.ErrNotFound) is an answer, not a failure.
// Methods it does not instrument pass through.
func (m *Metrics) Store(s store.Store) store.Store {
	return &instrumentedStore{Store: s, m: m}
}

type instrumentedStore struct {
	store.Store
	m *Metrics
}

// observe records one operation that started at t0 and ended with err.
func (s *instrumentedStore) observe(op string, t0 time.Time, err error) {
	s.m.storeDuration.WithLabelValues(op).Observe(s.m.now().Sub(t0).Seconds())
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.m.storeErrors.WithLabelValues(op).Inc()
	}
}

func (s *instrumentedStore) Get(ctx context.Context, key string) ([]byte, error) {
	t0 := s.m.now()
	v, err := s.Store.Get(ctx, key)
	s.observe("get", t0, err)
	return v, err
}

func (s *instrumentedStore) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	t0 := s.m.now()
	err := s.Store.Set(ctx, key, value, ttl)
	s.observe("set", t0, err)
	return err
}

func (s *instrumentedStore) SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	t0 := s.m.now()
	ok, err := s.Store.SetNX(ctx, key, value, ttl)
	s.observe("setnx", t0, err)
	return ok, err
}

func (s *instrumentedStore) Swap(ctx context.Context, key string, value []byte, ttl time.Duration) ([]byte, error) {
	t0 := s.m.now()
	v, err := s.Store.Swap(ctx, key, value, ttl)
	s.observe("swap", t0, err)
	return v, err
}

func (s *instrumentedStore) Delete(ctx context.Context, keys ...string) error {
	t0 := s.m.now()
	err := s.Store.Delete(ctx, keys...)
	s.observe("delete", t0, err)
	return err
}

func (s *instrumentedStore) Incr(ctx context.Context, key string, ttl time.Duration) (int64, error) {
	t0 := s.m.now()
	n, err := s.Store.Incr(ctx, key, ttl)
	s.observe("incr", t0, err)
	return n, err
}

func (s *instrumentedStore) SAdd(ctx context.Context, key, member string, ttl time.Duration) error {
	t0 := s.m.now()
	err := s.Store.SAdd(ctx, key, member, ttl)
	s.observe("sadd", t0, err)
	return err
}

func (s *instrumentedStore) SMembers(ctx context.Context, key string) ([]string, error) {
	t0 := s.m.now()
	v, err := s.Store.SMembers(ctx, key)
	s.observe("smembers", t0, err)
	return v, err
}

func (s *instrumentedStore) SRem(ctx context.Context, key, member string) error {
	t0 := s.m.now()
	err := s.Store.SRem(ctx, key, member)
	s.observe("srem", t0, err)
	return err
}
