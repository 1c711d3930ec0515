package cognito

import (
	"context"
	"errors"
	"net"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
)

// usesUpOnce reports whether an operation spends something single-use once Cognito has read the
// request: a challenge session, a confirmation or reset code, a passkey challenge. Repeating such
// a call after Cognito may have read it cannot succeed and hides the real outcome.
func usesUpOnce(op string) bool {
	switch op {
	case "RespondToAuthChallenge", "AdminRespondToAuthChallenge", "AssociateSoftwareToken", "VerifySoftwareToken",
		"ConfirmForgotPassword", "ConfirmSignUp", "ConfirmDevice", "CompleteWebAuthnRegistration":
		return true
	}
	return false
}

// notRepeatable marks the failed attempt of a usesUpOnce operation that Cognito may have read.
type notRepeatable struct{ err error }

func (e *notRepeatable) Error() string { return e.err.Error() }
func (e *notRepeatable) Unwrap() error { return e.err }

// markNotRepeatable runs inside the SDK's retry loop and marks each failed attempt of a
// usesUpOnce operation that Cognito may have read, so the retryer gives up on it at once.
func markNotRepeatable(stack *middleware.Stack) error {
	return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("bridgekeeper/notRepeatable",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleFinalize(ctx, in)
			if err != nil && usesUpOnce(middleware.GetOperationName(ctx)) && !neverReached(err) {
				err = &notRepeatable{err: err}
			}
			return out, md, err
		}), "Retry", middleware.After)
}

// neverReached reports whether a failed attempt certainly left Cognito's state alone: Cognito
// refused it for throttling before doing anything, or the connection was never made.
func neverReached(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		_, throttled := retry.DefaultThrottleErrorCodes[ae.ErrorCode()]
		return throttled
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// noRetryNotRepeatable stops the retries of attempts markNotRepeatable marked.
type noRetryNotRepeatable struct{}

func (noRetryNotRepeatable) IsErrorRetryable(err error) aws.Ternary {
	var nr *notRepeatable
	if errors.As(err, &nr) {
		return aws.FalseTernary
	}
	return aws.UnknownTernary
}
