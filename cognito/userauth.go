package cognito

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/internal/srp"
)

// First factors of choice-based sign-in (FlowUserAuth), as Cognito names them in
// AvailableChallenges, SELECT_CHALLENGE's ANSWER and PREFERRED_CHALLENGE.
const (
	FactorPasskey     = "WEB_AUTHN"
	FactorPasswordSRP = "PASSWORD_SRP"
	FactorPassword    = "PASSWORD"
	FactorEmailOTP    = "EMAIL_OTP"
	FactorSMSOTP      = "SMS_OTP"
)

// Factors lists the first factors in the order a choice page shows them: a passkey first
// (quickest, and it cannot be phished), then the password, then codes by email and by text
// message (slower, and they cost the pool a message).
func Factors() []string {
	return []string{FactorPasskey, FactorPasswordSRP, FactorPassword, FactorEmailOTP, FactorSMSOTP}
}

// SignInCodeLength is the length of the one-time codes of a passwordless sign-in (EMAIL_OTP or
// SMS_OTP as the first factor); MFA codes have MFACodeLength digits.
const SignInCodeLength = 8

// RFC 8176 value of a passkey: proof of possession of a key the authenticator holds.
const amrHWK = "hwk"

// availableKey is where the engine puts InitiateAuth's AvailableChallenges among the
// challenge's parameters, as a JSON array, for SELECT_CHALLENGE's entry.
const availableKey = "AVAILABLE_CHALLENGES"

// unknownUserSession stands in for a session when Cognito says the username does not exist:
// the person is asked for a password, which then fails like a wrong one (see startUserAuth).
const unknownUserSession = "unknown-user"

// PasswordData is StepSignInPassword's payload.
type PasswordData struct {
	// Factor is FactorPasswordSRP (the password never reaches Cognito) or FactorPassword.
	Factor string `json:"f"`
}

// startUserAuth starts choice-based sign-in. With a password it prefers PASSWORD_SRP (or
// PASSWORD when Preferred says so) and the server proves the password at once; with Preferred
// it asks for that factor; otherwise Cognito
// lists the person's factors (SELECT_CHALLENGE). A username Cognito does not know gets the
// password step, so this page does not tell who has an account (see docs/security.md).
func (e *Engine) startUserAuth(ctx context.Context, si StartInput) (Result, error) {
	username := si.Username
	if username == "" {
		return Result{}, &Error{Kind: WrongCredentials, Op: "start", Err: errors.New("empty username")}
	}
	params := map[string]string{"USERNAME": username}
	var sec *secrets
	var amr []string
	switch {
	case si.Password != "" && si.Preferred == FactorPassword:
		sec, amr = &secrets{password: si.Password}, []string{amrPassword}
		params["PREFERRED_CHALLENGE"], params["PASSWORD"] = FactorPassword, si.Password
	case si.Password != "":
		c, err := srp.NewClient(e.d.Rand)
		if err != nil {
			return Result{}, &Error{Kind: Internal, Op: "SRP", Err: err}
		}
		sec, amr = &secrets{password: si.Password, srp: c}, []string{amrPassword}
		params["PREFERRED_CHALLENGE"], params["SRP_A"] = FactorPasswordSRP, c.AHex()
	case slices.Contains([]string{FactorEmailOTP, FactorSMSOTP, FactorPasskey}, si.Preferred):
		params["PREFERRED_CHALLENGE"] = si.Preferred
	}
	out, err := e.api.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId:       aws.String(e.cfg.ClientID),
		AuthFlow:       types.AuthFlowTypeUserAuth,
		AuthParameters: e.withSecret(params, username),
	})
	if err != nil {
		failed := e.fail(ctx, "InitiateAuth USER_AUTH", err)
		var ce *Error
		if si.Password == "" && errors.As(failed, &ce) && ce.Code == "UserNotFoundException" {
			st, err := withData(State{Kind: StepSignInPassword, Session: unknownUserSession, Username: username}, PasswordData{Factor: FactorPasswordSRP})
			return Result{Step: &Step{State: st}}, err
		}
		return Result{}, failed
	}
	challengeParams := out.ChallengeParameters
	if out.ChallengeName == types.ChallengeNameTypeSelectChallenge {
		challengeParams = withAvailable(out.ChallengeParameters, out.AvailableChallenges)
	}
	return e.next(ctx, sec, username, amr, out.ChallengeName, aws.ToString(out.Session), challengeParams, out.AuthenticationResult)
}

// withAvailable copies params with the available challenges added under availableKey.
func withAvailable(params map[string]string, available []types.ChallengeNameType) map[string]string {
	out := make(map[string]string, len(params)+1)
	for k, v := range params {
		out[k] = v
	}
	b, _ := json.Marshal(available) // a slice of strings always marshals
	out[availableKey] = string(b)
	return out
}

// selectChallenge is SELECT_CHALLENGE: the person picks how to sign in. A single factor (the
// two password variants count as one) needs no choice: the engine goes on with it at once.
func selectChallenge() challenge {
	name := types.ChallengeNameTypeSelectChallenge
	return challenge{
		name: name,
		plan: func(in planInput) (plan, error) {
			offered := methods(in.params[availableKey], Factors()...)
			var options []string
			for _, f := range Factors() { // in the page's order, one password entry
				if slices.Contains(offered, f) && !(f == FactorPassword && slices.Contains(options, FactorPasswordSRP)) {
					options = append(options, f)
				}
			}
			if len(options) == 0 {
				return plan{}, &Error{Kind: InvalidParameter, Op: string(name), Err: errors.New("no known first factor to choose from")}
			}
			st, err := withData(in.base(StepSelectChallenge), ChoiceData{Options: options})
			if err != nil || len(options) > 1 {
				return plan{state: st}, err
			}
			return plan{state: st, then: func(ctx context.Context, e *Engine, st State) (Result, error) {
				return chooseFactor(ctx, e, st, options[0])
			}}, nil
		},
		steps: []stepEntry{
			{
				kind: StepSelectChallenge,
				answer: func(ctx context.Context, e *Engine, st State, a Answer) (Result, error) {
					f := a[AnswerMethod]
					if !slices.Contains(DataOf[ChoiceData](st).Options, f) {
						return Result{}, &Error{Kind: InvalidParameter, Op: string(name), Err: fmt.Errorf("factor %q was not offered", f)}
					}
					return chooseFactor(ctx, e, st, f)
				},
				worstCase: func() State {
					st, _ := withData(State{Kind: StepSelectChallenge}, ChoiceData{Options: []string{FactorPasskey, FactorPasswordSRP, FactorEmailOTP, FactorSMSOTP}})
					return st
				},
			},
			{
				kind:   StepSignInPassword,
				proves: []string{amrPassword},
				answer: func(ctx context.Context, e *Engine, st State, a Answer) (Result, error) {
					if a[AnswerPassword] == "" {
						return Result{}, &Error{Kind: WrongCredentials, Op: string(name), Err: errors.New("empty password")}
					}
					// A fresh start with the password preferred: a wrong password can be typed
					// again, and an unknown username fails just like a wrong password.
					return e.startUserAuth(ctx, StartInput{Username: st.Username, Password: a[AnswerPassword], Preferred: DataOf[PasswordData](st).Factor})
				},
				worstCase: func() State {
					st, _ := withData(State{Kind: StepSignInPassword}, PasswordData{Factor: FactorPasswordSRP})
					return st
				},
			},
		},
	}
}

// chooseFactor goes on with the factor the person chose: the password and passkey pages first
// (their Cognito calls need what the person gives there), a code at once.
func chooseFactor(ctx context.Context, e *Engine, st State, factor string) (Result, error) {
	switch factor {
	case FactorPassword, FactorPasswordSRP:
		next, err := withData(State{Kind: StepSignInPassword, Session: st.Session, Username: st.Username, AMR: st.AMR}, PasswordData{Factor: factor})
		return Result{Step: &Step{State: next}}, err
	case FactorPasskey:
		next, err := withData(State{Kind: StepPasskey, Session: st.Session, Username: st.Username, AMR: st.AMR}, nil)
		return Result{Step: &Step{State: next}}, err
	default:
		return e.respond(ctx, st, types.ChallengeNameTypeSelectChallenge, st.Session, map[string]string{"USERNAME": st.Username, "ANSWER": factor})
	}
}

// signInCodeChallenge is a one-time code as the first factor (SMS_OTP, or EMAIL_OTP before
// any password).
func signInCodeChallenge(name types.ChallengeNameType, kind StepKind, key, method string) challenge {
	return codeChallengeOf(name, kind, key, method, SignInCodeLength)
}

// emailOTPChallenge is EMAIL_OTP, which Cognito sends both as MFA after a password (six digits)
// and as the first factor of choice-based sign-in (eight digits): nothing proven yet means the
// latter.
func emailOTPChallenge() challenge {
	mfa := codeChallenge(types.ChallengeNameTypeEmailOtp, StepEmailCode, "EMAIL_OTP_CODE", amrOTP)
	signIn := signInCodeChallenge(types.ChallengeNameTypeEmailOtp, StepEmailSignInCode, "EMAIL_OTP_CODE", amrOTP)
	return challenge{
		name: types.ChallengeNameTypeEmailOtp,
		plan: func(in planInput) (plan, error) {
			if len(in.amr) == 0 {
				return signIn.plan(in)
			}
			return mfa.plan(in)
		},
		steps: append(mfa.steps, signIn.steps...),
	}
}

// maxCredential bounds a passkey's AuthenticationResponseJSON; real ones are well under 2 kB.
const maxCredential = 16 << 10

// passkeyChallenge is WEB_AUTHN: Cognito sends CREDENTIAL_REQUEST_OPTIONS for the browser's
// navigator.credentials.get(), and the page posts back the credential.
func passkeyChallenge() challenge {
	name := types.ChallengeNameTypeWebAuthn
	return challenge{
		name: name,
		plan: func(in planInput) (plan, error) {
			options := in.params["CREDENTIAL_REQUEST_OPTIONS"]
			if !json.Valid([]byte(options)) {
				return plan{}, &Error{Kind: Internal, Op: string(name), Err: errors.New("CREDENTIAL_REQUEST_OPTIONS is not JSON")}
			}
			return plan{state: in.base(StepPasskey), passkeyOptions: options}, nil
		},
		steps: []stepEntry{{
			kind:   StepPasskey,
			proves: []string{amrHWK},
			answer: func(ctx context.Context, e *Engine, st State, a Answer) (Result, error) {
				cred := strings.TrimSpace(a[AnswerCredential])
				if cred == "" || len(cred) > maxCredential || !json.Valid([]byte(cred)) {
					return Result{}, &Error{Kind: InvalidParameter, Op: string(name), Err: fmt.Errorf("a credential of %d bytes that is not JSON or too long", len(cred))}
				}
				return e.respond(ctx, st, name, st.Session, map[string]string{"USERNAME": st.Username, "CREDENTIAL": cred})
			},
			worstCase: func() State { return State{Kind: StepPasskey} },
		}},
	}
}

// PasskeyOptions asks Cognito for a fresh passkey challenge for username (choice-based
// sign-in with WEB_AUTHN preferred). The result is StepPasskey with its options in
// Step.PasskeyOptions, or whatever Cognito asks instead (the person has no passkey any more).
func (e *Engine) PasskeyOptions(ctx context.Context, username string) (Result, error) {
	if e.cfg.AuthFlow != FlowUserAuth {
		return Result{}, &Error{Kind: InvalidParameter, Op: "passkey options", Err: errors.New("passkeys need choice-based sign-in (USER_AUTH)")}
	}
	return e.startUserAuth(ctx, StartInput{Username: username, Preferred: FactorPasskey})
}

// StartAfterSignUp signs in someone who just confirmed their sign-up (choice-based sign-in
// only): session is ConfirmSignUp's Session (after SignUp's went to ConfirmSignUp), and Cognito
// counts the confirmation code as the first factor. medium is how that code went
// (CodeDeliveryDetails.DeliveryMedium, "EMAIL" or "SMS"), for the AMR.
func (e *Engine) StartAfterSignUp(ctx context.Context, username, session, medium string) (Result, error) {
	if e.cfg.AuthFlow != FlowUserAuth {
		return Result{}, &Error{Kind: InvalidParameter, Op: "sign in after sign-up", Err: errors.New("needs choice-based sign-in (USER_AUTH)")}
	}
	if username == "" || session == "" {
		return Result{}, &Error{Kind: SessionExpired, Op: "sign in after sign-up", Err: errors.New("no username or session")}
	}
	out, err := e.api.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId:       aws.String(e.cfg.ClientID),
		AuthFlow:       types.AuthFlowTypeUserAuth,
		AuthParameters: e.withSecret(map[string]string{"USERNAME": username}, username),
		Session:        aws.String(session),
	})
	if err != nil {
		return Result{}, e.fail(ctx, "InitiateAuth USER_AUTH after sign-up", err)
	}
	amr := []string{amrOTP}
	if medium == "SMS" {
		amr = []string{amrSMS}
	}
	return e.next(ctx, nil, username, amr, out.ChallengeName, aws.ToString(out.Session), out.ChallengeParameters, out.AuthenticationResult)
}
