package cognito

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Kind classifies what went wrong in terms a sign-in page can act on.
type Kind int

// The kinds of error a sign-in can meet. Each has a catalog message (MessageID).
const (
	// Internal: something unexpected (network, a token that does not verify, a Cognito 5xx).
	Internal Kind = iota
	// WrongCredentials: wrong username or password, unknown user, or a dead refresh token.
	WrongCredentials
	// UserDisabled: an administrator disabled the account.
	UserDisabled
	// PasswordAttemptsExceeded: too many wrong passwords; wait before trying again.
	PasswordAttemptsExceeded
	// TempPasswordExpired: the temporary password expired; an administrator must reset it.
	TempPasswordExpired
	// SessionExpired: the Cognito session expired or was used already; sign in again.
	SessionExpired
	// PasswordResetRequired: an administrator reset the password; use the code sent.
	PasswordResetRequired
	// UserNotConfirmed: the account's sign-up was never confirmed.
	UserNotConfirmed
	// CodeMismatch: a wrong one-time code; ask again.
	CodeMismatch
	// ExpiredCode: the code expired; a new one means signing in again.
	ExpiredCode
	// InvalidPassword: the new password breaks the pool's policy.
	InvalidPassword
	// PasswordHistory: the new password was used before.
	PasswordHistory
	// LimitExceeded: a per-user limit was hit; wait a while.
	LimitExceeded
	// TooManyFailedAttempts: too many wrong codes; wait, then sign in again.
	TooManyFailedAttempts
	// TooManyRequests: Cognito throttled us even after retries.
	TooManyRequests
	// SoftwareTokenMismatch: a wrong authenticator code while setting it up.
	SoftwareTokenMismatch
	// CodeDeliveryFailure: Cognito could not send the code.
	CodeDeliveryFailure
	// InvalidParameter: Cognito refused the request itself; a configuration problem or a bug
	// (the engine logs these).
	InvalidParameter
	// SMSSetupNeedsAdmin: MFA must be set up, and only SMS is possible, which needs a phone
	// number an administrator adds.
	SMSSetupNeedsAdmin
	// CustomAuthFailed: the pool's custom challenge gave up after wrong answers; sign in again.
	CustomAuthFailed
	// PasskeyRejected: Cognito did not accept the passkey (its challenge expired, or the
	// authenticator is not supported); try again or another way.
	PasskeyRejected
	// PasskeyUnavailable: the pool's passkey settings do not fit this site (passkeys are off,
	// or the relying party or origin differ): a configuration problem (logged).
	PasskeyUnavailable
	// UsernameExists: sign-up with a username that is taken (Cognito says so; the page says it
	// neutrally, see docs/security.md).
	UsernameExists
	// Unavailable: Cognito could not be reached or failed on its side (a 5xx, a connection
	// reset, no answer within the call's deadline), even after retries; try again in a moment.
	Unavailable
)

var kindInfo = [...]struct{ name, msg string }{
	Internal:                 {"Internal", "error.Internal"},
	WrongCredentials:         {"WrongCredentials", "error.NotAuthorized.WrongCredentials"},
	UserDisabled:             {"UserDisabled", "error.NotAuthorized.UserDisabled"},
	PasswordAttemptsExceeded: {"PasswordAttemptsExceeded", "error.NotAuthorized.PasswordAttemptsExceeded"},
	TempPasswordExpired:      {"TempPasswordExpired", "error.NotAuthorized.TempPasswordExpired"},
	SessionExpired:           {"SessionExpired", "error.SessionExpired"},
	PasswordResetRequired:    {"PasswordResetRequired", "error.PasswordResetRequired"},
	UserNotConfirmed:         {"UserNotConfirmed", "error.UserNotConfirmed"},
	CodeMismatch:             {"CodeMismatch", "error.CodeMismatch"},
	ExpiredCode:              {"ExpiredCode", "error.ExpiredCode"},
	InvalidPassword:          {"InvalidPassword", "error.InvalidPassword"},
	PasswordHistory:          {"PasswordHistory", "error.PasswordHistory"},
	LimitExceeded:            {"LimitExceeded", "error.LimitExceeded"},
	TooManyFailedAttempts:    {"TooManyFailedAttempts", "error.TooManyFailedAttempts"},
	TooManyRequests:          {"TooManyRequests", "error.TooManyRequests"},
	SoftwareTokenMismatch:    {"SoftwareTokenMismatch", "error.EnableSoftwareTokenMFA"},
	CodeDeliveryFailure:      {"CodeDeliveryFailure", "error.CodeDeliveryFailure"},
	InvalidParameter:         {"InvalidParameter", "error.InvalidParameter"},
	SMSSetupNeedsAdmin:       {"SMSSetupNeedsAdmin", "error.SMSSetupNeedsAdmin"},
	CustomAuthFailed:         {"CustomAuthFailed", "error.CustomAuthFailed"},
	PasskeyRejected:          {"PasskeyRejected", "error.PasskeyRejected"},
	PasskeyUnavailable:       {"PasskeyUnavailable", "error.PasskeyUnavailable"},
	UsernameExists:           {"UsernameExists", "error.UsernameExists"},
	Unavailable:              {"Unavailable", "error.Unavailable"},
}

// String names the kind, for logs.
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindInfo) {
		return kindInfo[k].name
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// MessageID is the message catalog id of the sentence shown to the person.
func (k Kind) MessageID() string {
	if k >= 0 && int(k) < len(kindInfo) {
		return kindInfo[k].msg
	}
	return kindInfo[Internal].msg
}

// Restart reports whether the step cannot be answered again and the sign-in must start over
// (keeping the username): the Cognito session expired, was used up or was closed after too
// many wrong codes, or the account cannot go on until something else happens.
func (k Kind) Restart() bool {
	switch k {
	case SessionExpired, TooManyFailedAttempts, TempPasswordExpired, PasswordAttemptsExceeded, UserDisabled, CustomAuthFailed:
		return true
	}
	return false
}

// Error is a Cognito failure mapped to a Kind. Its text never contains what the person typed,
// codes, sessions or tokens: only the operation, the kind and Cognito's error code.
type Error struct {
	Kind Kind
	// Code is Cognito's error code (e.g. "NotAuthorizedException"); empty for local failures.
	Code string
	// Op is the Cognito operation or engine step that failed.
	Op string
	// Err is the underlying error (the SDK's, with Cognito's message), for errors.As and logs.
	Err error
	// Rule is the password rule Cognito named when it refused a new password (InvalidPassword);
	// RuleUnknown otherwise.
	Rule PasswordRule
}

func (e *Error) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("cognito %s: %s (%s)", e.Op, e.Kind, e.Code)
	}
	return fmt.Sprintf("cognito %s: %s", e.Op, e.Kind)
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// IsKind reports whether err is an *Error of kind k.
func IsKind(err error, k Kind) bool {
	var ce *Error
	return errors.As(err, &ce) && ce.Kind == k
}

// mapError turns an AWS SDK error into an *Error, matching on the error code (emulators return
// codes outside an operation's error model, so typed SDK errors are not used). Cognito failing
// on its side (any 5xx) or not answering (a transport error, the call's deadline) is Unavailable.
func mapError(op string, err error) error {
	if err == nil {
		return nil
	}
	var re *awshttp.ResponseError
	var ae smithy.APIError
	switch {
	case errors.As(err, &re) && re.HTTPStatusCode() >= 500,
		!errors.As(err, &ae) && noAnswer(err):
		code := ""
		if errors.As(err, &ae) {
			code = ae.ErrorCode()
		}
		return &Error{Kind: Unavailable, Code: code, Op: op, Err: err}
	case ae == nil:
		return &Error{Kind: Internal, Op: op, Err: err}
	}
	code := ae.ErrorCode()
	return &Error{Kind: kindFor(code, ae.ErrorMessage()), Code: code, Op: op, Err: err, Rule: passwordRuleFor(code, ae.ErrorMessage())}
}

// PasswordRule is one rule of a pool's password policy, as Cognito names it when it refuses a
// new password.
type PasswordRule int

// The rules Cognito names in an InvalidPasswordException.
const (
	// RuleUnknown: Cognito named no rule we know ("Password does not conform to policy", a
	// compromised password, a rule added later), or the error is not a refused password.
	RuleUnknown PasswordRule = iota
	// RuleMinLength: too short (the policy's MinimumLength).
	RuleMinLength
	// RuleLowercase: no lowercase letter.
	RuleLowercase
	// RuleUppercase: no capital letter.
	RuleUppercase
	// RuleNumber: no digit.
	RuleNumber
	// RuleSymbol: no symbol.
	RuleSymbol
)

// passwordRules names the rule an InvalidPasswordException's message ends with. Cognito puts a
// prefix that differs by operation before it (SignUp: "Password did not conform with policy: ";
// AdminCreateUser: "Password did not conform with password policy: "; RespondToAuthChallenge,
// ConfirmForgotPassword, ChangePassword and AdminSetUserPassword: "Password does not conform to
// policy: "), so only the rule's own words are matched (case-insensitive). Each quotes Cognito.
var passwordRules = []struct {
	says string
	rule PasswordRule
}{
	{"password not long enough", RuleMinLength},                // "…: Password not long enough"
	{"password must have lowercase characters", RuleLowercase}, // "…: Password must have lowercase characters"
	{"password must have uppercase characters", RuleUppercase}, // "…: Password must have uppercase characters"
	{"password must have numeric characters", RuleNumber},      // "…: Password must have numeric characters"
	{"password must have symbol characters", RuleSymbol},       // "…: Password must have symbol characters"
}

// passwordRuleFor is the rule an error names: only an InvalidPasswordException names one, in its
// message.
func passwordRuleFor(code, msg string) PasswordRule {
	if code != "InvalidPasswordException" {
		return RuleUnknown
	}
	lower := strings.ToLower(msg)
	for _, r := range passwordRules {
		if strings.Contains(lower, r.says) {
			return r.rule
		}
	}
	return RuleUnknown
}

// noAnswer reports whether err means the request got no answer from Cognito: it could not be
// sent, the connection broke, or the call's deadline passed.
func noAnswer(err error) bool {
	var se *smithyhttp.RequestSendError
	var ne net.Error
	var re *awshttp.ResponseError
	return errors.As(err, &se) || errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || (errors.As(err, &re) && re.HTTPStatusCode() == 0)
}

// notAuthorized splits NotAuthorizedException, which Cognito overloads, by its message (first
// match wins, case-insensitive). Every other code is matched on the code alone. Each rule quotes
// the message Cognito sends.
var notAuthorized = []struct {
	contains string
	kind     Kind
}{
	// "Invalid session for the user, session is expired.", "Invalid session for the user, session
	// can only be used once.", "Invalid session for the user."
	{"invalid session for the user", SessionExpired},
	{"password attempts exceeded", PasswordAttemptsExceeded}, // "Password attempts exceeded"
	{"user is disabled", UserDisabled},                       // "User is disabled."
	// "Temporary password has expired and must be reset by an administrator."
	{"temporary password has expired", TempPasswordExpired},
	{"unable to verify secret hash for client", InvalidParameter}, // "Unable to verify secret hash for client <id>"
	// "Client <id> is configured for secret but secret was not received"
	{"is configured for secret but secret was not received", InvalidParameter},
	{"cannot modify an already provided", InvalidParameter}, // "Cannot modify an already provided email"
}

// kindFor classifies a Cognito error code and message.
func kindFor(code, msg string) Kind {
	switch code {
	case "NotAuthorizedException":
		lower := strings.ToLower(msg)
		for _, r := range notAuthorized {
			if strings.Contains(lower, r.contains) {
				return r.kind
			}
		}
		// "Incorrect username or password.", "Invalid Refresh Token", "Refresh Token has been
		// revoked", "Access Token has been revoked", …
		return WrongCredentials
	case "UserNotFoundException":
		return WrongCredentials
	case "PasswordResetRequiredException":
		return PasswordResetRequired
	case "UserNotConfirmedException":
		return UserNotConfirmed
	case "UsernameExistsException":
		return UsernameExists
	case "CodeMismatchException":
		return CodeMismatch
	case "ExpiredCodeException":
		return ExpiredCode
	case "InvalidPasswordException":
		return InvalidPassword
	case "PasswordHistoryPolicyViolationException":
		return PasswordHistory
	case "LimitExceededException":
		return LimitExceeded
	case "TooManyFailedAttemptsException":
		return TooManyFailedAttempts
	case "TooManyRequestsException", "ThrottlingException":
		return TooManyRequests
	case "EnableSoftwareTokenMFAException":
		return SoftwareTokenMismatch
	case "CodeDeliveryFailureException":
		return CodeDeliveryFailure
	case "WebAuthnChallengeNotFoundException", "WebAuthnCredentialNotSupportedException", "WebAuthnClientMismatchException":
		return PasskeyRejected
	case "WebAuthnNotEnabledException", "WebAuthnConfigurationMissingException", "WebAuthnRelyingPartyMismatchException", "WebAuthnOriginNotAllowedException":
		return PasskeyUnavailable
	case "InvalidParameterException", "InvalidUserPoolConfigurationException", "ResourceNotFoundException",
		"InvalidSmsRoleAccessPolicyException", "InvalidSmsRoleTrustRelationshipException", "InvalidEmailRoleAccessPolicyException":
		return InvalidParameter
	default:
		return Internal
	}
}
