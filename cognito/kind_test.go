package cognito

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
)

// TestKindFor maps every Cognito error a sign-in can meet (cognito-reference.md, "Errors a
// sign-in must turn into plain words") to the kind its page acts on.
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
		{"NotAuthorizedException", "Unable to verify secret hash for client 1abc", InvalidParameter},
		{"NotAuthorizedException", "Invalid Refresh Token", WrongCredentials},
		{"UserNotFoundException", "User does not exist.", WrongCredentials},
		{"PasswordResetRequiredException", "Password reset required for the user", PasswordResetRequired},
		{"UserNotConfirmedException", "User is not confirmed.", UserNotConfirmed},
		{"CodeMismatchException", "Invalid code received for user", CodeMismatch},
		{"ExpiredCodeException", "Invalid code provided, please request a code again.", ExpiredCode},
		{"InvalidPasswordException", "Password did not conform with policy: Password not long enough", InvalidPassword},
		{"PasswordHistoryPolicyViolationException", "Password has been used", PasswordHistory},
		{"LimitExceededException", "Attempt limit exceeded, please try after some time.", LimitExceeded},
		{"TooManyFailedAttemptsException", "Too many failed attempts", TooManyFailedAttempts},
		{"TooManyRequestsException", "Rate exceeded", TooManyRequests},
		{"ThrottlingException", "Rate exceeded", TooManyRequests},
		{"EnableSoftwareTokenMFAException", "Code mismatch", SoftwareTokenMismatch},
		{"CodeDeliveryFailureException", "Unable to deliver", CodeDeliveryFailure},
		{"InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client", InvalidParameter},
		{"ResourceNotFoundException", "User pool client abc does not exist.", InvalidParameter},
		{"InternalErrorException", "boom", Internal},
		{"SomethingNewException", "", Internal},
	}
	for _, tt := range tests {
		t.Run(tt.code+"/"+tt.msg, func(t *testing.T) {
			if got := kindFor(tt.code, tt.msg); got != tt.want {
				t.Fatalf("kindFor = %v, want %v", got, tt.want)
			}
			err := mapError("InitiateAuth", &smithy.GenericAPIError{Code: tt.code, Message: tt.msg})
			var ce *Error
			if !errors.As(err, &ce) || ce.Kind != tt.want || ce.Code != tt.code || ce.Op != "InitiateAuth" {
				t.Fatalf("mapError = %#v", err)
			}
			if !IsKind(err, tt.want) {
				t.Fatal("IsKind disagrees")
			}
			var api smithy.APIError
			if !errors.As(err, &api) {
				t.Fatal("the SDK error is not kept for errors.As")
			}
		})
	}
}

func TestKindMessagesAndRestart(t *testing.T) {
	restart := map[Kind]bool{SessionExpired: true, TempPasswordExpired: true, PasswordAttemptsExceeded: true, UserDisabled: true}
	for k := Internal; k <= SMSSetupNeedsAdmin; k++ {
		if id := k.MessageID(); !strings.HasPrefix(id, "error.") {
			t.Errorf("%v.MessageID() = %q", k, id)
		}
		if strings.HasPrefix(k.String(), "Kind(") {
			t.Errorf("kind %d has no name", int(k))
		}
		if k.Restart() != restart[k] {
			t.Errorf("%v.Restart() = %v", k, k.Restart())
		}
	}
	if Kind(999).MessageID() != "error.Internal" {
		t.Error("an unknown kind must fall back to the internal-error message")
	}
}

func TestErrorTextHoldsNoInput(t *testing.T) {
	// The SDK's message can echo parameters; the error's own text must not carry it.
	err := mapError("RespondToAuthChallenge SMS_MFA", &smithy.GenericAPIError{Code: "CodeMismatchException", Message: "code 123456 for session AYABeXYZ"})
	if s := err.Error(); strings.Contains(s, "123456") || strings.Contains(s, "AYABe") || !strings.Contains(s, "CodeMismatchException") {
		t.Fatalf("Error() = %q", s)
	}
	local := mapError("verify", errors.New("network down"))
	if !IsKind(local, Internal) {
		t.Fatalf("a non-API error must be Internal: %v", local)
	}
}

func TestSecretHash(t *testing.T) {
	// Computed independently: printf 'alicemyclientid' | openssl dgst -sha256 -hmac mysecret -binary | base64
	if got := SecretHash("myclientid", "mysecret", "alice"); got != "2CkXobXsIWPQfX6BPVXXj+pqnu7TzxM1i2VBxOEz/ms=" {
		t.Fatalf("SecretHash = %q", got)
	}
	if SecretHash("myclientid", "mysecret", "bob") == SecretHash("myclientid", "mysecret", "alice") {
		t.Fatal("the username must matter")
	}
}

func TestOTPAuthURI(t *testing.T) {
	got := OTPAuthURI("Bridgekeeper demo", "zoë@example.com", "JBSWY3DPEHPK3PXP")
	want := "otpauth://totp/Bridgekeeper%20demo:zo%C3%AB@example.com?issuer=Bridgekeeper+demo&secret=JBSWY3DPEHPK3PXP"
	if got != want {
		t.Fatalf("OTPAuthURI = %q, want %q", got, want)
	}
}

func TestMissingRequired(t *testing.T) {
	tests := []struct {
		required, attrs string
		want            []string
	}{
		{`["userAttributes.name"]`, `{"email":"a@example.com"}`, []string{"name"}},
		{`["userAttributes.name","userAttributes.email"]`, `{"email":"a@example.com"}`, []string{"name"}},
		{`["userAttributes.name"]`, `{"name":""}`, []string{"name"}},
		{`[]`, `{}`, nil},
		{`not json`, `{}`, nil},
		{`["userAttributes.family_name"]`, `not json`, []string{"family_name"}},
	}
	for _, tt := range tests {
		if got := missingRequired(tt.required, tt.attrs); strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("missingRequired(%s, %s) = %v, want %v", tt.required, tt.attrs, got, tt.want)
		}
	}
}
