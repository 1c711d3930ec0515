package cognito

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// StepCustomChallenge: answer CustomData.Question, a question from the pool's custom
// authentication Lambda triggers (CUSTOM_CHALLENGE), once per round.
const StepCustomChallenge StepKind = "custom"

// Bounds on a custom challenge's public parameters, in bytes of their JSON encoding (so text
// full of characters JSON escapes cannot grow the flow cookie). Longer text is shortened.
const (
	MaxQuestion = 500
	MaxHint     = 200
	// MaxAnswer bounds what a person may answer.
	MaxAnswer = 512
)

// CustomData is StepCustomChallenge's payload, from the challenge's public parameters
// "question" (required) and "hint" (optional); the others are ignored.
type CustomData struct {
	Question string `json:"q"`
	Hint     string `json:"h,omitempty"`
	// Retry says the pool asked the same question again after an answer: it was wrong.
	Retry bool `json:"r,omitempty"`
}

// customChallenge is CUSTOM_CHALLENGE: a question the create-auth-challenge trigger asks and
// the verify-auth-challenge-response trigger checks, as many rounds as define-auth-challenge
// wants. The answer is sent as ANSWER; what it proves is the pool's business, so it adds no
// AMR value.
func customChallenge() challenge {
	name := types.ChallengeNameTypeCustomChallenge
	return challenge{
		name: name,
		plan: func(in planInput) (plan, error) {
			if u := in.params["USERNAME"]; u != "" {
				in.username = u // the real username, when the person typed an alias
			}
			d := CustomData{Question: clipJSON(strings.TrimSpace(in.params["question"]), MaxQuestion), Hint: clipJSON(strings.TrimSpace(in.params["hint"]), MaxHint)}
			if d.Question == "" {
				return plan{}, &Error{Kind: InvalidParameter, Op: string(name), Err: errors.New(`the challenge has no "question" public parameter: the create-auth-challenge trigger must set one`)}
			}
			st, err := withData(in.base(StepCustomChallenge), d)
			return plan{state: st}, err
		},
		steps: []stepEntry{{
			kind: StepCustomChallenge,
			answer: func(ctx context.Context, e *Engine, st State, a Answer) (Result, error) {
				answer := a[AnswerText]
				if strings.TrimSpace(answer) == "" || len(answer) > MaxAnswer {
					return Result{}, &Error{Kind: InvalidParameter, Op: string(name), Err: errors.New("empty or over-long answer")}
				}
				res, err := e.respond(ctx, st, name, st.Session, map[string]string{"USERNAME": st.Username, "ANSWER": answer})
				if IsKind(err, WrongCredentials) {
					// The define-auth-challenge trigger failed the sign-in (too many wrong answers).
					return Result{}, &Error{Kind: CustomAuthFailed, Op: string(name), Err: err}
				}
				if err != nil || res.Step == nil || res.Step.State.Kind != StepCustomChallenge {
					return res, err
				}
				asked, next := DataOf[CustomData](st), DataOf[CustomData](res.Step.State)
				if next.Question == asked.Question && next.Hint == asked.Hint {
					next.Retry = true
					res.Step.State, err = withData(res.Step.State, next)
				}
				return res, err
			},
			worstCase: func() State {
				st, _ := withData(State{Kind: StepCustomChallenge}, CustomData{
					Question: strings.Repeat("W", MaxQuestion-2), Hint: strings.Repeat("W", MaxHint-2), Retry: true,
				})
				return st
			},
		}},
	}
}

// clipJSON shortens s, without splitting a character, until its JSON encoding (quotes
// included) takes at most n bytes.
func clipJSON(s string, n int) string {
	for jsonLen([]string{s})-2 > n {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}
