package testenv_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
)

// newPool creates a user pool with an app client allowing USER_PASSWORD_AUTH (and SRP and
// refresh, as Bridgekeeper's configurations do) and returns the pool id and client id.
func newPool(ctx context.Context, t *testing.T, client *cip.Client) (poolID, clientID string) {
	t.Helper()
	pool, err := client.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("testenv")})
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	poolID = aws.ToString(pool.UserPool.Id)
	// Observed: cognito-local names pools "local_<8 characters>", not "<region>_…" as Cognito does.
	if _, name, ok := strings.Cut(poolID, "_"); !ok || name == "" {
		t.Errorf("pool id %q is not <prefix>_<name>", poolID)
	}
	appClient, err := client.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(poolID),
		ClientName: aws.String("bridgekeeper"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
			types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
		},
	})
	if err != nil {
		t.Fatalf("CreateUserPoolClient: %v", err)
	}
	return poolID, aws.ToString(appClient.UserPoolClient.ClientId)
}

// newUser creates a confirmed user with a permanent password and a verified email address.
func newUser(ctx context.Context, t *testing.T, client *cip.Client, poolID, username, password string) {
	t.Helper()
	_, err := client.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId:    aws.String(poolID),
		Username:      aws.String(username),
		MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{
			{Name: aws.String("email"), Value: aws.String(username + "@example.com")},
			{Name: aws.String("email_verified"), Value: aws.String("true")},
		},
	})
	if err != nil {
		t.Fatalf("AdminCreateUser: %v", err)
	}
	_, err = client.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: aws.String(poolID),
		Username:   aws.String(username),
		Password:   aws.String(password),
		Permanent:  true,
	})
	if err != nil {
		t.Fatalf("AdminSetUserPassword: %v", err)
	}
}

func passwordAuth(ctx context.Context, client *cip.Client, clientID, username, password string) (*cip.InitiateAuthOutput, error) {
	return client.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId:       aws.String(clientID),
		AuthFlow:       types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password},
	})
}

// jwtClaims decodes a JWT's payload without checking its signature.
func jwtClaims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts, want 3", len(parts))
	}
	payload, err := decodeSegment(parts[1])
	if err != nil {
		t.Fatalf("decode token payload: %v", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatalf("token payload: %v", err)
	}
	return claims
}

// TestCognitoLocalPasswordSignIn drives the emulator with the real AWS SDK for Go v2 through the
// set-up Bridgekeeper's suites need: pool, app client, a user with a permanent password, and a
// USER_PASSWORD_AUTH sign-in that returns tokens for that user.
func TestCognitoLocalPasswordSignIn(t *testing.T) {
	cl := testenv.StartCognitoLocal(t)
	if !strings.HasPrefix(cl.Endpoint, "http://127.0.0.1:") {
		t.Fatalf("Endpoint = %q, want http://127.0.0.1:<port>", cl.Endpoint)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client := cl.Client()

	poolID, clientID := newPool(ctx, t, client)
	newUser(ctx, t, client, poolID, "alice", "Correct-horse-1")

	out, err := passwordAuth(ctx, client, clientID, "alice", "Correct-horse-1")
	if err != nil {
		t.Fatalf("InitiateAuth USER_PASSWORD_AUTH: %v", err)
	}
	if out.ChallengeName != "" {
		t.Fatalf("InitiateAuth returned challenge %q, want tokens", out.ChallengeName)
	}
	res := out.AuthenticationResult
	if res == nil || aws.ToString(res.AccessToken) == "" || aws.ToString(res.IdToken) == "" || aws.ToString(res.RefreshToken) == "" {
		t.Fatalf("InitiateAuth result lacks tokens: %+v", res)
	}
	id := jwtClaims(t, aws.ToString(res.IdToken))
	if id["cognito:username"] != "alice" {
		t.Errorf("ID token cognito:username = %v, want alice", id["cognito:username"])
	}
	if id["aud"] != clientID {
		t.Errorf("ID token aud = %v, want %s", id["aud"], clientID)
	}
	if iss, _ := id["iss"].(string); !strings.HasSuffix(iss, "/"+poolID) {
		t.Errorf("ID token iss = %q, want it to end with /%s", iss, poolID)
	}

	// The pool's state is on disk where PoolFile says.
	data, err := os.ReadFile(cl.PoolFile(poolID))
	if err != nil {
		t.Fatalf("read pool file: %v", err)
	}
	if !strings.Contains(string(data), `"alice"`) {
		t.Errorf("pool file %s does not mention alice:\n%s", cl.PoolFile(poolID), data)
	}

	// Observed: a wrong password is InvalidPasswordException here, NotAuthorizedException on Cognito.
	_, err = passwordAuth(ctx, client, clientID, "alice", "wrong-password")
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("InitiateAuth with a wrong password: err = %v, want an API error", err)
	}
	if code := apiErr.ErrorCode(); code != "InvalidPasswordException" && code != "NotAuthorizedException" {
		t.Errorf("wrong password error code = %q", code)
	}
}

// TestCognitoLocalDeliversCodes checks that codes the emulator "sends" can be read by tests:
// ForgotPassword prints a code, WaitForCode finds it, and ConfirmForgotPassword accepts it.
func TestCognitoLocalDeliversCodes(t *testing.T) {
	cl := testenv.StartCognitoLocal(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client := cl.Client()
	poolID, clientID := newPool(ctx, t, client)
	newUser(ctx, t, client, poolID, "bob", "Old-password-1")

	mark := cl.OutputMark()
	if _, err := client.ForgotPassword(ctx, &cip.ForgotPasswordInput{
		ClientId: aws.String(clientID),
		Username: aws.String("bob"),
	}); err != nil {
		t.Fatalf("ForgotPassword: %v", err)
	}
	code, err := cl.WaitForCode(ctx, mark, "bob")
	if err != nil {
		t.Fatalf("%v\noutput:\n%s", err, cl.Output())
	}
	if _, err := client.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{
		ClientId:         aws.String(clientID),
		Username:         aws.String("bob"),
		ConfirmationCode: aws.String(code),
		Password:         aws.String("New-password-2"),
	}); err != nil {
		t.Fatalf("ConfirmForgotPassword with the delivered code %q: %v", code, err)
	}
	if _, err := passwordAuth(ctx, client, clientID, "bob", "New-password-2"); err != nil {
		t.Fatalf("sign in with the new password: %v", err)
	}

	// A mark after the delivery sees no code: WaitForCode only looks at later output.
	short, cancelShort := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancelShort()
	if got, err := cl.WaitForCode(short, cl.OutputMark(), "bob"); err == nil {
		t.Errorf("WaitForCode after the last delivery found %q, want a timeout", got)
	}
}
