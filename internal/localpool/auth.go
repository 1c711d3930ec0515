package localpool

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/srp"
)

// Challenge and session limits.
const (
	codeTTL          = 3 * time.Minute
	maxCodeAttempts  = 5
	sessionRandBytes = 660 // ~880 base64 characters, like Cognito's sessions
)

type authIn struct {
	AuthFlow           string
	ClientId           string
	AuthParameters     map[string]string
	ChallengeName      string
	ChallengeResponses map[string]string
	Session            string
}

// challengeOut is InitiateAuth's and RespondToAuthChallenge's reply.
func challengeOut(name, sess string, params map[string]string) map[string]any {
	return map[string]any{"ChallengeName": name, "Session": sess, "ChallengeParameters": params}
}

func secretHash(c *appClient, username string) string {
	m := hmac.New(sha256.New, []byte(c.secret))
	m.Write([]byte(username + c.id))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func checkSecretHash(c *appClient, username, got string) error {
	if c.secret == "" {
		return nil
	}
	if got == "" || !hmac.Equal([]byte(got), []byte(secretHash(c, username))) {
		return errf("NotAuthorizedException", "Unable to verify secret hash for client %s", c.id)
	}
	return nil
}

// newSession records a challenge and returns its opaque session string. Callers hold s.mu.
func (s *Server) newSession(sess *session) string {
	sess.expires = s.opts.Now().Add(s.opts.SessionTTL)
	if s.signin != nil {
		sess.dev = *s.signin
	}
	tok := base64.StdEncoding.EncodeToString(s.randomBytes(sessionRandBytes))
	s.sessions[tok] = sess
	return tok
}

// takeSession finds a live session for client c and challenge name, without consuming it.
func (s *Server) session(tok, clientID, challenge string) (*session, error) {
	sess, ok := s.sessions[tok]
	if !ok {
		if strings.TrimSpace(tok) == "" {
			return nil, errf("InvalidParameterException", "Missing required parameter Session")
		}
		return nil, errSessionUsed()
	}
	if s.opts.Now().After(sess.expires) {
		delete(s.sessions, tok)
		return nil, errSessionExpired()
	}
	if sess.clientID != clientID || (challenge != "" && sess.challenge != challenge) {
		return nil, errf("NotAuthorizedException", "Invalid session for the user.")
	}
	return sess, nil
}

func (s *Server) initiateAuth(r *http.Request, body []byte) (any, error) {
	var in authIn
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.beginSignIn(deviceCtx{})()
	c, p, err := s.client(in.ClientId)
	if err != nil {
		return nil, err
	}
	flowAllowed := func(flow string) error {
		if !c.flows["ALLOW_"+flow] {
			return errf("InvalidParameterException", "%s flow not enabled for this client", flow)
		}
		return nil
	}
	ap := in.AuthParameters
	switch in.AuthFlow {
	case "USER_PASSWORD_AUTH":
		if err := flowAllowed(in.AuthFlow); err != nil {
			return nil, err
		}
		u, err := s.firstFactorUser(p, c, ap["USERNAME"], ap["SECRET_HASH"])
		if err != nil {
			if isUserNotFound(err) && c.preventExistence {
				return nil, errWrongCredentials()
			}
			return nil, err
		}
		if err := s.checkUserPassword(u, ap["PASSWORD"]); err != nil {
			return nil, err
		}
		return s.afterPassword(r, p, c, u)
	case "USER_SRP_AUTH":
		if err := flowAllowed(in.AuthFlow); err != nil {
			return nil, err
		}
		u, err := s.firstFactorUser(p, c, ap["USERNAME"], ap["SECRET_HASH"])
		if err != nil {
			if isUserNotFound(err) && c.preventExistence {
				if !srp.ValidA(ap["SRP_A"]) {
					return nil, errf("InvalidParameterException", "Invalid SRP_A")
				}
				return s.phantomChallenge(p, c, ap["USERNAME"], ap["SRP_A"])
			}
			return nil, err
		}
		if err := s.presentDevice(p, u, ap["DEVICE_KEY"]); err != nil {
			return nil, err
		}
		return s.srpChallenge(p, c, u, ap["SRP_A"])
	case "USER_AUTH":
		return s.initiateUserAuth(r, p, c, in)
	case "CUSTOM_AUTH":
		return s.initiateCustomAuth(p, c, ap)
	case "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN":
		if !c.flows["ALLOW_REFRESH_TOKEN_AUTH"] {
			return nil, errf("InvalidParameterException", "REFRESH_TOKEN_AUTH flow not enabled for this client")
		}
		rec, ok := s.refresh[ap["REFRESH_TOKEN"]]
		if !ok || rec.clientID != c.id {
			return nil, errf("NotAuthorizedException", "Invalid Refresh Token")
		}
		if rec.revoked {
			return nil, errf("NotAuthorizedException", "Refresh Token has been revoked")
		}
		u, ok := p.users[rec.username]
		if !ok {
			return nil, errUserNotFound()
		}
		if err := checkSecretHash(c, u.username, ap["SECRET_HASH"]); err != nil {
			return nil, err
		}
		if !u.enabled {
			return nil, errf("NotAuthorizedException", "User is disabled.")
		}
		toks, err := s.issueTokens(r, p, c, u, rec)
		if err != nil {
			return nil, err
		}
		return map[string]any{"AuthenticationResult": toks, "ChallengeParameters": map[string]string{}}, nil
	case "":
		return nil, errf("InvalidParameterException", "Missing required parameter AuthFlow")
	default:
		return nil, errf("InvalidParameterException", "%s flow not enabled for this client", in.AuthFlow)
	}
}

// srpChallenge answers SRP_A with the PASSWORD_VERIFIER challenge. Callers hold s.mu.
func (s *Server) srpChallenge(p *pool, c *appClient, u *user, srpA string) (any, error) {
	if !srp.ValidA(srpA) {
		return nil, errf("InvalidParameterException", "Invalid SRP_A")
	}
	if u.verifier == nil { // a user without a password
		return nil, errWrongCredentials()
	}
	srv, err := srp.NewServer(s.opts.Rand, u.verifier)
	if err != nil {
		return nil, fmt.Errorf("srp: %w", err)
	}
	block := s.randomBytes(64)
	sess := s.newSession(&session{poolID: p.id, clientID: c.id, username: u.username, challenge: "PASSWORD_VERIFIER", srpA: srpA, srpServer: srv, secretBlock: block})
	return challengeOut("PASSWORD_VERIFIER", sess, map[string]string{
		"SALT": hex.EncodeToString(u.salt), "SRP_B": srv.BHex(), "SECRET_BLOCK": base64.StdEncoding.EncodeToString(block),
		"USER_ID_FOR_SRP": u.username, "USERNAME": u.username,
	}), nil
}

// checkUserPassword compares a password typed in a password flow; a user without one never matches.
func (s *Server) checkUserPassword(u *user, pw string) error {
	if u.verifier == nil || pw == "" || !hmac.Equal([]byte(u.password), []byte(pw)) {
		return s.wrongPassword(u)
	}
	return nil
}

// firstFactorUser finds the user signing in and checks what applies before the password.
func (s *Server) firstFactorUser(p *pool, c *appClient, username, hash string) (*user, error) {
	if username == "" {
		return nil, errf("InvalidParameterException", "Missing required parameter USERNAME")
	}
	if err := checkSecretHash(c, username, hash); err != nil {
		return nil, err
	}
	u, err := p.user(username)
	if err != nil {
		return nil, err
	}
	if !u.enabled {
		return nil, errf("NotAuthorizedException", "User is disabled.")
	}
	if s.lockedOut(u) {
		return nil, errAttemptsExceeded()
	}
	return u, nil
}

func isUserNotFound(err error) bool {
	ae, ok := err.(*apiError)
	return ok && ae.Code == "UserNotFoundException"
}

// wrongPassword counts a wrong password towards the lockout. Callers hold s.mu.
func (s *Server) wrongPassword(u *user) error {
	s.failed(u)
	return errWrongCredentials()
}

// afterPassword decides what follows a correct password. Callers hold s.mu.
func (s *Server) afterPassword(r *http.Request, p *pool, c *appClient, u *user) (any, error) {
	switch u.status {
	case "RESET_REQUIRED":
		return nil, errf("PasswordResetRequiredException", "Password reset required for the user")
	case "UNCONFIRMED":
		return nil, errUserNotConfirmed()
	case "FORCE_CHANGE_PASSWORD":
		if s.opts.Now().Sub(u.passwordSetAt) > p.tempValidity {
			return nil, errf("NotAuthorizedException", "Temporary password has expired and must be reset by an administrator.")
		}
		attrs := map[string]string{}
		for k, v := range u.attrs {
			attrs[k] = v
		}
		attrsJSON, _ := json.Marshal(attrs) // a map of strings always marshals
		var missing []string
		for _, name := range p.required {
			if u.attrs[name] == "" {
				missing = append(missing, "userAttributes."+name)
			}
		}
		if missing == nil {
			missing = []string{}
		}
		reqJSON, _ := json.Marshal(missing) // a slice of strings always marshals
		sess := s.newSession(&session{poolID: p.id, clientID: c.id, username: u.username, challenge: "NEW_PASSWORD_REQUIRED"})
		return challengeOut("NEW_PASSWORD_REQUIRED", sess, map[string]string{
			"USER_ID_FOR_SRP": u.username, "userAttributes": string(attrsJSON), "requiredAttributes": string(reqJSON),
		}), nil
	}
	return s.mfaStep(r, p, c, u)
}

// mfaStep asks for a second factor when the pool and user call for one, or issues tokens.
func (s *Server) mfaStep(r *http.Request, p *pool, c *appClient, u *user) (any, error) {
	if p.mfa == "OFF" {
		return s.success(r, p, c, u)
	}
	var enabled []string
	for _, m := range mfaList(u) {
		if (m == "SMS_MFA" && p.smsMFA) || (m == "SOFTWARE_TOKEN_MFA" && p.totpMFA) || (m == "EMAIL_OTP" && p.emailMFA) {
			enabled = append(enabled, m)
		}
	}
	if s.deviceStandsInForMFA(p, u, enabled) {
		return s.success(r, p, c, u)
	}
	switch {
	case len(enabled) == 0 && p.mfa == "ON":
		var can []string
		if p.totpMFA {
			can = append(can, "SOFTWARE_TOKEN_MFA")
		}
		if p.emailMFA {
			can = append(can, "EMAIL_OTP")
		}
		if p.smsMFA {
			can = append(can, "SMS_MFA")
		}
		canJSON, _ := json.Marshal(can) // a slice of strings always marshals
		sess := s.newSession(&session{poolID: p.id, clientID: c.id, username: u.username, challenge: "MFA_SETUP"})
		return challengeOut("MFA_SETUP", sess, map[string]string{"MFAS_CAN_SETUP": string(canJSON), "USER_ID_FOR_SRP": u.username}), nil
	case len(enabled) == 0:
		return s.success(r, p, c, u)
	case len(enabled) == 1:
		return s.mfaChallenge(p, c, u, enabled[0])
	}
	for _, m := range enabled {
		if m == u.preferred {
			return s.mfaChallenge(p, c, u, m)
		}
	}
	choose, _ := json.Marshal(enabled) // a slice of strings always marshals
	sess := s.newSession(&session{poolID: p.id, clientID: c.id, username: u.username, challenge: "SELECT_MFA_TYPE"})
	return challengeOut("SELECT_MFA_TYPE", sess, map[string]string{"MFAS_CAN_CHOOSE": string(choose), "USER_ID_FOR_SRP": u.username}), nil
}

// mfaChallenge sends a code when the method needs one and returns the challenge.
func (s *Server) mfaChallenge(p *pool, c *appClient, u *user, method string) (any, error) {
	sess := &session{poolID: p.id, clientID: c.id, username: u.username, challenge: method}
	params := map[string]string{"USER_ID_FOR_SRP": u.username}
	switch method {
	case "SMS_MFA":
		s.sendCode(sess, "SMS", u.attrs["phone_number"])
		params["CODE_DELIVERY_DELIVERY_MEDIUM"] = "SMS"
		params["CODE_DELIVERY_DESTINATION"] = maskPhone(u.attrs["phone_number"])
	case "EMAIL_OTP":
		s.sendCode(sess, "EMAIL", u.attrs["email"])
		params["CODE_DELIVERY_DELIVERY_MEDIUM"] = "EMAIL"
		params["CODE_DELIVERY_DESTINATION"] = maskEmail(u.attrs["email"])
	case "SOFTWARE_TOKEN_MFA":
		params["FRIENDLY_DEVICE_NAME"] = totpDeviceName(u.totpDevice)
	}
	return challengeOut(method, s.newSession(sess), params), nil
}

// sendCode puts a fresh 6-digit MFA code for the session into the outbox.
func (s *Server) sendCode(sess *session, medium, to string) { s.sendCodeDigits(sess, medium, to, 6) }

// sendCodeDigits puts a fresh code of the given number of digits for the session into the outbox.
func (s *Server) sendCodeDigits(sess *session, medium, to string, digits int) {
	n := new(big.Int).SetBytes(s.randomBytes(8))
	mod := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil)
	sess.code = fmt.Sprintf("%0*d", digits, new(big.Int).Mod(n, mod).Int64())
	sess.codeExpires = s.opts.Now().Add(codeTTL)
	text := "Your verification code is " + sess.code
	s.outbox.add(Message{To: to, Medium: medium, Code: sess.code, Message: text, SentAt: s.opts.Now()})
}

func maskPhone(p string) string {
	if len(p) <= 4 {
		return strings.Repeat("*", len(p))
	}
	return "+" + strings.Repeat("*", len(p)-5) + p[len(p)-4:]
}

func maskEmail(e string) string {
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" || domain == "" {
		return "***"
	}
	return local[:1] + "***@" + domain[:1] + "***"
}

func (s *Server) success(r *http.Request, p *pool, c *appClient, u *user) (any, error) {
	if out, ok := s.customStep(p, c, u); ok {
		return out, nil
	}
	if out, ok := s.deviceChallenge(p, c, u); ok {
		return out, nil
	}
	s.succeeded(u)
	toks, err := s.issueTokens(r, p, c, u, nil)
	if err != nil {
		return nil, err
	}
	s.newDeviceMetadata(r, p, u, toks)
	return map[string]any{"AuthenticationResult": toks, "ChallengeParameters": map[string]string{}}, nil
}

func (s *Server) respondToAuthChallenge(r *http.Request, body []byte) (any, error) {
	var in authIn
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, p, err := s.client(in.ClientId)
	if err != nil {
		return nil, err
	}
	sess, err := s.session(in.Session, c.id, in.ChallengeName)
	if err != nil {
		return nil, err
	}
	defer s.beginSignIn(sess.dev)()
	cr := in.ChallengeResponses
	if cr["USERNAME"] != sess.username {
		return nil, errf("NotAuthorizedException", "Incorrect username or password.")
	}
	if err := checkSecretHash(c, sess.username, cr["SECRET_HASH"]); err != nil {
		return nil, err
	}
	if sess.phantom {
		delete(s.sessions, in.Session)
		return nil, s.phantomAnswer(p, sess, cr)
	}
	u, ok := p.users[sess.username]
	if !ok {
		return nil, errUserNotFound()
	}
	if !u.enabled {
		return nil, errf("NotAuthorizedException", "User is disabled.")
	}
	if s.lockedOut(u) {
		return nil, errAttemptsExceeded()
	}
	if sess.ua != nil {
		return s.respondUserAuth(r, p, c, u, sess, in)
	}
	consume := func() { delete(s.sessions, in.Session) }
	if out, handled, err := s.answerDevice(r, p, c, u, in.Session, sess, cr, in.ChallengeName); handled {
		return out, err
	}

	switch in.ChallengeName {
	case "PASSWORD_VERIFIER":
		consume()
		if err := s.checkClaim(u.verifier, sess, cr, poolName(p.id), u.username); err != nil {
			if errors.Is(err, errBadClaim) {
				return nil, s.wrongPassword(u)
			}
			return nil, err
		}
		return s.afterPassword(r, p, c, u)

	case "NEW_PASSWORD_REQUIRED":
		pw := cr["NEW_PASSWORD"]
		if pw == "" {
			return nil, errf("InvalidParameterException", "Missing required parameter NEW_PASSWORD")
		}
		if err := p.checkPassword(policyChange, pw); err != nil {
			return nil, err
		}
		updates := map[string]string{}
		for k, v := range cr {
			if name, ok := strings.CutPrefix(k, "userAttributes."); ok {
				if u.attrs[name] != "" && contains(p.required, name) {
					return nil, errf("NotAuthorizedException", "Cannot modify an already provided %s", name)
				}
				updates[name] = v
			}
		}
		for _, name := range p.required {
			if u.attrs[name] == "" && updates[name] == "" {
				return nil, errf("InvalidParameterException", "Invalid attributes given, %s is missing", name)
			}
		}
		consume()
		for k, v := range updates {
			u.attrs[k] = v
		}
		s.setPassword(p, u, pw)
		u.status = "CONFIRMED"
		return s.mfaStep(r, p, c, u)

	case "SMS_MFA", "EMAIL_OTP":
		key := "SMS_MFA_CODE"
		if in.ChallengeName == "EMAIL_OTP" {
			key = "EMAIL_OTP_CODE"
		}
		if err := s.checkCode(u, sess, in.Session, cr[key]); err != nil {
			return nil, err
		}
		consume()
		if sess.mfaSetupMethod == "EMAIL_OTP" {
			u.emailMFA = true
			if u.preferred == "" {
				u.preferred = "EMAIL_OTP"
			}
		}
		return s.success(r, p, c, u)

	case "SOFTWARE_TOKEN_MFA":
		if err := s.useTOTP(u, cr["SOFTWARE_TOKEN_MFA_CODE"]); err != nil {
			if err.Code == "CodeMismatchException" {
				s.failed(u)
			}
			return nil, err
		}
		consume()
		return s.success(r, p, c, u)

	case "SELECT_MFA_TYPE":
		method := cr["ANSWER"]
		if !contains(mfaList(u), method) {
			return nil, errf("InvalidParameterException", "Invalid MFA type %s", method)
		}
		consume()
		return s.mfaChallenge(p, c, u, method)

	case "CUSTOM_CHALLENGE":
		return s.answerCustom(r, p, c, u, in.Session, sess, cr["ANSWER"])

	case "MFA_SETUP":
		if email := cr["EMAIL"]; email != "" {
			if !p.emailMFA {
				return nil, errf("InvalidParameterException", "Email MFA is not enabled for this user pool")
			}
			consume()
			u.attrs["email"] = email
			next := &session{poolID: p.id, clientID: c.id, username: u.username, challenge: "EMAIL_OTP", mfaSetupMethod: "EMAIL_OTP"}
			s.sendCode(next, "EMAIL", email)
			return challengeOut("EMAIL_OTP", s.newSession(next), map[string]string{
				"USER_ID_FOR_SRP": u.username, "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL", "CODE_DELIVERY_DESTINATION": maskEmail(email),
			}), nil
		}
		if !sess.totpVerified {
			return nil, errf("InvalidParameterException", "Software token MFA has not been verified for this session")
		}
		consume()
		u.totpSecret, u.totpDevice, u.totpMFA = sess.totpSecret, sess.totpDevice, true
		if u.preferred == "" {
			u.preferred = "SOFTWARE_TOKEN_MFA"
		}
		return s.success(r, p, c, u)
	}
	return nil, errf("InvalidParameterException", "Unsupported challenge %s", in.ChallengeName)
}

// checkCode checks an SMS or email code. A wrong code leaves the session usable for a retry and
// counts towards u's lockout.
func (s *Server) checkCode(u *user, sess *session, tok, code string) error {
	if s.opts.Now().After(sess.codeExpires) {
		delete(s.sessions, tok)
		return errf("ExpiredCodeException", "Invalid code provided, please request a code again.")
	}
	if code == "" || !hmac.Equal([]byte(code), []byte(sess.code)) {
		s.failed(u)
		return errf("CodeMismatchException", "Invalid code received for user")
	}
	return nil
}

func (s *Server) associateSoftwareToken(r *http.Request, body []byte) (any, error) {
	var in struct{ AccessToken, Session string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(s.randomBytes(20))
	if in.AccessToken != "" {
		_, u, err := s.userFromAccessToken(in.AccessToken)
		if err != nil {
			return nil, err
		}
		u.pendingTOTP = secret
		return map[string]any{"SecretCode": secret}, nil
	}
	sess, ok := s.sessions[in.Session]
	if !ok || sess.challenge != "MFA_SETUP" {
		return nil, errSessionUsed()
	}
	if s.opts.Now().After(sess.expires) {
		delete(s.sessions, in.Session)
		return nil, errSessionExpired()
	}
	delete(s.sessions, in.Session)
	next := *sess
	next.totpSecret, next.totpVerified = secret, false
	return map[string]any{"SecretCode": secret, "Session": s.newSession(&next)}, nil
}

func (s *Server) verifySoftwareToken(r *http.Request, body []byte) (any, error) {
	var in struct{ AccessToken, Session, UserCode, FriendlyDeviceName string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.AccessToken != "" {
		_, u, err := s.userFromAccessToken(in.AccessToken)
		if err != nil {
			return nil, err
		}
		if u.pendingTOTP == "" || !verifyTOTP(u.pendingTOTP, in.UserCode, s.opts.Now()) {
			return nil, errf("EnableSoftwareTokenMFAException", "Code mismatch")
		}
		u.totpSecret, u.totpDevice, u.pendingTOTP = u.pendingTOTP, in.FriendlyDeviceName, ""
		return map[string]any{"Status": "SUCCESS"}, nil
	}
	sess, ok := s.sessions[in.Session]
	if !ok || sess.challenge != "MFA_SETUP" || sess.totpSecret == "" {
		return nil, errSessionUsed()
	}
	if s.opts.Now().After(sess.expires) {
		delete(s.sessions, in.Session)
		return nil, errSessionExpired()
	}
	if !verifyTOTP(sess.totpSecret, in.UserCode, s.opts.Now()) {
		return nil, errf("EnableSoftwareTokenMFAException", "Code mismatch")
	}
	delete(s.sessions, in.Session)
	next := *sess
	next.totpVerified, next.totpDevice = true, in.FriendlyDeviceName
	return map[string]any{"Status": "SUCCESS", "Session": s.newSession(&next)}, nil
}

func (s *Server) setUserMFAPreference(r *http.Request, body []byte) (any, error) {
	var in struct {
		AccessToken string
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
	_, u, err := s.userFromAccessToken(in.AccessToken)
	if err != nil {
		return nil, err
	}
	return nil, applyMFAPrefs(u, in.mfaPrefs)
}

func (s *Server) getUser(r *http.Request, body []byte) (any, error) {
	return s.accessTokenOp(body, func(_ *pool, u *user) (any, error) {
		out := map[string]any{"Username": u.username, "UserAttributes": attrList(u), "UserMFASettingList": mfaList(u)}
		if u.preferred != "" {
			out["PreferredMfaSetting"] = u.preferred
		}
		return out, nil
	})
}

func (s *Server) globalSignOut(r *http.Request, body []byte) (any, error) {
	return s.accessTokenOp(body, func(p *pool, u *user) (any, error) {
		s.signOut(p, u)
		return nil, nil
	})
}

func (s *Server) revokeToken(r *http.Request, body []byte) (any, error) {
	var in struct{ Token, ClientId, ClientSecret string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, _, err := s.client(in.ClientId)
	if err != nil {
		return nil, err
	}
	if c.secret != "" && !hmac.Equal([]byte(c.secret), []byte(in.ClientSecret)) {
		return nil, errf("NotAuthorizedException", "Client authentication failed.")
	}
	if rec, ok := s.refresh[in.Token]; ok && rec.clientID == c.id {
		s.revoke(rec)
	}
	return nil, nil
}

func (s *Server) sendResetCode(u *user) {
	n := new(big.Int).SetBytes(s.randomBytes(8))
	u.resetCode = fmt.Sprintf("%06d", new(big.Int).Mod(n, big.NewInt(1000000)).Int64())
	u.resetExpires = s.opts.Now().Add(time.Hour)
	u.resetAttempts = 0
	to, medium := recoveryDestination(u)
	s.outbox.add(Message{To: to, Medium: medium, Code: u.resetCode, Message: "Your password reset code is " + u.resetCode, SentAt: s.opts.Now()})
}

func (s *Server) forgotPassword(r *http.Request, body []byte) (any, error) {
	var in struct{ ClientId, Username, SecretHash string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, c, u, err := s.recoveringUser(in.ClientId, in.Username, in.SecretHash)
	if err != nil {
		if isUserNotFound(err) && c.preventExistence {
			return p.phantomDelivery(in.Username), nil
		}
		return nil, err
	}
	switch {
	case !u.enabled:
		return nil, errf("NotAuthorizedException", "User is disabled.")
	case u.status == "FORCE_CHANGE_PASSWORD":
		return nil, errf("NotAuthorizedException", "User password cannot be reset in the current state.")
	case !hasVerifiedContact(u):
		return nil, errf("InvalidParameterException", "Cannot reset password for the user as there is no registered/verified email or phone_number")
	}
	s.sendResetCode(u)
	to, medium := recoveryDestination(u)
	dest := maskEmail(to)
	if medium == "SMS" {
		dest = maskPhone(to)
	}
	return map[string]any{"CodeDeliveryDetails": map[string]any{"AttributeName": strings.ToLower(medium), "DeliveryMedium": medium, "Destination": dest}}, nil
}

func (s *Server) confirmForgotPassword(r *http.Request, body []byte) (any, error) {
	var in struct{ ClientId, Username, SecretHash, ConfirmationCode, Password string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, c, u, err := s.recoveringUser(in.ClientId, in.Username, in.SecretHash)
	if err != nil {
		if isUserNotFound(err) && c.preventExistence {
			return nil, errResetCodeMismatch()
		}
		return nil, err
	}
	if u.resetAttempts >= maxCodeAttempts {
		return nil, errf("LimitExceededException", "Attempt limit exceeded, please try after some time.")
	}
	if u.resetCode == "" || s.opts.Now().After(u.resetExpires) {
		return nil, errf("ExpiredCodeException", "Invalid code provided, please request a code again.")
	}
	if !hmac.Equal([]byte(u.resetCode), []byte(in.ConfirmationCode)) {
		u.resetAttempts++
		return nil, errResetCodeMismatch()
	}
	if err := p.checkPassword(policyChange, in.Password); err != nil {
		return nil, err
	}
	s.setPassword(p, u, in.Password)
	u.status, u.resetCode = "CONFIRMED", ""
	return nil, nil
}

// recoveringUser finds the user of a password-recovery request after checking the client and
// its SECRET_HASH; an unknown user comes back with the pool and client. Callers hold s.mu.
func (s *Server) recoveringUser(clientID, username, hash string) (*pool, *appClient, *user, error) {
	c, p, err := s.client(clientID)
	if err != nil {
		return nil, &appClient{}, nil, err
	}
	if err := checkSecretHash(c, username, hash); err != nil {
		return nil, &appClient{}, nil, err
	}
	u, err := p.user(username)
	if err != nil {
		return p, c, nil, err
	}
	return p, c, u, nil
}

func errResetCodeMismatch() *apiError {
	return errf("CodeMismatchException", "Invalid verification code provided, please try again.")
}

// recoveryDestination is where a reset code goes: a verified email address, else a verified
// phone number (AccountRecoverySetting verified_email first), else nowhere.
func recoveryDestination(u *user) (to, medium string) {
	switch {
	case u.attrs["email"] != "" && u.attrs["email_verified"] == "true":
		return u.attrs["email"], "EMAIL"
	case u.attrs["phone_number"] != "" && u.attrs["phone_number_verified"] == "true":
		return u.attrs["phone_number"], "SMS"
	}
	return "", ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
