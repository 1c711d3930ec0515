package cognito_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a local user pool reached over HTTP through the real AWS SDK.
type env struct {
	t      *testing.T
	ctx    context.Context
	clock  *clock
	pool   *localpool.Server
	url    string
	api    *cip.Client
	poolID string
}

func newEnv(t *testing.T, mfa types.UserPoolMfaType) *env {
	t.Helper()
	c := &clock{t: time.Now()}
	pool := localpool.New(localpool.Options{Now: c.Now})
	srv := httptest.NewServer(pool.Handler())
	t.Cleanup(srv.Close)
	e := &env{t: t, ctx: context.Background(), clock: c, pool: pool, url: srv.URL}
	e.api = cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: credentials.NewStaticCredentialsProvider("x", "x", "")})
	out, err := e.api.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{
		PoolName: aws.String("t"),
		Schema:   []types.SchemaAttributeType{{Name: aws.String("name"), Required: aws.Bool(true)}},
	})
	e.must(err)
	e.poolID = aws.ToString(out.UserPool.Id)
	_, err = e.api.SetUserPoolMfaConfig(e.ctx, &cip.SetUserPoolMfaConfigInput{
		UserPoolId: aws.String(e.poolID), MfaConfiguration: mfa,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
		SmsMfaConfiguration:           &types.SmsMfaConfigType{SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String("arn")}},
		EmailMfaConfiguration:         &types.EmailMfaConfigType{},
	})
	e.must(err)
	return e
}

func (e *env) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// engine creates an app client and an engine for it.
func (e *env) engine(flow string, secret bool) *cognito.Engine {
	e.t.Helper()
	out, err := e.api.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(e.poolID), ClientName: aws.String("c"), GenerateSecret: secret,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	e.must(err)
	creds := credentials.NewStaticCredentialsProvider("x", "x", "")
	cfg := cognito.Config{
		Region: "us-east-1", UserPoolID: e.poolID, ClientID: aws.ToString(out.UserPoolClient.ClientId),
		ClientSecret: aws.ToString(out.UserPoolClient.ClientSecret), Endpoint: e.url, Issuer: e.url + "/" + e.poolID,
		AuthFlow: flow, StaticCredentials: &creds,
	}
	api, err := cognito.NewAPI(e.ctx, cfg)
	e.must(err)
	eng, err := cognito.New(api, cfg, cognito.Deps{Now: e.clock.Now, Rand: rand.Reader, Verifier: cognito.NewJWKSVerifier(e.ctx, cfg, nil)})
	e.must(err)
	return eng
}

func (e *env) user(name string, permanent bool, attrs map[string]string, prefs *cip.AdminSetUserMFAPreferenceInput) {
	e.t.Helper()
	var ua []types.AttributeType
	for k, v := range attrs {
		ua = append(ua, types.AttributeType{Name: aws.String(k), Value: aws.String(v)})
	}
	_, err := e.api.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(e.poolID), Username: aws.String(name), TemporaryPassword: aws.String("Temp-Passw0rd!"), MessageAction: types.MessageActionTypeSuppress, UserAttributes: ua})
	e.must(err)
	if permanent {
		_, err = e.api.AdminSetUserPassword(e.ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(e.poolID), Username: aws.String(name), Password: aws.String("Passw0rd!"), Permanent: true})
		e.must(err)
	}
	if prefs != nil {
		prefs.UserPoolId, prefs.Username = aws.String(e.poolID), aws.String(name)
		_, err = e.api.AdminSetUserMFAPreference(e.ctx, prefs)
		e.must(err)
	}
}

func (e *env) latestCode(to string) string {
	e.t.Helper()
	for _, m := range e.pool.Outbox().Messages() {
		if m.To == to {
			return m.Code
		}
	}
	e.t.Fatalf("no message to %s", to)
	return ""
}

func wantKind(t *testing.T, err error, k cognito.Kind) {
	t.Helper()
	var ce *cognito.Error
	if !errors.As(err, &ce) || ce.Kind != k {
		t.Fatalf("error = %v, want kind %v", err, k)
	}
}

func TestPasswordFlows(t *testing.T) {
	for _, tt := range []struct {
		flow   string
		secret bool
	}{{cognito.FlowUserSRP, false}, {cognito.FlowUserSRP, true}, {cognito.FlowUserPassword, false}, {cognito.FlowUserPassword, true}} {
		t.Run(tt.flow+map[bool]string{true: "+secret", false: ""}[tt.secret], func(t *testing.T) {
			e := newEnv(t, types.UserPoolMfaTypeOff)
			e.user("alice", true, map[string]string{"name": "Alice", "email": "alice@example.com"}, nil)
			eng := e.engine(tt.flow, tt.secret)
			res, err := eng.Start(e.ctx, "alice", "Passw0rd!")
			e.must(err)
			s := res.Success
			if s == nil || s.Username != "alice" || s.Subject == "" || strings.Join(s.AMR, ",") != "pwd" || s.Claims["email"] != "alice@example.com" || s.RefreshToken == "" {
				t.Fatalf("success = %+v", s)
			}
			_, err = eng.Start(e.ctx, "alice", "wrong")
			wantKind(t, err, cognito.WrongCredentials)
			_, err = eng.Start(e.ctx, "nobody", "Passw0rd!")
			wantKind(t, err, cognito.WrongCredentials)

			refreshed, err := eng.Refresh(e.ctx, "alice", s.RefreshToken)
			e.must(err)
			if refreshed.Subject != s.Subject {
				t.Fatalf("refresh gave subject %q", refreshed.Subject)
			}
			e.must(eng.Revoke(e.ctx, s.RefreshToken))
			_, err = eng.Refresh(e.ctx, "alice", s.RefreshToken)
			wantKind(t, err, cognito.WrongCredentials)

			_, err = e.api.AdminDisableUser(e.ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(e.poolID), Username: aws.String("alice")})
			e.must(err)
			_, err = eng.Start(e.ctx, "alice", "Passw0rd!")
			wantKind(t, err, cognito.UserDisabled)
		})
	}
}

func TestNewPasswordWithRequiredAttribute(t *testing.T) {
	e := newEnv(t, types.UserPoolMfaTypeOff)
	e.user("bob", false, nil, nil)
	eng := e.engine(cognito.FlowUserSRP, true)
	res, err := eng.Start(e.ctx, "bob", "Temp-Passw0rd!")
	e.must(err)
	st := res.Step.State
	if st.Kind != cognito.StepNewPassword || strings.Join(st.RequiredAttributes, ",") != "name" {
		t.Fatalf("step = %+v", st)
	}
	_, err = eng.Answer(e.ctx, st, cognito.Answer{NewPassword: "short", Attributes: map[string]string{"name": "Bob"}})
	wantKind(t, err, cognito.InvalidPassword)
	// A rejected answer used the session up; Cognito's rule. Start again.
	res, err = eng.Start(e.ctx, "bob", "Temp-Passw0rd!")
	e.must(err)
	res, err = eng.Answer(e.ctx, res.Step.State, cognito.Answer{NewPassword: "N3w-Passw0rd!", Attributes: map[string]string{"name": "Bob"}})
	e.must(err)
	if res.Success == nil || res.Success.Claims["name"] != "Bob" {
		t.Fatalf("result = %+v", res)
	}
}

func TestMFAFlows(t *testing.T) {
	e := newEnv(t, types.UserPoolMfaTypeOptional)
	e.user("dave", true, map[string]string{"name": "D", "phone_number": "+15555550104"}, &cip.AdminSetUserMFAPreferenceInput{SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true}})
	e.user("erin", true, map[string]string{"name": "E", "email": "erin@example.com"}, &cip.AdminSetUserMFAPreferenceInput{EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true, PreferredMfa: true}})
	e.user("frank", true, map[string]string{"name": "F", "phone_number": "+15555550106", "email": "frank@example.com"}, &cip.AdminSetUserMFAPreferenceInput{
		SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true}, EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true},
	})
	eng := e.engine(cognito.FlowUserSRP, false)

	t.Run("SMS, wrong code then right code", func(t *testing.T) {
		res, err := eng.Start(e.ctx, "dave", "Passw0rd!")
		e.must(err)
		st := res.Step.State
		if st.Kind != cognito.StepSMSCode || !strings.HasSuffix(st.Destination, "0104") || strings.Contains(st.Destination, "555555") {
			t.Fatalf("step = %+v", st)
		}
		_, err = eng.Answer(e.ctx, st, cognito.Answer{Code: "000000"})
		wantKind(t, err, cognito.CodeMismatch)
		res, err = eng.Answer(e.ctx, st, cognito.Answer{Code: e.latestCode("+15555550104")})
		e.must(err)
		if res.Success == nil || strings.Join(res.Success.AMR, ",") != "pwd,sms" {
			t.Fatalf("result = %+v", res)
		}
		// The session was used: answering again restarts.
		_, err = eng.Answer(e.ctx, st, cognito.Answer{Code: e.latestCode("+15555550104")})
		wantKind(t, err, cognito.SessionExpired)
	})
	t.Run("email", func(t *testing.T) {
		res, err := eng.Start(e.ctx, "erin", "Passw0rd!")
		e.must(err)
		if res.Step.State.Kind != cognito.StepEmailCode {
			t.Fatalf("step = %+v", res.Step.State)
		}
		res, err = eng.Answer(e.ctx, res.Step.State, cognito.Answer{Code: e.latestCode("erin@example.com")})
		e.must(err)
		if res.Success == nil {
			t.Fatal("no success")
		}
	})
	t.Run("choose a method", func(t *testing.T) {
		res, err := eng.Start(e.ctx, "frank", "Passw0rd!")
		e.must(err)
		st := res.Step.State
		if st.Kind != cognito.StepSelectMFA || strings.Join(st.Options, ",") != "SMS_MFA,EMAIL_OTP" {
			t.Fatalf("step = %+v", st)
		}
		_, err = eng.Answer(e.ctx, st, cognito.Answer{Method: "SOFTWARE_TOKEN_MFA"})
		wantKind(t, err, cognito.InvalidParameter)
		res, err = eng.Answer(e.ctx, st, cognito.Answer{Method: "EMAIL_OTP"})
		e.must(err)
		if res.Step.State.Kind != cognito.StepEmailCode {
			t.Fatalf("after choosing email: %+v", res.Step.State)
		}
	})
	t.Run("an expired session restarts", func(t *testing.T) {
		res, err := eng.Start(e.ctx, "dave", "Passw0rd!")
		e.must(err)
		e.clock.Advance(4 * time.Minute)
		_, err = eng.Answer(e.ctx, res.Step.State, cognito.Answer{Code: e.latestCode("+15555550104")})
		wantKind(t, err, cognito.SessionExpired)
		if !cognito.SessionExpired.Restart() {
			t.Fatal("an expired session must restart the sign-in")
		}
	})
}

func TestMFASetup(t *testing.T) {
	e := newEnv(t, types.UserPoolMfaTypeOn)
	e.user("grace", true, map[string]string{"name": "G"}, nil)
	e.user("hank", true, map[string]string{"name": "H"}, nil)
	eng := e.engine(cognito.FlowUserSRP, true)

	t.Run("authenticator", func(t *testing.T) {
		res, err := eng.Start(e.ctx, "grace", "Passw0rd!")
		e.must(err)
		st := res.Step.State
		if st.Kind != cognito.StepMFASetupChoice {
			t.Fatalf("step = %+v", st)
		}
		res, err = eng.Answer(e.ctx, st, cognito.Answer{Method: cognito.MethodTOTP})
		e.must(err)
		st = res.Step.State
		if st.Kind != cognito.StepTOTPSetup || len(st.SecretCode) < 16 || !strings.HasPrefix(st.OTPAuthURI, "otpauth://totp/") {
			t.Fatalf("setup step = %+v", st)
		}
		_, err = eng.Answer(e.ctx, st, cognito.Answer{Code: "000000"})
		wantKind(t, err, cognito.SoftwareTokenMismatch)
		res, err = eng.Answer(e.ctx, st, cognito.Answer{Code: localpool.TOTP(st.SecretCode, e.clock.Now()), DeviceName: "phone"})
		e.must(err)
		if res.Success == nil || strings.Join(res.Success.AMR, ",") != "pwd,otp" {
			t.Fatalf("result = %+v", res)
		}
		// Next time grace is asked for her authenticator code.
		res, err = eng.Start(e.ctx, "grace", "Passw0rd!")
		e.must(err)
		if res.Step.State.Kind != cognito.StepTOTPCode {
			t.Fatalf("second sign-in step = %+v", res.Step.State)
		}
		res, err = eng.Answer(e.ctx, res.Step.State, cognito.Answer{Code: localpool.TOTP(st.SecretCode, e.clock.Now())})
		e.must(err)
		if res.Success == nil {
			t.Fatal("no success with the authenticator code")
		}
	})
	t.Run("email", func(t *testing.T) {
		res, err := eng.Start(e.ctx, "hank", "Passw0rd!")
		e.must(err)
		res, err = eng.Answer(e.ctx, res.Step.State, cognito.Answer{Method: cognito.MethodEmail})
		e.must(err)
		if res.Step.State.Kind != cognito.StepEmailSetup {
			t.Fatalf("step = %+v", res.Step.State)
		}
		res, err = eng.Answer(e.ctx, res.Step.State, cognito.Answer{Email: "hank@example.com"})
		e.must(err)
		if res.Step.State.Kind != cognito.StepEmailCode {
			t.Fatalf("step = %+v", res.Step.State)
		}
		res, err = eng.Answer(e.ctx, res.Step.State, cognito.Answer{Code: e.latestCode("hank@example.com")})
		e.must(err)
		if res.Success == nil || res.Success.Claims["email"] != "hank@example.com" {
			t.Fatalf("result = %+v", res)
		}
	})
}

func TestStateSizeBudget(t *testing.T) {
	st := cognito.State{
		Kind: cognito.StepMFASetupChoice, Challenge: "NEW_PASSWORD_REQUIRED", Session: strings.Repeat("s", 2048),
		Username: strings.Repeat("u", 128), Destination: strings.Repeat("d", 64),
		Options:    []string{"SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP"},
		SecretCode: strings.Repeat("A", 32), OTPAuthURI: "otpauth://totp/" + strings.Repeat("x", 300),
		DeviceName: strings.Repeat("n", 64), AMR: []string{"pwd", "sms", "otp", "mfa", "hwk"},
	}
	for i := 0; i < 10; i++ {
		st.RequiredAttributes = append(st.RequiredAttributes, "custom:"+strings.Repeat("a", 25))
	}
	// The sealed cookie's budget (4,000 bytes) is measured in handlers; this bounds the input.
	if n := st.EncodedSize(); n >= 3000 {
		t.Fatalf("worst-case state is %d bytes of JSON, want < 3000", n)
	}
	if strings.Contains(string(mustJSON(t, st)), "otpauth") {
		t.Fatal("the otpauth URI is derived, not stored")
	}
}

func TestUnsupportedFlowIsRefused(t *testing.T) {
	_, err := cognito.New(struct{ cognito.API }{}, cognito.Config{UserPoolID: "p", ClientID: "c", AuthFlow: "USER_AUTH"}, cognito.Deps{Rand: rand.Reader, Verifier: cognito.NewJWKSVerifier(context.Background(), cognito.Config{}, nil)})
	if err == nil || !strings.Contains(err.Error(), "USER_AUTH") {
		t.Fatalf("err = %v", err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPasswordRecovery(t *testing.T) {
	e := newEnv(t, types.UserPoolMfaTypeOff)
	e.user("ivy", true, map[string]string{"name": "I", "email": "ivy@example.com"}, nil)
	eng := e.engine(cognito.FlowUserSRP, true)
	d, err := eng.ForgotPassword(e.ctx, "ivy")
	e.must(err)
	if d.Medium != "EMAIL" || d.Destination == "" || strings.Contains(d.Destination, "ivy@") {
		t.Fatalf("delivery = %+v", d)
	}
	wantKind(t, eng.ConfirmForgotPassword(e.ctx, "ivy", "000000", "N3w-Passw0rd!"), cognito.CodeMismatch)
	wantKind(t, eng.ConfirmForgotPassword(e.ctx, "ivy", e.latestCode("ivy@example.com"), "weak"), cognito.InvalidPassword)
	e.must(eng.ConfirmForgotPassword(e.ctx, "ivy", e.latestCode("ivy@example.com"), "N3w-Passw0rd!"))
	res, err := eng.Start(e.ctx, "ivy", "N3w-Passw0rd!")
	e.must(err)
	if res.Success == nil {
		t.Fatal("the new password does not sign in")
	}

	_, err = e.api.AdminResetUserPassword(e.ctx, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(e.poolID), Username: aws.String("ivy")})
	e.must(err)
	_, err = eng.Start(e.ctx, "ivy", "N3w-Passw0rd!")
	wantKind(t, err, cognito.PasswordResetRequired)
}
