package cognito

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// passwordVerifierChallenge is USER_SRP_AUTH's PASSWORD_VERIFIER: the server proves the
// password (SRP) within the request that started the sign-in.
func passwordVerifierChallenge() challenge {
	return challenge{name: types.ChallengeNameTypePasswordVerifier, serve: passwordVerifier}
}

// passwordVerifier proves the password to Cognito (SRP) and goes on to whatever follows.
func passwordVerifier(ctx context.Context, e *Engine, sec *secrets, in planInput) (Result, error) {
	if sec == nil || sec.srp == nil {
		return Result{}, &Error{Kind: Internal, Op: string(in.name), Err: errors.New("PASSWORD_VERIFIER outside an SRP sign-in")}
	}
	params := in.params
	userID := in.username
	sig, ts, err := sec.srp.PasswordClaim(e.cfg.PoolName(), userID, sec.password, params["SALT"], params["SRP_B"], params["SECRET_BLOCK"], e.d.Now())
	if err != nil {
		return Result{}, &Error{Kind: Internal, Op: string(in.name), Err: fmt.Errorf("unusable SRP parameters from Cognito: %w", err)}
	}
	st := in.base("")
	resp := map[string]string{
		"USERNAME":                    userID,
		"PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"],
		"PASSWORD_CLAIM_SIGNATURE":    sig,
		"TIMESTAMP":                   ts,
	}
	if sec.device == nil && sec.devices != nil {
		// The person may have typed an alias: the device is remembered under the real username.
		if d := sec.devices(userID); d != nil && d.Valid() {
			next := *sec
			next.device = d
			sec = &next
		}
	}
	if sec.device != nil {
		resp["DEVICE_KEY"] = sec.device.Key
	}
	return e.respondWith(ctx, st, in.name, in.session, resp, sec)
}

// NewPasswordData is StepNewPassword's payload.
type NewPasswordData struct {
	// RequiredAttributes are the names (without "userAttributes.") of required attributes the
	// user has no value for.
	RequiredAttributes []string `json:"r,omitempty"`
}

// newPasswordChallenge is NEW_PASSWORD_REQUIRED: an administrator created the account with a
// temporary password, and the person chooses their own (and fills any required attribute the
// account lacks).
func newPasswordChallenge() challenge {
	return challenge{
		name: types.ChallengeNameTypeNewPasswordRequired,
		plan: func(in planInput) (plan, error) {
			attrs := stringMap(in.params["userAttributes"])
			d := NewPasswordData{RequiredAttributes: missingRequired(in.params["requiredAttributes"], attrs)}
			if n := jsonLen(d.RequiredAttributes); n > MaxRequiredAttributes {
				return plan{}, &Error{Kind: InvalidParameter, Op: string(in.name), Err: fmt.Errorf("the pool requires %d attributes (%d bytes), more than a sign-in can carry", len(d.RequiredAttributes), n)}
			}
			st, err := withData(in.base(StepNewPassword), d)
			return plan{state: st, attrs: attrs}, err
		},
		steps: []stepEntry{{
			kind:   StepNewPassword,
			answer: answerNewPassword,
			worstCase: func() State {
				// The most the bound lets through: one name of MaxRequiredAttributes bytes of JSON.
				d := NewPasswordData{RequiredAttributes: []string{strings.Repeat("W", MaxRequiredAttributes-len(`[""]`))}}
				st, _ := withData(State{Kind: StepNewPassword}, d)
				return st
			},
		}},
	}
}

func answerNewPassword(ctx context.Context, e *Engine, st State, a Answer) (Result, error) {
	name := types.ChallengeNameTypeNewPasswordRequired
	pw := a[AnswerNewPassword]
	if pw == "" {
		return Result{}, &Error{Kind: InvalidPassword, Op: string(name), Err: errors.New("empty new password")}
	}
	resp := map[string]string{"USERNAME": st.Username, "NEW_PASSWORD": pw}
	// Only the required attributes the user lacks: one that has a value cannot be set here.
	for _, attr := range DataOf[NewPasswordData](st).RequiredAttributes {
		v := strings.TrimSpace(a[AnswerAttribute(attr)])
		if v == "" {
			return Result{}, &Error{Kind: InvalidParameter, Op: string(name), Err: fmt.Errorf("required attribute %q has no value", attr)}
		}
		resp[AnswerAttribute(attr)] = v
	}
	return e.respond(ctx, st, name, st.Session, resp)
}
