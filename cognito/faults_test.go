package cognito_test

import (
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
)

// noBackoff retries without waiting, so retry tests take no time (the waits themselves are
// TestJitterBackoff's).
var noBackoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })

// maxAttempts is how many times one Cognito call may reach Cognito: the SDK's standard retryer.
const maxAttempts = 3

// TestCognitoFaults starts sign-ins against a local pool that fails InitiateAuth in each way
// Cognito can, and counts the calls that reach it: bounded retries, then a kind the pages
// explain as "try again in a moment".
func TestCognitoFaults(t *testing.T) {
	e := newEnv(t, poolSetup{})
	e.user("alice", true, nil, nil)
	eng := e.engine(engineOpts{})
	for _, tt := range []struct {
		fault string
		kind  cognito.Kind
		calls int
	}{
		{localpool.FaultThrottle, cognito.TooManyRequests, maxAttempts},
		{localpool.FaultInternal, cognito.Unavailable, maxAttempts},
		{localpool.FaultUnavailable, cognito.Unavailable, maxAttempts},
		{localpool.FaultReset, cognito.Unavailable, maxAttempts},
	} {
		t.Run(tt.fault, func(t *testing.T) {
			e.pool.ClearFaults()
			e.must(e.pool.SetFault("InitiateAuth", localpool.Fault{Error: tt.fault}))
			_, err := eng.Start(e.ctx, cognito.StartInput{Username: "alice", Password: password})
			if ce := wantKind(t, err, tt.kind); ce.Kind.Restart() {
				t.Fatalf("%v restarts the sign-in", ce)
			}
			if n := e.pool.Calls("InitiateAuth"); n != tt.calls {
				t.Fatalf("%d calls reached the pool for one sign-in, want %d", n, tt.calls)
			}
			e.pool.ClearFaults()
			e.success(eng.Start(e.ctx, cognito.StartInput{Username: "alice", Password: password}))
		})
	}
}

// TestNoRetryStorm: 20 people signing in at once while Cognito throttles make at most three
// attempts each, and each gets the throttling kind.
func TestNoRetryStorm(t *testing.T) {
	e := newEnv(t, poolSetup{})
	e.user("alice", true, nil, nil)
	eng := e.engine(engineOpts{})
	e.must(e.pool.SetFault("InitiateAuth", localpool.Fault{Error: localpool.FaultThrottle}))
	const people = 20
	errs := make([]error, people)
	var wg sync.WaitGroup
	for i := range people {
		wg.Go(func() { _, errs[i] = eng.Start(e.ctx, cognito.StartInput{Username: "alice", Password: password}) })
	}
	wg.Wait()
	for _, err := range errs {
		wantKind(t, err, cognito.TooManyRequests)
	}
	if n := e.pool.Calls("InitiateAuth"); n < people || n > people*maxAttempts {
		t.Fatalf("%d calls reached the pool for %d sign-ins, want between %d and %d", n, people, people, people*maxAttempts)
	}
}

// TestCallTimeout: a Cognito call slower than pool.call_timeout fails as Unavailable once the
// deadline passes (the latency would last an hour).
func TestCallTimeout(t *testing.T) {
	e := newEnv(t, poolSetup{})
	e.user("alice", true, nil, nil)
	eng := e.engine(engineOpts{callTimeout: 100 * time.Millisecond})
	e.must(e.pool.SetFault("InitiateAuth", localpool.Fault{Latency: time.Hour}))
	_, err := eng.Start(e.ctx, cognito.StartInput{Username: "alice", Password: password})
	wantKind(t, err, cognito.Unavailable)
	if n := e.pool.Calls("InitiateAuth"); n < 1 || n > maxAttempts {
		t.Fatalf("%d calls", n)
	}
}

// TestCodeStepSurvivesAnOutage: while Cognito fails, answering a code step gives Unavailable (or
// TooManyRequests) and leaves the step's Cognito session usable, so the same code answers it
// once Cognito is back. Answering a challenge spends its session, so it is retried only after
// throttling (Cognito did nothing), never after a 5xx or a broken connection.
func TestCodeStepSurvivesAnOutage(t *testing.T) {
	e := newEnv(t, poolSetup{mfa: types.UserPoolMfaTypeOptional, sms: true, sessionTTL: 15 * time.Minute})
	e.user("dave", true, map[string]string{"phone_number": "+15555550104"}, &cip.AdminSetUserMFAPreferenceInput{SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true}})
	eng := e.engine(engineOpts{})
	for fault, calls := range map[string]int{localpool.FaultInternal: 1, localpool.FaultUnavailable: 1, localpool.FaultReset: 1, localpool.FaultThrottle: maxAttempts} {
		t.Run(fault, func(t *testing.T) {
			n := e.sent()
			res, err := eng.Start(e.ctx, cognito.StartInput{Username: "dave", Password: password})
			st := e.step(res, err, cognito.StepSMSCode)
			code := e.code("+15555550104", n)
			e.pool.ClearFaults()
			e.must(e.pool.SetFault("RespondToAuthChallenge", localpool.Fault{Error: fault}))
			_, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: code})
			if ce := wantKind(t, err, map[bool]cognito.Kind{true: cognito.TooManyRequests, false: cognito.Unavailable}[fault == localpool.FaultThrottle]); ce.Kind.Restart() {
				t.Fatal("an outage must not restart the sign-in")
			}
			if c := e.pool.Calls("RespondToAuthChallenge"); c != calls {
				t.Fatalf("%d calls, want %d", c, calls)
			}
			e.pool.ClearFaults()
			wantAMR(t, e.success(eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: code})), "pwd", "sms", "mfa")
		})
	}
}

func TestJitterBackoff(t *testing.T) {
	for _, tt := range []struct {
		attempt int
		rand    float64
		want    time.Duration
	}{
		{1, 0, 0},
		{1, 0.5, 250 * time.Millisecond},
		{1, 0.999, 499500 * time.Microsecond},
		{2, 0.999, 999 * time.Millisecond},
		{3, 0.5, time.Second},
		{4, 0.999, 1998 * time.Millisecond}, // capped at 2 s
		{60, 0.5, time.Second},
	} {
		got, err := cognito.JitterBackoff{Rand: func() float64 { return tt.rand }}.BackoffDelay(tt.attempt, nil)
		if err != nil || got != tt.want {
			t.Errorf("attempt %d, rand %v: %v, %v; want %v", tt.attempt, tt.rand, got, err, tt.want)
		}
	}
}

// TestLostAnswerIsNotRepeated: the connection breaks after Cognito has used the step's session.
// The answer is sent once (a repeat could only meet "session can only be used once" and hide
// what happened), the engine says Unavailable, and the next answer finds the session used.
func TestLostAnswerIsNotRepeated(t *testing.T) {
	e := newEnv(t, poolSetup{mfa: types.UserPoolMfaTypeOptional, sms: true, sessionTTL: 15 * time.Minute})
	e.user("dave", true, map[string]string{"phone_number": "+15555550104"}, &cip.AdminSetUserMFAPreferenceInput{SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true}})
	eng := e.engine(engineOpts{})
	n := e.sent()
	res, err := eng.Start(e.ctx, cognito.StartInput{Username: "dave", Password: password})
	st := e.step(res, err, cognito.StepSMSCode)
	code := e.code("+15555550104", n)
	e.pool.ClearFaults()
	e.must(e.pool.SetFault("RespondToAuthChallenge", localpool.Fault{Error: localpool.FaultResetAfter, Times: 1}))
	_, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: code})
	wantKind(t, err, cognito.Unavailable)
	if c := e.pool.Calls("RespondToAuthChallenge"); c != 1 {
		t.Fatalf("the lost answer was sent %d times, want once", c)
	}
	_, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: code})
	wantKind(t, err, cognito.SessionExpired)
}
