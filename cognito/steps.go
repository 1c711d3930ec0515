package cognito

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// RFC 8176 authentication method reference values the engine reports.
const (
	amrPassword = "pwd"
	amrSMS      = "sms"
	amrOTP      = "otp"
	amrMFA      = "mfa"
)

// plan is what one Cognito challenge asks of the sign-in: the state of the page to show, plus
// what only the engine can do or show.
type plan struct {
	state State
	// attrs are the user's current attributes (NEW_PASSWORD_REQUIRED).
	attrs map[string]string
	// associate says MFA setup can only be an authenticator app: the engine associates a
	// software token (a Cognito call) and shows StepTOTPSetup instead of state.
	associate bool
}

// planFor turns a challenge Cognito sent into the page that answers it. username is the name
// known so far; the challenge's USER_ID_FOR_SRP replaces it. amr are the methods proven so far.
func planFor(challenge, session, username string, params map[string]string, amr []string) (plan, error) {
	if u := params["USER_ID_FOR_SRP"]; u != "" {
		username = u
	}
	if len(session) > MaxSession {
		return plan{}, &Error{Kind: Internal, Op: challenge, Err: fmt.Errorf("session of %d characters is over Cognito's %d", len(session), MaxSession)}
	}
	st := State{Session: session, Username: username, AMR: amr}
	p := plan{}
	switch types.ChallengeNameType(challenge) {
	case types.ChallengeNameTypeNewPasswordRequired:
		st.Kind = StepNewPassword
		p.attrs = stringMap(params["userAttributes"])
		st.RequiredAttributes = missingRequired(params["requiredAttributes"], p.attrs)
		if n := jsonLen(st.RequiredAttributes); n > MaxRequiredAttributes {
			return plan{}, &Error{Kind: InvalidParameter, Op: challenge, Err: fmt.Errorf("the pool requires %d attributes (%d bytes), more than a sign-in can carry", len(st.RequiredAttributes), n)}
		}
	case types.ChallengeNameTypeSmsMfa:
		st.Kind, st.Destination = StepSMSCode, clip(params["CODE_DELIVERY_DESTINATION"], MaxDestination)
	case types.ChallengeNameTypeEmailOtp:
		st.Kind, st.Destination = StepEmailCode, clip(params["CODE_DELIVERY_DESTINATION"], MaxDestination)
	case types.ChallengeNameTypeSoftwareTokenMfa:
		st.Kind, st.DeviceName = StepTOTPCode, clip(params["FRIENDLY_DEVICE_NAME"], MaxDeviceName)
	case types.ChallengeNameTypeSelectMfaType:
		st.Kind, st.Options = StepSelectMFA, methods(params["MFAS_CAN_CHOOSE"], MethodSMS, MethodTOTP, MethodEmail)
		if len(st.Options) == 0 {
			return plan{}, &Error{Kind: InvalidParameter, Op: challenge, Err: errors.New("no known MFA method to choose from")}
		}
	case types.ChallengeNameTypeMfaSetup:
		// SMS cannot be set up during sign-in: it needs a phone number an administrator adds.
		settable := methods(params["MFAS_CAN_SETUP"], MethodTOTP, MethodEmail)
		switch {
		case len(settable) == 0:
			return plan{}, &Error{Kind: SMSSetupNeedsAdmin, Op: challenge}
		case len(settable) == 1 && settable[0] == MethodTOTP:
			st.Kind, p.associate = StepTOTPSetup, true
		case len(settable) == 1:
			st.Kind = StepEmailSetup
		default:
			st.Kind, st.Options = StepMFASetupChoice, settable
		}
	default:
		// CUSTOM_CHALLENGE, WEB_AUTHN, SMS_OTP and USER_AUTH's first factors, device SRP, and
		// whatever Cognito adds next: shown as a page that explains, never a panic.
		st.Kind, st.Challenge = StepUnsupported, clip(challenge, maxChallengeName)
	}
	p.state = st
	return p, nil
}

// OTPAuthURI builds the otpauth:// URI authenticator apps read from a QR code, in Google's Key
// URI format: otpauth://totp/<issuer>:<account>?secret=<secret>&issuer=<issuer>. The issuer and
// account are percent-encoded (spaces as %20, colons as %3A so the label's separator stays
// unique).
func OTPAuthURI(issuer, account, secret string) string {
	label := escapeOTP(issuer) + ":" + escapeOTP(account)
	return "otpauth://totp/" + label + "?secret=" + escapeOTP(secret) + "&issuer=" + escapeOTP(issuer)
}

// escapeOTP percent-encodes s for any part of an otpauth URI: everything but unreserved
// characters and a few sub-delimiters apps read back unchanged.
func escapeOTP(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == '@', c == '!', c == '*', c == '\'', c == '(', c == ')':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// missingRequired returns the required attributes (a JSON array of "userAttributes.x") the user
// has no value for: a required attribute that already has a value cannot be set again.
func missingRequired(requiredJSON string, have map[string]string) []string {
	var out []string
	for _, r := range jsonList(requiredJSON) {
		name := strings.TrimPrefix(r, "userAttributes.")
		if name == "" || have[name] != "" || slices.Contains(out, name) {
			continue
		}
		out = append(out, name)
	}
	return out
}

// stringMap parses Cognito's userAttributes JSON object; values that are not strings are
// rendered as JSON. Absent or malformed input gives an empty map.
func stringMap(s string) map[string]string {
	raw := map[string]json.RawMessage{}
	_ = json.Unmarshal([]byte(s), &raw) // absent or malformed: nothing is known to be set
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		var str string
		if json.Unmarshal(v, &str) == nil {
			out[k] = str
		} else if string(v) != "null" {
			out[k] = string(v)
		}
	}
	return out
}

// methods parses a JSON array of MFA method names and keeps the known ones, once each, in
// Cognito's order.
func methods(listJSON string, known ...string) []string {
	var out []string
	for _, m := range jsonList(listJSON) {
		if slices.Contains(known, m) && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

// jsonList parses a JSON array of strings; anything else gives nil.
func jsonList(s string) []string {
	var out []string
	if json.Unmarshal([]byte(s), &out) != nil {
		return nil
	}
	return out
}

// jsonLen is the length of list's JSON encoding.
func jsonLen(list []string) int {
	b, _ := json.Marshal(list) // a slice of strings always marshals
	return len(b)
}

// clip shortens s to at most n bytes without splitting a character.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// withMethods returns amr with more appended, each once.
func withMethods(amr []string, more ...string) []string {
	out := slices.Clone(amr)
	for _, m := range more {
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}
