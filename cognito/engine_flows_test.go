package cognito_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"slices"
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
	"github.com/bridgekeeper/bridgekeeper/internal/sdkhttp"
	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// These tests run the engine against internal/localpool over HTTP through the real AWS SDK.
// The clock and the random sources are injected; nothing sleeps.

const (
	password    = "Passw0rd!"
	tempPass    = "Temp-Passw0rd!"
	newPassword = "N3w-Passw0rd!"
)

// seeded is a deterministic random source, safe for concurrent use.
type seeded struct {
	mu sync.Mutex
	r  *rand.ChaCha8
}

func newSeeded(seed byte) io.Reader { return &seeded{r: rand.NewChaCha8([32]byte{seed})} }

func (s *seeded) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.r.Read(p)
}

// poolSetup describes the user pool a test needs.
type poolSetup struct {
	mfa        types.UserPoolMfaType
	sms, email bool
	totp       bool
	required   []string // required attributes
	sessionTTL time.Duration
	// userAuth allows every first factor of choice-based sign-in, with passkeys on localhost.
	userAuth bool
	aliases  []types.AliasAttributeType
	devices  *types.DeviceConfigurationType // device tracking (device_test.go)
	verify   []types.VerifiedAttributeType  // auto-verified attributes (signup_test.go)
}

// env is a local user pool reached over HTTP through the real AWS SDK.
type env struct {
	t      *testing.T
	ctx    context.Context
	clock  *testutil.Clock
	pool   *localpool.Server
	url    string
	admin  *cip.Client
	poolID string
	logs   *testutil.Buffer
	// secrets must never show up in the engine's logs.
	secrets []string
	// client is the app client of the engine built last.
	client cognito.Config
	// ops records the Cognito operations the pool served, in order.
	ops *opLog
}

func newEnv(t *testing.T, ps poolSetup) *env {
	t.Helper()
	c := testutil.NewClock(time.Now().UTC().Truncate(time.Second))
	pool := localpool.New(localpool.Options{Now: c.Now, Rand: newSeeded(1), SessionTTL: ps.sessionTTL})
	ops := &opLog{}
	srv := httptest.NewServer(checkAuthAnswers(t, ops.wrap(pool.Handler())))
	t.Cleanup(srv.Close)
	e := &env{t: t, ctx: context.Background(), clock: c, pool: pool, url: srv.URL, logs: &testutil.Buffer{}, secrets: []string{password, tempPass, newPassword}, ops: ops}
	e.admin = cip.New(cip.Options{HTTPClient: sdkhttp.InMemoryBodies(nil), Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: credentials.NewStaticCredentialsProvider("x", "x", "")})
	var schema []types.SchemaAttributeType
	for _, r := range ps.required {
		schema = append(schema, types.SchemaAttributeType{Name: aws.String(r), Required: aws.Bool(true)})
	}
	create := &cip.CreateUserPoolInput{PoolName: aws.String("t"), Schema: schema, AliasAttributes: ps.aliases, DeviceConfiguration: ps.devices, AutoVerifiedAttributes: ps.verify}
	if ps.userAuth {
		create.AutoVerifiedAttributes = []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}
		create.Policies = &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{AllowedFirstAuthFactors: []types.AuthFactorType{"PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"}}}
	}
	out, err := e.admin.CreateUserPool(e.ctx, create)
	e.must(err)
	e.poolID = aws.ToString(out.UserPool.Id)
	if ps.mfa == "" {
		ps.mfa = types.UserPoolMfaTypeOff
	}
	in := &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(e.poolID), MfaConfiguration: ps.mfa}
	if ps.totp {
		in.SoftwareTokenMfaConfiguration = &types.SoftwareTokenMfaConfigType{Enabled: true}
	}
	if ps.sms {
		in.SmsMfaConfiguration = &types.SmsMfaConfigType{SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String("arn")}}
	}
	if ps.email {
		in.EmailMfaConfiguration = &types.EmailMfaConfigType{}
	}
	if ps.userAuth {
		in.WebAuthnConfiguration = &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("localhost")}
	}
	_, err = e.admin.SetUserPoolMfaConfig(e.ctx, in)
	e.must(err)
	t.Cleanup(func() {
		logs := e.logs.String()
		for _, s := range e.secrets {
			if s != "" && strings.Contains(logs, s) {
				t.Errorf("the engine logged a secret (%d characters)", len(s))
			}
		}
	})
	return e
}

func (e *env) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// engineOpts tweak the engine a test builds.
type engineOpts struct {
	flow    string
	secret  bool
	flows   []types.ExplicitAuthFlowsType // the app client's; default SRP, password and refresh
	issuer  string                        // override the verified issuer
	badHash bool                          // configure a wrong client secret
	// preventExistence creates the app client with PreventUserExistenceErrors ENABLED.
	preventExistence bool
	// customWithPassword starts CUSTOM_AUTH with SRP (pool.custom_auth_with_password).
	customWithPassword bool
	// callTimeout is pool.call_timeout (default cognito.DefaultCallTimeout).
	callTimeout time.Duration
}

// engine creates an app client and an engine for it, wired the way cmd/bridgekeeper does.
func (e *env) engine(o engineOpts) *cognito.Engine {
	e.t.Helper()
	flows := o.flows
	if flows == nil {
		flows = []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}
	}
	out, err := e.admin.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(e.poolID), ClientName: aws.String("c"), GenerateSecret: o.secret, ExplicitAuthFlows: flows,
		PreventUserExistenceErrors: preventExistence(o.preventExistence),
	})
	e.must(err)
	cfg := cognito.Config{
		Region: "us-east-1", UserPoolID: e.poolID, ClientID: aws.ToString(out.UserPoolClient.ClientId),
		ClientSecret: aws.ToString(out.UserPoolClient.ClientSecret), Endpoint: e.url, Issuer: e.url + "/" + e.poolID,
		JWKSURL: e.url + "/" + e.poolID + "/.well-known/jwks.json", AuthFlow: o.flow, TOTPIssuer: "Bridgekeeper Test",
		CustomAuthWithPassword: o.customWithPassword, CallTimeout: o.callTimeout,
	}
	if o.issuer != "" {
		cfg.Issuer = o.issuer
	}
	if o.badHash {
		cfg.ClientSecret = "not-the-secret"
	}
	e.secrets = append(e.secrets, cfg.ClientSecret)
	e.client = cfg
	api, err := cognito.NewAPI(e.ctx, cfg, cognito.WithCredentials(credentials.NewStaticCredentialsProvider("x", "x", "")), cognito.WithRetryBackoff(noBackoff))
	e.must(err)
	eng, err := cognito.New(api, cfg, cognito.Deps{
		Now: e.clock.Now, Rand: newSeeded(2), Verifier: cognito.NewJWKSVerifier(e.ctx, cfg, nil),
		Logger: slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	e.must(err)
	return eng
}

// user creates a user with attributes; permanent sets password, otherwise the user must change
// tempPass at first sign-in.
func (e *env) user(name string, permanent bool, attrs map[string]string, prefs *cip.AdminSetUserMFAPreferenceInput) {
	e.t.Helper()
	var ua []types.AttributeType
	for k, v := range attrs {
		ua = append(ua, types.AttributeType{Name: aws.String(k), Value: aws.String(v)})
	}
	_, err := e.admin.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(e.poolID), Username: aws.String(name), TemporaryPassword: aws.String(tempPass), MessageAction: types.MessageActionTypeSuppress, UserAttributes: ua})
	e.must(err)
	if permanent {
		_, err = e.admin.AdminSetUserPassword(e.ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(e.poolID), Username: aws.String(name), Password: aws.String(password), Permanent: true})
		e.must(err)
	}
	if prefs != nil {
		prefs.UserPoolId, prefs.Username = aws.String(e.poolID), aws.String(name)
		_, err = e.admin.AdminSetUserMFAPreference(e.ctx, prefs)
		e.must(err)
	}
}

// sent is the number of messages in the outbox, to wait for the next one with code.
func (e *env) sent() int { return len(e.pool.Outbox().Messages()) }

// code returns the code in the first message to `to` after the first `after` messages.
func (e *env) code(to string, after int) string {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 5*time.Second)
	defer cancel()
	m, err := e.pool.Outbox().Wait(ctx, to, after)
	e.must(err)
	e.secrets = append(e.secrets, m.Code)
	return m.Code
}

// totpCode is the authenticator's code now, remembered as a secret.
func (e *env) totpCode(secret string) string {
	c := localpool.TOTP(secret, e.clock.Now())
	e.secrets = append(e.secrets, c)
	return c
}

// step asserts res is a step of kind k and returns its state (remembering its session).
func (e *env) step(res cognito.Result, err error, k cognito.StepKind) cognito.State {
	e.t.Helper()
	e.must(err)
	if res.Step == nil || res.Success != nil {
		e.t.Fatalf("want a %s step, got %+v", k, res)
	}
	if res.Step.State.Kind != k {
		e.t.Fatalf("step = %+v, want kind %s", res.Step.State, k)
	}
	e.secrets = append(e.secrets, res.Step.State.Session)
	return res.Step.State
}

// success asserts res is a success.
func (e *env) success(res cognito.Result, err error) *cognito.Success {
	e.t.Helper()
	e.must(err)
	if res.Success == nil || res.Step != nil {
		e.t.Fatalf("want success, got %+v", res)
	}
	s := res.Success
	if s.Subject == "" || s.Subject != s.Claims.String("sub") || s.IDToken == "" || s.AccessToken == "" || s.ExpiresIn <= 0 {
		e.t.Fatalf("success = %+v", s)
	}
	if d := s.AuthenticatedAt().Sub(e.clock.Now()); d > time.Second || d < -time.Second {
		e.t.Fatalf("auth time %v, clock %v", s.AuthenticatedAt(), e.clock.Now())
	}
	e.secrets = append(e.secrets, s.IDToken, s.AccessToken, s.RefreshToken)
	return s
}

// wantAMR asserts the methods a sign-in reports.
func wantAMR(t *testing.T, s *cognito.Success, amr ...string) *cognito.Success {
	t.Helper()
	if !slices.Equal(s.AMR, amr) {
		t.Fatalf("AMR = %v, want %v", s.AMR, amr)
	}
	return s
}

func wantKind(t *testing.T, err error, k cognito.Kind) *cognito.Error {
	t.Helper()
	var ce *cognito.Error
	if !errors.As(err, &ce) || ce.Kind != k {
		t.Fatalf("error = %v, want kind %v", err, k)
	}
	return ce
}

func flowName(flow string, secret bool) string {
	if secret {
		return flow + "+secret"
	}
	return flow
}

var allFlows = []struct {
	flow   string
	secret bool
}{{cognito.FlowUserSRP, false}, {cognito.FlowUserSRP, true}, {cognito.FlowUserPassword, false}, {cognito.FlowUserPassword, true}}

func TestPasswordSignIn(t *testing.T) {
	for _, tt := range allFlows {
		t.Run(flowName(tt.flow, tt.secret), func(t *testing.T) {
			e := newEnv(t, poolSetup{aliases: []types.AliasAttributeType{types.AliasAttributeTypeEmail}})
			e.user("alice", true, map[string]string{"name": "Alice", "email": "alice@example.com", "email_verified": "true"}, nil)
			e.user("uma", true, map[string]string{"email": "uma@example.com"}, nil)
			eng := e.engine(engineOpts{flow: tt.flow, secret: tt.secret})

			s := wantAMR(t, e.success(eng.Start(e.ctx, cognito.StartInput{Username: "alice", Password: password})), "pwd")
			if s.Username != "alice" || s.Claims.String("email") != "alice@example.com" || s.Claims.String("cognito:username") != "alice" || s.Claims.String("token_use") != "" || s.RefreshToken == "" {
				t.Fatalf("success = %+v", s)
			}
			// By email alias: SECRET_HASH over the typed name first, the real username after.
			alias := wantAMR(t, e.success(eng.Start(e.ctx, cognito.StartInput{Username: "alice@example.com", Password: password})), "pwd")
			if alias.Username != "alice" || alias.Subject != s.Subject {
				t.Fatalf("alias sign-in = %+v", alias)
			}

			// An unverified email address is no alias.
			_, err := eng.Start(e.ctx, cognito.StartInput{Username: "uma@example.com", Password: password})
			wantKind(t, err, cognito.WrongCredentials)
			_, err = eng.Start(e.ctx, cognito.StartInput{Username: "alice", Password: "Wrong-passw0rd"})
			wantKind(t, err, cognito.WrongCredentials)
			_, err = eng.Start(e.ctx, cognito.StartInput{Username: "nobody", Password: password})
			wantKind(t, err, cognito.WrongCredentials)
			_, err = eng.Start(e.ctx, cognito.StartInput{Username: "alice", Password: ""})
			wantKind(t, err, cognito.WrongCredentials)

			// Refresh with the real username (SECRET_HASH needs it), then revoke.
			refreshed, err := eng.Refresh(e.ctx, alias.Username, alias.RefreshToken)
			e.must(err)
			if refreshed.Subject != s.Subject || refreshed.IDToken == "" || len(refreshed.AMR) != 0 {
				t.Fatalf("refresh = %+v", refreshed)
			}
			e.must(eng.Revoke(e.ctx, alias.RefreshToken))
			_, err = eng.Refresh(e.ctx, "alice", alias.RefreshToken)
			wantKind(t, err, cognito.WrongCredentials)
			// The first sign-in's refresh token is still good.
			_, err = eng.Refresh(e.ctx, "alice", s.RefreshToken)
			e.must(err)

			_, err = e.admin.AdminDisableUser(e.ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(e.poolID), Username: aws.String("alice")})
			e.must(err)
			_, err = eng.Start(e.ctx, cognito.StartInput{Username: "alice", Password: password})
			if !wantKind(t, err, cognito.UserDisabled).Kind.Restart() {
				t.Fatal("a disabled user's sign-in cannot go on")
			}
			_, err = eng.Refresh(e.ctx, "alice", s.RefreshToken)
			wantKind(t, err, cognito.UserDisabled)
		})
	}
}

func TestAccountStates(t *testing.T) {
	e := newEnv(t, poolSetup{})
	e.user("carl", true, map[string]string{"email": "carl@example.com"}, nil)
	e.user("tina", false, map[string]string{"email": "tina@example.com"}, nil)
	e.user("rita", true, map[string]string{"email": "rita@example.com"}, nil)
	eng := e.engine(engineOpts{})

	// Cognito's lockout: five free failures, then one second, doubling.
	for i := 0; i < 5; i++ {
		_, err := eng.Start(e.ctx, cognito.StartInput{Username: "carl", Password: "Wrong-passw0rd"})
		wantKind(t, err, cognito.WrongCredentials)
	}
	_, err := eng.Start(e.ctx, cognito.StartInput{Username: "carl", Password: password})
	wantKind(t, err, cognito.PasswordAttemptsExceeded)
	e.clock.Advance(time.Second)
	wantAMR(t, e.success(eng.Start(e.ctx, cognito.StartInput{Username: "carl", Password: password})), "pwd")

	e.clock.Advance(8 * 24 * time.Hour) // past the 7-day temporary password validity
	_, err = eng.Start(e.ctx, cognito.StartInput{Username: "tina", Password: tempPass})
	wantKind(t, err, cognito.TempPasswordExpired)

	_, err = e.admin.AdminResetUserPassword(e.ctx, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(e.poolID), Username: aws.String("rita")})
	e.must(err)
	_, err = eng.Start(e.ctx, cognito.StartInput{Username: "rita", Password: password})
	wantKind(t, err, cognito.PasswordResetRequired)
}

func TestNewPasswordRequired(t *testing.T) {
	for _, tt := range allFlows {
		t.Run(flowName(tt.flow, tt.secret), func(t *testing.T) {
			e := newEnv(t, poolSetup{required: []string{"name", "email"}})
			e.user("bob", false, map[string]string{"email": "bob@example.com"}, nil)
			eng := e.engine(engineOpts{flow: tt.flow, secret: tt.secret})

			res, err := eng.Start(e.ctx, cognito.StartInput{Username: "bob", Password: tempPass})
			st := e.step(res, err, cognito.StepNewPassword)
			// email is required but already set: it is not asked for (and cannot be changed).
			if !slices.Equal(cognito.DataOf[cognito.NewPasswordData](st).RequiredAttributes, []string{"name"}) || st.Username != "bob" || res.Step.UserAttributes["email"] != "bob@example.com" {
				t.Fatalf("step = %+v, attributes %v", st, res.Step.UserAttributes)
			}
			_, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerNewPassword: newPassword})
			wantKind(t, err, cognito.InvalidParameter) // refused before Cognito: the page must ask
			_, err = eng.Answer(e.ctx, st, withAttributes(cognito.Answer{cognito.AnswerNewPassword: "short"}, map[string]string{"name": "Bob"}))
			if ce := wantKind(t, err, cognito.InvalidPassword); ce.Kind.Restart() {
				t.Fatalf("a policy failure is shown on the new password field: %+v", ce)
			}
			// Attributes that already have values are never sent, even when the page sends them.
			s := wantAMR(t, e.success(eng.Answer(e.ctx, st, withAttributes(cognito.Answer{cognito.AnswerNewPassword: newPassword}, map[string]string{"name": " Bob ", "email": "evil@example.com"}))), "pwd")
			if s.Claims.String("name") != "Bob" || s.Claims.String("email") != "bob@example.com" || s.Username != "bob" {
				t.Fatalf("claims = %s", s.Claims)
			}
			wantAMR(t, e.success(eng.Start(e.ctx, cognito.StartInput{Username: "bob", Password: newPassword})), "pwd")
		})
	}
}

// enrolTOTP gives a signed-in user an authenticator the way an account page would: with the
// access token, outside the sign-in.
func (e *env) enrolTOTP(eng *cognito.Engine, user string) string {
	e.t.Helper()
	s := wantAMR(e.t, e.success(eng.Start(e.ctx, cognito.StartInput{Username: user, Password: password})), "pwd")
	a, err := e.admin.AssociateSoftwareToken(e.ctx, &cip.AssociateSoftwareTokenInput{AccessToken: aws.String(s.AccessToken)})
	e.must(err)
	secret := aws.ToString(a.SecretCode)
	_, err = e.admin.VerifySoftwareToken(e.ctx, &cip.VerifySoftwareTokenInput{AccessToken: aws.String(s.AccessToken), UserCode: aws.String(e.totpCode(secret))})
	e.must(err)
	_, err = e.admin.AdminSetUserMFAPreference(e.ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(e.poolID), Username: aws.String(user),
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}})
	e.must(err)
	return secret
}

func TestMFA(t *testing.T) {
	for _, tt := range allFlows {
		t.Run(flowName(tt.flow, tt.secret), func(t *testing.T) {
			e := newEnv(t, poolSetup{mfa: types.UserPoolMfaTypeOptional, sms: true, email: true, totp: true, sessionTTL: 15 * time.Minute})
			e.user("dave", true, map[string]string{"phone_number": "+15555550104"}, &cip.AdminSetUserMFAPreferenceInput{SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true}})
			e.user("erin", true, map[string]string{"email": "erin@example.com"}, &cip.AdminSetUserMFAPreferenceInput{EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true, PreferredMfa: true}})
			e.user("frank", true, map[string]string{"phone_number": "+15555550106", "email": "frank@example.com"}, &cip.AdminSetUserMFAPreferenceInput{
				SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true}, EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true},
			})
			e.user("gina", true, nil, nil)
			eng := e.engine(engineOpts{flow: tt.flow, secret: tt.secret})
			totpSecret := e.enrolTOTP(eng, "gina")

			t.Run("SMS, wrong code then right code", func(t *testing.T) {
				n := e.sent()
				res, err := eng.Start(e.ctx, cognito.StartInput{Username: "dave", Password: password})
				st := e.step(res, err, cognito.StepSMSCode)
				if cognito.DataOf[cognito.CodeData](st).Destination != "+*******0104" || st.Username != "dave" || !slices.Equal(st.AMR, []string{"pwd"}) {
					t.Fatalf("step = %+v", st)
				}
				code := e.code("+15555550104", n)
				_, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: "000000"})
				if ce := wantKind(t, err, cognito.CodeMismatch); ce.Kind.Restart() || ce.Code != "CodeMismatchException" {
					t.Fatalf("a wrong code is asked again: %+v", ce)
				}
				_, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: "12ab56"})
				wantKind(t, err, cognito.CodeMismatch) // refused locally
				// The same state answers again; spaces people type are dropped.
				wantAMR(t, e.success(eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: code[:3] + " " + code[3:]})), "pwd", "sms", "mfa")
				// The session was used: answering again restarts.
				_, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: code})
				if !wantKind(t, err, cognito.SessionExpired).Kind.Restart() {
					t.Fatal("a used session restarts the sign-in")
				}
			})
			t.Run("email, wrong code then right code", func(t *testing.T) {
				n := e.sent()
				res, err := eng.Start(e.ctx, cognito.StartInput{Username: "erin", Password: password})
				st := e.step(res, err, cognito.StepEmailCode)
				if cognito.DataOf[cognito.CodeData](st).Destination != "e***@e***" {
					t.Fatalf("step = %+v", st)
				}
				code := e.code("erin@example.com", n)
				_, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: "000000"})
				wantKind(t, err, cognito.CodeMismatch)
				s := wantAMR(t, e.success(eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: code})), "pwd", "otp", "mfa")
				if s.Username != "erin" {
					t.Fatalf("success = %+v", s)
				}
			})
			t.Run("authenticator, wrong code then right code", func(t *testing.T) {
				res, err := eng.Start(e.ctx, cognito.StartInput{Username: "gina", Password: password})
				st := e.step(res, err, cognito.StepTOTPCode)
				// Enrolled without a name: the pool sends Cognito's default, which no page shows.
				if cognito.DataOf[cognito.CodeData](st).DeviceName != "" {
					t.Fatalf("step = %+v, want no device name for %q", st, cognito.DefaultTOTPDeviceName)
				}
				_, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: "000000"})
				wantKind(t, err, cognito.CodeMismatch)
				wantAMR(t, e.success(eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: e.totpCode(totpSecret)})), "pwd", "otp", "mfa")
			})
			t.Run("choose a method", func(t *testing.T) {
				res, err := eng.Start(e.ctx, cognito.StartInput{Username: "frank", Password: password})
				st := e.step(res, err, cognito.StepSelectMFA)
				if !slices.Equal(cognito.DataOf[cognito.ChoiceData](st).Options, []string{cognito.MethodSMS, cognito.MethodEmail}) || st.Username != "frank" {
					t.Fatalf("step = %+v", st)
				}
				_, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerMethod: cognito.MethodTOTP})
				wantKind(t, err, cognito.InvalidParameter) // not offered: refused before Cognito
				n := e.sent()
				res, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerMethod: cognito.MethodEmail})
				st = e.step(res, err, cognito.StepEmailCode)
				wantAMR(t, e.success(eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: e.code("frank@example.com", n)})), "pwd", "otp", "mfa")
			})
			t.Run("an expired code", func(t *testing.T) {
				n := e.sent()
				res, err := eng.Start(e.ctx, cognito.StartInput{Username: "dave", Password: password})
				st := e.step(res, err, cognito.StepSMSCode)
				code := e.code("+15555550104", n)
				e.clock.Advance(4 * time.Minute) // codes live 3 minutes; this session 15
				_, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: code})
				wantKind(t, err, cognito.ExpiredCode)
			})
			t.Run("too many wrong codes", func(t *testing.T) {
				// Cognito counts wrong codes like wrong passwords: the fifth starts a lockout.
				res, err := eng.Start(e.ctx, cognito.StartInput{Username: "erin", Password: password})
				st := e.step(res, err, cognito.StepEmailCode)
				for i := 0; i < 5; i++ {
					_, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: "000000"})
					wantKind(t, err, cognito.CodeMismatch)
				}
				_, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: "000000"})
				if !wantKind(t, err, cognito.PasswordAttemptsExceeded).Kind.Restart() {
					t.Fatal("a locked-out sign-in restarts")
				}
				_, err = eng.Start(e.ctx, cognito.StartInput{Username: "erin", Password: password})
				wantKind(t, err, cognito.PasswordAttemptsExceeded)
			})
		})
	}
}

func TestExpiredSession(t *testing.T) {
	e := newEnv(t, poolSetup{mfa: types.UserPoolMfaTypeOptional, sms: true}) // sessions live 3 minutes
	e.user("dave", true, map[string]string{"phone_number": "+15555550104"}, &cip.AdminSetUserMFAPreferenceInput{SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true}})
	eng := e.engine(engineOpts{secret: true})
	n := e.sent()
	res, err := eng.Start(e.ctx, cognito.StartInput{Username: "dave", Password: password})
	st := e.step(res, err, cognito.StepSMSCode)
	code := e.code("+15555550104", n)
	e.clock.Advance(3*time.Minute + time.Second)
	_, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: code})
	ce := wantKind(t, err, cognito.SessionExpired)
	if !ce.Kind.Restart() || ce.Kind.MessageID() != "error.SessionExpired" || ce.Code != "NotAuthorizedException" {
		t.Fatalf("error = %+v", ce)
	}
}

func TestMFASetup(t *testing.T) {
	t.Run("choice: authenticator", func(t *testing.T) {
		for _, tt := range allFlows {
			t.Run(flowName(tt.flow, tt.secret), func(t *testing.T) {
				e := newEnv(t, poolSetup{mfa: types.UserPoolMfaTypeOn, totp: true, email: true, sms: true})
				e.user("grace", true, map[string]string{"phone_number": "+15555550107"}, nil)
				eng := e.engine(engineOpts{flow: tt.flow, secret: tt.secret})

				res, err := eng.Start(e.ctx, cognito.StartInput{Username: "grace", Password: password})
				st := e.step(res, err, cognito.StepMFASetupChoice)
				if !slices.Equal(cognito.DataOf[cognito.ChoiceData](st).Options, []string{cognito.MethodTOTP, cognito.MethodEmail}) {
					t.Fatalf("step = %+v (SMS cannot be set up during sign-in)", st)
				}
				_, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerMethod: cognito.MethodSMS})
				wantKind(t, err, cognito.SMSSetupNeedsAdmin)
				res, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerMethod: cognito.MethodTOTP})
				setup := e.step(res, err, cognito.StepTOTPSetup)
				if cognito.DataOf[cognito.TOTPSetupData](setup).SecretCode == "" || setup.Session == st.Session || setup.Username != "grace" {
					t.Fatalf("setup step = %+v", setup)
				}
				if n := setup.EncodedSize(); n > 1500 {
					t.Fatalf("setup state is %d bytes", n)
				}
				_, err = eng.Answer(e.ctx, setup, cognito.Answer{cognito.AnswerCode: "000000"})
				if ce := wantKind(t, err, cognito.SoftwareTokenMismatch); ce.Kind.MessageID() != "error.EnableSoftwareTokenMFA" || ce.Kind.Restart() {
					t.Fatalf("error = %+v", ce)
				}
				e.secrets = append(e.secrets, cognito.DataOf[cognito.TOTPSetupData](setup).SecretCode)
				wantAMR(t, e.success(eng.Answer(e.ctx, setup, cognito.Answer{cognito.AnswerCode: e.totpCode(cognito.DataOf[cognito.TOTPSetupData](setup).SecretCode), cognito.AnswerDeviceName: "Grace's phone"})), "pwd", "otp", "mfa")

				// Next time grace is asked for her authenticator code.
				e.clock.Advance(30 * time.Second)
				res, err = eng.Start(e.ctx, cognito.StartInput{Username: "grace", Password: password})
				st = e.step(res, err, cognito.StepTOTPCode)
				if got := cognito.DataOf[cognito.CodeData](st).DeviceName; got != "Grace's phone" {
					t.Fatalf("device name %q, want the one given at setup", got)
				}
				wantAMR(t, e.success(eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: e.totpCode(cognito.DataOf[cognito.TOTPSetupData](setup).SecretCode)})), "pwd", "otp", "mfa")
			})
		}
	})
	t.Run("choice: email", func(t *testing.T) {
		e := newEnv(t, poolSetup{mfa: types.UserPoolMfaTypeOn, totp: true, email: true})
		e.user("hank", true, nil, nil)
		eng := e.engine(engineOpts{secret: true})
		res, err := eng.Start(e.ctx, cognito.StartInput{Username: "hank", Password: password})
		st := e.step(res, err, cognito.StepMFASetupChoice)
		res, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerMethod: cognito.MethodEmail})
		st = e.step(res, err, cognito.StepEmailSetup)
		_, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerEmail: "  "})
		wantKind(t, err, cognito.InvalidParameter)
		n := e.sent()
		res, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerEmail: "hank@example.com"})
		st = e.step(res, err, cognito.StepEmailCode)
		if cognito.DataOf[cognito.CodeData](st).Destination != "h***@e***" {
			t.Fatalf("step = %+v", st)
		}
		code := e.code("hank@example.com", n)
		_, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: "000000"})
		wantKind(t, err, cognito.CodeMismatch)
		s := wantAMR(t, e.success(eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: code})), "pwd", "otp", "mfa")
		if s.Claims.String("email") != "hank@example.com" {
			t.Fatalf("claims = %s", s.Claims)
		}
		// Email is hank's method from now on.
		res, err = eng.Start(e.ctx, cognito.StartInput{Username: "hank", Password: password})
		e.step(res, err, cognito.StepEmailCode)
	})
	t.Run("authenticator only: straight to setup", func(t *testing.T) {
		e := newEnv(t, poolSetup{mfa: types.UserPoolMfaTypeOn, totp: true, sms: true})
		e.user("ivan", true, nil, nil)
		eng := e.engine(engineOpts{})
		res, err := eng.Start(e.ctx, cognito.StartInput{Username: "ivan", Password: password})
		setup := e.step(res, err, cognito.StepTOTPSetup)
		e.secrets = append(e.secrets, cognito.DataOf[cognito.TOTPSetupData](setup).SecretCode)
		wantAMR(t, e.success(eng.Answer(e.ctx, setup, cognito.Answer{cognito.AnswerCode: e.totpCode(cognito.DataOf[cognito.TOTPSetupData](setup).SecretCode)})), "pwd", "otp", "mfa")
	})
	t.Run("email only: straight to the address", func(t *testing.T) {
		e := newEnv(t, poolSetup{mfa: types.UserPoolMfaTypeOn, email: true})
		e.user("jane", true, nil, nil)
		eng := e.engine(engineOpts{})
		res, err := eng.Start(e.ctx, cognito.StartInput{Username: "jane", Password: password})
		e.step(res, err, cognito.StepEmailSetup)
	})
	t.Run("SMS only: an administrator must add a phone number", func(t *testing.T) {
		e := newEnv(t, poolSetup{mfa: types.UserPoolMfaTypeOn, sms: true})
		e.user("karl", true, nil, nil)
		eng := e.engine(engineOpts{})
		_, err := eng.Start(e.ctx, cognito.StartInput{Username: "karl", Password: password})
		if ce := wantKind(t, err, cognito.SMSSetupNeedsAdmin); ce.Kind.MessageID() != "error.SMSSetupNeedsAdmin" {
			t.Fatalf("error = %+v", ce)
		}
	})
}

// TestMisconfiguration: problems on our side are typed InvalidParameter or Internal and carry
// what Cognito said as their cause, which the handlers log so an operator can fix them.
func TestMisconfiguration(t *testing.T) {
	e := newEnv(t, poolSetup{})
	e.user("alice", true, map[string]string{"email": "alice@example.com"}, nil)

	srpOnly := e.engine(engineOpts{flow: cognito.FlowUserPassword, flows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth}})
	_, err := srpOnly.Start(e.ctx, cognito.StartInput{Username: "alice", Password: password})
	wantKind(t, err, cognito.InvalidParameter)
	wantCause(t, err, "USER_PASSWORD_AUTH flow not enabled")

	wrongSecret := e.engine(engineOpts{secret: true, badHash: true})
	_, err = wrongSecret.Start(e.ctx, cognito.StartInput{Username: "alice", Password: password})
	wantKind(t, err, cognito.InvalidParameter)
	wantCause(t, err, "secret hash")

	wrongIssuer := e.engine(engineOpts{issuer: "https://cognito-idp.us-east-1.amazonaws.com/" + e.poolID})
	_, err = wrongIssuer.Start(e.ctx, cognito.StartInput{Username: "alice", Password: password})
	wantKind(t, err, cognito.Internal)
	wantCause(t, err, "did not verify")

	eng := e.engine(engineOpts{})
	_, err = eng.Answer(e.ctx, cognito.State{Kind: cognito.StepUnsupported, Session: "S", Username: "alice"}, cognito.Answer{})
	wantKind(t, err, cognito.InvalidParameter)
	_, err = eng.Answer(e.ctx, cognito.State{Kind: "made_up", Session: "S", Username: "alice"}, cognito.Answer{})
	wantKind(t, err, cognito.InvalidParameter)
	_, err = eng.Answer(e.ctx, cognito.State{Kind: cognito.StepSMSCode}, cognito.Answer{cognito.AnswerCode: "123456"})
	wantKind(t, err, cognito.SessionExpired) // an empty state restarts the sign-in
}

// TestVerifier checks Cognito's ID token is verified against the pool's keys, issuer and
// audience, and that an access token is not taken for one.
func TestVerifier(t *testing.T) {
	e := newEnv(t, poolSetup{})
	e.user("alice", true, map[string]string{"email": "alice@example.com"}, nil)
	eng := e.engine(engineOpts{})
	s := wantAMR(t, e.success(eng.Start(e.ctx, cognito.StartInput{Username: "alice", Password: password})), "pwd")

	payload := unverifiedPayload(t, s.IDToken)
	aud, _ := payload["aud"].(string)
	cfg := cognito.Config{Region: "us-east-1", UserPoolID: e.poolID, ClientID: aud, Issuer: e.url + "/" + e.poolID}
	v := cognito.NewJWKSVerifier(e.ctx, cfg, nil) // JWKS URL derived from the issuer
	tok, err := v.VerifyIDToken(e.ctx, s.IDToken)
	if err != nil || tok.Subject != s.Subject || tok.Username != "alice" || tok.AuthTime != int64(payload["auth_time"].(float64)) ||
		tok.Claims.String("email") != "alice@example.com" || payload["token_use"] != "id" {
		t.Fatalf("verified %+v, err %v", tok, err)
	}
	for _, bookkeeping := range []string{"iss", "aud", "exp", "iat", "token_use", "auth_time", "jti"} {
		if _, ok := tok.Claims.Value(bookkeeping); ok {
			t.Errorf("the claims kept %s: %s", bookkeeping, tok.Claims)
		}
	}
	if _, err := v.VerifyIDToken(e.ctx, s.AccessToken); err == nil {
		t.Fatal("an access token was accepted as an ID token")
	}
	parts := strings.Split(s.IDToken, ".")
	sig := []byte(parts[2])
	sig[10] ^= 0x01
	if _, err := v.VerifyIDToken(e.ctx, parts[0]+"."+parts[1]+"."+string(sig)); err == nil {
		t.Fatal("a tampered signature was accepted")
	}
	other := cfg
	other.ClientID = "another-client"
	if _, err := cognito.NewJWKSVerifier(e.ctx, other, nil).VerifyIDToken(e.ctx, s.IDToken); err == nil {
		t.Fatal("a token for another client was accepted")
	}
	otherIssuer := cfg
	otherIssuer.JWKSURL, otherIssuer.Issuer = cfg.JWKS(), cfg.Issuer+"x"
	if _, err := cognito.NewJWKSVerifier(e.ctx, otherIssuer, nil).VerifyIDToken(e.ctx, s.IDToken); err == nil {
		t.Fatal("a token from another issuer was accepted")
	}
	// Expiry: valid up to its exp, refused after it.
	exp := int64(payload["exp"].(float64))
	for _, tc := range []struct {
		at   int64
		want bool
	}{{exp - 1, true}, {exp, true}, {exp + 1, false}} {
		v.Now = func() time.Time { return time.Unix(tc.at, 0) }
		if _, err := v.VerifyIDToken(e.ctx, s.IDToken); (err == nil) != tc.want {
			t.Errorf("at exp%+d: err %v", tc.at-exp, err)
		}
	}
}

// unverifiedPayload decodes a JWT's claims without checking anything.
func unverifiedPayload(t *testing.T, raw string) map[string]any {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", raw)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestUnsupportedFlowIsRefused(t *testing.T) {
	v := cognito.NewJWKSVerifier(context.Background(), cognito.Config{}, nil)
	_, err := cognito.New(struct{ cognito.API }{}, cognito.Config{UserPoolID: "p", ClientID: "c", AuthFlow: "ADMIN_USER_PASSWORD_AUTH"}, cognito.Deps{Rand: newSeeded(3), Verifier: v})
	if err == nil || !strings.Contains(err.Error(), "ADMIN_USER_PASSWORD_AUTH") {
		t.Fatalf("err = %v", err)
	}
	if _, err := cognito.New(struct{ cognito.API }{}, cognito.Config{UserPoolID: "p", ClientID: "c"}, cognito.Deps{Verifier: v}); err == nil {
		t.Fatal("an engine without a random source must be refused")
	}
}

func TestPasswordRecovery(t *testing.T) {
	e := newEnv(t, poolSetup{})
	e.user("ivy", true, map[string]string{"name": "I", "email": "ivy@example.com", "email_verified": "true"}, nil)
	eng := e.engine(engineOpts{secret: true})
	n := e.sent()
	d, err := eng.ForgotPassword(e.ctx, "ivy")
	e.must(err)
	if d.Medium != "EMAIL" || d.Destination == "" || strings.Contains(d.Destination, "ivy@") {
		t.Fatalf("delivery = %+v", d)
	}
	code := e.code("ivy@example.com", n)
	wantKind(t, eng.ConfirmForgotPassword(e.ctx, "ivy", "000000", newPassword), cognito.CodeMismatch)
	wantKind(t, eng.ConfirmForgotPassword(e.ctx, "ivy", code, "weak"), cognito.InvalidPassword)
	e.must(eng.ConfirmForgotPassword(e.ctx, "ivy", code, newPassword))
	wantAMR(t, e.success(eng.Start(e.ctx, cognito.StartInput{Username: "ivy", Password: newPassword})), "pwd")

	_, err = e.admin.AdminResetUserPassword(e.ctx, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(e.poolID), Username: aws.String("ivy")})
	e.must(err)
	_, err = eng.Start(e.ctx, cognito.StartInput{Username: "ivy", Password: newPassword})
	wantKind(t, err, cognito.PasswordResetRequired)
}

// withAttributes adds required attributes (name → value) to an answer.
func withAttributes(a cognito.Answer, attrs map[string]string) cognito.Answer {
	for name, v := range attrs {
		a[cognito.AnswerAttribute(name)] = v
	}
	return a
}

// wantCause checks that an engine error's cause (what the handlers log) says want.
func wantCause(t *testing.T, err error, want string) {
	t.Helper()
	var ce *cognito.Error
	if !errors.As(err, &ce) || ce.Err == nil || !strings.Contains(ce.Err.Error(), want) {
		t.Fatalf("error %v does not carry the cause %q", err, want)
	}
}
