package cognito

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"
)

// Kind classifies what went wrong in terms a sign-in page can act on.
type Kind int

// The kinds of error a sign-in can meet. Each has a catalog message (MessageID).
const (
	Internal Kind = iota
	WrongCredentials
	UserDisabled
	PasswordAttemptsExceeded
	TempPasswordExpired
	SessionExpired
	PasswordResetRequired
	UserNotConfirmed
	CodeMismatch
	ExpiredCode
	InvalidPassword
	PasswordHistory
	LimitExceeded
	TooManyFailedAttempts
	TooManyRequests
	SoftwareTokenMismatch
	CodeDeliveryFailure
	InvalidParameter
	SMSSetupNeedsAdmin
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
}

// String names the kind, for logs.
func (k Kind) String() string {
	if int(k) < len(kindInfo) {
		return kindInfo[k].name
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// MessageID is the message catalog id of the sentence shown to the person.
func (k Kind) MessageID() string {
	if int(k) < len(kindInfo) {
		return kindInfo[k].msg
	}
	return kindInfo[Internal].msg
}

// Restart reports whether the sign-in must start again (the Cognito session can no longer be
// used, or the account must go through another flow first).
func (k Kind) Restart() bool {
	return k == SessionExpired || k == TempPasswordExpired || k == PasswordAttemptsExceeded || k == UserDisabled
}

// Error is a Cognito failure mapped to a Kind. Its text never contains what the person typed,
// codes or sessions: only the operation, the Cognito error code and the kind.
type Error struct {
	Kind Kind
	// Code is Cognito's error code (e.g. "NotAuthorizedException"); empty for local failures.
	Code string
	// Op is the Cognito operation or engine step that failed.
	Op  string
	Err error
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
// codes outside an operation's error model, so typed SDK errors are not used).
func mapError(op string, err error) error {
	if err == nil {
		return nil
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return &Error{Kind: Internal, Op: op, Err: err}
	}
	code, msg := ae.ErrorCode(), ae.ErrorMessage()
	return &Error{Kind: kindFor(code, msg), Code: code, Op: op, Err: err}
}

// kindFor classifies a Cognito error code and message.
func kindFor(code, msg string) Kind {
	lower := strings.ToLower(msg)
	switch code {
	case "NotAuthorizedException":
		switch {
		case strings.Contains(lower, "session"):
			return SessionExpired
		case strings.Contains(lower, "disabled"):
			return UserDisabled
		case strings.Contains(lower, "attempts exceeded"):
			return PasswordAttemptsExceeded
		case strings.Contains(lower, "temporary password has expired"):
			return TempPasswordExpired
		case strings.Contains(lower, "secret hash"), strings.Contains(lower, "client"):
			return InvalidParameter
		default:
			return WrongCredentials
		}
	case "UserNotFoundException":
		return WrongCredentials
	case "PasswordResetRequiredException":
		return PasswordResetRequired
	case "UserNotConfirmedException":
		return UserNotConfirmed
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
	case "InvalidParameterException", "InvalidUserPoolConfigurationException", "ResourceNotFoundException":
		return InvalidParameter
	default:
		return Internal
	}
}
