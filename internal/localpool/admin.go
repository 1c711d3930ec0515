package localpool

import (
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bridgekeeper/bridgekeeper/internal/srp"
)

// operations maps each emulated Cognito operation to its implementation.
func operations() map[string]opFunc {
	ops := map[string]opFunc{
		"CreateUserPool":            (*Server).createUserPool,
		"DescribeUserPool":          (*Server).describeUserPool,
		"SetUserPoolMfaConfig":      (*Server).setUserPoolMfaConfig,
		"GetUserPoolMfaConfig":      (*Server).getUserPoolMfaConfig,
		"CreateUserPoolClient":      (*Server).createUserPoolClient,
		"DescribeUserPoolClient":    (*Server).describeUserPoolClient,
		"AdminCreateUser":           (*Server).adminCreateUser,
		"AdminGetUser":              (*Server).adminGetUser,
		"AdminSetUserPassword":      (*Server).adminSetUserPassword,
		"AdminUpdateUserAttributes": (*Server).adminUpdateUserAttributes,
		"AdminDeleteUser":           (*Server).adminDeleteUser,
		"AdminDisableUser":          (*Server).adminDisableUser,
		"AdminEnableUser":           (*Server).adminEnableUser,
		"AdminSetUserMFAPreference": (*Server).adminSetUserMFAPreference,
		"AdminUserGlobalSignOut":    (*Server).adminUserGlobalSignOut,
		"AdminResetUserPassword":    (*Server).adminResetUserPassword,
		"CreateGroup":               (*Server).createGroup,
		"AdminAddUserToGroup":       (*Server).adminAddUserToGroup,
		"AdminListGroupsForUser":    (*Server).adminListGroupsForUser,
		"ListUsers":                 (*Server).listUsers,
		"InitiateAuth":              (*Server).initiateAuth,
		"RespondToAuthChallenge":    (*Server).respondToAuthChallenge,
		"AssociateSoftwareToken":    (*Server).associateSoftwareToken,
		"VerifySoftwareToken":       (*Server).verifySoftwareToken,
		"SetUserMFAPreference":      (*Server).setUserMFAPreference,
		"GetUser":                   (*Server).getUser,
		"GlobalSignOut":             (*Server).globalSignOut,
		"RevokeToken":               (*Server).revokeToken,
		"ForgotPassword":            (*Server).forgotPassword,
		"ConfirmForgotPassword":     (*Server).confirmForgotPassword,
		// Passkeys (webauthn.go).
		"StartWebAuthnRegistration":    (*Server).startWebAuthnRegistration,
		"CompleteWebAuthnRegistration": (*Server).completeWebAuthnRegistration,
		"ListWebAuthnCredentials":      (*Server).listWebAuthnCredentials,
		"DeleteWebAuthnCredential":     (*Server).deleteWebAuthnCredential,
	}
	for _, more := range []map[string]opFunc{deviceOperations(), signUpOperations()} {
		for name, op := range more {
			ops[name] = op
		}
	}
	return ops
}

type attr struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

func (s *Server) createUserPool(r *http.Request, body []byte) (any, error) {
	var in struct {
		PoolName string
		Policies *struct {
			PasswordPolicy *struct {
				MinimumLength                 int
				RequireUppercase              bool
				RequireLowercase              bool
				RequireNumbers                bool
				RequireSymbols                bool
				TemporaryPasswordValidityDays int
			}
			SignInPolicy *signInPolicyIn
		}
		MfaConfiguration   string
		AliasAttributes    []string
		UsernameAttributes []string
		Schema             []struct {
			Name     string
			Required bool
		}
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if len(in.UsernameAttributes) > 0 {
		return nil, errf("InvalidParameterException", "UsernameAttributes are not supported by the local pool; use AliasAttributes")
	}
	aliases := map[string]bool{}
	for _, a := range in.AliasAttributes {
		switch a {
		case "email", "phone_number", "preferred_username":
			aliases[a] = true
		default:
			return nil, errf("InvalidParameterException", "Invalid AliasAttributes %s", a)
		}
	}
	key, err := rsa.GenerateKey(s.opts.Rand, 2048)
	if err != nil {
		return nil, fmt.Errorf("pool key: %w", err)
	}
	idKey, err := rsa.GenerateKey(s.opts.Rand, 2048)
	if err != nil {
		return nil, fmt.Errorf("pool key: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.opts.Region + "_" + alnum(s.randomBytes(9))
	kid := func(k *rsa.PrivateKey) string { sum := sha256.Sum256(k.N.Bytes()); return hex.EncodeToString(sum[:8]) }
	p := &pool{
		id: id, name: in.PoolName, key: key, kid: kid(key), idKey: idKey, idKid: kid(idKey), mfa: "OFF",
		aliases: aliases, phantomKey: s.randomBytes(32),
		policy:       passwordPolicy{MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true},
		users:        map[string]*user{},
		tempValidity: 7 * 24 * time.Hour,
		groups:       map[string]bool{},
		created:      s.opts.Now(),
	}
	if in.MfaConfiguration != "" {
		p.mfa = in.MfaConfiguration
	}
	if in.Policies != nil && in.Policies.PasswordPolicy != nil {
		pp := in.Policies.PasswordPolicy
		p.policy = passwordPolicy{MinimumLength: pp.MinimumLength, RequireUppercase: pp.RequireUppercase, RequireLowercase: pp.RequireLowercase, RequireNumbers: pp.RequireNumbers, RequireSymbols: pp.RequireSymbols}
		if pp.TemporaryPasswordValidityDays > 0 {
			p.tempValidity = time.Duration(pp.TemporaryPasswordValidityDays) * 24 * time.Hour
		}
	}
	if in.Policies != nil {
		if err := p.signIn.setPolicy(in.Policies.SignInPolicy); err != nil {
			return nil, err
		}
	}
	for _, a := range in.Schema {
		if a.Required {
			p.required = append(p.required, a.Name)
		}
	}
	if err := p.configureCreate(body); err != nil {
		return nil, err
	}
	s.pools[id] = p
	return map[string]any{"UserPool": s.describePool(p)}, nil
}

func (s *Server) describePool(p *pool) map[string]any {
	aliases := []string{}
	for _, a := range []string{"email", "phone_number", "preferred_username"} {
		if p.aliases[a] {
			aliases = append(aliases, a)
		}
	}
	out := map[string]any{
		"Id": p.id, "Name": p.name, "MfaConfiguration": p.mfa, "AliasAttributes": aliases,
		"Arn":          fmt.Sprintf("arn:aws:cognito-idp:%s:000000000000:userpool/%s", s.opts.Region, p.id),
		"CreationDate": float64(p.created.Unix()),
		"Policies": map[string]any{"PasswordPolicy": map[string]any{
			"MinimumLength": p.policy.MinimumLength, "RequireUppercase": p.policy.RequireUppercase,
			"RequireLowercase": p.policy.RequireLowercase, "RequireNumbers": p.policy.RequireNumbers,
			"RequireSymbols": p.policy.RequireSymbols, "TemporaryPasswordValidityDays": int(p.tempValidity / (24 * time.Hour)),
		}, "SignInPolicy": p.signIn.policyOut()},
		"EstimatedNumberOfUsers": len(p.users),
	}
	p.describeMore(out)
	return out
}

func (s *Server) describeUserPool(r *http.Request, body []byte) (any, error) {
	var in struct{ UserPoolId string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.pool(in.UserPoolId)
	if err != nil {
		return nil, err
	}
	return map[string]any{"UserPool": s.describePool(p)}, nil
}

type mfaConfigIn struct {
	UserPoolId                    string
	MfaConfiguration              string
	SoftwareTokenMfaConfiguration *struct{ Enabled bool }
	SmsMfaConfiguration           *struct {
		SmsConfiguration *struct{ SnsCallerArn string }
	}
	EmailMfaConfiguration *struct{ Message string }
	WebAuthnConfiguration *webAuthnConfigIn
}

func (s *Server) setUserPoolMfaConfig(r *http.Request, body []byte) (any, error) {
	var in mfaConfigIn
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.pool(in.UserPoolId)
	if err != nil {
		return nil, err
	}
	switch in.MfaConfiguration {
	case "OFF", "OPTIONAL", "ON":
		p.mfa = in.MfaConfiguration
	case "":
	default:
		return nil, errf("InvalidParameterException", "MfaConfiguration must be OFF, OPTIONAL or ON")
	}
	if in.SoftwareTokenMfaConfiguration != nil {
		p.totpMFA = in.SoftwareTokenMfaConfiguration.Enabled
	}
	if in.SmsMfaConfiguration != nil {
		p.smsMFA = in.SmsMfaConfiguration.SmsConfiguration != nil
	}
	if in.EmailMfaConfiguration != nil {
		p.emailMFA = true
	}
	if err := p.signIn.setWebAuthn(in.WebAuthnConfiguration); err != nil {
		return nil, err
	}
	if p.mfa != "OFF" && !p.totpMFA && !p.smsMFA && !p.emailMFA {
		return nil, errf("InvalidParameterException", "At least one MFA method must be enabled when MFA is %s", p.mfa)
	}
	return s.mfaConfigOut(p), nil
}

func (s *Server) mfaConfigOut(p *pool) map[string]any {
	out := map[string]any{"MfaConfiguration": p.mfa, "SoftwareTokenMfaConfiguration": map[string]any{"Enabled": p.totpMFA}}
	if p.smsMFA {
		out["SmsMfaConfiguration"] = map[string]any{"SmsConfiguration": map[string]any{"SnsCallerArn": "arn:aws:iam::000000000000:role/local"}}
	}
	if p.emailMFA {
		out["EmailMfaConfiguration"] = map[string]any{"Message": "Your code is {####}"}
	}
	out["WebAuthnConfiguration"] = p.signIn.webAuthnOut()
	return out
}

func (s *Server) getUserPoolMfaConfig(r *http.Request, body []byte) (any, error) {
	var in struct{ UserPoolId string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.pool(in.UserPoolId)
	if err != nil {
		return nil, err
	}
	return s.mfaConfigOut(p), nil
}

func (s *Server) createUserPoolClient(r *http.Request, body []byte) (any, error) {
	var in struct {
		UserPoolId                 string
		ClientName                 string
		GenerateSecret             bool
		ExplicitAuthFlows          []string
		PreventUserExistenceErrors string
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.pool(in.UserPoolId); err != nil {
		return nil, err
	}
	switch in.PreventUserExistenceErrors {
	case "", preventExistenceLegacy, preventExistenceEnabled:
	default:
		return nil, errf("InvalidParameterException", "1 validation error detected: Value at 'preventUserExistenceErrors' failed to satisfy constraint: Member must satisfy enum value set: [LEGACY, ENABLED]")
	}
	c := &appClient{id: clientID(s.randomBytes(26)), poolID: in.UserPoolId, name: in.ClientName, flows: map[string]bool{},
		preventExistence: in.PreventUserExistenceErrors == preventExistenceEnabled}
	if in.GenerateSecret {
		c.secret = alnum(s.randomBytes(51))
	}
	flows := in.ExplicitAuthFlows
	known := explicitAuthFlows()
	for _, f := range flows {
		if !contains(known, f) {
			return nil, errf("InvalidParameterException", "1 validation error detected: Value '[%s]' at 'explicitAuthFlows' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [%s]]",
				strings.Join(flows, ", "), strings.Join(known, ", "))
		}
	}
	if len(flows) == 0 {
		flows = []string{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH"}
	}
	for _, f := range flows {
		switch f {
		case "USER_PASSWORD_AUTH":
			f = "ALLOW_USER_PASSWORD_AUTH"
		case "ADMIN_NO_SRP_AUTH":
			f = "ALLOW_ADMIN_USER_PASSWORD_AUTH"
		case "CUSTOM_AUTH_FLOW_ONLY":
			f = "ALLOW_CUSTOM_AUTH"
		}
		c.flows[f] = true
	}
	s.clients[c.id] = c
	return map[string]any{"UserPoolClient": s.describeClient(c)}, nil
}

// explicitAuthFlows are the values Cognito takes in an app client's ExplicitAuthFlows: the
// ALLOW_ ones and the legacy names.
func explicitAuthFlows() []string {
	return []string{"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH",
		"ALLOW_CUSTOM_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_AUTH"}
}

func (s *Server) describeClient(c *appClient) map[string]any {
	var flows []string
	for f := range c.flows {
		flows = append(flows, f)
	}
	sort.Strings(flows)
	prevent := preventExistenceLegacy
	if c.preventExistence {
		prevent = preventExistenceEnabled
	}
	out := map[string]any{"ClientId": c.id, "ClientName": c.name, "UserPoolId": c.poolID, "ExplicitAuthFlows": flows,
		"AuthSessionValidity": int(s.opts.SessionTTL / time.Minute), "PreventUserExistenceErrors": prevent}
	if c.secret != "" {
		out["ClientSecret"] = c.secret
	}
	return out
}

func (s *Server) describeUserPoolClient(r *http.Request, body []byte) (any, error) {
	var in struct{ UserPoolId, ClientId string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, _, err := s.client(in.ClientId)
	if err != nil || c.poolID != in.UserPoolId {
		return nil, errf("ResourceNotFoundException", "User pool client %s does not exist.", in.ClientId)
	}
	return map[string]any{"UserPoolClient": s.describeClient(c)}, nil
}

// clientID renders random bytes as a 26-character lower-case id, like Cognito's client ids.
func clientID(b []byte) string { return strings.ToLower(alnum(b)) }

// alnum renders random bytes as letters and digits.
func alnum(b []byte) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, alphabet[int(c)%len(alphabet)], alphabet[int(c>>3)%len(alphabet)])
	}
	return string(out[:len(b)])
}

// Cognito's InvalidPasswordException messages are a prefix that differs by operation and the
// first rule the password breaks.
const (
	// policySignUp prefixes SignUp's refusals.
	policySignUp = "Password did not conform with policy: "
	// policyAdminCreate prefixes AdminCreateUser's refusal of a temporary password.
	policyAdminCreate = "Password did not conform with password policy: "
	// policyChange prefixes the refusals of RespondToAuthChallenge (NEW_PASSWORD_REQUIRED),
	// ConfirmForgotPassword and AdminSetUserPassword.
	policyChange = "Password does not conform to policy: "
)

// checkPassword applies the pool's password policy with Cognito's messages, each after prefix
// (one of the policy* constants: the operation's own). Length counts characters, not bytes.
func (p *pool) checkPassword(prefix, pw string) error {
	var upper, lower, digit, symbol bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		case strings.ContainsRune("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ", r):
			symbol = true
		}
	}
	switch {
	case utf8.RuneCountInString(pw) < p.policy.MinimumLength:
		return errf("InvalidPasswordException", "%sPassword not long enough", prefix)
	case p.policy.RequireUppercase && !upper:
		return errf("InvalidPasswordException", "%sPassword must have uppercase characters", prefix)
	case p.policy.RequireLowercase && !lower:
		return errf("InvalidPasswordException", "%sPassword must have lowercase characters", prefix)
	case p.policy.RequireNumbers && !digit:
		return errf("InvalidPasswordException", "%sPassword must have numeric characters", prefix)
	case p.policy.RequireSymbols && !symbol:
		return errf("InvalidPasswordException", "%sPassword must have symbol characters", prefix)
	}
	return nil
}

// setPassword stores the password and its SRP verifier.
func (s *Server) setPassword(p *pool, u *user, pw string) {
	u.password = pw
	u.salt = s.randomBytes(16)
	u.verifier = srp.Verifier(poolName(p.id), u.username, pw, u.salt)
	u.passwordSetAt = s.opts.Now()
	u.failures = 0
}

func poolName(id string) string {
	if _, after, ok := strings.Cut(id, "_"); ok {
		return after
	}
	return id
}

func (s *Server) adminCreateUser(r *http.Request, body []byte) (any, error) {
	var in struct {
		UserPoolId, Username, TemporaryPassword, MessageAction string
		UserAttributes                                         []attr
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.pool(in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if in.Username == "" {
		return nil, errf("InvalidParameterException", "Username is required")
	}
	if _, exists := p.users[in.Username]; exists {
		return nil, errf("UsernameExistsException", "User account already exists")
	}
	u := &user{username: in.Username, sub: s.uuid(), attrs: map[string]string{}, status: "FORCE_CHANGE_PASSWORD", enabled: true, created: s.opts.Now()}
	for _, a := range in.UserAttributes {
		u.attrs[a.Name] = a.Value
	}
	pw := in.TemporaryPassword
	switch {
	case pw == "" && p.signIn.passwordless():
		// Without a temporary password a pool with one-time-code sign-in creates a user who
		// has no password at all (userauth.go).
		if err := p.signIn.checkPasswordless(u); err != nil {
			return nil, err
		}
		u.status = "CONFIRMED"
	case pw == "":
		pw = "Tmp-" + base64.RawURLEncoding.EncodeToString(s.randomBytes(9)) + "1a!"
	default:
		if err := p.checkPassword(policyAdminCreate, pw); err != nil {
			return nil, err
		}
	}
	if pw != "" {
		s.setPassword(p, u, pw)
	}
	p.users[u.username] = u
	return map[string]any{"User": userType(u)}, nil
}

func userType(u *user) map[string]any {
	return map[string]any{
		"Username": u.username, "Attributes": attrList(u), "UserStatus": u.status, "Enabled": u.enabled,
		"UserCreateDate": float64(u.created.Unix()), "UserLastModifiedDate": float64(u.created.Unix()),
	}
}

func attrList(u *user) []attr {
	out := []attr{{Name: "sub", Value: u.sub}}
	keys := make([]string, 0, len(u.attrs))
	for k := range u.attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, attr{Name: k, Value: u.attrs[k]})
	}
	return out
}

func (s *Server) adminUser(body []byte) (*pool, *user, error) {
	var in struct{ UserPoolId, Username string }
	if err := decode(body, &in); err != nil {
		return nil, nil, err
	}
	p, err := s.pool(in.UserPoolId)
	if err != nil {
		return nil, nil, err
	}
	u, err := p.user(in.Username)
	if err != nil {
		return nil, nil, err
	}
	return p, u, nil
}

// adminUserOp runs f on the user an admin request names, under the lock.
func (s *Server) adminUserOp(body []byte, f func(p *pool, u *user)) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, u, err := s.adminUser(body)
	if err != nil {
		return nil, err
	}
	f(p, u)
	return nil, nil
}

func (s *Server) adminGetUser(r *http.Request, body []byte) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, u, err := s.adminUser(body)
	if err != nil {
		return nil, err
	}
	out := userType(u)
	out["UserAttributes"] = out["Attributes"]
	delete(out, "Attributes")
	out["UserMFASettingList"] = mfaList(u)
	if u.preferred != "" {
		out["PreferredMfaSetting"] = u.preferred
	}
	return out, nil
}

func mfaList(u *user) []string {
	var out []string
	if u.smsMFA {
		out = append(out, "SMS_MFA")
	}
	if u.totpMFA {
		out = append(out, "SOFTWARE_TOKEN_MFA")
	}
	if u.emailMFA {
		out = append(out, "EMAIL_OTP")
	}
	return out
}

func (s *Server) adminSetUserPassword(r *http.Request, body []byte) (any, error) {
	var in struct {
		UserPoolId, Username, Password string
		Permanent                      bool
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.pool(in.UserPoolId)
	if err != nil {
		return nil, err
	}
	u, err := p.user(in.Username)
	if err != nil {
		return nil, err
	}
	if err := p.checkPassword(policyChange, in.Password); err != nil {
		return nil, err
	}
	s.setPassword(p, u, in.Password)
	if in.Permanent {
		u.status = "CONFIRMED"
	} else {
		u.status = "FORCE_CHANGE_PASSWORD"
	}
	return nil, nil
}

func (s *Server) adminUpdateUserAttributes(r *http.Request, body []byte) (any, error) {
	var in struct {
		UserPoolId, Username string
		UserAttributes       []attr
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.pool(in.UserPoolId)
	if err != nil {
		return nil, err
	}
	u, err := p.user(in.Username)
	if err != nil {
		return nil, err
	}
	for _, a := range in.UserAttributes {
		if a.Name == "sub" {
			return nil, errf("InvalidParameterException", "Cannot modify the non-mutable attribute sub")
		}
		u.attrs[a.Name] = a.Value
	}
	return nil, nil
}

func (s *Server) adminDeleteUser(r *http.Request, body []byte) (any, error) {
	return s.adminUserOp(body, func(p *pool, u *user) {
		delete(p.users, u.username)
	})
}

func (s *Server) adminDisableUser(r *http.Request, body []byte) (any, error) {
	return s.adminUserOp(body, func(p *pool, u *user) {
		u.enabled = false
	})
}

func (s *Server) adminEnableUser(r *http.Request, body []byte) (any, error) {
	return s.adminUserOp(body, func(p *pool, u *user) {
		u.enabled = true
	})
}

type mfaPrefs struct {
	SMSMfaSettings           *struct{ Enabled, PreferredMfa bool }
	SoftwareTokenMfaSettings *struct{ Enabled, PreferredMfa bool }
	EmailMfaSettings         *struct{ Enabled, PreferredMfa bool }
}

func applyMFAPrefs(u *user, in mfaPrefs) error {
	set := func(s *struct{ Enabled, PreferredMfa bool }, enabled *bool, name string) {
		if s == nil {
			return
		}
		*enabled = s.Enabled
		if s.PreferredMfa && s.Enabled {
			u.preferred = name
		} else if u.preferred == name {
			u.preferred = ""
		}
	}
	if in.SMSMfaSettings != nil && in.SMSMfaSettings.Enabled && u.attrs["phone_number"] == "" {
		return errf("InvalidParameterException", "User does not have a phone number for SMS MFA")
	}
	if in.SoftwareTokenMfaSettings != nil && in.SoftwareTokenMfaSettings.Enabled && u.totpSecret == "" {
		return errf("InvalidParameterException", "User has not verified software token mfa")
	}
	if in.EmailMfaSettings != nil && in.EmailMfaSettings.Enabled && u.attrs["email"] == "" {
		return errf("InvalidParameterException", "User does not have an email address for email MFA")
	}
	set(in.SMSMfaSettings, &u.smsMFA, "SMS_MFA")
	set(in.SoftwareTokenMfaSettings, &u.totpMFA, "SOFTWARE_TOKEN_MFA")
	set(in.EmailMfaSettings, &u.emailMFA, "EMAIL_OTP")
	return nil
}

func (s *Server) adminSetUserMFAPreference(r *http.Request, body []byte) (any, error) {
	var in struct {
		UserPoolId, Username string
		mfaPrefs
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := decode(body, &in.mfaPrefs); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.pool(in.UserPoolId)
	if err != nil {
		return nil, err
	}
	u, err := p.user(in.Username)
	if err != nil {
		return nil, err
	}
	return nil, applyMFAPrefs(u, in.mfaPrefs)
}

func (s *Server) adminUserGlobalSignOut(r *http.Request, body []byte) (any, error) {
	return s.adminUserOp(body, func(p *pool, u *user) {
		s.signOut(p, u)
	})
}

// signOut ends every refresh token and access token of u issued before now.
func (s *Server) signOut(p *pool, u *user) {
	u.signedOutAt = s.opts.Now()
	for _, rec := range s.refresh {
		if rec.poolID == p.id && rec.username == u.username {
			s.revoke(rec)
		}
	}
}

func (s *Server) createGroup(r *http.Request, body []byte) (any, error) {
	var in struct{ UserPoolId, GroupName string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.pool(in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if p.groups[in.GroupName] {
		return nil, errf("GroupExistsException", "A group with the name already exists.")
	}
	p.groups[in.GroupName] = true
	return map[string]any{"Group": map[string]any{"GroupName": in.GroupName, "UserPoolId": p.id}}, nil
}

func (s *Server) adminAddUserToGroup(r *http.Request, body []byte) (any, error) {
	var in struct{ UserPoolId, Username, GroupName string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.pool(in.UserPoolId)
	if err != nil {
		return nil, err
	}
	u, err := p.user(in.Username)
	if err != nil {
		return nil, err
	}
	if !p.groups[in.GroupName] {
		return nil, errf("ResourceNotFoundException", "Group not found.")
	}
	for _, g := range u.groups {
		if g == in.GroupName {
			return nil, nil
		}
	}
	u.groups = append(u.groups, in.GroupName)
	return nil, nil
}

func (s *Server) adminListGroupsForUser(r *http.Request, body []byte) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, u, err := s.adminUser(body)
	if err != nil {
		return nil, err
	}
	groups := []map[string]any{}
	for _, g := range u.groups {
		groups = append(groups, map[string]any{"GroupName": g, "UserPoolId": p.id})
	}
	return map[string]any{"Groups": groups}, nil
}
