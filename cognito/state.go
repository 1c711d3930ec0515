package cognito

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/bridgekeeper/bridgekeeper/identity"
)

// StepKind says which page a step needs. Each kind is registered with the challenge entry that
// makes it (see registry.go), and the HTTP layer has one page per kind.
type StepKind string

// The steps a person can be asked to complete. Each kind's payload (see Data) is named with it.
const (
	// StepNewPassword: choose a new password (twice) and fill NewPasswordData.RequiredAttributes.
	StepNewPassword StepKind = "new_password"
	// StepSMSCode: type the code sent by text message to CodeData.Destination.
	StepSMSCode StepKind = "sms_code"
	// StepEmailCode: type the code sent by email to CodeData.Destination.
	StepEmailCode StepKind = "email_code"
	// StepTOTPCode: type the authenticator app's code (CodeData.DeviceName names the app, if known).
	StepTOTPCode StepKind = "totp_code"
	// StepSelectMFA: pick one of ChoiceData.Options for this sign-in.
	StepSelectMFA StepKind = "select_mfa"
	// StepMFASetupChoice: pick which of ChoiceData.Options to set up.
	StepMFASetupChoice StepKind = "mfa_setup_choice"
	// StepTOTPSetup: add TOTPSetupData.SecretCode to an authenticator app (QR of OTPAuthURI) and
	// type its first code, optionally naming the device.
	StepTOTPSetup StepKind = "totp_setup"
	// StepEmailSetup: give the email address future codes go to.
	StepEmailSetup StepKind = "email_setup"
	// StepUnsupported: Cognito asked for UnsupportedData.Challenge, which Bridgekeeper cannot
	// answer.
	StepUnsupported StepKind = "unsupported"
	// StepSelectChallenge (USER_AUTH): pick how to sign in from ChoiceData.Options, first
	// factors in Factors' order.
	StepSelectChallenge StepKind = "select_challenge"
	// StepSignInPassword (USER_AUTH): type the password (PasswordData.Factor says how it goes to
	// Cognito).
	StepSignInPassword StepKind = "signin_password"
	// StepEmailSignInCode and StepSMSSignInCode (USER_AUTH): type the sign-in code
	// (SignInCodeLength digits) sent to CodeData.Destination.
	StepEmailSignInCode StepKind = "email_signin_code"
	StepSMSSignInCode   StepKind = "sms_signin_code"
	// StepPasskey (USER_AUTH): sign in with a passkey; the page gets the request options from
	// Step.PasskeyOptions or Engine.PasskeyOptions.
	StepPasskey StepKind = "passkey"
)

// Cognito MFA method names, as in MFAS_CAN_CHOOSE, MFAS_CAN_SETUP and the AnswerMethod value.
const (
	MethodSMS   = "SMS_MFA"
	MethodTOTP  = "SOFTWARE_TOKEN_MFA"
	MethodEmail = "EMAIL_OTP"
)

// Bounds on what a State holds, so the flow cookie has a known worst case. Display-only text
// (destination, device name, challenge name) is shortened to fit; a TOTP secret or a list of
// required attributes that would not fit is refused with an error instead.
const (
	// MaxSession is Cognito's limit on a challenge session.
	MaxSession = 2048
	// MaxUsername is Cognito's limit on a username.
	MaxUsername = 128
	// MaxDestination bounds the masked phone number or email address shown with a code step.
	MaxDestination = 64
	// MaxDeviceName bounds an authenticator's friendly name.
	MaxDeviceName = 64
	// MaxSecretCode bounds a TOTP secret during enrolment (Cognito's are 52 base32 characters).
	MaxSecretCode = 64
	// MaxRequiredAttributes bounds the JSON of NewPasswordData.RequiredAttributes; all 17
	// standard attributes (the only ones a pool can require) take 197 bytes.
	MaxRequiredAttributes = 200
	// maxChallengeName bounds an unknown challenge's name kept for an Unsupported step.
	maxChallengeName = 32
)

// State is everything needed to show and answer one step. It is small, plain and serialisable:
// the HTTP layer keeps it in an encrypted cookie between requests, so its JSON keys are short.
// The fields every step has are here; what only one kind needs is that kind's payload in Data
// (read it with DataOf), so adding a step kind does not grow this struct.
type State struct {
	Kind StepKind `json:"k"`
	// Session is Cognito's challenge session (up to 2,048 characters, single use).
	Session string `json:"s"`
	// Username is USER_ID_FOR_SRP: the real username, never an alias the person typed.
	Username string `json:"u"`
	// AMR lists the authentication methods proven so far (RFC 8176 values).
	AMR []string `json:"a,omitempty"`
	// Data is the kind's own payload as JSON (NewPasswordData, CodeData, ChoiceData,
	// TOTPSetupData, UnsupportedData, …); empty when the kind needs none.
	Data json.RawMessage `json:"d,omitempty"`
}

// EncodedSize is the length of the state's JSON, as the flow cookie stores it before sealing.
func (s State) EncodedSize() int {
	b, err := json.Marshal(s)
	if err != nil {
		return 0
	}
	return len(b)
}

// DataOf decodes the state's payload as T. A state whose payload is absent or is not a T gives
// T's zero value: a page then shows its generic text, and the engine refuses the answer.
func DataOf[T any](s State) T {
	var v T
	if len(s.Data) > 0 {
		_ = json.Unmarshal(s.Data, &v) // a payload that is not a T reads as T's zero value
	}
	return v
}

// withData returns s carrying payload v (nil clears it).
func withData(s State, v any) (State, error) {
	s.Data = nil
	if v == nil {
		return s, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return s, fmt.Errorf("encode %s payload: %w", s.Kind, err)
	}
	if string(b) != "{}" {
		s.Data = b
	}
	return s, nil
}

// Answer is what the person gave for a step: the form's values under the Answer* keys the
// step's entry reads. Keys another kind reads are ignored.
type Answer map[string]string

// The keys of an Answer. They are the form field names of the pages that collect them.
const (
	// AnswerNewPassword is the chosen password (StepNewPassword).
	AnswerNewPassword = "password"
	// AnswerCode is a one-time code (the code steps and StepTOTPSetup).
	AnswerCode = "code"
	// AnswerMethod is a Cognito MFA method name (StepSelectMFA, StepMFASetupChoice) or a first
	// factor's (StepSelectChallenge).
	AnswerMethod = "method"
	// AnswerDeviceName optionally names the authenticator (StepTOTPSetup).
	AnswerDeviceName = "device_name"
	// AnswerEmail is the address email codes go to (StepEmailSetup).
	AnswerEmail = "email"
	// AnswerText is a free-text answer (StepCustomChallenge).
	AnswerText = "answer"
	// AnswerPassword is the password typed for a first factor (StepSignInPassword).
	AnswerPassword = "password"
	// AnswerCredential is the passkey's AuthenticationResponseJSON (StepPasskey).
	AnswerCredential = "credential"
)

// AnswerAttribute is the Answer key of a required attribute (name without "userAttributes.")
// set with a new password.
func AnswerAttribute(name string) string { return "userAttributes." + name }

// Step is the next thing to show.
type Step struct {
	State State
	// UserAttributes are the attributes the user already has (StepNewPassword only), for a page
	// that wants to show them; they cannot be changed in that step and are not kept in State.
	UserAttributes map[string]string
	// PasskeyOptions are Cognito's CREDENTIAL_REQUEST_OPTIONS (StepPasskey only): JSON for the
	// page's navigator.credentials.get(), never kept in State (a list of allowed credentials
	// can be long).
	PasskeyOptions string
}

// Success is a completed sign-in: who signed in and how (Subject is the Cognito sub, Username
// the cognito:username, Claims the verified claims of Cognito's ID token, AuthTime its
// auth_time; AMR per RFC 8176: "pwd", then for a second factor "sms" (SMS code) or "otp"
// (authenticator or email code) and "mfa", empty after Refresh), plus Cognito's tokens.
type Success struct {
	identity.Identity
	IDToken, AccessToken, RefreshToken string
	ExpiresIn                          time.Duration
	// NewDevice is the device Cognito started tracking with this sign-in (NewDeviceMetadata),
	// for RememberDevice; nil when the pool does not track devices or the browser's device was
	// used.
	NewDevice *NewDevice
}

// Result is either a Step or a Success: exactly one is set.
type Result struct {
	Step    *Step
	Success *Success
}
