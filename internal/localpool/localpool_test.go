package localpool

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/bridgekeeper/bridgekeeper/internal/sdkhttp"
	"github.com/bridgekeeper/bridgekeeper/internal/srp"
)

// TestTOTPVectors checks TOTP against RFC 6238's SHA-1 test vectors (truncated to 6 digits).
func TestTOTPVectors(t *testing.T) {
	secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))
	for _, tt := range []struct {
		unix int64
		want string
	}{{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"}, {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"}} {
		if got := TOTP(secret, time.Unix(tt.unix, 0)); got != tt.want {
			t.Errorf("TOTP at %d = %s, want %s", tt.unix, got, tt.want)
		}
	}
	now := time.Unix(1234567890, 0)
	if !verifyTOTP(secret, TOTP(secret, now.Add(-30*time.Second)), now) || verifyTOTP(secret, TOTP(secret, now.Add(-90*time.Second)), now) {
		t.Error("verification must accept one step of drift and no more")
	}
	if TOTP("not base32!", now) != "" {
		t.Error("an undecodable secret must give no code")
	}
}

type testPool struct {
	t        *testing.T
	ctx      context.Context
	now      time.Time
	srv      *Server
	api      *cip.Client
	poolID   string
	clientID string
	secret   string
	url      string
}

func newTestPool(t *testing.T) *testPool {
	t.Helper()
	p := &testPool{t: t, ctx: context.Background(), now: time.Date(2026, 11, 5, 10, 0, 0, 0, time.UTC)}
	p.srv = New(Options{Now: func() time.Time { return p.now }})
	hs := httptest.NewServer(p.srv.Handler())
	t.Cleanup(hs.Close)
	p.url = hs.URL
	p.api = cip.New(cip.Options{HTTPClient: sdkhttp.InMemoryBodies(nil), Region: "us-east-1", BaseEndpoint: aws.String(hs.URL), Credentials: credentials.NewStaticCredentialsProvider("x", "x", "")})
	pool, err := p.api.CreateUserPool(p.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("t")})
	p.must(err)
	p.poolID = aws.ToString(pool.UserPool.Id)
	c, err := p.api.CreateUserPoolClient(p.ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(p.poolID), ClientName: aws.String("c"), GenerateSecret: true,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth},
	})
	p.must(err)
	p.clientID, p.secret = aws.ToString(c.UserPoolClient.ClientId), aws.ToString(c.UserPoolClient.ClientSecret)
	_, err = p.api.AdminCreateUser(p.ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(p.poolID), Username: aws.String("alice"), MessageAction: types.MessageActionTypeSuppress})
	p.must(err)
	_, err = p.api.AdminSetUserPassword(p.ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(p.poolID), Username: aws.String("alice"), Password: aws.String("Passw0rd!"), Permanent: true})
	p.must(err)
	return p
}

func (p *testPool) must(err error) {
	p.t.Helper()
	if err != nil {
		p.t.Fatal(err)
	}
}

func (p *testPool) hash(user string) string {
	return secretHash(&appClient{id: p.clientID, secret: p.secret}, user)
}

func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("error = %v, want %s %q", err, code, msg)
	}
}

// srpStart begins USER_SRP_AUTH and returns the client, the challenge parameters and the session.
func (p *testPool) srpStart() (*srp.Client, map[string]string, *string) {
	p.t.Helper()
	cl, err := srp.NewClient(rand.Reader)
	p.must(err)
	out, err := p.api.InitiateAuth(p.ctx, &cip.InitiateAuthInput{ClientId: aws.String(p.clientID), AuthFlow: types.AuthFlowTypeUserSrpAuth,
		AuthParameters: map[string]string{"USERNAME": "alice", "SRP_A": cl.AHex(), "SECRET_HASH": p.hash("alice")}})
	p.must(err)
	if out.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		p.t.Fatalf("challenge %s", out.ChallengeName)
	}
	return cl, out.ChallengeParameters, out.Session
}

func (p *testPool) srpAnswer(cl *srp.Client, params map[string]string, sess *string, password string, mutate func(map[string]string)) (*cip.RespondToAuthChallengeOutput, error) {
	p.t.Helper()
	sig, ts, err := cl.PasswordClaim(poolName(p.poolID), params["USER_ID_FOR_SRP"], password, params["SALT"], params["SRP_B"], params["SECRET_BLOCK"], p.now)
	p.must(err)
	resp := map[string]string{"USERNAME": "alice", "PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"], "PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": ts, "SECRET_HASH": p.hash("alice")}
	if mutate != nil {
		mutate(resp)
	}
	return p.api.RespondToAuthChallenge(p.ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(p.clientID), ChallengeName: types.ChallengeNameTypePasswordVerifier, Session: sess, ChallengeResponses: resp})
}

func TestSRPSignIn(t *testing.T) {
	p := newTestPool(t)
	tests := []struct {
		name     string
		password string
		mutate   func(map[string]string)
		code     string
		msg      string
	}{
		{"right password", "Passw0rd!", nil, "", ""},
		{"wrong password", "passw0rd!", nil, "NotAuthorizedException", "Incorrect username or password."},
		{"zero-padded day", "Passw0rd!", func(m map[string]string) { m["TIMESTAMP"] = strings.Replace(m["TIMESTAMP"], " 5 ", " 05 ", 1) }, "InvalidParameterException", "TIMESTAMP"},
		{"tampered secret block", "Passw0rd!", func(m map[string]string) {
			m["PASSWORD_CLAIM_SECRET_BLOCK"] = base64.StdEncoding.EncodeToString([]byte("forged"))
		}, "NotAuthorizedException", "Incorrect username or password."},
		{"missing secret hash", "Passw0rd!", func(m map[string]string) { delete(m, "SECRET_HASH") }, "NotAuthorizedException", "Unable to verify secret hash for client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl, params, sess := p.srpStart()
			if _, err := hex.DecodeString(params["SALT"]); err != nil || params["USER_ID_FOR_SRP"] != "alice" {
				t.Fatalf("challenge parameters %v", params)
			}
			out, err := p.srpAnswer(cl, params, sess, tt.password, tt.mutate)
			if tt.code == "" {
				p.must(err)
				if out.AuthenticationResult == nil || aws.ToString(out.AuthenticationResult.IdToken) == "" {
					t.Fatalf("no tokens: %+v", out)
				}
				return
			}
			wantAPIError(t, err, tt.code, tt.msg)
		})
	}
}

func TestSessionsAreSingleUseAndExpire(t *testing.T) {
	p := newTestPool(t)
	cl, params, sess := p.srpStart()
	_, err := p.srpAnswer(cl, params, sess, "Passw0rd!", nil)
	p.must(err)
	_, err = p.srpAnswer(cl, params, sess, "Passw0rd!", nil)
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user, session can only be used once.")

	cl, params, sess = p.srpStart()
	p.now = p.now.Add(3*time.Minute + time.Second)
	_, err = p.srpAnswer(cl, params, sess, "Passw0rd!", nil)
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user, session is expired.")
}

func TestPasswordAttemptsAndPolicy(t *testing.T) {
	p := newTestPool(t)
	for i := 1; i <= 5; i++ {
		cl, params, sess := p.srpStart()
		_, err := p.srpAnswer(cl, params, sess, "wrong", nil)
		wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	}
	_, err := p.api.InitiateAuth(p.ctx, &cip.InitiateAuthInput{ClientId: aws.String(p.clientID), AuthFlow: types.AuthFlowTypeUserSrpAuth,
		AuthParameters: map[string]string{"USERNAME": "alice", "SRP_A": "abc", "SECRET_HASH": p.hash("alice")}})
	wantAPIError(t, err, "NotAuthorizedException", "Password attempts exceeded")
	for _, tt := range []struct{ pw, msg string }{
		{"Sh0rt!", "Password not long enough"},
		{"nouppercase1!", "Password must have uppercase characters"},
		{"NOLOWERCASE1!", "Password must have lowercase characters"},
		{"NoNumbers!!", "Password must have numeric characters"},
		{"NoSymbols123", "Password must have symbol characters"},
	} {
		_, err := p.api.AdminSetUserPassword(p.ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(p.poolID), Username: aws.String("alice"), Password: aws.String(tt.pw), Permanent: true})
		wantAPIError(t, err, "InvalidPasswordException", tt.msg)
	}
	_, err = p.api.InitiateAuth(p.ctx, &cip.InitiateAuthInput{ClientId: aws.String(p.clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "x", "SECRET_HASH": p.hash("alice")}})
	wantAPIError(t, err, "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client")
}

func TestJWKSAndOutboxWait(t *testing.T) {
	p := newTestPool(t)
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	got := make(chan Message, 1)
	after := len(p.srv.Outbox().Messages()) // counted before the reset, not when the goroutine runs
	go func() {
		m, err := p.srv.Outbox().Wait(ctx, "alice@example.com", after)
		if err == nil {
			got <- m
		}
		close(got)
	}()
	_, err := p.api.AdminUpdateUserAttributes(p.ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(p.poolID), Username: aws.String("alice"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("alice@example.com")}, {Name: aws.String("email_verified"), Value: aws.String("true")}}})
	p.must(err)
	_, err = p.api.AdminResetUserPassword(p.ctx, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(p.poolID), Username: aws.String("alice")})
	p.must(err)
	m, ok := <-got
	if !ok || m.Medium != "EMAIL" || len(m.Code) != 6 || !strings.Contains(m.Message, m.Code) {
		t.Fatalf("outbox message = %+v (%v)", m, ok)
	}
	cl, params, sess := p.srpStart()
	_, err = p.srpAnswer(cl, params, sess, "Passw0rd!", nil)
	wantAPIError(t, err, "PasswordResetRequiredException", "Password reset required for the user")
}
