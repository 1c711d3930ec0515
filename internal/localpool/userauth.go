package localpool

import (
	"net/http"
	"slices"

	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/bridgekeeper/bridgekeeper/internal/srp"
)

// First factors of a pool's sign-in policy (AuthFactorType) and the challenge names of
// choice-based sign-in (USER_AUTH).
const (
	factorPassword = "PASSWORD"
	factorEmailOTP = "EMAIL_OTP"
	factorSMSOTP   = "SMS_OTP"
	factorWebAuthn = "WEB_AUTHN"

	challengeSelect      = "SELECT_CHALLENGE"
	challengePasswordSRP = "PASSWORD_SRP"
)

// signInCodeDigits is the length of the one-time codes of a passwordless sign-in (MFA codes
// have six digits).
const signInCodeDigits = 8

// Passkey settings of a pool (WebAuthnConfigurationType).
const (
	uvPreferred    = "preferred"
	uvRequired     = "required"
	passkeySingle  = "SINGLE_FACTOR"
	passkeyMultiUV = "MULTI_FACTOR_WITH_USER_VERIFICATION"
	maxPasskeys    = 20 // Cognito's limit of passkeys per user
	passkeyTimeout = 5 * 60 * 1000
)

// signInSettings are a pool's sign-in policy and passkey settings.
type signInSettings struct {
	// firstFactors is AllowedFirstAuthFactors: PASSWORD always, then any of EMAIL_OTP,
	// SMS_OTP and WEB_AUTHN.
	firstFactors []string
	// rpID is the passkey relying party; empty until SetUserPoolMfaConfig sets it (the local
	// pool has no domain to fall back on).
	rpID string
	// userVerification is "preferred" (default) or "required".
	userVerification string
	// passkeyFactor is SINGLE_FACTOR (default) or MULTI_FACTOR_WITH_USER_VERIFICATION.
	passkeyFactor string
}

type signInPolicyIn struct {
	AllowedFirstAuthFactors []string
}

type webAuthnConfigIn struct {
	RelyingPartyId      string
	UserVerification    string
	FactorConfiguration string
}

// userAuthSession is what a USER_AUTH challenge session remembers.
type userAuthSession struct {
	// signUp is set on the sessions that sign a new user in after sign-up: "signed-up" from
	// SignUp, then the medium the confirmation code went by ("email" or "phone_number") once
	// ConfirmSignUp took it.
	signUp string
	// available are the first factors offered (SELECT_CHALLENGE).
	available []string
	// assertion is the passkey challenge being answered (WEB_AUTHN).
	assertion *webauthn.SessionData
}

func (si *signInSettings) allows(factor string) bool {
	return factor == factorPassword || slices.Contains(si.firstFactors, factor)
}

// passwordless says whether users may sign in with a one-time code instead of a password.
func (si *signInSettings) passwordless() bool {
	return si.allows(factorEmailOTP) || si.allows(factorSMSOTP)
}

// checkPasswordless refuses a user without a password who could not sign in at all.
func (si *signInSettings) checkPasswordless(u *user) error {
	if (si.allows(factorEmailOTP) && u.attrs["email"] != "") || (si.allows(factorSMSOTP) && u.attrs["phone_number"] != "") {
		return nil
	}
	return errf("InvalidParameterException", "A user without a password needs an email address or phone number for passwordless sign-in.")
}

func (si *signInSettings) setPolicy(in *signInPolicyIn) error {
	if in == nil {
		return nil
	}
	var factors []string
	for _, f := range in.AllowedFirstAuthFactors {
		switch f {
		case factorPassword, factorEmailOTP, factorSMSOTP, factorWebAuthn:
			if !slices.Contains(factors, f) {
				factors = append(factors, f)
			}
		default:
			return errf("InvalidParameterException", "1 validation error detected: Value '%s' at 'policies.signInPolicy.allowedFirstAuthFactors' failed to satisfy constraint: Member must satisfy enum value set: [PASSWORD, EMAIL_OTP, SMS_OTP, WEB_AUTHN]", f)
		}
	}
	if !slices.Contains(factors, factorPassword) {
		return errf("InvalidParameterException", "AllowedFirstAuthFactors must contain PASSWORD.")
	}
	si.firstFactors = factors
	return nil
}

func (si *signInSettings) policyOut() map[string]any {
	factors := si.firstFactors
	if len(factors) == 0 {
		factors = []string{factorPassword}
	}
	return map[string]any{"AllowedFirstAuthFactors": factors}
}

func (si *signInSettings) setWebAuthn(in *webAuthnConfigIn) error {
	if in == nil {
		return nil
	}
	switch in.UserVerification {
	case "", uvPreferred, uvRequired:
	default:
		return errf("InvalidParameterException", "UserVerification must be required or preferred")
	}
	switch in.FactorConfiguration {
	case "", passkeySingle, passkeyMultiUV:
	default:
		return errf("InvalidParameterException", "FactorConfiguration must be SINGLE_FACTOR or MULTI_FACTOR_WITH_USER_VERIFICATION")
	}
	if in.FactorConfiguration == passkeyMultiUV && in.UserVerification != uvRequired {
		return errf("InvalidParameterException", "UserVerification must be required when FactorConfiguration is MULTI_FACTOR_WITH_USER_VERIFICATION")
	}
	si.rpID, si.userVerification, si.passkeyFactor = in.RelyingPartyId, in.UserVerification, in.FactorConfiguration
	return nil
}

func (si *signInSettings) uv() string {
	if si.userVerification == "" {
		return uvPreferred
	}
	return si.userVerification
}

func (si *signInSettings) webAuthnOut() map[string]any {
	out := map[string]any{"UserVerification": si.uv(), "FactorConfiguration": passkeySingle}
	if si.passkeyFactor != "" {
		out["FactorConfiguration"] = si.passkeyFactor
	}
	if si.rpID != "" {
		out["RelyingPartyId"] = si.rpID
	}
	return out
}

// availableChallenges lists the first factors u can sign in with, in the order Cognito lists
// them. One-time codes stand in for no MFA, so while MFA would be asked (the pool requires it,
// or u has a method set up) they are not offered; a passkey is offered then only when the pool
// counts a user-verified passkey as MFA.
func (p *pool) availableChallenges(u *user) []string {
	mfaNeeded := p.mfa == "ON" || (p.mfa == "OPTIONAL" && len(mfaList(u)) > 0)
	var out []string
	if u.verifier != nil {
		out = append(out, challengePasswordSRP, factorPassword)
	}
	if p.signIn.allows(factorWebAuthn) && p.signIn.rpID != "" && u.passkeys.len() > 0 && (!mfaNeeded || p.signIn.passkeyFactor == passkeyMultiUV) {
		out = append(out, factorWebAuthn)
	}
	if !mfaNeeded && p.signIn.allows(factorEmailOTP) && u.attrs["email"] != "" {
		out = append(out, factorEmailOTP)
	}
	if !mfaNeeded && p.signIn.allows(factorSMSOTP) && u.attrs["phone_number"] != "" {
		out = append(out, factorSMSOTP)
	}
	return out
}

// initiateUserAuth starts choice-based sign-in: with an available PREFERRED_CHALLENGE that
// challenge at once, otherwise SELECT_CHALLENGE with the user's AvailableChallenges.
// Callers hold s.mu.
func (s *Server) initiateUserAuth(r *http.Request, p *pool, c *appClient, in authIn) (any, error) {
	if !c.flows["ALLOW_USER_AUTH"] {
		return nil, errf("InvalidParameterException", "USER_AUTH flow not enabled for this client")
	}
	ap := in.AuthParameters
	if in.Session != "" {
		return s.signInAfterSignUp(r, p, c, ap, in.Session)
	}
	u, err := s.firstFactorUser(p, c, ap["USERNAME"], ap["SECRET_HASH"])
	if err != nil {
		if isUserNotFound(err) && c.preventExistence {
			return s.phantomUserAuth(p, c, ap)
		}
		return nil, err
	}
	available := p.availableChallenges(u)
	if len(available) == 0 {
		return nil, errWrongCredentials()
	}
	if pref := ap["PREFERRED_CHALLENGE"]; pref != "" && slices.Contains(available, pref) {
		return s.startFirstFactor(r, p, c, u, pref, ap)
	}
	sess := s.newSession(&session{poolID: p.id, clientID: c.id, username: u.username, challenge: challengeSelect, ua: &userAuthSession{available: available}})
	out := challengeOut(challengeSelect, sess, map[string]string{"USERNAME": u.username})
	out["AvailableChallenges"] = available
	return out, nil
}

// startFirstFactor begins the first factor name with the parameters given alongside it
// (PASSWORD with PASSWORD, PASSWORD_SRP with SRP_A). Callers hold s.mu.
func (s *Server) startFirstFactor(r *http.Request, p *pool, c *appClient, u *user, name string, params map[string]string) (any, error) {
	switch name {
	case factorPassword:
		if params["PASSWORD"] == "" {
			return nil, errf("InvalidParameterException", "Missing required parameter PASSWORD")
		}
		if err := s.checkUserPassword(u, params["PASSWORD"]); err != nil {
			return nil, err
		}
		return s.afterPassword(r, p, c, u)
	case challengePasswordSRP:
		if params["SRP_A"] == "" {
			return nil, errf("InvalidParameterException", "Missing required parameter SRP_A")
		}
		return s.srpChallenge(p, c, u, params["SRP_A"])
	case factorEmailOTP, factorSMSOTP:
		medium, to, masked := "EMAIL", u.attrs["email"], maskEmail(u.attrs["email"])
		if name == factorSMSOTP {
			medium, to, masked = "SMS", u.attrs["phone_number"], maskPhone(u.attrs["phone_number"])
		}
		sess := &session{poolID: p.id, clientID: c.id, username: u.username, challenge: name, ua: &userAuthSession{}}
		s.sendCodeDigits(sess, medium, to, signInCodeDigits)
		return challengeOut(name, s.newSession(sess), map[string]string{
			"USERNAME": u.username, "CODE_DELIVERY_DELIVERY_MEDIUM": medium, "CODE_DELIVERY_DESTINATION": masked,
		}), nil
	default: // WEB_AUTHN
		options, data, err := s.assertionOptions(p, u)
		if err != nil {
			return nil, err
		}
		sess := s.newSession(&session{poolID: p.id, clientID: c.id, username: u.username, challenge: factorWebAuthn, ua: &userAuthSession{assertion: data}})
		return challengeOut(factorWebAuthn, sess, map[string]string{"USERNAME": u.username, "CREDENTIAL_REQUEST_OPTIONS": options}), nil
	}
}

// respondUserAuth answers the challenges only USER_AUTH sends: SELECT_CHALLENGE, the
// one-time sign-in codes and WEB_AUTHN; respondToAuthChallenge has checked the session, USERNAME, SECRET_HASH and that u may sign in.
func (s *Server) respondUserAuth(r *http.Request, p *pool, c *appClient, u *user, sess *session, in authIn) (any, error) {
	cr := in.ChallengeResponses
	consume := func() { delete(s.sessions, in.Session) }
	switch in.ChallengeName {
	case challengeSelect:
		answer := cr["ANSWER"]
		if !slices.Contains(sess.ua.available, answer) {
			return nil, errf("InvalidParameterException", "The challenge %s is not available for this user.", answer)
		}
		consume()
		return s.startFirstFactor(r, p, c, u, answer, cr)
	case factorEmailOTP, factorSMSOTP:
		if err := s.checkCode(u, sess, in.Session, cr[in.ChallengeName+"_CODE"]); err != nil {
			return nil, err
		}
		consume()
		return s.success(r, p, c, u)
	case factorWebAuthn:
		consume() // a passkey challenge is answered once, right or wrong
		if err := s.verifyAssertion(r, p, u, *sess.ua.assertion, cr["CREDENTIAL"]); err != nil {
			return nil, err
		}
		return s.success(r, p, c, u)
	}
	return nil, errf("InvalidParameterException", "Unsupported challenge %s", in.ChallengeName)
}

// phantomAvailable is what an unknown user is offered while the app client prevents user
// existence errors: a password, as for a password-only account.
func phantomAvailable() []string { return []string{challengePasswordSRP, factorPassword} }

// phantomUserAuth answers USER_AUTH for a user who does not exist when the app client prevents
// user existence errors: a preferred password fails like a wrong one (after a plausible
// PASSWORD_VERIFIER for SRP), anything else gets a SELECT_CHALLENGE of the password factors
// whose answer fails the same way. Callers hold s.mu.
func (s *Server) phantomUserAuth(p *pool, c *appClient, ap map[string]string) (any, error) {
	username := ap["USERNAME"]
	switch ap["PREFERRED_CHALLENGE"] {
	case challengePasswordSRP:
		if !srp.ValidA(ap["SRP_A"]) {
			return nil, errf("InvalidParameterException", "Invalid SRP_A")
		}
		return s.phantomChallenge(p, c, username, ap["SRP_A"])
	case factorPassword:
		return nil, errWrongCredentials()
	}
	sess := s.newSession(&session{poolID: p.id, clientID: c.id, username: username, challenge: challengeSelect, phantom: true, ua: &userAuthSession{available: phantomAvailable()}})
	out := challengeOut(challengeSelect, sess, map[string]string{"USERNAME": username})
	out["AvailableChallenges"] = phantomAvailable()
	return out, nil
}

// signUpStage is the challenge name of the sessions that carry a sign-up on to USER_AUTH.
const signUpStage = "SIGN_UP"

// signUpSession is the Session SignUp returns, for ConfirmSignUp. Callers hold s.mu.
func (s *Server) signUpSession(p *pool, c *appClient, u *user) string {
	return s.newSession(&session{poolID: p.id, clientID: c.id, username: u.username, challenge: signUpStage, ua: &userAuthSession{signUp: "signed-up"}})
}

// checkSignUpSession checks the Session given to ConfirmSignUp, if any. Callers hold s.mu.
func (s *Server) checkSignUpSession(tok, clientID string, u *user) error {
	if tok == "" {
		return nil
	}
	sess, err := s.session(tok, clientID, signUpStage)
	if err != nil {
		return err
	}
	if sess.ua == nil || sess.ua.signUp != "signed-up" || sess.username != u.username {
		return errf("NotAuthorizedException", "Invalid session for the user.")
	}
	return nil
}

// confirmedSignUp is ConfirmSignUp's answer: with SignUp's session, a new one that InitiateAuth
// (USER_AUTH) takes in place of a first factor, the confirmation code counting as it. Callers
// hold s.mu and have checked the session.
func (s *Server) confirmedSignUp(tok, attribute string) map[string]any {
	sess, ok := s.sessions[tok]
	if tok == "" || !ok {
		return map[string]any{}
	}
	delete(s.sessions, tok)
	next := &session{poolID: sess.poolID, clientID: sess.clientID, username: sess.username, challenge: signUpStage, ua: &userAuthSession{signUp: attribute}}
	return map[string]any{"Session": s.newSession(next)}
}

// signInAfterSignUp is InitiateAuth (USER_AUTH) with ConfirmSignUp's session: the new user is
// signed in without a first factor of their own, once. Callers hold s.mu.
func (s *Server) signInAfterSignUp(r *http.Request, p *pool, c *appClient, ap map[string]string, tok string) (any, error) {
	sess, err := s.session(tok, c.id, signUpStage)
	if err != nil {
		return nil, err
	}
	if sess.ua == nil || sess.ua.signUp == "signed-up" || sess.username != ap["USERNAME"] {
		return nil, errf("NotAuthorizedException", "Invalid session for the user.")
	}
	if err := checkSecretHash(c, sess.username, ap["SECRET_HASH"]); err != nil {
		return nil, err
	}
	delete(s.sessions, tok)
	u, ok := p.users[sess.username]
	if !ok || !u.enabled || u.status != "CONFIRMED" {
		return nil, errWrongCredentials()
	}
	return s.success(r, p, c, u)
}
