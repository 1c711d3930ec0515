package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
	"github.com/bridgekeeper/bridgekeeper/oidc"
)

// TestCognitoLocal runs the flows cognito-local supports (password, new password, TOTP,
// choosing an MFA method, sign-up and confirmation) against the third-party emulator from npm,
// with bridgekeeper serve and a configuration file, as a deployment would.
func TestCognitoLocal(t *testing.T) {
	cl := testenv.StartCognitoLocal(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	api := cl.Client()

	pool, err := api.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("e2e"), MfaConfiguration: types.UserPoolMfaTypeOptional,
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}}) // sign-up's code goes by email
	must(t, err)
	poolID := aws.ToString(pool.UserPool.Id)
	client, err := api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(poolID), ClientName: aws.String("bridgekeeper"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	must(t, err)
	clientID := aws.ToString(client.UserPoolClient.ClientId)

	create := func(username string, permanent bool, password string, attrs ...types.AttributeType) {
		t.Helper()
		_, err := api.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
			UserPoolId: aws.String(poolID), Username: aws.String(username), TemporaryPassword: aws.String(password),
			MessageAction: types.MessageActionTypeSuppress, UserAttributes: attrs,
		})
		must(t, err)
		if permanent {
			_, err := api.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String(username), Password: aws.String(password), Permanent: true})
			must(t, err)
		}
	}
	signInSDK := func(username string) *types.AuthenticationResultType {
		t.Helper()
		out, err := api.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": demoPassword}})
		must(t, err)
		if out.AuthenticationResult == nil {
			t.Fatalf("seeding sign-in of %s got challenge %s", username, out.ChallengeName)
		}
		return out.AuthenticationResult
	}
	enrolTOTP := func(username string, sms bool) string {
		t.Helper()
		access := signInSDK(username).AccessToken
		assoc, err := api.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: access})
		must(t, err)
		secret := aws.ToString(assoc.SecretCode)
		_, err = api.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{AccessToken: access, UserCode: aws.String(localpool.TOTP(secret, time.Now()))})
		must(t, err)
		in := &cip.SetUserMFAPreferenceInput{AccessToken: access, SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: !sms}}
		if sms {
			in.SMSMfaSettings = &types.SMSMfaSettingsType{Enabled: true}
		}
		_, err = api.SetUserMFAPreference(ctx, in)
		must(t, err)
		return secret
	}

	create("alice", true, demoPassword)
	create("bob", false, "TempPassw0rd!")
	create("carol", true, demoPassword)
	create("frank", true, demoPassword, types.AttributeType{Name: aws.String("phone_number"), Value: aws.String("+15555550106")})
	issuer := tokenIssuer(t, aws.ToString(signInSDK("alice").IdToken))
	carolSecret := enrolTOTP("carol", false)
	frankSecret := enrolTOTP("frank", true)

	cfgPath := writeServeConfig(t, cl.Endpoint, poolID, clientID, issuer)
	p := start(t, "serve", "--config", cfgPath)

	t.Run("password", func(t *testing.T) {
		expectAccount(t, signIn(ctx, t, newClient(), p.BaseURL, "alice", demoPassword), "alice")
	})
	t.Run("new password", func(t *testing.T) {
		c := newClient()
		page := signIn(ctx, t, c, p.BaseURL, "bob", "TempPassw0rd!")
		expectStep(t, page, "password")
		fields := map[string]string{"password": "N3w-Passw0rd!", "password_confirm": "N3w-Passw0rd!"}
		for _, in := range page.Find("input", "", "") {
			if name := webclient.Attr(in, "name"); strings.HasPrefix(name, "userAttributes.") {
				fields[name] = "Bob Local"
			}
		}
		expectAccount(t, submit(ctx, t, c, page, fields), "bob")
	})
	t.Run("authenticator", func(t *testing.T) {
		c := newClient()
		page := signIn(ctx, t, c, p.BaseURL, "carol", demoPassword)
		expectStep(t, page, "authenticator")
		expectAccount(t, submit(ctx, t, c, page, map[string]string{"code": localpool.TOTP(carolSecret, time.Now())}), "carol")
	})
	t.Run("sign-up and confirmation", func(t *testing.T) {
		// cognito-local has no ResendConfirmationCode: the first code, read from its log, confirms.
		c := newClient()
		page, err := c.Get(ctx, p.BaseURL+"/signup")
		must(t, err)
		if page.Status != http.StatusOK || len(page.Find("input", "name", "userAttributes.email")) != 1 {
			t.Fatalf("the sign-up page does not ask for the email the code goes to: %d %s", page.Status, page.Text())
		}
		mark := cl.OutputMark()
		page = submit(ctx, t, c, page, map[string]string{"username": "nina", "password": "N3w-Passw0rd!", "password_confirm": "N3w-Passw0rd!", "userAttributes.email": "nina@example.com"})
		if page.URL.Path != "/signup/confirm" {
			t.Fatalf("after sign-up: %s %d %s", page.URL.Path, page.Status, page.Text())
		}
		// Not confirmed yet: the sign-in leads back to the confirmation page.
		if early := signIn(ctx, t, newClient(), p.BaseURL, "nina", "N3w-Passw0rd!"); early.URL.Path != "/signup/confirm" {
			t.Fatalf("an unconfirmed sign-in: %s %s", early.URL.Path, early.Text())
		}
		code, err := cl.WaitForCode(ctx, mark, "nina")
		must(t, err)
		bad := strings.Repeat("9", len(code))
		if bad == code {
			bad = strings.Repeat("8", len(code))
		}
		wrong := submit(ctx, t, c, page, map[string]string{"code": bad})
		if wrong.URL.Path != "/signup/confirm" || wrong.Status != http.StatusUnprocessableEntity {
			t.Fatalf("a wrong code: %s %d %s", wrong.URL.Path, wrong.Status, wrong.Text())
		}
		page = submit(ctx, t, c, wrong, map[string]string{"code": code})
		if page.URL.Path != "/signin" || !strings.Contains(page.Body, `value="nina"`) {
			t.Fatalf("after confirming: %s %s", page.URL.Path, page.Text())
		}
		expectAccount(t, submit(ctx, t, c, page, map[string]string{"password": "N3w-Passw0rd!"}), "nina")
	})
	t.Run("choose MFA", func(t *testing.T) {
		c := newClient()
		page := signIn(ctx, t, c, p.BaseURL, "frank", demoPassword)
		form, err := page.Form("method")
		if err != nil {
			t.Fatalf("%v: %s", err, page.Text())
		}
		if got := strings.Join(form.Buttons(), " "); !strings.Contains(got, "method=SOFTWARE_TOKEN_MFA") {
			t.Fatalf("choices: %s", got)
		}
		page = submit(ctx, t, c, page, nil, "method", "SOFTWARE_TOKEN_MFA")
		expectStep(t, page, "authenticator")
		expectAccount(t, submit(ctx, t, c, page, map[string]string{"code": localpool.TOTP(frankSecret, time.Now())}), "frank")
	})
}

// tokenIssuer reads the iss claim of a JWT (cognito-local's differs from its endpoint).
func tokenIssuer(t *testing.T, raw string) string {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", raw)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	must(t, err)
	var claims struct {
		Iss string `json:"iss"`
	}
	must(t, json.Unmarshal(b, &claims))
	return claims.Iss
}

// writeServeConfig writes a bridgekeeper.yaml for a pool at endpoint, with a fresh signing key.
func writeServeConfig(t *testing.T, endpoint, poolID, clientID, issuer string) string {
	t.Helper()
	dir := t.TempDir()
	keyFile, cookieKey := serveKeys(t, dir, oidc.RS256)
	cfg := fmt.Sprintf(`listen: 127.0.0.1:0
public_url: http://127.0.0.1
log: {level: debug, format: json}
pool:
  region: us-east-1
  user_pool_id: %s
  client_id: %s
  endpoint: %s
  issuer: %s
  jwks_url: %s/%s/.well-known/jwks.json
  auth_flow: USER_PASSWORD_AUTH
cookies:
  keys: [%s]
  secure: false
store:
  url: memory://
signup:
  enabled: true
oidc:
  signing_keys: [{file: %s}]
`, poolID, clientID, endpoint, issuer, endpoint, poolID, cookieKey, keyFile)
	path := filepath.Join(dir, "bridgekeeper.yaml")
	must(t, os.WriteFile(path, []byte(cfg), 0o600))
	return path
}
