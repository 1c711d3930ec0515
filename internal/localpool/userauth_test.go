package localpool

import (
	"crypto/rand"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/document"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/internal/softauthn"
	"github.com/bridgekeeper/bridgekeeper/internal/srp"
)

const testOrigin = "http://localhost:8080"

// newUserAuthPool is a pool allowing every first factor, with passkeys on localhost, an app
// client with USER_AUTH and these users: alice (password and email), judy (email, no password),
// sam (password and phone), tom (password, email and an authenticator app).
func newUserAuthPool(t *testing.T, mfa string) *testPool {
	t.Helper()
	p := newTestPool(t)
	pool, err := p.api.CreateUserPool(p.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("ua"), Policies: &types.UserPoolPolicyType{
		SignInPolicy: &types.SignInPolicyType{AllowedFirstAuthFactors: []types.AuthFactorType{"PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"}},
	}})
	p.must(err)
	p.poolID = aws.ToString(pool.UserPool.Id)
	_, err = p.api.SetUserPoolMfaConfig(p.ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(p.poolID), MfaConfiguration: types.UserPoolMfaType(mfa),
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
		WebAuthnConfiguration:         &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("localhost"), UserVerification: types.UserVerificationTypeRequired}})
	p.must(err)
	c, err := p.api.CreateUserPoolClient(p.ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(p.poolID), ClientName: aws.String("c"), GenerateSecret: true,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth, types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}})
	p.must(err)
	p.clientID, p.secret = aws.ToString(c.UserPoolClient.ClientId), aws.ToString(c.UserPoolClient.ClientSecret)
	for _, u := range []struct{ name, password, attr, value string }{
		{"alice", "Passw0rd!", "email", "alice@example.com"},
		{"judy", "", "email", "judy@example.com"},
		{"sam", "Passw0rd!", "phone_number", "+15555550100"},
		{"tom", "Passw0rd!", "email", "tom@example.com"},
	} {
		_, err := p.api.AdminCreateUser(p.ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(p.poolID), Username: aws.String(u.name), MessageAction: types.MessageActionTypeSuppress,
			UserAttributes: []types.AttributeType{{Name: aws.String(u.attr), Value: aws.String(u.value)}}})
		p.must(err)
		if u.password != "" {
			_, err = p.api.AdminSetUserPassword(p.ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(p.poolID), Username: aws.String(u.name), Password: aws.String(u.password), Permanent: true})
			p.must(err)
		}
	}
	p.srv.mu.Lock()
	tom := p.srv.pools[p.poolID].users["tom"]
	tom.totpSecret, tom.totpMFA = "JBSWY3DPEHPK3PXP", true
	p.srv.mu.Unlock()
	return p
}

func (p *testPool) userAuth(user string, params map[string]string) (*cip.InitiateAuthOutput, error) {
	ap := map[string]string{"USERNAME": user, "SECRET_HASH": p.hash(user)}
	for k, v := range params {
		ap[k] = v
	}
	return p.api.InitiateAuth(p.ctx, &cip.InitiateAuthInput{ClientId: aws.String(p.clientID), AuthFlow: types.AuthFlowTypeUserAuth, AuthParameters: ap})
}

func (p *testPool) respond(user string, name types.ChallengeNameType, sess *string, resp map[string]string) (*cip.RespondToAuthChallengeOutput, error) {
	cr := map[string]string{"USERNAME": user, "SECRET_HASH": p.hash(user)}
	for k, v := range resp {
		cr[k] = v
	}
	return p.api.RespondToAuthChallenge(p.ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(p.clientID), ChallengeName: name, Session: sess, ChallengeResponses: cr})
}

// wantTokens returns a check that a challenge's answer signed the user in.
func wantTokens(t *testing.T) func(*cip.RespondToAuthChallengeOutput, error) {
	return func(out *cip.RespondToAuthChallengeOutput, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if out.AuthenticationResult == nil || aws.ToString(out.AuthenticationResult.AccessToken) == "" {
			t.Fatalf("no tokens: challenge %s", out.ChallengeName)
		}
	}
}

func TestUserAuthAvailableChallenges(t *testing.T) {
	for _, tt := range []struct {
		mfa, user string
		want      []types.ChallengeNameType
	}{
		{"OFF", "alice", []types.ChallengeNameType{"PASSWORD_SRP", "PASSWORD", "EMAIL_OTP"}},
		{"OFF", "judy", []types.ChallengeNameType{"EMAIL_OTP"}},
		{"OFF", "sam", []types.ChallengeNameType{"PASSWORD_SRP", "PASSWORD", "SMS_OTP"}},
		// tom has an authenticator app: a one-time code would skip it.
		{"OPTIONAL", "tom", []types.ChallengeNameType{"PASSWORD_SRP", "PASSWORD"}},
		{"OPTIONAL", "alice", []types.ChallengeNameType{"PASSWORD_SRP", "PASSWORD", "EMAIL_OTP"}},
		{"ON", "alice", []types.ChallengeNameType{"PASSWORD_SRP", "PASSWORD"}},
	} {
		t.Run(tt.mfa+"/"+tt.user, func(t *testing.T) {
			p := newUserAuthPool(t, tt.mfa)
			out, err := p.userAuth(tt.user, nil)
			p.must(err)
			if out.ChallengeName != "SELECT_CHALLENGE" || !slices.Equal(out.AvailableChallenges, tt.want) || aws.ToString(out.Session) == "" {
				t.Fatalf("got %s %v, want SELECT_CHALLENGE %v", out.ChallengeName, out.AvailableChallenges, tt.want)
			}
		})
	}
}

func TestUserAuthRefusals(t *testing.T) {
	p := newUserAuthPool(t, "OFF")
	_, err := p.userAuth("nobody", nil)
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
	_, err = p.userAuth("alice", map[string]string{"PREFERRED_CHALLENGE": "PASSWORD"})
	wantAPIError(t, err, "InvalidParameterException", "Missing required parameter PASSWORD")
	_, err = p.userAuth("alice", map[string]string{"PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "wrong"})
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	// judy has no password: no password flow lets her in, not even with an empty one.
	_, err = p.api.InitiateAuth(p.ctx, &cip.InitiateAuthInput{ClientId: aws.String(p.clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "judy", "PASSWORD": "", "SECRET_HASH": p.hash("judy")}})
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	out, err := p.userAuth("alice", nil)
	p.must(err)
	_, err = p.respond("alice", "SELECT_CHALLENGE", out.Session, map[string]string{"ANSWER": "SMS_OTP"})
	wantAPIError(t, err, "InvalidParameterException", "not available")

	other, err := p.api.CreateUserPoolClient(p.ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(p.poolID), ClientName: aws.String("srp only")})
	p.must(err)
	_, err = p.api.InitiateAuth(p.ctx, &cip.InitiateAuthInput{ClientId: other.UserPoolClient.ClientId, AuthFlow: types.AuthFlowTypeUserAuth, AuthParameters: map[string]string{"USERNAME": "alice"}})
	wantAPIError(t, err, "InvalidParameterException", "USER_AUTH flow not enabled for this client")

	_, err = p.api.CreateUserPool(p.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("x"), Policies: &types.UserPoolPolicyType{
		SignInPolicy: &types.SignInPolicyType{AllowedFirstAuthFactors: []types.AuthFactorType{"EMAIL_OTP"}}}})
	wantAPIError(t, err, "InvalidParameterException", "PASSWORD")
}

func TestUserAuthPassword(t *testing.T) {
	p := newUserAuthPool(t, "OPTIONAL")
	out, err := p.userAuth("alice", map[string]string{"PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Passw0rd!"})
	p.must(err)
	if out.AuthenticationResult == nil {
		t.Fatalf("preferred PASSWORD gave %s, want tokens", out.ChallengeName)
	}
	// tom's password is followed by his MFA, as in any password sign-in.
	sel, err := p.userAuth("tom", nil)
	p.must(err)
	next, err := p.respond("tom", "SELECT_CHALLENGE", sel.Session, map[string]string{"ANSWER": "PASSWORD", "PASSWORD": "Passw0rd!"})
	p.must(err)
	if next.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("after tom's password: %s, want SOFTWARE_TOKEN_MFA", next.ChallengeName)
	}
	wantTokens(t)(p.respond("tom", next.ChallengeName, next.Session, map[string]string{"SOFTWARE_TOKEN_MFA_CODE": TOTP("JBSWY3DPEHPK3PXP", p.now)}))
}

func TestUserAuthPasswordSRP(t *testing.T) {
	p := newUserAuthPool(t, "OFF")
	sel, err := p.userAuth("alice", nil)
	p.must(err)
	cl, err := srp.NewClient(rand.Reader)
	p.must(err)
	v, err := p.respond("alice", "SELECT_CHALLENGE", sel.Session, map[string]string{"ANSWER": "PASSWORD_SRP", "SRP_A": cl.AHex()})
	p.must(err)
	if v.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		t.Fatalf("PASSWORD_SRP gave %s", v.ChallengeName)
	}
	params := v.ChallengeParameters
	sig, ts, err := cl.PasswordClaim(poolName(p.poolID), params["USER_ID_FOR_SRP"], "Passw0rd!", params["SALT"], params["SRP_B"], params["SECRET_BLOCK"], p.now)
	p.must(err)
	wantTokens(t)(p.respond("alice", v.ChallengeName, v.Session, map[string]string{"PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"], "PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": ts}))
}

func TestUserAuthOneTimeCodes(t *testing.T) {
	for _, tt := range []struct {
		user, to  string
		challenge types.ChallengeNameType
		medium    string
	}{
		{"judy", "judy@example.com", "EMAIL_OTP", "EMAIL"},
		{"sam", "+15555550100", "SMS_OTP", "SMS"},
	} {
		t.Run(string(tt.challenge), func(t *testing.T) {
			p := newUserAuthPool(t, "OFF")
			sent := len(p.srv.Outbox().Messages())
			out, err := p.userAuth(tt.user, map[string]string{"PREFERRED_CHALLENGE": string(tt.challenge)})
			p.must(err)
			if out.ChallengeName != tt.challenge || out.ChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"] != tt.medium || strings.Contains(out.ChallengeParameters["CODE_DELIVERY_DESTINATION"], tt.to) {
				t.Fatalf("got %s %v", out.ChallengeName, out.ChallengeParameters)
			}
			msgs := p.srv.Outbox().Messages()
			if len(msgs) != sent+1 || msgs[0].To != tt.to || len(msgs[0].Code) != signInCodeDigits {
				t.Fatalf("outbox %+v, want one %d-digit code to %s", msgs, signInCodeDigits, tt.to)
			}
			key := string(tt.challenge) + "_CODE"
			_, err = p.respond(tt.user, tt.challenge, out.Session, map[string]string{key: "00000000"})
			wantAPIError(t, err, "CodeMismatchException", "Invalid code received for user")
			wantTokens(t)(p.respond(tt.user, tt.challenge, out.Session, map[string]string{key: msgs[0].Code}))
		})
	}
	p := newUserAuthPool(t, "OFF")
	out, err := p.userAuth("judy", map[string]string{"PREFERRED_CHALLENGE": "EMAIL_OTP"})
	p.must(err)
	p.now = p.now.Add(codeTTL + time.Second)
	_, err = p.respond("judy", "EMAIL_OTP", out.Session, map[string]string{"EMAIL_OTP_CODE": p.srv.Outbox().Messages()[0].Code})
	wantAPIError(t, err, "NotAuthorizedException", "session is expired")
}

// accessToken signs user in with the password and returns the access token.
func (p *testPool) accessToken(user string) string {
	p.t.Helper()
	out, err := p.userAuth(user, map[string]string{"PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Passw0rd!"})
	p.must(err)
	return aws.ToString(out.AuthenticationResult.AccessToken)
}

// register runs a passkey registration of tok's user with a and returns Complete's error.
func (p *testPool) register(tok string, a *softauthn.Authenticator, mutate func(map[string]any)) error {
	p.t.Helper()
	start, err := p.api.StartWebAuthnRegistration(p.ctx, &cip.StartWebAuthnRegistrationInput{AccessToken: aws.String(tok)})
	if err != nil {
		return err
	}
	options, err := start.CredentialCreationOptions.MarshalSmithyDocument()
	p.must(err)
	if mutate != nil {
		var o map[string]any
		p.must(json.Unmarshal(options, &o))
		mutate(o)
		options, err = json.Marshal(o)
		p.must(err)
	}
	cred, err := a.Create(options)
	p.must(err)
	var doc map[string]any
	p.must(json.Unmarshal(cred, &doc))
	_, err = p.api.CompleteWebAuthnRegistration(p.ctx, &cip.CompleteWebAuthnRegistrationInput{AccessToken: aws.String(tok), Credential: document.NewLazyDocument(doc)})
	return err
}

func TestPasskeyRegistrationErrors(t *testing.T) {
	p := newUserAuthPool(t, "OFF")
	tok := p.accessToken("alice")
	a := softauthn.New(testOrigin, nil)
	noUV := softauthn.New(testOrigin, nil)
	noUV.NoUserVerification = true
	tests := []struct {
		name      string
		auth      *softauthn.Authenticator
		mutate    func(map[string]any)
		code, msg string
	}{
		{"other origin", softauthn.New("http://example.com", nil), nil, "WebAuthnOriginNotAllowedException", "origin"},
		{"plain http off localhost", softauthn.New("http://localhost.example", nil), nil, "WebAuthnOriginNotAllowedException", "origin"},
		{"other relying party", a, func(o map[string]any) { o["rp"].(map[string]any)["id"] = "example.com" }, "WebAuthnRelyingPartyMismatchException", "relying party"},
		{"no user verification", noUV, nil, "NotAuthorizedException", ""},
		{"challenge of another registration", a, func(o map[string]any) { o["challenge"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }, "NotAuthorizedException", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantAPIError(t, p.register(tok, tt.auth, tt.mutate), tt.code, tt.msg)
		})
	}
	_, err := p.api.CompleteWebAuthnRegistration(p.ctx, &cip.CompleteWebAuthnRegistrationInput{AccessToken: aws.String(tok), Credential: document.NewLazyDocument(map[string]any{})})
	wantAPIError(t, err, "WebAuthnChallengeNotFoundException", "challenge")

	// An expired challenge.
	start, err := p.api.StartWebAuthnRegistration(p.ctx, &cip.StartWebAuthnRegistrationInput{AccessToken: aws.String(tok)})
	p.must(err)
	p.now = p.now.Add(passkeyTimeout*time.Millisecond + time.Second)
	options, err := start.CredentialCreationOptions.MarshalSmithyDocument()
	p.must(err)
	cred, err := a.Create(options)
	p.must(err)
	var doc map[string]any
	p.must(json.Unmarshal(cred, &doc))
	tok = p.accessToken("alice")
	_, err = p.api.CompleteWebAuthnRegistration(p.ctx, &cip.CompleteWebAuthnRegistrationInput{AccessToken: aws.String(tok), Credential: document.NewLazyDocument(doc)})
	wantAPIError(t, err, "WebAuthnChallengeNotFoundException", "challenge")

	// Started with one app client, completed with another.
	_, err = p.api.StartWebAuthnRegistration(p.ctx, &cip.StartWebAuthnRegistrationInput{AccessToken: aws.String(tok)})
	p.must(err)
	other, err := p.api.CreateUserPoolClient(p.ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(p.poolID), ClientName: aws.String("other"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}})
	p.must(err)
	signedIn, err := p.api.InitiateAuth(p.ctx, &cip.InitiateAuthInput{ClientId: other.UserPoolClient.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Passw0rd!"}})
	p.must(err)
	_, err = p.api.CompleteWebAuthnRegistration(p.ctx, &cip.CompleteWebAuthnRegistrationInput{AccessToken: signedIn.AuthenticationResult.AccessToken, Credential: document.NewLazyDocument(doc)})
	wantAPIError(t, err, "WebAuthnClientMismatchException", "client")
}

func TestPasskeyPoolSettings(t *testing.T) {
	q := newUserAuthPool(t, "OFF")
	tok := q.accessToken("alice")
	q.srv.mu.Lock()
	q.srv.pools[q.poolID].signIn.rpID = ""
	q.srv.mu.Unlock()
	_, err := q.api.StartWebAuthnRegistration(q.ctx, &cip.StartWebAuthnRegistrationInput{AccessToken: aws.String(tok)})
	wantAPIError(t, err, "WebAuthnConfigurationMissingException", "relying party")
	q.srv.mu.Lock()
	q.srv.pools[q.poolID].signIn.firstFactors = []string{"PASSWORD", "EMAIL_OTP"}
	q.srv.mu.Unlock()
	_, err = q.api.StartWebAuthnRegistration(q.ctx, &cip.StartWebAuthnRegistrationInput{AccessToken: aws.String(tok)})
	wantAPIError(t, err, "WebAuthnNotEnabledException", "not enabled")
	cfg, err := q.api.GetUserPoolMfaConfig(q.ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String(q.poolID)})
	q.must(err)
	if cfg.WebAuthnConfiguration == nil || cfg.WebAuthnConfiguration.UserVerification != types.UserVerificationTypeRequired {
		t.Fatalf("WebAuthnConfiguration = %+v", cfg.WebAuthnConfiguration)
	}
	desc, err := q.api.DescribeUserPool(q.ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(q.poolID)})
	q.must(err)
	if got := desc.UserPool.Policies.SignInPolicy.AllowedFirstAuthFactors; !slices.Equal(got, []types.AuthFactorType{"PASSWORD", "EMAIL_OTP"}) {
		t.Fatalf("AllowedFirstAuthFactors = %v", got)
	}
}

func TestPasskeySignIn(t *testing.T) {
	p := newUserAuthPool(t, "OFF")
	a := softauthn.New(testOrigin, nil)
	tok := p.accessToken("alice")
	p.must(p.register(tok, a, nil))
	list, err := p.api.ListWebAuthnCredentials(p.ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: aws.String(tok)})
	p.must(err)
	if len(list.Credentials) != 1 || aws.ToString(list.Credentials[0].RelyingPartyId) != "localhost" || list.Credentials[0].CreatedAt == nil {
		t.Fatalf("credentials = %+v", list.Credentials)
	}
	sel, err := p.userAuth("alice", nil)
	p.must(err)
	if !slices.Contains(sel.AvailableChallenges, types.ChallengeNameTypeWebAuthn) {
		t.Fatalf("a user with a passkey is offered %v", sel.AvailableChallenges)
	}

	assert := func(mutate func([]byte) []byte) (*cip.RespondToAuthChallengeOutput, error) {
		out, err := p.userAuth("alice", map[string]string{"PREFERRED_CHALLENGE": "WEB_AUTHN"})
		p.must(err)
		if out.ChallengeName != types.ChallengeNameTypeWebAuthn {
			t.Fatalf("preferred WEB_AUTHN gave %s", out.ChallengeName)
		}
		cred, err := a.Get([]byte(out.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"]))
		p.must(err)
		if mutate != nil {
			cred = mutate(cred)
		}
		return p.respond("alice", out.ChallengeName, out.Session, map[string]string{"CREDENTIAL": string(cred)})
	}
	wantTokens(t)(assert(nil))
	wantTokens(t)(assert(nil)) // the counter moves on
	_, err = assert(func(b []byte) []byte {
		var m map[string]any
		p.must(json.Unmarshal(b, &m))
		m["response"].(map[string]any)["signature"] = "MEUCIQDe"
		out, _ := json.Marshal(m)
		return out
	})
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = assert(func([]byte) []byte { return []byte("{") })
	wantAPIError(t, err, "InvalidParameterException", "CREDENTIAL")

	_, err = p.api.DeleteWebAuthnCredential(p.ctx, &cip.DeleteWebAuthnCredentialInput{AccessToken: aws.String(tok), CredentialId: list.Credentials[0].CredentialId})
	p.must(err)
	_, err = p.api.DeleteWebAuthnCredential(p.ctx, &cip.DeleteWebAuthnCredentialInput{AccessToken: aws.String(tok), CredentialId: list.Credentials[0].CredentialId})
	wantAPIError(t, err, "ResourceNotFoundException", "Credential not found.")
	sel, err = p.userAuth("alice", nil)
	p.must(err)
	if slices.Contains(sel.AvailableChallenges, types.ChallengeNameTypeWebAuthn) {
		t.Fatalf("a deleted passkey is still offered: %v", sel.AvailableChallenges)
	}
}

func TestUserAuthUnknownUserWithPreventUserExistence(t *testing.T) {
	p := newUserAuthPool(t, "OFF")
	c, err := p.api.CreateUserPoolClient(p.ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(p.poolID), ClientName: aws.String("prevent"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth}, PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled})
	p.must(err)
	p.clientID, p.secret = aws.ToString(c.UserPoolClient.ClientId), ""
	out, err := p.userAuth("nobody", nil)
	p.must(err)
	if out.ChallengeName != "SELECT_CHALLENGE" || !slices.Equal(out.AvailableChallenges, []types.ChallengeNameType{"PASSWORD_SRP", "PASSWORD"}) {
		t.Fatalf("an unknown user gets %s %v, want a password-only SELECT_CHALLENGE", out.ChallengeName, out.AvailableChallenges)
	}
	_, err = p.respond("nobody", "SELECT_CHALLENGE", out.Session, map[string]string{"ANSWER": "PASSWORD", "PASSWORD": "Passw0rd!"})
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = p.userAuth("nobody", map[string]string{"PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Passw0rd!"})
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	cl, err := srp.NewClient(rand.Reader)
	p.must(err)
	v, err := p.userAuth("nobody", map[string]string{"PREFERRED_CHALLENGE": "PASSWORD_SRP", "SRP_A": cl.AHex()})
	p.must(err)
	if v.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		t.Fatalf("an unknown user's SRP gets %s, want a plausible PASSWORD_VERIFIER", v.ChallengeName)
	}
}

// TestSignInAfterSignUp: SignUp's Session goes to ConfirmSignUp, whose Session signs the new
// user in once with USER_AUTH, the confirmation code standing in for a first factor.
func TestSignInAfterSignUp(t *testing.T) {
	p := signUpPool(t, false)
	c, err := p.api.CreateUserPoolClient(p.ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(p.poolID), ClientName: aws.String("ua"), GenerateSecret: true,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth}})
	p.must(err)
	p.clientID, p.secret = aws.ToString(c.UserPoolClient.ClientId), aws.ToString(c.UserPoolClient.ClientSecret)
	up, err := p.signUp("nina", "Passw0rd!", map[string]string{"name": "Nina", "email": "nina@example.com"})
	p.must(err)
	if aws.ToString(up.Session) == "" {
		t.Fatal("SignUp returned no Session")
	}
	confirm := func(session *string) (*cip.ConfirmSignUpOutput, error) {
		return p.api.ConfirmSignUp(p.ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(p.clientID), SecretHash: aws.String(p.hash("nina")), Username: aws.String("nina"),
			ConfirmationCode: aws.String(p.srv.Outbox().Messages()[0].Code), Session: session})
	}
	_, err = confirm(aws.String("not-a-session-of-this-pool-at-all"))
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user")
	done, err := confirm(up.Session)
	p.must(err)
	if aws.ToString(done.Session) == "" {
		t.Fatal("ConfirmSignUp with SignUp's Session returned no Session")
	}
	signIn := func(session *string) (*cip.InitiateAuthOutput, error) {
		return p.api.InitiateAuth(p.ctx, &cip.InitiateAuthInput{ClientId: aws.String(p.clientID), AuthFlow: types.AuthFlowTypeUserAuth, Session: session,
			AuthParameters: map[string]string{"USERNAME": "nina", "SECRET_HASH": p.hash("nina")}})
	}
	// SignUp's own session is not a sign-in.
	_, err = signIn(up.Session)
	wantAPIError(t, err, "NotAuthorizedException", "session")
	out, err := signIn(done.Session)
	p.must(err)
	if out.AuthenticationResult == nil || aws.ToString(out.AuthenticationResult.AccessToken) == "" {
		t.Fatalf("no tokens after sign-up: %s", out.ChallengeName)
	}
	_, err = signIn(done.Session)
	wantAPIError(t, err, "NotAuthorizedException", "session can only be used once")
}
