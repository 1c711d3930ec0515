package cognito

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
)

// TestKindFor maps every Cognito error a sign-in can meet (cognito-reference.md, "Errors a
// sign-in must turn into plain words", with Cognito's exact sentences) to the kind its page
// acts on.
func TestKindFor(t *testing.T) {
	tests := []struct {
		code, msg string
		want      Kind
	}{
		{"NotAuthorizedException", "Incorrect username or password.", WrongCredentials},
		{"NotAuthorizedException", "Password attempts exceeded", PasswordAttemptsExceeded},
		{"NotAuthorizedException", "User is disabled.", UserDisabled},
		{"NotAuthorizedException", "Temporary password has expired and must be reset by an administrator.", TempPasswordExpired},
		{"NotAuthorizedException", "Invalid session for the user, session is expired.", SessionExpired},
		{"NotAuthorizedException", "Invalid session for the user, session can only be used once.", SessionExpired},
		{"NotAuthorizedException", "Invalid session for the user.", SessionExpired},
		{"NotAuthorizedException", "Unable to verify secret hash for client 1abc", InvalidParameter},
		{"NotAuthorizedException", "Client 1abc is configured for secret but secret was not received", InvalidParameter},
		{"NotAuthorizedException", "Cannot modify an already provided email", InvalidParameter},
		{"NotAuthorizedException", "Invalid Refresh Token", WrongCredentials},
		{"NotAuthorizedException", "Refresh Token has been revoked", WrongCredentials},
		{"NotAuthorizedException", "", WrongCredentials},
		{"UserNotFoundException", "User does not exist.", WrongCredentials},
		{"PasswordResetRequiredException", "Password reset required for the user", PasswordResetRequired},
		{"UserNotConfirmedException", "User is not confirmed.", UserNotConfirmed},
		{"CodeMismatchException", "Invalid code received for user", CodeMismatch},
		{"ExpiredCodeException", "Invalid code provided, please request a code again.", ExpiredCode},
		{"InvalidPasswordException", "Password did not conform with policy: Password not long enough", InvalidPassword},
		{"PasswordHistoryPolicyViolationException", "The password you entered was used previously.", PasswordHistory},
		{"LimitExceededException", "Attempt limit exceeded, please try after some time.", LimitExceeded},
		{"TooManyFailedAttemptsException", "Too many failed attempts", TooManyFailedAttempts},
		{"TooManyRequestsException", "Rate exceeded", TooManyRequests},
		{"ThrottlingException", "Rate exceeded", TooManyRequests},
		{"EnableSoftwareTokenMFAException", "Code mismatch", SoftwareTokenMismatch},
		{"CodeDeliveryFailureException", "Unable to deliver", CodeDeliveryFailure},
		{"WebAuthnChallengeNotFoundException", "", PasskeyRejected},
		{"WebAuthnCredentialNotSupportedException", "", PasskeyRejected},
		{"WebAuthnClientMismatchException", "", PasskeyRejected},
		{"WebAuthnNotEnabledException", "", PasskeyUnavailable},
		{"WebAuthnConfigurationMissingException", "", PasskeyUnavailable},
		{"WebAuthnRelyingPartyMismatchException", "", PasskeyUnavailable},
		{"WebAuthnOriginNotAllowedException", "", PasskeyUnavailable},
		{"InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client", InvalidParameter},
		{"InvalidUserPoolConfigurationException", "SMS configuration is missing", InvalidParameter},
		{"InvalidSmsRoleAccessPolicyException", "Role does not have permission to publish with SNS", InvalidParameter},
		{"ResourceNotFoundException", "User pool client abc does not exist.", InvalidParameter},
		{"InternalErrorException", "boom", Internal},
		{"SomethingNewException", "", Internal},
	}
	for _, tt := range tests {
		t.Run(tt.code+"/"+tt.msg, func(t *testing.T) {
			if got := kindFor(tt.code, tt.msg); got != tt.want {
				t.Fatalf("kindFor = %v, want %v", got, tt.want)
			}
			// Wrapped the way the SDK wraps it.
			sdkErr := fmt.Errorf("operation error Cognito Identity Provider: InitiateAuth, %w", &smithy.GenericAPIError{Code: tt.code, Message: tt.msg})
			err := mapError("InitiateAuth", sdkErr)
			var ce *Error
			if !errors.As(err, &ce) || ce.Kind != tt.want || ce.Code != tt.code || ce.Op != "InitiateAuth" {
				t.Fatalf("mapError = %#v", err)
			}
			if !IsKind(fmt.Errorf("sign in: %w", err), tt.want) {
				t.Fatal("IsKind does not see through wrapping")
			}
			var api smithy.APIError
			if !errors.As(err, &api) || api.ErrorCode() != tt.code {
				t.Fatal("the SDK error is not kept for errors.As")
			}
		})
	}
}

func TestKindMessagesAndRestart(t *testing.T) {
	restart := map[Kind]bool{SessionExpired: true, TooManyFailedAttempts: true, TempPasswordExpired: true, PasswordAttemptsExceeded: true, UserDisabled: true, CustomAuthFailed: true}
	seen := map[string]Kind{}
	for k := Internal; int(k) < len(kindInfo); k++ {
		id := k.MessageID()
		if !strings.HasPrefix(id, "error.") {
			t.Errorf("%v.MessageID() = %q", k, id)
		}
		if prev, dup := seen[id]; dup {
			t.Errorf("%v and %v share the message %q", prev, k, id)
		}
		seen[id] = k
		if strings.HasPrefix(k.String(), "Kind(") {
			t.Errorf("kind %d has no name", int(k))
		}
		if k.Restart() != restart[k] {
			t.Errorf("%v.Restart() = %v", k, k.Restart())
		}
	}
	// The catalog ids the pages use, as the brief names them.
	for k, id := range map[Kind]string{
		WrongCredentials: "error.NotAuthorized.WrongCredentials", UserDisabled: "error.NotAuthorized.UserDisabled",
		PasswordAttemptsExceeded: "error.NotAuthorized.PasswordAttemptsExceeded", TempPasswordExpired: "error.NotAuthorized.TempPasswordExpired",
		SessionExpired: "error.SessionExpired", SoftwareTokenMismatch: "error.EnableSoftwareTokenMFA", Internal: "error.Internal",
	} {
		if k.MessageID() != id {
			t.Errorf("%v.MessageID() = %q, want %q", k, k.MessageID(), id)
		}
	}
	if Kind(999).MessageID() != "error.Internal" || Kind(-1).MessageID() != "error.Internal" || Kind(-1).String() != "Kind(-1)" {
		t.Error("an unknown kind must fall back to the internal-error message")
	}
}

func TestErrorTextHoldsNoInput(t *testing.T) {
	// Cognito's message (or a wrapping error) may echo what was sent; Error() must not.
	err := mapError("RespondToAuthChallenge SMS_MFA", &smithy.GenericAPIError{Code: "CodeMismatchException", Message: "code 123456 for session AYABeXYZ"})
	if s := err.Error(); strings.Contains(s, "123456") || strings.Contains(s, "AYABe") || !strings.Contains(s, "CodeMismatchException") || !strings.Contains(s, "SMS_MFA") {
		t.Fatalf("Error() = %q", s)
	}
	local := mapError("verify", errors.New("network down, password hunter2"))
	if !IsKind(local, Internal) || strings.Contains(local.Error(), "hunter2") {
		t.Fatalf("a non-API error must be Internal and not echoed: %v", local)
	}
	if mapError("x", nil) != nil {
		t.Fatal("mapError(nil) must be nil")
	}
}

// TestPasswordRuleFor names the rule in each of Cognito's InvalidPasswordException messages,
// whatever the operation's prefix, and no rule for anything else.
func TestPasswordRuleFor(t *testing.T) {
	tests := []struct {
		code, msg string
		want      PasswordRule
	}{
		// SignUp.
		{"InvalidPasswordException", "Password did not conform with policy: Password not long enough", RuleMinLength},
		{"InvalidPasswordException", "Password did not conform with policy: Password must have uppercase characters", RuleUppercase},
		{"InvalidPasswordException", "Password did not conform with policy: Password must have lowercase characters", RuleLowercase},
		{"InvalidPasswordException", "Password did not conform with policy: Password must have numeric characters", RuleNumber},
		{"InvalidPasswordException", "Password did not conform with policy: Password must have symbol characters", RuleSymbol},
		// AdminCreateUser.
		{"InvalidPasswordException", "Password did not conform with password policy: Password must have numeric characters", RuleNumber},
		// RespondToAuthChallenge (NEW_PASSWORD_REQUIRED), ConfirmForgotPassword, AdminSetUserPassword.
		{"InvalidPasswordException", "Password does not conform to policy: Password not long enough", RuleMinLength},
		{"InvalidPasswordException", "Password does not conform to policy: Password must have uppercase characters", RuleUppercase},
		{"InvalidPasswordException", "Password does not conform to policy: Password must have lowercase characters.", RuleLowercase},
		{"InvalidPasswordException", "Password does not conform to policy: Password must have symbol characters", RuleSymbol},
		// No rule named.
		{"InvalidPasswordException", "Password does not conform to policy", RuleUnknown},
		{"InvalidPasswordException", "Password did not conform with policy", RuleUnknown},
		{"InvalidPasswordException", "", RuleUnknown},
		// The rule's words under another code are not a refused password.
		{"PasswordHistoryPolicyViolationException", "Password does not conform to policy: Password not long enough", RuleUnknown},
		{"InvalidParameterException", "Password not long enough", RuleUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.code+"/"+tt.msg, func(t *testing.T) {
			if got := passwordRuleFor(tt.code, tt.msg); got != tt.want {
				t.Fatalf("passwordRuleFor = %v, want %v", got, tt.want)
			}
			err := mapError("SignUp", fmt.Errorf("operation error: %w", &smithy.GenericAPIError{Code: tt.code, Message: tt.msg}))
			var ce *Error
			if !errors.As(err, &ce) || ce.Rule != tt.want {
				t.Fatalf("mapError = %#v, want Rule %v", err, tt.want)
			}
		})
	}
}
