package cognito_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/cognito"
)

// TestSignUp signs a new account up, is refused sign-in until it is confirmed, confirms it with
// a resent code and signs in; a taken username is UsernameExists.
func TestSignUp(t *testing.T) {
	for _, secret := range []bool{false, true} {
		t.Run(flowName(cognito.FlowUserSRP, secret), func(t *testing.T) {
			e := newEnv(t, poolSetup{required: []string{"name"}, verify: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}})
			eng := e.engine(engineOpts{secret: secret})
			form, err := eng.SignUpForm(e.ctx)
			e.must(err)
			if !slices.Equal(form.Required, []string{"name", "email"}) || form.Policy.MinimumLength != 8 || !form.Policy.RequireSymbols {
				t.Fatalf("SignUpForm = %+v", form)
			}
			n := e.sent()
			up, err := eng.SignUp(e.ctx, "nina", password, map[string]string{"name": "Nina", "email": "nina@example.com"})
			e.must(err)
			if d := up.Delivery; d.Medium != "EMAIL" || d.Destination == "" {
				t.Fatalf("delivery %+v", d)
			}
			first := e.code("nina@example.com", n)
			_, err = eng.Start(e.ctx, cognito.StartInput{Username: "nina", Password: password})
			wantKind(t, err, cognito.UserNotConfirmed)

			n = e.sent()
			_, err = eng.ResendConfirmationCode(e.ctx, "nina")
			e.must(err)
			code := e.code("nina@example.com", n)
			if code != first {
				_, err := eng.ConfirmSignUp(e.ctx, "nina", first, "")
				wantKind(t, err, cognito.CodeMismatch)
			}
			_, err = eng.ConfirmSignUp(e.ctx, "nina", code, "")
			e.must(err)
			res, err := eng.Start(e.ctx, cognito.StartInput{Username: "nina", Password: password})
			e.success(res, err)

			_, err = eng.SignUp(e.ctx, "nina", password, map[string]string{"name": "Other"})
			wantKind(t, err, cognito.UsernameExists)
			_, err = eng.SignUp(e.ctx, "olga", "weak", map[string]string{"name": "Olga"})
			wantKind(t, err, cognito.InvalidPassword)
		})
	}
}
