package cognito

import (
	"encoding/json"
	"time"
)

// StepKind says which page a step needs.
type StepKind string

// The steps a person can be asked to complete.
const (
	// StepNewPassword: choose a new password (twice) and fill State.RequiredAttributes.
	StepNewPassword StepKind = "new_password"
	// StepSMSCode: type the code sent by text message to State.Destination.
	StepSMSCode StepKind = "sms_code"
	// StepEmailCode: type the code sent by email to State.Destination.
	StepEmailCode StepKind = "email_code"
	// StepTOTPCode: type the authenticator app's code (State.DeviceName names the app, if known).
	StepTOTPCode StepKind = "totp_code"
	// StepSelectMFA: pick one of State.Options for this sign-in.
	StepSelectMFA StepKind = "select_mfa"
	// StepMFASetupChoice: pick which of State.Options to set up.
	StepMFASetupChoice StepKind = "mfa_setup_choice"
	// StepTOTPSetup: add State.SecretCode to an authenticator app (QR of OTPAuthURI) and type
	// its first code, optionally naming the device.
	StepTOTPSetup StepKind = "totp_setup"
	// StepEmailSetup: give the email address future codes go to.
	StepEmailSetup StepKind = "email_setup"
	// StepUnsupported: Cognito asked for State.Challenge, which Bridgekeeper cannot answer yet.
	StepUnsupported StepKind = "unsupported"
)

// Cognito MFA method names, as in MFAS_CAN_CHOOSE, MFAS_CAN_SETUP and Answer.Method.
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
	// MaxRequiredAttributes bounds the JSON of State.RequiredAttributes; all 17 standard
	// attributes (the only ones a pool can require) take 197 bytes.
	MaxRequiredAttributes = 200
	// maxChallengeName bounds an unknown challenge's name kept for an Unsupported step.
	maxChallengeName = 32
)

// State is everything needed to show and answer one step. It is small, plain and serialisable:
// the HTTP layer keeps it in an encrypted cookie between requests, so its JSON keys are short
// and each field only holds what its step needs.
type State struct {
	Kind StepKind `json:"k"`
	// Challenge is the Cognito challenge's name, kept only for StepUnsupported (every other
	// kind implies its challenge).
	Challenge string `json:"c,omitempty"`
	// Session is Cognito's challenge session (up to 2,048 characters, single use).
	Session string `json:"s"`
	// Username is USER_ID_FOR_SRP: the real username, never an alias the person typed.
	Username string `json:"u"`
	// Destination is the masked phone number or email address a code went to.
	Destination string `json:"d,omitempty"`
	// Options are the methods to choose from (StepSelectMFA, StepMFASetupChoice): MethodSMS,
	// MethodTOTP, MethodEmail.
	Options []string `json:"o,omitempty"`
	// RequiredAttributes are the names (without "userAttributes.") of required attributes the
	// user has no value for (StepNewPassword).
	RequiredAttributes []string `json:"r,omitempty"`
	// SecretCode is the TOTP secret being enrolled (StepTOTPSetup).
	SecretCode string `json:"t,omitempty"`
	// OTPAuthURI is the otpauth:// URI of SecretCode, for the QR code. It is not kept in the
	// encoded state: rebuild it with OTPAuthURI(issuer, Username, SecretCode).
	OTPAuthURI string `json:"-"`
	// DeviceName is the authenticator's friendly name (StepTOTPCode).
	DeviceName string `json:"n,omitempty"`
	// AMR lists the authentication methods proven so far (RFC 8176 values).
	AMR []string `json:"a,omitempty"`
}

// EncodedSize is the length of the state's JSON, as the flow cookie stores it before sealing.
func (s State) EncodedSize() int {
	b, err := json.Marshal(s)
	if err != nil {
		return 0
	}
	return len(b)
}

// Answer is what the person gave for a step; only the fields of that step's kind are read.
type Answer struct {
	// NewPassword and Attributes (name → value, names without "userAttributes.") answer
	// StepNewPassword; only State.RequiredAttributes are sent.
	NewPassword string
	Attributes  map[string]string
	// Code answers StepSMSCode, StepEmailCode, StepTOTPCode and StepTOTPSetup.
	Code string
	// Method answers StepSelectMFA and StepMFASetupChoice.
	Method string
	// DeviceName optionally names the authenticator in StepTOTPSetup.
	DeviceName string
	// Email answers StepEmailSetup.
	Email string
}

// Step is the next thing to show.
type Step struct {
	State State
	// UserAttributes are the attributes the user already has (StepNewPassword only), for a page
	// that wants to show them; they cannot be changed in that step and are not kept in State.
	UserAttributes map[string]string
}

// Success is a completed sign-in.
type Success struct {
	IDToken, AccessToken, RefreshToken string
	ExpiresIn                          time.Duration
	// Claims are the verified claims of Cognito's ID token.
	Claims map[string]any
	// Subject is the Cognito sub; Username the cognito:username.
	Subject, Username string
	// AuthTime is when the person authenticated (the ID token's auth_time).
	AuthTime time.Time
	// AMR are the methods used, per RFC 8176: "pwd", then for a second factor "sms" (SMS code)
	// or "otp" (authenticator or email code) and "mfa". Empty after Refresh.
	AMR []string
}

// Result is either a Step or a Success: exactly one is set.
type Result struct {
	Step    *Step
	Success *Success
}
