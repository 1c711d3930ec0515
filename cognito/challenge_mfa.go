package cognito

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// CodeData is the payload of the code steps (StepSMSCode, StepEmailCode, StepTOTPCode).
type CodeData struct {
	// Destination is the masked phone number or email address a code went to.
	Destination string `json:"d,omitempty"`
	// DeviceName is the authenticator's friendly name (StepTOTPCode).
	DeviceName string `json:"n,omitempty"`
}

// DefaultTOTPDeviceName is the FRIENDLY_DEVICE_NAME Cognito sends with SOFTWARE_TOKEN_MFA for an
// authenticator enrolled without a name: no name a person would recognise, so pages show none.
const DefaultTOTPDeviceName = "TOTP device"

// friendlyDeviceName is the authenticator's name as given at setup, or "" for Cognito's default.
func friendlyDeviceName(name string) string {
	if name == DefaultTOTPDeviceName {
		return ""
	}
	return name
}

// MFACodeLength is the length of the codes SMS_MFA, EMAIL_OTP and SOFTWARE_TOKEN_MFA ask for.
const MFACodeLength = 6

// codeChallenge is a challenge answered with a one-time code under key (SMS_MFA, EMAIL_OTP,
// SOFTWARE_TOKEN_MFA), proving method.
func codeChallenge(name types.ChallengeNameType, kind StepKind, key, method string) challenge {
	return codeChallengeOf(name, kind, key, method, MFACodeLength)
}

// codeChallengeOf is a challenge answered with a one-time code of digits digits.
func codeChallengeOf(name types.ChallengeNameType, kind StepKind, key, method string, digits int) challenge {
	return challenge{
		name: name,
		plan: func(in planInput) (plan, error) {
			st, err := withData(in.base(kind), CodeData{
				Destination: clip(in.params["CODE_DELIVERY_DESTINATION"], MaxDestination),
				DeviceName:  clip(friendlyDeviceName(in.params["FRIENDLY_DEVICE_NAME"]), MaxDeviceName),
			})
			return plan{state: st}, err
		},
		steps: []stepEntry{{
			kind:   kind,
			proves: []string{method},
			answer: func(ctx context.Context, e *Engine, st State, a Answer) (Result, error) {
				code, ok := NormalizeCode(a[AnswerCode], digits)
				if !ok {
					// A code that cannot be right is refused here, without spending a Cognito attempt.
					return Result{}, &Error{Kind: CodeMismatch, Op: string(name), Err: fmt.Errorf("the code is not %d digits", digits)}
				}
				return e.respond(ctx, st, name, st.Session, map[string]string{"USERNAME": st.Username, key: code})
			},
			worstCase: func() State {
				st, _ := withData(State{Kind: kind}, CodeData{Destination: strings.Repeat("W", MaxDestination), DeviceName: strings.Repeat("W", MaxDeviceName)})
				return st
			},
		}},
	}
}

// ChoiceData is the payload of StepSelectMFA and StepMFASetupChoice.
type ChoiceData struct {
	// Options are the methods to choose from: MethodSMS, MethodTOTP, MethodEmail.
	Options []string `json:"o"`
}

// worstChoice is a choice of every method.
func worstChoice(kind StepKind) func() State {
	return func() State {
		st, _ := withData(State{Kind: kind}, ChoiceData{Options: []string{MethodSMS, MethodTOTP, MethodEmail}})
		return st
	}
}

// selectMFAChallenge is SELECT_MFA_TYPE: the person picks which of their methods to use.
func selectMFAChallenge() challenge {
	name := types.ChallengeNameTypeSelectMfaType
	return challenge{
		name: name,
		plan: func(in planInput) (plan, error) {
			d := ChoiceData{Options: methods(in.params["MFAS_CAN_CHOOSE"], MethodSMS, MethodTOTP, MethodEmail)}
			if len(d.Options) == 0 {
				return plan{}, &Error{Kind: InvalidParameter, Op: string(name), Err: errors.New("no known MFA method to choose from")}
			}
			st, err := withData(in.base(StepSelectMFA), d)
			return plan{state: st}, err
		},
		steps: []stepEntry{{
			kind: StepSelectMFA,
			answer: func(ctx context.Context, e *Engine, st State, a Answer) (Result, error) {
				m := a[AnswerMethod]
				if !slices.Contains(DataOf[ChoiceData](st).Options, m) {
					return Result{}, &Error{Kind: InvalidParameter, Op: string(name), Err: fmt.Errorf("method %q was not offered", m)}
				}
				return e.respond(ctx, st, name, st.Session, map[string]string{"USERNAME": st.Username, "ANSWER": m})
			},
			worstCase: worstChoice(StepSelectMFA),
		}},
	}
}

// TOTPSetupData is StepTOTPSetup's payload.
type TOTPSetupData struct {
	// SecretCode is the TOTP secret being enrolled. The page's otpauth:// URI is derived from
	// it with OTPAuthURI, not stored.
	SecretCode string `json:"t"`
}

// mfaSetupChallenge is MFA_SETUP: the pool requires MFA and the person has none yet. SMS cannot
// be set up during sign-in (it needs a phone number an administrator adds), so the person sets
// up an authenticator app or an email address, choosing first when both are possible.
func mfaSetupChallenge() challenge {
	name := types.ChallengeNameTypeMfaSetup
	return challenge{
		name: name,
		plan: func(in planInput) (plan, error) {
			settable := methods(in.params["MFAS_CAN_SETUP"], MethodTOTP, MethodEmail)
			switch {
			case len(settable) == 0:
				return plan{}, &Error{Kind: SMSSetupNeedsAdmin, Op: string(name)}
			case len(settable) == 1 && settable[0] == MethodTOTP:
				return plan{state: in.base(StepTOTPSetup), then: associate}, nil
			case len(settable) == 1:
				return plan{state: in.base(StepEmailSetup)}, nil
			default:
				st, err := withData(in.base(StepMFASetupChoice), ChoiceData{Options: settable})
				return plan{state: st}, err
			}
		},
		steps: []stepEntry{
			{kind: StepMFASetupChoice, answer: answerSetupChoice, worstCase: worstChoice(StepMFASetupChoice)},
			{kind: StepEmailSetup, answer: answerEmailSetup, worstCase: func() State { return State{Kind: StepEmailSetup} }},
			{kind: StepTOTPSetup, proves: []string{amrOTP}, answer: verifyTOTP, worstCase: func() State {
				st, _ := withData(State{Kind: StepTOTPSetup}, TOTPSetupData{SecretCode: strings.Repeat("A", MaxSecretCode)})
				return st
			}},
		},
	}
}

func answerSetupChoice(ctx context.Context, e *Engine, st State, a Answer) (Result, error) {
	m := a[AnswerMethod]
	switch {
	case m == MethodSMS:
		return Result{}, &Error{Kind: SMSSetupNeedsAdmin, Op: string(types.ChallengeNameTypeMfaSetup)}
	case !slices.Contains(DataOf[ChoiceData](st).Options, m):
		return Result{}, &Error{Kind: InvalidParameter, Op: string(types.ChallengeNameTypeMfaSetup), Err: fmt.Errorf("method %q was not offered", m)}
	case m == MethodTOTP:
		return associate(ctx, e, st)
	default: // MethodEmail
		next, err := withData(st, nil)
		next.Kind = StepEmailSetup
		return Result{Step: &Step{State: next}}, err
	}
}

func answerEmailSetup(ctx context.Context, e *Engine, st State, a Answer) (Result, error) {
	email := strings.TrimSpace(a[AnswerEmail])
	if email == "" {
		return Result{}, &Error{Kind: InvalidParameter, Op: string(types.ChallengeNameTypeMfaSetup), Err: errors.New("empty email address")}
	}
	return e.respond(ctx, st, types.ChallengeNameTypeMfaSetup, st.Session, map[string]string{"USERNAME": st.Username, "EMAIL": email})
}

// associate starts authenticator enrolment within the sign-in: AssociateSoftwareToken with the
// MFA_SETUP session gives the secret and the session to verify it with.
func associate(ctx context.Context, e *Engine, st State) (Result, error) {
	out, err := e.api.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: aws.String(st.Session)})
	if err != nil {
		return Result{}, e.fail(ctx, "AssociateSoftwareToken", err)
	}
	secret := aws.ToString(out.SecretCode)
	if secret == "" || len(secret) > MaxSecretCode {
		err := fmt.Errorf("TOTP secret of %d characters (want 1 to %d)", len(secret), MaxSecretCode)
		return Result{}, &Error{Kind: Internal, Op: "AssociateSoftwareToken", Err: err}
	}
	next, err := withData(State{Kind: StepTOTPSetup, Session: aws.ToString(out.Session), Username: st.Username, AMR: st.AMR}, TOTPSetupData{SecretCode: secret})
	return Result{Step: &Step{State: next}}, err
}

// verifyTOTP finishes authenticator enrolment: VerifySoftwareToken with the setup session, then
// MFA_SETUP with the session that returns.
func verifyTOTP(ctx context.Context, e *Engine, st State, a Answer) (Result, error) {
	code, ok := NormalizeCode(a[AnswerCode], MFACodeLength)
	if !ok {
		return Result{}, &Error{Kind: SoftwareTokenMismatch, Op: "VerifySoftwareToken", Err: fmt.Errorf("the code is not %d digits", MFACodeLength)}
	}
	in := &cip.VerifySoftwareTokenInput{Session: aws.String(st.Session), UserCode: aws.String(code)}
	if name := clip(strings.TrimSpace(a[AnswerDeviceName]), MaxDeviceName); name != "" {
		in.FriendlyDeviceName = aws.String(name)
	}
	out, err := e.api.VerifySoftwareToken(ctx, in)
	if err != nil {
		return Result{}, e.fail(ctx, "VerifySoftwareToken", err)
	}
	if out.Status != types.VerifySoftwareTokenResponseTypeSuccess {
		return Result{}, &Error{Kind: SoftwareTokenMismatch, Op: "VerifySoftwareToken", Err: fmt.Errorf("status %q", out.Status)}
	}
	return e.respond(ctx, st, types.ChallengeNameTypeMfaSetup, aws.ToString(out.Session), map[string]string{"USERNAME": st.Username})
}
