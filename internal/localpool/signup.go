package localpool

import (
	"crypto/hmac"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"
)

// Self-service sign-up as Cognito does it: SignUp creates an UNCONFIRMED user and sends a
// confirmation code to the first auto-verified attribute the user has (email before phone);
// ConfirmSignUp with the code confirms the user (and verifies that attribute);
// ResendConfirmationCode sends a fresh code. An unconfirmed user who signs in with the right
// password gets UserNotConfirmedException.

// Confirmation-code limits.
const (
	confirmCodeTTL     = 24 * time.Hour
	maxConfirmSends    = 5 // codes sent per user in confirmSendWindow
	confirmSendWindow  = time.Hour
	maxConfirmAttempts = 5 // wrong codes before the code is void
)

// signupSettings is a pool's sign-up configuration and its outstanding confirmation codes.
type signupSettings struct {
	adminOnly    bool     // AdminCreateUserConfig.AllowAdminCreateUserOnly
	autoVerified []string // AutoVerifiedAttributes: "email", "phone_number"
	codes        map[string]*confirmation
}

// confirmation is the confirmation code outstanding for one user.
type confirmation struct {
	code      string
	attribute string // the attribute the code went to
	expires   time.Time
	attempts  int
	sent      []time.Time
}

func errUserNotConfirmed() *apiError {
	return errf("UserNotConfirmedException", "User is not confirmed.")
}

func errConfirmUserNotFound() *apiError {
	return errf("UserNotFoundException", "Username/client id combination not found.")
}

func errAttemptLimit() *apiError {
	return errf("LimitExceededException", "Attempt limit exceeded, please try after some time.")
}

// signUpOperations are the sign-up operations.
func signUpOperations() map[string]opFunc {
	return map[string]opFunc{
		"SignUp":                 (*Server).signUp,
		"ConfirmSignUp":          (*Server).confirmSignUp,
		"ResendConfirmationCode": (*Server).resendConfirmationCode,
		"AdminConfirmSignUp":     (*Server).adminConfirmSignUp,
	}
}

// configureCreate applies the CreateUserPool settings of devices.go and this file.
func (p *pool) configureCreate(body []byte) error {
	var in struct {
		DeviceConfiguration    *deviceConfig
		AdminCreateUserConfig  *struct{ AllowAdminCreateUserOnly bool }
		AutoVerifiedAttributes []string
	}
	if err := decode(body, &in); err != nil {
		return err
	}
	p.devices.config = in.DeviceConfiguration
	if in.AdminCreateUserConfig != nil {
		p.signup.adminOnly = in.AdminCreateUserConfig.AllowAdminCreateUserOnly
	}
	for _, a := range in.AutoVerifiedAttributes {
		if a != "email" && a != "phone_number" {
			return errf("InvalidParameterException", "1 validation error detected: Value '[%s]' at 'autoVerifiedAttributes' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [phone_number, email]]", a)
		}
	}
	p.signup.autoVerified = in.AutoVerifiedAttributes
	return nil
}

// standardAttributes are Cognito's standard user attributes with their data types.
var standardAttributes = []struct{ name, dataType string }{
	{"sub", "String"}, {"name", "String"}, {"given_name", "String"}, {"family_name", "String"},
	{"middle_name", "String"}, {"nickname", "String"}, {"preferred_username", "String"},
	{"profile", "String"}, {"picture", "String"}, {"website", "String"}, {"email", "String"},
	{"email_verified", "Boolean"}, {"gender", "String"}, {"birthdate", "String"},
	{"zoneinfo", "String"}, {"locale", "String"}, {"phone_number", "String"},
	{"phone_number_verified", "Boolean"}, {"address", "String"}, {"updated_at", "Number"},
}

// describeMore adds DescribeUserPool's fields of devices.go and this file.
func (p *pool) describeMore(out map[string]any) {
	schema := make([]map[string]any, 0, len(standardAttributes)+len(p.required))
	for _, a := range standardAttributes {
		schema = append(schema, map[string]any{
			"Name": a.name, "AttributeDataType": a.dataType, "Mutable": a.name != "sub",
			"Required": a.name == "sub" || contains(p.required, a.name), "DeveloperOnlyAttribute": false,
		})
	}
	for _, name := range p.required {
		if strings.HasPrefix(name, "custom:") {
			schema = append(schema, map[string]any{"Name": name, "AttributeDataType": "String", "Mutable": true, "Required": true, "DeveloperOnlyAttribute": false})
		}
	}
	out["SchemaAttributes"] = schema
	out["AdminCreateUserConfig"] = map[string]any{"AllowAdminCreateUserOnly": p.signup.adminOnly}
	if len(p.signup.autoVerified) > 0 {
		out["AutoVerifiedAttributes"] = p.signup.autoVerified
	}
	if p.devices.config != nil {
		out["DeviceConfiguration"] = p.devices.config
	}
}

func (s *Server) signUp(r *http.Request, body []byte) (any, error) {
	var in struct {
		ClientId, SecretHash, Username, Password string
		UserAttributes                           []attr
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, p, err := s.client(in.ClientId)
	if err != nil {
		return nil, err
	}
	if err := checkSecretHash(c, in.Username, in.SecretHash); err != nil {
		return nil, err
	}
	if p.signup.adminOnly {
		return nil, errf("NotAuthorizedException", "SignUp is not permitted for this user pool")
	}
	if strings.TrimSpace(in.Username) == "" {
		return nil, errf("InvalidParameterException", "Missing required parameter Username")
	}
	if _, err := p.user(in.Username); err == nil {
		return nil, errf("UsernameExistsException", "User already exists")
	}
	if in.Password == "" {
		return nil, errf("InvalidParameterException", "Missing required parameter Password")
	}
	if err := p.checkPassword(policySignUp, in.Password); err != nil {
		return nil, err
	}
	attrs := map[string]string{}
	for _, a := range in.UserAttributes {
		if a.Name == "sub" {
			return nil, errf("InvalidParameterException", "Cannot modify the non-mutable attribute sub")
		}
		attrs[a.Name] = a.Value
	}
	for _, name := range p.required {
		if strings.TrimSpace(attrs[name]) == "" {
			return nil, errf("InvalidParameterException", "Attributes did not conform to the schema: %s: The attribute is required", name)
		}
	}
	now := s.opts.Now()
	u := &user{username: in.Username, sub: s.uuid(), attrs: attrs, status: "UNCONFIRMED", enabled: true, created: now}
	s.setPassword(p, u, in.Password)
	p.users[u.username] = u
	out := map[string]any{"UserConfirmed": false, "UserSub": u.sub, "Session": s.signUpSession(p, c, u)}
	if details, ok := s.sendConfirmation(p, u); ok {
		out["CodeDeliveryDetails"] = details
	}
	return out, nil
}

// sendConfirmation sends u a fresh confirmation code to the first auto-verified attribute u has,
// and returns its CodeDeliveryDetails; ok is false when there is nowhere to send it. Callers
// hold s.mu and have checked the send limit.
func (s *Server) sendConfirmation(p *pool, u *user) (map[string]any, bool) {
	attribute, medium, dest := "", "", ""
	for _, a := range []string{"email", "phone_number"} {
		if contains(p.signup.autoVerified, a) && u.attrs[a] != "" {
			attribute = a
			break
		}
	}
	switch attribute {
	case "email":
		medium, dest = "EMAIL", maskEmail(u.attrs["email"])
	case "phone_number":
		medium, dest = "SMS", maskPhone(u.attrs["phone_number"])
	default:
		return nil, false
	}
	if p.signup.codes == nil {
		p.signup.codes = map[string]*confirmation{}
	}
	now := s.opts.Now()
	prev := p.signup.codes[u.username]
	c := &confirmation{code: s.sixDigits(), attribute: attribute, expires: now.Add(confirmCodeTTL)}
	if prev != nil {
		c.sent = prev.sent
	}
	c.sent = append(c.sent, now)
	p.signup.codes[u.username] = c
	s.outbox.add(Message{To: u.attrs[attribute], Medium: medium, Code: c.code, Message: "Your confirmation code is " + c.code, SentAt: now})
	return map[string]any{"AttributeName": attribute, "DeliveryMedium": medium, "Destination": dest}, true
}

func (s *Server) sixDigits() string {
	n := new(big.Int).SetBytes(s.randomBytes(8))
	return fmt.Sprintf("%06d", new(big.Int).Mod(n, big.NewInt(1000000)).Int64())
}

// signUpUserOp runs f, under the lock, on the user a ConfirmSignUp or ResendConfirmationCode
// request names, after checking the client and its SECRET_HASH.
func (s *Server) signUpUserOp(body []byte, f func(p *pool, u *user) (any, error)) (any, error) {
	var in struct{ ClientId, SecretHash, Username string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, _, u, err := s.recoveringUser(in.ClientId, in.Username, in.SecretHash)
	var ae *apiError
	if errors.As(err, &ae) && ae.Code == "UserNotFoundException" {
		return nil, errConfirmUserNotFound()
	}
	if err != nil {
		return nil, err
	}
	return f(p, u)
}

func (s *Server) confirmSignUp(r *http.Request, body []byte) (any, error) {
	var in struct{ ConfirmationCode, ClientId, Session string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	return s.signUpUserOp(body, func(p *pool, u *user) (any, error) {
		if err := s.checkSignUpSession(in.Session, in.ClientId, u); err != nil {
			return nil, err
		}
		if u.status != "UNCONFIRMED" {
			return nil, errf("NotAuthorizedException", "User cannot be confirmed. Current status is %s", u.status)
		}
		c := p.signup.codes[u.username]
		if c == nil || c.code == "" || s.opts.Now().After(c.expires) {
			return nil, errf("ExpiredCodeException", "Invalid code provided, please request a code again.")
		}
		if !hmac.Equal([]byte(c.code), []byte(in.ConfirmationCode)) {
			c.attempts++
			if c.attempts >= maxConfirmAttempts {
				c.code = ""
				return nil, errAttemptLimit()
			}
			return nil, errf("CodeMismatchException", "Invalid verification code provided, please try again.")
		}
		u.status = "CONFIRMED"
		u.attrs[c.attribute+"_verified"] = "true"
		delete(p.signup.codes, u.username)
		return s.confirmedSignUp(in.Session, c.attribute), nil
	})
}

func (s *Server) resendConfirmationCode(r *http.Request, body []byte) (any, error) {
	return s.signUpUserOp(body, func(p *pool, u *user) (any, error) {
		if u.status != "UNCONFIRMED" {
			return nil, errf("InvalidParameterException", "User is already confirmed.")
		}
		if c := p.signup.codes[u.username]; c != nil {
			recent := 0
			for _, t := range c.sent {
				if s.opts.Now().Sub(t) < confirmSendWindow {
					recent++
				}
			}
			if recent >= maxConfirmSends {
				return nil, errAttemptLimit()
			}
		}
		details, ok := s.sendConfirmation(p, u)
		if !ok {
			return nil, errf("InvalidParameterException", "Auto verification not turned on.")
		}
		return map[string]any{"CodeDeliveryDetails": details}, nil
	})
}

func (s *Server) adminConfirmSignUp(r *http.Request, body []byte) (any, error) {
	return s.adminUserCall(body, func(p *pool, u *user) (any, error) {
		if u.status != "UNCONFIRMED" {
			return nil, errf("NotAuthorizedException", "User cannot be confirmed. Current status is %s", u.status)
		}
		u.status = "CONFIRMED"
		delete(p.signup.codes, u.username)
		return map[string]any{}, nil
	})
}
