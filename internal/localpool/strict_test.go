package localpool

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/internal/srp"
)

// passwordClient creates an app client without a secret for USER_PASSWORD_AUTH, USER_SRP_AUTH and
// refresh, with the given PreventUserExistenceErrors.
func (p *testPool) passwordClient(prevent types.PreventUserExistenceErrorTypes) string {
	p.t.Helper()
	c, err := p.api.CreateUserPoolClient(p.ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(p.poolID), ClientName: aws.String("pw"), PreventUserExistenceErrors: prevent,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	p.must(err)
	return aws.ToString(c.UserPoolClient.ClientId)
}

func (p *testPool) passwordAuth(client, username, password string) (*cip.InitiateAuthOutput, error) {
	return p.api.InitiateAuth(p.ctx, &cip.InitiateAuthInput{ClientId: aws.String(client), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password}})
}

func (p *testPool) setAttrs(username string, kv ...string) {
	p.t.Helper()
	var attrs []types.AttributeType
	for i := 0; i < len(kv); i += 2 {
		attrs = append(attrs, types.AttributeType{Name: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	_, err := p.api.AdminUpdateUserAttributes(p.ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(p.poolID), Username: aws.String(username), UserAttributes: attrs})
	p.must(err)
}

// TestLockoutSchedule follows Cognito's schedule: five free failures, then 1 s, 2 s, … while
// attempts during a lockout are refused without lengthening it, and 15 idle minutes forgive all.
func TestLockoutSchedule(t *testing.T) {
	p := newTestPool(t)
	c := p.passwordClient("")
	try := func(pw, msg string) {
		t.Helper()
		_, err := p.passwordAuth(c, "alice", pw)
		if msg == "" {
			p.must(err)
			return
		}
		wantAPIError(t, err, "NotAuthorizedException", msg)
	}
	for i := 0; i < 5; i++ {
		try("wrong", "Incorrect username or password.")
	}
	try("Passw0rd!", "Password attempts exceeded") // locked for 1 s
	p.now = p.now.Add(time.Second)
	try("wrong", "Incorrect username or password.") // sixth failure: 2 s
	p.now = p.now.Add(1500 * time.Millisecond)
	try("Passw0rd!", "Password attempts exceeded")
	p.now = p.now.Add(time.Second)
	try("Passw0rd!", "") // the lockout passed: signing in resets the count
	try("wrong", "Incorrect username or password.")

	for i := 0; i < 4; i++ {
		try("wrong", "Incorrect username or password.")
	}
	try("Passw0rd!", "Password attempts exceeded")
	p.now = p.now.Add(15 * time.Minute)
	for i := 0; i < 4; i++ { // forgiven after 15 idle minutes: four more free failures
		try("wrong", "Incorrect username or password.")
	}
	try("Passw0rd!", "")

	// The longest lockout is about 15 minutes.
	for i := 0; i < 20; i++ {
		_, _ = p.passwordAuth(c, "alice", "wrong")
		p.now = p.now.Add(lockoutMax) // each attempt lands after the previous lockout
	}
	p.now = p.now.Add(time.Second)
	try("Passw0rd!", "")
}

// TestWrongMFACodesLockOutAcrossSessions: wrong codes count towards the lockout even when each
// comes from a fresh sign-in, and a code is accepted once within its window.
func TestWrongMFACodesLockOutAcrossSessions(t *testing.T) {
	p := newTestPool(t)
	c := p.passwordClient("")
	secret := p.enrolTOTP(c)
	mfa := func(code string) (*cip.RespondToAuthChallengeOutput, error) {
		t.Helper()
		out, err := p.passwordAuth(c, "alice", "Passw0rd!")
		p.must(err)
		if out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
			t.Fatalf("challenge %s", out.ChallengeName)
		}
		return p.api.RespondToAuthChallenge(p.ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(c), ChallengeName: out.ChallengeName, Session: out.Session,
			ChallengeResponses: map[string]string{"USERNAME": "alice", "SOFTWARE_TOKEN_MFA_CODE": code}})
	}
	code := TOTP(secret, p.now)
	_, err := mfa(code)
	p.must(err)
	_, err = mfa(code)
	wantAPIError(t, err, "ExpiredCodeException", "Your software token has already been used once.")
	p.now = p.now.Add(30 * time.Second)
	_, err = mfa(TOTP(secret, p.now))
	p.must(err)

	wrong := "000000"
	if wrong == TOTP(secret, p.now) || wrong == TOTP(secret, p.now.Add(-30*time.Second)) || wrong == TOTP(secret, p.now.Add(30*time.Second)) {
		wrong = "111111"
	}
	for i := 0; i < 5; i++ {
		_, err = mfa(wrong)
		wantAPIError(t, err, "CodeMismatchException", "Invalid code received for user")
	}
	_, err = p.passwordAuth(c, "alice", "Passw0rd!")
	wantAPIError(t, err, "NotAuthorizedException", "Password attempts exceeded")
}

// enrolTOTP signs alice in on client c, enrols an authenticator and makes it her MFA method.
func (p *testPool) enrolTOTP(c string) string {
	p.t.Helper()
	out, err := p.passwordAuth(c, "alice", "Passw0rd!")
	p.must(err)
	access := out.AuthenticationResult.AccessToken
	assoc, err := p.api.AssociateSoftwareToken(p.ctx, &cip.AssociateSoftwareTokenInput{AccessToken: access})
	p.must(err)
	secret := aws.ToString(assoc.SecretCode)
	_, err = p.api.VerifySoftwareToken(p.ctx, &cip.VerifySoftwareTokenInput{AccessToken: access, UserCode: aws.String(TOTP(secret, p.now))})
	p.must(err)
	_, err = p.api.SetUserPoolMfaConfig(p.ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(p.poolID), MfaConfiguration: types.UserPoolMfaTypeOptional,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}})
	p.must(err)
	_, err = p.api.SetUserMFAPreference(p.ctx, &cip.SetUserMFAPreferenceInput{AccessToken: access, SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}})
	p.must(err)
	p.now = p.now.Add(30 * time.Second) // the enrolment's code is not the first sign-in's
	return secret
}

func TestEmailAliasNeedsThePoolsAliasAndAVerifiedEmail(t *testing.T) {
	for _, tt := range []struct {
		name     string
		aliases  []string
		verified string
		ok       bool
	}{
		{"no alias", nil, "true", false},
		{"unverified", []string{"email"}, "false", false},
		{"alias and verified", []string{"email"}, "true", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := newTestPool(t)
			pool, err := p.api.CreateUserPool(p.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("alias"), AliasAttributes: aliasTypes(tt.aliases)})
			p.must(err)
			p.poolID = aws.ToString(pool.UserPool.Id)
			_, err = p.api.AdminCreateUser(p.ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(p.poolID), Username: aws.String("alice"), MessageAction: types.MessageActionTypeSuppress,
				UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("alice@example.com")}, {Name: aws.String("email_verified"), Value: aws.String(tt.verified)}}})
			p.must(err)
			_, err = p.api.AdminSetUserPassword(p.ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(p.poolID), Username: aws.String("alice"), Password: aws.String("Passw0rd!"), Permanent: true})
			p.must(err)
			c := p.passwordClient("")
			out, err := p.passwordAuth(c, "Alice@Example.com", "Passw0rd!")
			if !tt.ok {
				wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
				return
			}
			p.must(err)
			if out.AuthenticationResult == nil {
				t.Fatal("no tokens")
			}
		})
	}
}

func aliasTypes(names []string) []types.AliasAttributeType {
	var out []types.AliasAttributeType
	for _, n := range names {
		out = append(out, types.AliasAttributeType(n))
	}
	return out
}

func TestForgotPasswordRefusals(t *testing.T) {
	for _, tt := range []struct {
		name  string
		setup func(p *testPool)
		code  string
		msg   string
	}{
		{"no verified address", func(p *testPool) { p.setAttrs("alice", "email", "alice@example.com") },
			"InvalidParameterException", "Cannot reset password for the user as there is no registered/verified email or phone_number"},
		{"temporary password", func(p *testPool) {
			p.setAttrs("alice", "email", "alice@example.com", "email_verified", "true")
			_, err := p.api.AdminSetUserPassword(p.ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(p.poolID), Username: aws.String("alice"), Password: aws.String("Temp-Passw0rd!")})
			p.must(err)
		}, "NotAuthorizedException", "User password cannot be reset in the current state."},
		{"disabled", func(p *testPool) {
			p.setAttrs("alice", "email", "alice@example.com", "email_verified", "true")
			_, err := p.api.AdminDisableUser(p.ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(p.poolID), Username: aws.String("alice")})
			p.must(err)
		}, "NotAuthorizedException", "User is disabled."},
		{"verified phone", func(p *testPool) {
			p.setAttrs("alice", "phone_number", "+15555550100", "phone_number_verified", "true")
		}, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := newTestPool(t)
			tt.setup(p)
			c := p.passwordClient("")
			out, err := p.api.ForgotPassword(p.ctx, &cip.ForgotPasswordInput{ClientId: aws.String(c), Username: aws.String("alice")})
			if tt.code != "" {
				wantAPIError(t, err, tt.code, tt.msg)
				return
			}
			p.must(err)
			if out.CodeDeliveryDetails.DeliveryMedium != types.DeliveryMediumTypeSms {
				t.Fatalf("delivery %+v", out.CodeDeliveryDetails)
			}
		})
	}
}

func TestConfirmForgotPasswordAttemptLimit(t *testing.T) {
	p := newTestPool(t)
	p.setAttrs("alice", "email", "alice@example.com", "email_verified", "true")
	c := p.passwordClient("")
	forgot := func() string {
		t.Helper()
		_, err := p.api.ForgotPassword(p.ctx, &cip.ForgotPasswordInput{ClientId: aws.String(c), Username: aws.String("alice")})
		p.must(err)
		return p.srv.Outbox().Messages()[0].Code // newest first
	}
	confirm := func(code string) error {
		_, err := p.api.ConfirmForgotPassword(p.ctx, &cip.ConfirmForgotPasswordInput{ClientId: aws.String(c), Username: aws.String("alice"), ConfirmationCode: aws.String(code), Password: aws.String("N3w-Passw0rd!")})
		return err
	}
	code := forgot()
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	for i := 0; i < maxCodeAttempts; i++ {
		wantAPIError(t, confirm(wrong), "CodeMismatchException", "Invalid verification code provided, please try again.")
	}
	wantAPIError(t, confirm(code), "LimitExceededException", "Attempt limit exceeded, please try after some time.")
	p.must(confirm(forgot()))
}

func TestPreventUserExistenceErrors(t *testing.T) {
	p := newTestPool(t)
	legacy, enabled := p.passwordClient(types.PreventUserExistenceErrorTypesLegacy), p.passwordClient(types.PreventUserExistenceErrorTypesEnabled)
	d, err := p.api.DescribeUserPoolClient(p.ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(p.poolID), ClientId: aws.String(enabled)})
	p.must(err)
	if d.UserPoolClient.PreventUserExistenceErrors != types.PreventUserExistenceErrorTypesEnabled {
		t.Fatalf("described %q", d.UserPoolClient.PreventUserExistenceErrors)
	}
	_, err = p.passwordAuth(legacy, "nobody", "Passw0rd!")
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
	_, err = p.passwordAuth(enabled, "nobody", "Passw0rd!")
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")

	// SRP: a plausible challenge with a stable salt, whose answer fails like a wrong password.
	srpStart := func(user string) (*srp.Client, *cip.InitiateAuthOutput) {
		cl, err := srp.NewClient(rand.Reader)
		p.must(err)
		out, err := p.api.InitiateAuth(p.ctx, &cip.InitiateAuthInput{ClientId: aws.String(enabled), AuthFlow: types.AuthFlowTypeUserSrpAuth,
			AuthParameters: map[string]string{"USERNAME": user, "SRP_A": cl.AHex()}})
		p.must(err)
		return cl, out
	}
	cl, first := srpStart("nobody")
	_, second := srpStart("nobody")
	_, real := srpStart("alice")
	fp, sp := first.ChallengeParameters, second.ChallengeParameters
	if first.ChallengeName != types.ChallengeNameTypePasswordVerifier || fp["SALT"] != sp["SALT"] || fp["SRP_B"] == sp["SRP_B"] ||
		len(fp["SALT"]) != len(real.ChallengeParameters["SALT"]) || fp["USER_ID_FOR_SRP"] != "nobody" || len(aws.ToString(first.Session)) != len(aws.ToString(real.Session)) {
		t.Fatalf("phantom challenge %+v vs %+v", fp, sp)
	}
	sig, ts, err := cl.PasswordClaim(poolName(p.poolID), "nobody", "Passw0rd!", fp["SALT"], fp["SRP_B"], fp["SECRET_BLOCK"], p.now)
	p.must(err)
	_, err = p.api.RespondToAuthChallenge(p.ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(enabled), ChallengeName: types.ChallengeNameTypePasswordVerifier, Session: first.Session,
		ChallengeResponses: map[string]string{"USERNAME": "nobody", "PASSWORD_CLAIM_SECRET_BLOCK": fp["SECRET_BLOCK"], "PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": ts}})
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")

	// Recovery: simulated delivery, then a code mismatch.
	fo, err := p.api.ForgotPassword(p.ctx, &cip.ForgotPasswordInput{ClientId: aws.String(enabled), Username: aws.String("nobody")})
	p.must(err)
	if fo.CodeDeliveryDetails == nil || fo.CodeDeliveryDetails.DeliveryMedium != types.DeliveryMediumTypeEmail || !strings.Contains(aws.ToString(fo.CodeDeliveryDetails.Destination), "***@") {
		t.Fatalf("simulated delivery %+v", fo.CodeDeliveryDetails)
	}
	_, err = p.api.ConfirmForgotPassword(p.ctx, &cip.ConfirmForgotPasswordInput{ClientId: aws.String(enabled), Username: aws.String("nobody"), ConfirmationCode: aws.String("123456"), Password: aws.String("N3w-Passw0rd!")})
	wantAPIError(t, err, "CodeMismatchException", "Invalid verification code provided, please try again.")
	_, err = p.api.ForgotPassword(p.ctx, &cip.ForgotPasswordInput{ClientId: aws.String(legacy), Username: aws.String("nobody")})
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
}

// claims decodes a JWT's header and payload without verifying it.
func claims(t *testing.T, tok string) (header, payload map[string]any) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %d parts", len(parts))
	}
	for i, dst := range []*map[string]any{&header, &payload} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil || json.Unmarshal(b, dst) != nil {
			t.Fatalf("bad JWT part %d", i)
		}
	}
	return header, payload
}

func TestTokenKeysEventsAndRevocation(t *testing.T) {
	p := newTestPool(t)
	c := p.passwordClient("")
	signIn := func() *types.AuthenticationResultType {
		out, err := p.passwordAuth(c, "alice", "Passw0rd!")
		p.must(err)
		return out.AuthenticationResult
	}
	refresh := func(rt *string) (*cip.InitiateAuthOutput, error) {
		return p.api.InitiateAuth(p.ctx, &cip.InitiateAuthInput{ClientId: aws.String(c), AuthFlow: types.AuthFlowTypeRefreshTokenAuth, AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(rt)}})
	}
	first := signIn()
	idh, idc := claims(t, aws.ToString(first.IdToken))
	ach, acc := claims(t, aws.ToString(first.AccessToken))
	if idh["kid"] == ach["kid"] || idc["event_id"] == nil || idc["event_id"] != acc["event_id"] || idc["origin_jti"] != acc["origin_jti"] || acc["jti"] == acc["origin_jti"] {
		t.Fatalf("ID token %v %v, access token %v %v", idh, idc, ach, acc)
	}
	res, err := http.Get(p.issuer() + "/.well-known/jwks.json")
	p.must(err)
	var jwks struct{ Keys []map[string]any }
	p.must(json.NewDecoder(res.Body).Decode(&jwks))
	res.Body.Close()
	if len(jwks.Keys) != 2 || jwks.Keys[0]["kid"] == jwks.Keys[1]["kid"] {
		t.Fatalf("JWKS %v", jwks.Keys)
	}

	p.now = p.now.Add(time.Minute)
	r, err := refresh(first.RefreshToken)
	p.must(err)
	_, rac := claims(t, aws.ToString(r.AuthenticationResult.AccessToken))
	if rac["origin_jti"] != acc["origin_jti"] || rac["event_id"] != acc["event_id"] || rac["jti"] == acc["jti"] {
		t.Fatalf("refreshed access token %v, first %v", rac, acc)
	}

	// RevokeToken ends the refresh token and the access tokens of that sign-in only.
	second := signIn()
	_, err = p.api.RevokeToken(p.ctx, &cip.RevokeTokenInput{ClientId: aws.String(c), Token: first.RefreshToken})
	p.must(err)
	for _, at := range []*string{first.AccessToken, r.AuthenticationResult.AccessToken} {
		_, err = p.api.GetUser(p.ctx, &cip.GetUserInput{AccessToken: at})
		wantAPIError(t, err, "NotAuthorizedException", "Access Token has been revoked")
	}
	_, err = refresh(first.RefreshToken)
	wantAPIError(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
	_, err = p.api.GetUser(p.ctx, &cip.GetUserInput{AccessToken: second.AccessToken})
	p.must(err)

	_, err = p.api.GlobalSignOut(p.ctx, &cip.GlobalSignOutInput{AccessToken: second.AccessToken})
	p.must(err)
	_, err = refresh(second.RefreshToken)
	wantAPIError(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
}

func (p *testPool) issuer() string { return p.url + "/" + p.poolID }

func TestMalformedRequests(t *testing.T) {
	p := newTestPool(t)
	for _, tt := range []struct {
		name, op, body, code, msg string
	}{
		{"not JSON", "InitiateAuth", `{"AuthFlow":`, "SerializationException", ""},
		{"object for a string", "InitiateAuth", `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":{"a":1}}`, "SerializationException", "Start of structure or map found where not expected."},
		{"list for a string", "ForgotPassword", `{"ClientId":["x"],"Username":"alice"}`, "SerializationException", "Start of list found where not expected"},
		{"number for a string", "ForgotPassword", `{"ClientId":"abc","Username":5}`, "SerializationException", "Unexpected field type"},
		{"missing client id", "InitiateAuth", `{"AuthFlow":"USER_PASSWORD_AUTH"}`, "InvalidParameterException",
			"1 validation error detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null"},
		{"two problems", "ForgotPassword", `{"ClientId":"abc","Username":"` + strings.Repeat("a", 129) + `","SecretHash":""}`, "InvalidParameterException",
			"2 validation errors detected: Value at 'secretHash' failed to satisfy constraint: Member must have length greater than or equal to 1; Value at 'username' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{"short session", "RespondToAuthChallenge", `{"ChallengeName":"SMS_MFA","ClientId":"abc","Session":"short"}`, "InvalidParameterException",
			"1 validation error detected: Value at 'session' failed to satisfy constraint: Member must have length greater than or equal to 20"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, p.url+"/", bytes.NewBufferString(tt.body))
			req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+tt.op)
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			res, err := http.DefaultClient.Do(req)
			p.must(err)
			defer res.Body.Close()
			raw, _ := io.ReadAll(res.Body)
			var out struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			p.must(json.Unmarshal(raw, &out))
			if res.StatusCode != http.StatusBadRequest || out.Type != tt.code || out.Message != tt.msg {
				t.Fatalf("%d %s", res.StatusCode, raw)
			}
			if strings.Contains(string(raw), "json:") || strings.Contains(string(raw), "Go value") {
				t.Fatalf("Go decoder text in %s", raw)
			}
		})
	}
}

// TestUnknownExplicitAuthFlowRefused: Cognito takes only its enum values in ExplicitAuthFlows;
// the legacy names still work.
func TestUnknownExplicitAuthFlowRefused(t *testing.T) {
	p := newTestPool(t)
	_, err := p.api.CreateUserPoolClient(p.ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(p.poolID), ClientName: aws.String("x"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_USER_SRP_AUTH", "ALLOW_EVERYTHING"}})
	wantAPIError(t, err, "InvalidParameterException", "Value '[ALLOW_USER_SRP_AUTH, ALLOW_EVERYTHING]' at 'explicitAuthFlows' failed to satisfy constraint")
	c, err := p.api.CreateUserPoolClient(p.ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(p.poolID), ClientName: aws.String("legacy"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeUserPasswordAuth}})
	p.must(err)
	if got := c.UserPoolClient.ExplicitAuthFlows; len(got) != 1 || got[0] != types.ExplicitAuthFlowsTypeAllowUserPasswordAuth {
		t.Fatalf("legacy USER_PASSWORD_AUTH became %v", got)
	}
}
