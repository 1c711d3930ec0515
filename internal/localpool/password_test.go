package localpool

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

// TestPasswordPolicyMessages: every operation that takes a new password refuses one that breaks
// the pool's policy with Cognito's InvalidPasswordException and its message word for word (the
// prefix is the operation's own), through the AWS SDK.
func TestPasswordPolicyMessages(t *testing.T) {
	p := newTestPool(t)
	c := p.passwordClient("")
	p.setAttrs("alice", "email", "alice@example.com", "email_verified", "true")
	_, err := p.api.AdminCreateUser(p.ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(p.poolID), Username: aws.String("bob"),
		TemporaryPassword: aws.String("Temp-Passw0rd!"), MessageAction: types.MessageActionTypeSuppress})
	p.must(err)
	ops := []struct {
		name, prefix string
		set          func(pw string) error
	}{
		{"SignUp", "Password did not conform with policy: ", func(pw string) error {
			_, err := p.api.SignUp(p.ctx, &cip.SignUpInput{ClientId: aws.String(c), Username: aws.String("nina"), Password: aws.String(pw)})
			return err
		}},
		{"AdminCreateUser", "Password did not conform with password policy: ", func(pw string) error {
			_, err := p.api.AdminCreateUser(p.ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(p.poolID), Username: aws.String("olga"),
				TemporaryPassword: aws.String(pw), MessageAction: types.MessageActionTypeSuppress})
			return err
		}},
		{"AdminSetUserPassword", "Password does not conform to policy: ", func(pw string) error {
			_, err := p.api.AdminSetUserPassword(p.ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(p.poolID), Username: aws.String("alice"), Password: aws.String(pw), Permanent: true})
			return err
		}},
		{"ConfirmForgotPassword", "Password does not conform to policy: ", func(pw string) error {
			_, err := p.api.ForgotPassword(p.ctx, &cip.ForgotPasswordInput{ClientId: aws.String(c), Username: aws.String("alice")})
			p.must(err)
			code := p.srv.Outbox().Messages()[0].Code // newest first
			_, err = p.api.ConfirmForgotPassword(p.ctx, &cip.ConfirmForgotPasswordInput{ClientId: aws.String(c), Username: aws.String("alice"), ConfirmationCode: aws.String(code), Password: aws.String(pw)})
			return err
		}},
		{"RespondToAuthChallenge NEW_PASSWORD_REQUIRED", "Password does not conform to policy: ", func(pw string) error {
			out, err := p.passwordAuth(c, "bob", "Temp-Passw0rd!")
			p.must(err)
			if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
				t.Fatalf("challenge %s, want NEW_PASSWORD_REQUIRED", out.ChallengeName)
			}
			_, err = p.api.RespondToAuthChallenge(p.ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(c), ChallengeName: out.ChallengeName, Session: out.Session,
				ChallengeResponses: map[string]string{"USERNAME": "bob", "NEW_PASSWORD": pw}})
			return err
		}},
	}
	rules := []struct{ pw, rule string }{
		{"Sh0rt!", "Password not long enough"},
		{"Äbcdé1!", "Password not long enough"}, // seven characters in nine bytes
		{"nouppercase1!", "Password must have uppercase characters"},
		{"NOLOWERCASE1!", "Password must have lowercase characters"},
		{"NoNumbers!!", "Password must have numeric characters"},
		{"NoSymbols123", "Password must have symbol characters"},
	}
	for _, op := range ops {
		for _, r := range rules {
			t.Run(op.name+"/"+r.pw, func(t *testing.T) {
				err := op.set(r.pw)
				var ae smithy.APIError
				if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidPasswordException" || ae.ErrorMessage() != op.prefix+r.rule {
					t.Fatalf("error = %v, want InvalidPasswordException %q", err, op.prefix+r.rule)
				}
			})
		}
	}
}
