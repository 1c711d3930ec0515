package localpool

import (
	"crypto/rand"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/internal/srp"
)

// signUpPool is a test pool with a required name, email auto-verification and a client with a
// secret.
func signUpPool(t *testing.T, adminOnly bool) *testPool {
	t.Helper()
	p := newTestPool(t)
	// LimitExceededException is a throttling error to the SDK; one attempt shows each refusal.
	p.api = cip.New(p.api.Options(), func(o *cip.Options) { o.RetryMaxAttempts = 1 })
	pool, err := p.api.CreateUserPool(p.ctx, &cip.CreateUserPoolInput{
		PoolName:               aws.String("signup"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		AdminCreateUserConfig:  &types.AdminCreateUserConfigType{AllowAdminCreateUserOnly: adminOnly},
		Schema:                 []types.SchemaAttributeType{{Name: aws.String("name"), Required: aws.Bool(true)}},
	})
	p.must(err)
	p.poolID = aws.ToString(pool.UserPool.Id)
	c, err := p.api.CreateUserPoolClient(p.ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(p.poolID), ClientName: aws.String("c"), GenerateSecret: true})
	p.must(err)
	p.clientID, p.secret = aws.ToString(c.UserPoolClient.ClientId), aws.ToString(c.UserPoolClient.ClientSecret)
	return p
}

func (p *testPool) signUp(username, password string, attrs map[string]string) (*cip.SignUpOutput, error) {
	var ua []types.AttributeType
	for k, v := range attrs {
		ua = append(ua, types.AttributeType{Name: aws.String(k), Value: aws.String(v)})
	}
	return p.api.SignUp(p.ctx, &cip.SignUpInput{ClientId: aws.String(p.clientID), SecretHash: aws.String(p.hash(username)), Username: aws.String(username), Password: aws.String(password), UserAttributes: ua})
}

func (p *testPool) confirmSignUp(username, code string) error {
	_, err := p.api.ConfirmSignUp(p.ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(p.clientID), SecretHash: aws.String(p.hash(username)), Username: aws.String(username), ConfirmationCode: aws.String(code)})
	return err
}

func (p *testPool) resend(username string) (*cip.ResendConfirmationCodeOutput, error) {
	return p.api.ResendConfirmationCode(p.ctx, &cip.ResendConfirmationCodeInput{ClientId: aws.String(p.clientID), SecretHash: aws.String(p.hash(username)), Username: aws.String(username)})
}

func TestSignUpAndConfirm(t *testing.T) {
	p := signUpPool(t, false)
	desc, err := p.api.DescribeUserPool(p.ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(p.poolID)})
	p.must(err)
	required := map[string]bool{}
	for _, a := range desc.UserPool.SchemaAttributes {
		if aws.ToBool(a.Required) {
			required[aws.ToString(a.Name)] = true
		}
	}
	if !required["name"] || !required["sub"] || required["email"] || len(desc.UserPool.AutoVerifiedAttributes) != 1 {
		t.Fatalf("schema required %v, auto-verified %v", required, desc.UserPool.AutoVerifiedAttributes)
	}

	out, err := p.signUp("mallory", "Passw0rd!", map[string]string{"name": "Mallory", "email": "mallory@example.com"})
	p.must(err)
	if out.UserConfirmed || out.CodeDeliveryDetails == nil || out.CodeDeliveryDetails.DeliveryMedium != types.DeliveryMediumTypeEmail || aws.ToString(out.CodeDeliveryDetails.Destination) != "m***@e***" {
		t.Fatalf("SignUp = %+v %+v", out, out.CodeDeliveryDetails)
	}
	first := p.srv.Outbox().Messages()[0]
	if first.To != "mallory@example.com" || len(first.Code) != 6 {
		t.Fatalf("outbox %+v", first)
	}
	// The right password of an unconfirmed user is refused with UserNotConfirmedException.
	_, err = p.signInAs("mallory", "Passw0rd!")
	wantAPIError(t, err, "UserNotConfirmedException", "User is not confirmed.")

	// A resent code replaces the first one.
	if _, err := p.resend("mallory"); err != nil {
		t.Fatal(err)
	}
	second := p.srv.Outbox().Messages()[0]
	if second.Code != first.Code { // one chance in a million that the random codes repeat
		wantAPIError(t, p.confirmSignUp("mallory", first.Code), "CodeMismatchException", "Invalid verification code provided, please try again.")
	}
	p.must(p.confirmSignUp("mallory", second.Code))
	wantAPIError(t, p.confirmSignUp("mallory", second.Code), "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED")
	if _, err := p.signInAs("mallory", "Passw0rd!"); err != nil {
		t.Fatalf("a confirmed user signs in: %v", err)
	}
	user, err := p.api.AdminGetUser(p.ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(p.poolID), Username: aws.String("mallory")})
	p.must(err)
	verified := ""
	for _, a := range user.UserAttributes {
		if aws.ToString(a.Name) == "email_verified" {
			verified = aws.ToString(a.Value)
		}
	}
	if user.UserStatus != types.UserStatusTypeConfirmed || verified != "true" {
		t.Fatalf("status %s, email_verified %q", user.UserStatus, verified)
	}
}

// signInAs signs username in with USER_SRP_AUTH and its password (no MFA in sign-up pools).
func (p *testPool) signInAs(username, password string) (*types.AuthenticationResultType, error) {
	p.t.Helper()
	cl, err := srp.NewClient(rand.Reader)
	p.must(err)
	init, err := p.api.InitiateAuth(p.ctx, &cip.InitiateAuthInput{ClientId: aws.String(p.clientID), AuthFlow: types.AuthFlowTypeUserSrpAuth,
		AuthParameters: map[string]string{"USERNAME": username, "SRP_A": cl.AHex(), "SECRET_HASH": p.hash(username)}})
	if err != nil {
		return nil, err
	}
	prm := init.ChallengeParameters
	sig, ts, err := cl.PasswordClaim(poolName(p.poolID), prm["USER_ID_FOR_SRP"], password, prm["SALT"], prm["SRP_B"], prm["SECRET_BLOCK"], p.now)
	p.must(err)
	out, err := p.api.RespondToAuthChallenge(p.ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(p.clientID), ChallengeName: init.ChallengeName, Session: init.Session,
		ChallengeResponses: map[string]string{"USERNAME": username, "PASSWORD_CLAIM_SECRET_BLOCK": prm["SECRET_BLOCK"], "PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": ts, "SECRET_HASH": p.hash(username)}})
	if err != nil {
		return nil, err
	}
	return out.AuthenticationResult, nil
}

func TestSignUpRefusals(t *testing.T) {
	p := signUpPool(t, false)
	_, err := p.signUp("mallory", "Passw0rd!", map[string]string{"name": "Mallory", "email": "mallory@example.com"})
	p.must(err)
	tests := []struct {
		name      string
		call      func() error
		code, msg string
	}{
		{"taken username", func() error {
			_, err := p.signUp("mallory", "Passw0rd!", map[string]string{"name": "M"})
			return err
		}, "UsernameExistsException", "User already exists"},
		{"weak password", func() error {
			_, err := p.signUp("nina", "password", map[string]string{"name": "Nina"})
			return err
		}, "InvalidPasswordException", "Password did not conform with policy: Password must have uppercase characters"},
		{"missing required attribute", func() error {
			_, err := p.signUp("nina", "Passw0rd!", nil)
			return err
		}, "InvalidParameterException", "Attributes did not conform to the schema: name: The attribute is required"},
		{"no secret hash", func() error {
			_, err := p.api.SignUp(p.ctx, &cip.SignUpInput{ClientId: aws.String(p.clientID), Username: aws.String("nina"), Password: aws.String("Passw0rd!")})
			return err
		}, "NotAuthorizedException", "Unable to verify secret hash"},
		{"confirm unknown user", func() error { return p.confirmSignUp("nobody", "123456") }, "UserNotFoundException", "Username/client id combination not found."},
		{"resend for unknown user", func() error {
			_, err := p.resend("nobody")
			return err
		}, "UserNotFoundException", "Username/client id combination not found."},
		{"admin-only pool", func() error {
			q := signUpPool(t, true)
			_, err := q.signUp("nina", "Passw0rd!", map[string]string{"name": "Nina"})
			return err
		}, "NotAuthorizedException", "SignUp is not permitted for this user pool"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantAPIError(t, tt.call(), tt.code, tt.msg) })
	}
}

func TestConfirmationCodeLimits(t *testing.T) {
	p := signUpPool(t, false)
	_, err := p.signUp("mallory", "Passw0rd!", map[string]string{"name": "Mallory", "email": "mallory@example.com"})
	p.must(err)
	// Five codes an hour (the sign-up's included), then a cool-down.
	for i := range 4 {
		if _, err := p.resend("mallory"); err != nil {
			t.Fatalf("resend %d: %v", i+1, err)
		}
	}
	_, err = p.resend("mallory")
	wantAPIError(t, err, "LimitExceededException", "Attempt limit exceeded, please try after some time.")
	p.now = p.now.Add(confirmSendWindow)
	if _, err := p.resend("mallory"); err != nil {
		t.Fatalf("after the window: %v", err)
	}

	// Five wrong codes void the code, even the right one after them.
	code := p.srv.Outbox().Messages()[0].Code
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	for range maxConfirmAttempts - 1 {
		wantAPIError(t, p.confirmSignUp("mallory", wrong), "CodeMismatchException", "")
	}
	wantAPIError(t, p.confirmSignUp("mallory", wrong), "LimitExceededException", "Attempt limit exceeded")
	wantAPIError(t, p.confirmSignUp("mallory", code), "ExpiredCodeException", "Invalid code provided, please request a code again.")

	// A code expires after a day.
	if _, err := p.resend("mallory"); err != nil {
		t.Fatal(err)
	}
	code = p.srv.Outbox().Messages()[0].Code
	p.now = p.now.Add(confirmCodeTTL + time.Second)
	wantAPIError(t, p.confirmSignUp("mallory", code), "ExpiredCodeException", "")
	// AdminConfirmSignUp confirms without a code.
	_, err = p.api.AdminConfirmSignUp(p.ctx, &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(p.poolID), Username: aws.String("mallory")})
	p.must(err)
	_, err = p.resend("mallory")
	wantAPIError(t, err, "InvalidParameterException", "User is already confirmed.")
}
