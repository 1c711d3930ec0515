package cognito_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
)

// customFlows is an app client allowing CUSTOM_AUTH.
var customFlows = []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowCustomAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}

// customEnv is a pool with the demo's script: ivan is asked "What is 6 × 7?", grace has an
// authenticator and is asked nothing.
func customEnv(t *testing.T, script localpool.CustomAuth) *env {
	t.Helper()
	e := newEnv(t, poolSetup{mfa: types.UserPoolMfaTypeOptional, totp: true})
	e.must(e.pool.SetCustomAuth(e.poolID, &script))
	e.user("ivan", true, map[string]string{"email": "ivan@example.com"}, nil)
	return e
}

// customQuestion asserts res is a custom step asking q and returns its state.
func (e *env) customQuestion(res cognito.Result, err error, q string, retry bool) cognito.State {
	e.t.Helper()
	st := e.step(res, err, cognito.StepCustomChallenge)
	if d := cognito.DataOf[cognito.CustomData](st); d.Question != q || d.Retry != retry {
		e.t.Fatalf("custom step %+v, want question %q (retry %v)", d, q, retry)
	}
	return st
}

func TestCustomAuthAfterPassword(t *testing.T) {
	sixBySeven := localpool.CustomRound{Question: "What is 6 × 7?", Hint: "A whole number", Answer: "42"}
	t.Run("a wrong answer, then the right one", func(t *testing.T) {
		e := customEnv(t, localpool.CustomAuth{Rounds: []localpool.CustomRound{sixBySeven}, Users: []string{"ivan"}})
		eng := e.engine(engineOpts{flow: cognito.FlowCustom, customWithPassword: true, flows: customFlows})
		res, err := eng.Start(e.ctx, cognito.StartInput{Username: "ivan", Password: password})
		st := e.customQuestion(res, err, sixBySeven.Question, false)
		if d := cognito.DataOf[cognito.CustomData](st); d.Hint != "A whole number" || st.Username != "ivan" {
			t.Fatalf("state %+v", st)
		}
		res, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerText: "41"})
		st = e.customQuestion(res, err, sixBySeven.Question, true)
		wantAMR(t, e.success(eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerText: "42"})), "pwd")
	})
	t.Run("the wrong password never reaches the question", func(t *testing.T) {
		e := customEnv(t, localpool.CustomAuth{Rounds: []localpool.CustomRound{sixBySeven}})
		eng := e.engine(engineOpts{flow: cognito.FlowCustom, customWithPassword: true, flows: customFlows})
		_, err := eng.Start(e.ctx, cognito.StartInput{Username: "ivan", Password: "Wrong-passw0rd"})
		wantKind(t, err, cognito.WrongCredentials)
	})
	t.Run("give up after the pool's limit", func(t *testing.T) {
		e := customEnv(t, localpool.CustomAuth{Rounds: []localpool.CustomRound{sixBySeven}, MaxFailures: 2})
		eng := e.engine(engineOpts{flow: cognito.FlowCustom, customWithPassword: true, flows: customFlows})
		res, err := eng.Start(e.ctx, cognito.StartInput{Username: "ivan", Password: password})
		st := e.customQuestion(res, err, sixBySeven.Question, false)
		res, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerText: "41"})
		next := e.customQuestion(res, err, sixBySeven.Question, true)
		_, err = eng.Answer(e.ctx, next, cognito.Answer{cognito.AnswerText: "43"})
		if ce := wantKind(t, err, cognito.CustomAuthFailed); !ce.Kind.Restart() {
			t.Fatalf("giving up must restart the sign-in: %v", ce)
		}
		// The used session cannot be answered again, even with the right answer.
		_, err = eng.Answer(e.ctx, next, cognito.Answer{cognito.AnswerText: "42"})
		wantKind(t, err, cognito.SessionExpired)
	})
	t.Run("more than one round", func(t *testing.T) {
		colour := localpool.CustomRound{Question: "Favourite colour?", Answer: "blue"}
		e := customEnv(t, localpool.CustomAuth{Rounds: []localpool.CustomRound{sixBySeven, colour}})
		eng := e.engine(engineOpts{flow: cognito.FlowCustom, customWithPassword: true, flows: customFlows})
		res, err := eng.Start(e.ctx, cognito.StartInput{Username: "ivan", Password: password})
		st := e.customQuestion(res, err, sixBySeven.Question, false)
		res, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerText: "42"})
		st = e.customQuestion(res, err, colour.Question, false)
		if d := cognito.DataOf[cognito.CustomData](st); d.Hint != "" {
			t.Fatalf("hint %q", d.Hint)
		}
		res, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerText: "green"})
		st = e.customQuestion(res, err, colour.Question, true)
		wantAMR(t, e.success(eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerText: "blue"})), "pwd")
	})
	t.Run("MFA still follows the password, and a user without questions gets tokens", func(t *testing.T) {
		e := customEnv(t, localpool.CustomAuth{Rounds: []localpool.CustomRound{sixBySeven}, Users: []string{"ivan"}})
		e.user("grace", true, nil, nil)
		totpSecret := e.enrolTOTP(e.engine(engineOpts{}), "grace")
		e.clock.Advance(30 * time.Second) // the enrolment's code is used up in its window
		eng := e.engine(engineOpts{flow: cognito.FlowCustom, customWithPassword: true, flows: customFlows})
		res, err := eng.Start(e.ctx, cognito.StartInput{Username: "grace", Password: password})
		st := e.step(res, err, cognito.StepTOTPCode)
		wantAMR(t, e.success(eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: e.totpCode(totpSecret)})), "pwd", "otp", "mfa")
	})
}

func TestCustomAuthWithoutPassword(t *testing.T) {
	round := localpool.CustomRound{Question: "What is 6 × 7?", Answer: "42"}
	e := customEnv(t, localpool.CustomAuth{Rounds: []localpool.CustomRound{round}, Users: []string{"ivan"}})
	e.user("zoe", true, nil, nil)
	eng := e.engine(engineOpts{flow: cognito.FlowCustom, flows: customFlows})
	if eng.NeedsPassword() {
		t.Fatal("CUSTOM_AUTH without custom_auth_with_password asks for a password")
	}
	res, err := eng.Start(e.ctx, cognito.StartInput{Username: "ivan"})
	st := e.customQuestion(res, err, round.Question, false)
	s := e.success(eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerText: "42"}))
	if len(s.AMR) != 0 {
		t.Fatalf("AMR %v: no password was used and the question proves nothing RFC 8176 names", s.AMR)
	}
	// The script has no question for zoe: the define trigger fails her sign-in.
	_, err = eng.Start(e.ctx, cognito.StartInput{Username: "zoe"})
	wantKind(t, err, cognito.WrongCredentials)
}

func TestCustomAuthMisconfigured(t *testing.T) {
	e := newEnv(t, poolSetup{})
	e.user("ivan", true, nil, nil)
	// No triggers: Cognito refuses CUSTOM_AUTH.
	eng := e.engine(engineOpts{flow: cognito.FlowCustom, customWithPassword: true, flows: customFlows})
	_, err := eng.Start(e.ctx, cognito.StartInput{Username: "ivan", Password: password})
	wantKind(t, err, cognito.InvalidParameter)
	wantCause(t, err, "Custom auth lambda trigger is not configured")
	// Triggers, but the app client does not allow CUSTOM_AUTH.
	e.must(e.pool.SetCustomAuth(e.poolID, &localpool.CustomAuth{Rounds: []localpool.CustomRound{{Question: "q", Answer: "a"}}}))
	srpOnly := e.engine(engineOpts{flow: cognito.FlowCustom, customWithPassword: true})
	_, err = srpOnly.Start(e.ctx, cognito.StartInput{Username: "ivan", Password: password})
	wantKind(t, err, cognito.InvalidParameter)
	wantCause(t, err, "CUSTOM_AUTH flow not enabled")
}
