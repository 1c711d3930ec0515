package cognito_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/internal/softauthn"
)

// userAuthEnv is a pool allowing every first factor, an engine in USER_AUTH mode, and alice
// (password, email), judy (email, no password), sam (password, phone) and tom (password,
// email, authenticator app).
func userAuthEnv(t *testing.T) (*env, *cognito.Engine) {
	e := newEnv(t, poolSetup{userAuth: true, totp: true, mfa: types.UserPoolMfaTypeOptional})
	eng := e.engine(engineOpts{flow: cognito.FlowUserAuth, secret: true, flows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	e.user("alice", true, map[string]string{"email": "alice@example.com"}, nil)
	e.user("sam", true, map[string]string{"phone_number": "+15555550100"}, nil)
	_, err := e.admin.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(e.poolID), Username: aws.String("judy"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("judy@example.com")}}})
	e.must(err)
	return e, eng
}

func TestUserAuthChoices(t *testing.T) {
	e, eng := userAuthEnv(t)
	for _, tt := range []struct {
		user string
		kind cognito.StepKind
		want []string
	}{
		{"alice", cognito.StepSelectChallenge, []string{cognito.FactorPasswordSRP, cognito.FactorEmailOTP}},
		{"sam", cognito.StepSelectChallenge, []string{cognito.FactorPasswordSRP, cognito.FactorSMSOTP}},
		// One factor needs no choice: judy's code is sent at once.
		{"judy", cognito.StepEmailSignInCode, nil},
		// Cognito does not know the name: the password page, as for a password-only user.
		{"nobody", cognito.StepSignInPassword, nil},
	} {
		t.Run(tt.user, func(t *testing.T) {
			st := e.stepOf(eng.Start(e.ctx, cognito.StartInput{Username: tt.user}))
			if st.Kind != tt.kind {
				t.Fatalf("kind %s, want %s", st.Kind, tt.kind)
			}
			if got := cognito.DataOf[cognito.ChoiceData](st).Options; !slices.Equal(got, tt.want) {
				t.Fatalf("options %v, want %v", got, tt.want)
			}
		})
	}
	// Any password fails for the unknown name, like a wrong one.
	st := e.stepOf(eng.Start(e.ctx, cognito.StartInput{Username: "nobody"}))
	_, err := eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerPassword: password})
	wantKind(t, err, cognito.WrongCredentials)
}

func TestUserAuthOneTimeCodes(t *testing.T) {
	e, eng := userAuthEnv(t)
	n := e.sent()
	st := e.stepOf(eng.Start(e.ctx, cognito.StartInput{Username: "alice"}))
	st = e.stepOf(eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerMethod: cognito.FactorEmailOTP}))
	if st.Kind != cognito.StepEmailSignInCode || cognito.DataOf[cognito.CodeData](st).Destination == "" {
		t.Fatalf("state %+v", st)
	}
	code := e.code("alice@example.com", n)
	if len(code) != cognito.SignInCodeLength {
		t.Fatalf("a %d-digit code, want %d", len(code), cognito.SignInCodeLength)
	}
	_, err := eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: "123456"})
	wantKind(t, err, cognito.CodeMismatch) // six digits cannot be right: refused before Cognito
	_, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: "00000000"})
	wantKind(t, err, cognito.CodeMismatch)
	wantAMR(t, e.success(eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: code})), "otp")

	n = e.sent()
	st = e.stepOf(eng.Start(e.ctx, cognito.StartInput{Username: "sam", Preferred: cognito.FactorSMSOTP}))
	if st.Kind != cognito.StepSMSSignInCode {
		t.Fatalf("preferred SMS_OTP gave %s", st.Kind)
	}
	wantAMR(t, e.success(eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: e.code("+15555550100", n)})), "sms")

	// An expired session starts over.
	st = e.stepOf(eng.Start(e.ctx, cognito.StartInput{Username: "judy"}))
	e.clock.Advance(4 * time.Minute)
	_, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: "00000000"})
	if ce := wantKind(t, err, cognito.SessionExpired); !ce.Kind.Restart() {
		t.Fatal("an expired session must restart the sign-in")
	}
}

func TestUserAuthPassword(t *testing.T) {
	e, eng := userAuthEnv(t)
	// The password beside the username: proven with SRP in the same call.
	wantAMR(t, e.success(eng.Start(e.ctx, cognito.StartInput{Username: "alice", Password: password})), "pwd")
	_, err := eng.Start(e.ctx, cognito.StartInput{Username: "alice", Password: "wrong"})
	wantKind(t, err, cognito.WrongCredentials)

	// Chosen on the choice page: a wrong password may be typed again.
	for _, factor := range []string{cognito.FactorPasswordSRP, cognito.FactorPassword} {
		st := e.stepOf(eng.Start(e.ctx, cognito.StartInput{Username: "alice"}))
		st = e.stepOf(eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerMethod: cognito.FactorPasswordSRP}))
		if st.Kind != cognito.StepSignInPassword {
			t.Fatalf("password factor gave %s", st.Kind)
		}
		st.Data, _ = json.Marshal(cognito.PasswordData{Factor: factor})
		_, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerPassword: "wrong"})
		wantKind(t, err, cognito.WrongCredentials)
		wantAMR(t, e.success(eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerPassword: password})), "pwd")
	}

	// A password user with MFA: the password, then the code.
	e.user("tom", true, map[string]string{"email": "tom@example.com"}, nil)
	secret := enrolTOTP(t, e, eng, "tom")
	// With MFA set up, a one-time code is no first factor for him: only the password is left,
	// so there is nothing to choose.
	st := e.stepOf(eng.Start(e.ctx, cognito.StartInput{Username: "tom"}))
	if st.Kind != cognito.StepSignInPassword {
		t.Fatalf("tom's start: %s, want the password step", st.Kind)
	}
	st = e.stepOf(eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerPassword: password}))
	if st.Kind != cognito.StepTOTPCode {
		t.Fatalf("after tom's password: %s", st.Kind)
	}
	e.clock.Advance(30 * time.Second) // a fresh TOTP window
	wantAMR(t, e.success(eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: e.totpCode(secret)})), "pwd", "otp", "mfa")
}

// enrolTOTP gives user an authenticator app through the API and returns its secret.
func enrolTOTP(t *testing.T, e *env, eng *cognito.Engine, user string) string {
	t.Helper()
	s := e.success(eng.Start(e.ctx, cognito.StartInput{Username: user, Password: password}))
	assoc, err := e.admin.AssociateSoftwareToken(e.ctx, &cip.AssociateSoftwareTokenInput{AccessToken: aws.String(s.AccessToken)})
	e.must(err)
	secret := aws.ToString(assoc.SecretCode)
	_, err = e.admin.VerifySoftwareToken(e.ctx, &cip.VerifySoftwareTokenInput{AccessToken: aws.String(s.AccessToken), UserCode: aws.String(e.totpCode(secret))})
	e.must(err)
	_, err = e.admin.SetUserMFAPreference(e.ctx, &cip.SetUserMFAPreferenceInput{AccessToken: aws.String(s.AccessToken), SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}})
	e.must(err)
	return secret
}

func TestUserAuthPasskey(t *testing.T) {
	e, eng := userAuthEnv(t)
	s := e.success(eng.Start(e.ctx, cognito.StartInput{Username: "alice", Password: password}))
	a := softauthn.New("http://localhost:8080", nil)
	pk := cognito.NewPasskeys(e.admin)
	options, err := pk.StartRegistration(e.ctx, s.AccessToken)
	e.must(err)
	cred, err := a.Create([]byte(options))
	e.must(err)
	e.must(pk.CompleteRegistration(e.ctx, s.AccessToken, string(cred)))
	wantKind(t, pk.CompleteRegistration(e.ctx, s.AccessToken, string(cred)), cognito.PasskeyRejected) // its challenge is spent
	wantKind(t, pk.CompleteRegistration(e.ctx, s.AccessToken, "[]"), cognito.InvalidParameter)
	keys, err := pk.List(e.ctx, s.AccessToken)
	e.must(err)
	if len(keys) != 1 || keys[0].ID == "" || keys[0].Created.IsZero() {
		t.Fatalf("passkeys %+v", keys)
	}

	st := e.stepOf(eng.Start(e.ctx, cognito.StartInput{Username: "alice"}))
	if got := cognito.DataOf[cognito.ChoiceData](st).Options; !slices.Equal(got, []string{cognito.FactorPasskey, cognito.FactorPasswordSRP, cognito.FactorEmailOTP}) {
		t.Fatalf("options %v: the passkey comes first", got)
	}
	st = e.stepOf(eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerMethod: cognito.FactorPasskey}))
	if st.Kind != cognito.StepPasskey {
		t.Fatalf("passkey factor gave %s", st.Kind)
	}
	res, err := eng.PasskeyOptions(e.ctx, st.Username)
	st = e.stepOf(res, err)
	if st.Kind != cognito.StepPasskey || res.Step.PasskeyOptions == "" || st.EncodedSize() > 3000 {
		t.Fatalf("passkey step %+v (%d bytes), options %q", st, st.EncodedSize(), res.Step.PasskeyOptions)
	}
	assertion, err := a.Get([]byte(res.Step.PasskeyOptions))
	e.must(err)
	_, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCredential: "not json"})
	wantKind(t, err, cognito.InvalidParameter)
	wantAMR(t, e.success(eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCredential: string(assertion)})), "hwk")

	// Preferred from the start, as when the browser remembers a passkey sign-in.
	res, err = eng.Start(e.ctx, cognito.StartInput{Username: "alice", Preferred: cognito.FactorPasskey})
	if st = e.stepOf(res, err); st.Kind != cognito.StepPasskey || res.Step.PasskeyOptions == "" {
		t.Fatalf("preferred passkey gave %+v", res.Step)
	}
	// judy has no passkey: Cognito goes on with what she has.
	if st := e.stepOf(eng.PasskeyOptions(e.ctx, "judy")); st.Kind != cognito.StepEmailSignInCode {
		t.Fatalf("judy's passkey options gave %s", st.Kind)
	}

	e.must(pk.Delete(e.ctx, s.AccessToken, keys[0].ID))
	wantKind(t, pk.Delete(e.ctx, s.AccessToken, keys[0].ID), cognito.InvalidParameter) // ResourceNotFoundException
	if keys, err = pk.List(e.ctx, s.AccessToken); err != nil || len(keys) != 0 {
		t.Fatalf("after delete: %+v, %v", keys, err)
	}
}

// stepOf is e.step for a result whose kind the test checks itself.
func (e *env) stepOf(res cognito.Result, err error) cognito.State {
	e.t.Helper()
	e.must(err)
	if res.Step == nil {
		e.t.Fatalf("want a step, got %+v", res)
	}
	return e.step(res, nil, res.Step.State.Kind)
}

func TestUserAuthAfterSignUp(t *testing.T) {
	e, eng := userAuthEnv(t)
	n := e.sent()
	up, err := eng.SignUp(e.ctx, "nina", password, map[string]string{"email": "nina@example.com"})
	e.must(err)
	if up.Session == "" || up.Delivery.Medium != "EMAIL" {
		t.Fatalf("SignUp = %+v", up)
	}
	// A wrong code keeps SignUp's session usable; the right one gives the session that signs in.
	code := e.code("nina@example.com", n)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	_, err = eng.ConfirmSignUp(e.ctx, "nina", wrong, up.Session)
	wantKind(t, err, cognito.CodeMismatch)
	next, err := eng.ConfirmSignUp(e.ctx, "nina", code, up.Session)
	e.must(err)
	e.secrets = append(e.secrets, up.Session, next)
	wantAMR(t, e.success(eng.StartAfterSignUp(e.ctx, "nina", next, "EMAIL")), "otp")
	_, err = eng.StartAfterSignUp(e.ctx, "nina", next, "EMAIL")
	wantKind(t, err, cognito.SessionExpired) // once only
	_, err = eng.StartAfterSignUp(e.ctx, "nina", "", "EMAIL")
	wantKind(t, err, cognito.SessionExpired)
}
