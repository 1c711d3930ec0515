package main

import (
	"context"
	"fmt"
	"net"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/cognito"
)

// demoRelyingParty is the demo's passkey domain: browsers refuse passkeys for an IP address,
// so in choice-based mode the demo's address is http://localhost:PORT.
const demoRelyingParty = "localhost"

// demoSignInPolicy allows every first factor: it matters only to an app client that signs in
// with USER_AUTH (demo --auth-flow USER_AUTH).
func demoSignInPolicy() *types.SignInPolicyType {
	return &types.SignInPolicyType{AllowedFirstAuthFactors: []types.AuthFactorType{
		types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp, types.AuthFactorTypeSmsOtp, types.AuthFactorTypeWebAuthn,
	}}
}

// demoWebAuthn is the demo pool's passkey settings: passkeys on localhost, user verification
// preferred.
func demoWebAuthn() *types.WebAuthnConfigurationType {
	return &types.WebAuthnConfigurationType{RelyingPartyId: aws.String(demoRelyingParty), UserVerification: types.UserVerificationTypePreferred}
}

// seedPasswordless creates judy, who has no password at all and signs in with an email code.
func seedPasswordless(ctx context.Context, api *cip.Client, poolID string) error {
	_, err := api.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: aws.String(poolID), Username: aws.String("judy"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{
			{Name: aws.String("name"), Value: aws.String("Judy Example")},
			{Name: aws.String("email"), Value: aws.String("judy@example.com")},
			{Name: aws.String("email_verified"), Value: aws.String("true")},
		},
	})
	if err != nil {
		return fmt.Errorf("create judy: %w", err)
	}
	return nil
}

// demoSMSUser signs in with a text-message code as her first factor in choice-based mode: a
// verified phone number, a password, no MFA.
const demoSMSUser = "kim"

// seedSMSFirstFactor creates kim with create (seedDemo's).
func seedSMSFirstFactor(create func(username string, attrs map[string]string, permanent bool, password string) error) error {
	return create(demoSMSUser, map[string]string{"name": "Kim Example", "phone_number": "+15555550111", "phone_number_verified": "true"}, true, demoPassword)
}

// demoUserAuthUsers are listed in choice-based mode only.
func demoUserAuthUsers() []demoUser {
	return []demoUser{
		{"judy", "(none)", "no password: signs in with an email code (see /demo/outbox)"},
		{demoSMSUser, demoPassword, "chooses a text-message code (see /demo/outbox) or her password; no MFA"},
		{"(anyone)", "", "adds a passkey on the account page, then signs in with it"},
	}
}

// demoBase is the demo's address: in choice-based mode on localhost, the passkey domain.
func demoBase(addr net.Addr, authFlow string) string {
	if tcp, ok := addr.(*net.TCPAddr); ok && authFlow == cognito.FlowUserAuth {
		return fmt.Sprintf("http://%s:%d", demoRelyingParty, tcp.Port)
	}
	return "http://" + addr.String()
}
