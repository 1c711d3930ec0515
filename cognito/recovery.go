package cognito

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// RecoveryCodeLength is the length of the codes ForgotPassword and AdminResetUserPassword send.
const RecoveryCodeLength = 6

// Delivery says where Cognito sent a code: "EMAIL" or "SMS" and the masked address.
type Delivery struct {
	Medium, Destination string
}

// ForgotPassword asks Cognito to send a password-reset code to the person's verified email
// address or phone number.
func (e *Engine) ForgotPassword(ctx context.Context, username string) (Delivery, error) {
	in := &cip.ForgotPasswordInput{ClientId: aws.String(e.cfg.ClientID), Username: aws.String(username), SecretHash: e.secretHash(username)}
	out, err := e.api.ForgotPassword(ctx, in)
	if err != nil {
		return Delivery{}, e.fail(ctx, "ForgotPassword", err)
	}
	return delivery(out.CodeDeliveryDetails), nil
}

// ConfirmForgotPassword sets a new password with the code Cognito sent (after ForgotPassword, or
// after an administrator's AdminResetUserPassword).
func (e *Engine) ConfirmForgotPassword(ctx context.Context, username, code, newPassword string) error {
	_, err := e.api.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{
		ClientId: aws.String(e.cfg.ClientID), Username: aws.String(username), SecretHash: e.secretHash(username),
		ConfirmationCode: aws.String(code), Password: aws.String(newPassword),
	})
	if err != nil {
		return e.fail(ctx, "ConfirmForgotPassword", err)
	}
	return nil
}
