package localpool

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
)

// passkeys are a user's WebAuthn credentials and the registration under way, if any.
type passkeys struct {
	list    []*passkey
	pending *pendingPasskey
}

func (ps passkeys) len() int { return len(ps.list) }

type passkey struct {
	cred    webauthn.Credential
	rpID    string
	created time.Time
}

type pendingPasskey struct {
	data     webauthn.SessionData
	clientID string
	expires  time.Time
}

// Cognito's WebAuthn errors.
var (
	errWebAuthnNotEnabled = func() *apiError {
		return errf("WebAuthnNotEnabledException", "Passkeys are not enabled for this user pool.")
	}
	errWebAuthnConfigMissing = func() *apiError {
		return errf("WebAuthnConfigurationMissingException", "The user pool has no relying party ID or domain configured for passkeys.")
	}
	errWebAuthnChallengeNotFound = func() *apiError {
		return errf("WebAuthnChallengeNotFoundException", "The passkey registration challenge was not found or has expired.")
	}
	errWebAuthnClientMismatch = func() *apiError {
		return errf("WebAuthnClientMismatchException", "The access token is for a different client than the one that started the registration.")
	}
	errWebAuthnOrigin = func() *apiError {
		return errf("WebAuthnOriginNotAllowedException", "The passkey credential's origin is not allowed for the user pool relying party ID.")
	}
	errWebAuthnRPMismatch = func() *apiError {
		return errf("WebAuthnRelyingPartyMismatchException", "The passkey credential is for a different relying party ID than the user pool's.")
	}
	errWebAuthnNotSupported = func() *apiError {
		return errf("WebAuthnCredentialNotSupportedException", "The passkey credential is not supported.")
	}
)

// webauthnUser adapts a user to the WebAuthn library.
type webauthnUser struct{ u *user }

func (w webauthnUser) WebAuthnID() []byte          { return []byte(w.u.sub) }
func (w webauthnUser) WebAuthnName() string        { return w.u.username }
func (w webauthnUser) WebAuthnDisplayName() string { return w.u.username }
func (w webauthnUser) WebAuthnCredentials() []webauthn.Credential {
	out := make([]webauthn.Credential, 0, len(w.u.passkeys.list))
	for _, pk := range w.u.passkeys.list {
		out = append(out, pk.cred)
	}
	return out
}

// passkeyPool checks that passkeys can be used in p.
func passkeyPool(p *pool) error {
	if !p.signIn.allows(factorWebAuthn) {
		return errWebAuthnNotEnabled()
	}
	if p.signIn.rpID == "" {
		return errWebAuthnConfigMissing()
	}
	return nil
}

// accessTokenUser is userFromAccessToken plus the token's app client. Callers hold s.mu.
func (s *Server) accessTokenUser(raw string) (*pool, *user, string, error) {
	p, u, err := s.userFromAccessToken(raw)
	if err != nil {
		return nil, nil, "", err
	}
	var claims struct {
		ClientID string `json:"client_id"`
	}
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || tok.Claims(&p.key.PublicKey, &claims) != nil {
		return nil, nil, "", errf("NotAuthorizedException", "Invalid Access Token")
	}
	return p, u, claims.ClientID, nil
}

// accessTokenIn is the part every request authorised by an access token has.
type accessTokenIn struct{ AccessToken string }

func (in *accessTokenIn) token() string { return in.AccessToken }

// tokenOp decodes body into in and runs f under the lock for the pool, user and app client of
// in's access token.
func (s *Server) tokenOp(body []byte, in interface{ token() string }, f func(p *pool, u *user, clientID string) (any, error)) (any, error) {
	if err := decode(body, in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, u, clientID, err := s.accessTokenUser(in.token())
	if err != nil {
		return nil, err
	}
	return f(p, u, clientID)
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func credentialDescriptors(u *user) []map[string]any {
	out := []map[string]any{}
	for _, pk := range u.passkeys.list {
		d := map[string]any{"type": "public-key", "id": b64url(pk.cred.ID)}
		if len(pk.cred.Transport) > 0 {
			d["transports"] = pk.cred.Transport
		}
		out = append(out, d)
	}
	return out
}

func (s *Server) startWebAuthnRegistration(r *http.Request, body []byte) (any, error) {
	return s.tokenOp(body, &accessTokenIn{}, func(p *pool, u *user, clientID string) (any, error) {
		return s.startRegistration(p, u, clientID)
	})
}

func (s *Server) startRegistration(p *pool, u *user, clientID string) (any, error) {
	if err := passkeyPool(p); err != nil {
		return nil, err
	}
	if u.passkeys.len() >= maxPasskeys {
		return nil, errf("LimitExceededException", "The user has reached the maximum number of passkeys.")
	}
	challenge := s.randomBytes(32)
	params := []protocol.CredentialParameter{
		{Type: protocol.PublicKeyCredentialType, Algorithm: -7},   // ES256
		{Type: protocol.PublicKeyCredentialType, Algorithm: -257}, // RS256
	}
	options := map[string]any{
		"rp":                 map[string]any{"id": p.signIn.rpID, "name": p.name},
		"user":               map[string]any{"id": b64url([]byte(u.sub)), "name": u.username, "displayName": u.username},
		"challenge":          b64url(challenge),
		"pubKeyCredParams":   params,
		"timeout":            passkeyTimeout,
		"excludeCredentials": credentialDescriptors(u),
		"authenticatorSelection": map[string]any{
			"residentKey": "required", "requireResidentKey": true, "userVerification": p.signIn.uv(),
		},
	}
	u.passkeys.pending = &pendingPasskey{
		data: webauthn.SessionData{
			Challenge: b64url(challenge), RelyingPartyID: p.signIn.rpID, UserID: []byte(u.sub),
			UserVerification: protocol.UserVerificationRequirement(p.signIn.uv()), CredParams: params,
		},
		clientID: clientID,
		expires:  s.opts.Now().Add(passkeyTimeout * time.Millisecond),
	}
	return map[string]any{"CredentialCreationOptions": options}, nil
}

func (s *Server) completeWebAuthnRegistration(r *http.Request, body []byte) (any, error) {
	var in struct {
		accessTokenIn
		Credential json.RawMessage
	}
	return s.tokenOp(body, &in, func(p *pool, u *user, clientID string) (any, error) {
		return s.completeRegistration(p, u, clientID, in.Credential)
	})
}

func (s *Server) completeRegistration(p *pool, u *user, clientID string, credential json.RawMessage) (any, error) {
	if err := passkeyPool(p); err != nil {
		return nil, err
	}
	pending := u.passkeys.pending
	if pending == nil || s.opts.Now().After(pending.expires) {
		u.passkeys.pending = nil
		return nil, errWebAuthnChallengeNotFound()
	}
	if pending.clientID != clientID {
		return nil, errWebAuthnClientMismatch()
	}
	u.passkeys.pending = nil // one answer per challenge, right or wrong
	parsed, err := protocol.ParseCredentialCreationResponseBytes(credential)
	if err != nil {
		return nil, errf("InvalidParameterException", "Credential is not a valid RegistrationResponseJSON.")
	}
	rpID := pending.data.RelyingPartyID
	origin := parsed.Response.CollectedClientData.Origin
	if err := checkCeremony(rpID, origin, parsed.Response.AttestationObject.AuthData.RPIDHash); err != nil {
		return nil, err
	}
	wa, err := webauthn.New(&webauthn.Config{RPID: rpID, RPDisplayName: p.name, RPOrigins: []string{origin}})
	if err != nil {
		return nil, fmt.Errorf("webauthn: %w", err)
	}
	cred, err := wa.CreateCredential(webauthnUser{u}, pending.data, parsed)
	if err != nil {
		return nil, ceremonyError(err)
	}
	for _, pk := range u.passkeys.list {
		if bytes.Equal(pk.cred.ID, cred.ID) {
			return nil, errf("InvalidParameterException", "The passkey is already registered.")
		}
	}
	u.passkeys.list = append(u.passkeys.list, &passkey{cred: *cred, rpID: rpID, created: s.opts.Now()})
	return nil, nil
}

// checkCeremony checks a ceremony's origin and the authenticator's relying party as Cognito
// does: the origin is https on the relying party or one of its subdomains (plain http only for
// localhost), and the authenticator data is for the relying party.
func checkCeremony(rpID, origin string, rpIDHash []byte) error {
	u, err := url.Parse(origin)
	if err != nil {
		return errWebAuthnOrigin()
	}
	host := u.Hostname()
	secure := u.Scheme == "https" || (u.Scheme == "http" && host == "localhost")
	if !secure || (host != rpID && !strings.HasSuffix(host, "."+rpID)) {
		return errWebAuthnOrigin()
	}
	want := sha256.Sum256([]byte(rpID))
	if !bytes.Equal(rpIDHash, want[:]) {
		return errWebAuthnRPMismatch()
	}
	return nil
}

// ceremonyError maps a failed WebAuthn verification to Cognito's answer.
func ceremonyError(err error) error {
	var pe *protocol.Error
	if errors.As(err, &pe) {
		switch pe.Type {
		case protocol.ErrUnsupportedKey.Type, protocol.ErrUnsupportedAlgorithm.Type, protocol.ErrAttestationFormat.Type, protocol.ErrInvalidAttestation.Type:
			return errWebAuthnNotSupported()
		}
	}
	return errWrongCredentials()
}

// assertionOptions makes the PublicKeyCredentialRequestOptions JSON of a WEB_AUTHN challenge
// and what its answer is checked against. Callers hold s.mu.
func (s *Server) assertionOptions(p *pool, u *user) (string, *webauthn.SessionData, error) {
	if err := passkeyPool(p); err != nil {
		return "", nil, err
	}
	challenge := s.randomBytes(32)
	uv := p.signIn.uv()
	if p.signIn.passkeyFactor == passkeyMultiUV {
		uv = uvRequired
	}
	options, err := json.Marshal(map[string]any{
		"challenge": b64url(challenge), "rpId": p.signIn.rpID, "timeout": passkeyTimeout,
		"allowCredentials": credentialDescriptors(u), "userVerification": uv,
	})
	if err != nil {
		return "", nil, fmt.Errorf("request options: %w", err)
	}
	data := &webauthn.SessionData{
		Challenge: b64url(challenge), RelyingPartyID: p.signIn.rpID, UserID: []byte(u.sub),
		UserVerification: protocol.UserVerificationRequirement(uv),
	}
	for _, pk := range u.passkeys.list {
		data.AllowedCredentialIDs = append(data.AllowedCredentialIDs, pk.cred.ID)
	}
	return string(options), data, nil
}

// verifyAssertion checks a WEB_AUTHN answer (AuthenticationResponseJSON) and records the
// authenticator's new signature counter. Callers hold s.mu.
func (s *Server) verifyAssertion(r *http.Request, p *pool, u *user, data webauthn.SessionData, credential string) error {
	parsed, err := protocol.ParseCredentialRequestResponseBytes([]byte(credential))
	if err != nil {
		return errf("InvalidParameterException", "CREDENTIAL is not a valid AuthenticationResponseJSON.")
	}
	origin := parsed.Response.CollectedClientData.Origin
	if err := checkCeremony(data.RelyingPartyID, origin, parsed.Response.AuthenticatorData.RPIDHash); err != nil {
		return err
	}
	wa, err := webauthn.New(&webauthn.Config{RPID: data.RelyingPartyID, RPDisplayName: p.name, RPOrigins: []string{origin}})
	if err != nil {
		return fmt.Errorf("webauthn: %w", err)
	}
	cred, err := wa.ValidateLogin(webauthnUser{u}, data, parsed)
	if err != nil {
		s.opts.Logger.DebugContext(r.Context(), "passkey assertion refused", "err", err)
		return ceremonyError(err)
	}
	for _, pk := range u.passkeys.list {
		if bytes.Equal(pk.cred.ID, cred.ID) {
			pk.cred = *cred
		}
	}
	return nil
}

func (s *Server) listWebAuthnCredentials(r *http.Request, body []byte) (any, error) {
	return s.tokenOp(body, &accessTokenIn{}, func(_ *pool, u *user, _ string) (any, error) {
		return listPasskeys(u), nil
	})
}

func listPasskeys(u *user) map[string]any {
	creds := []map[string]any{}
	for _, pk := range u.passkeys.list {
		transports := []string{}
		for _, t := range pk.cred.Transport {
			transports = append(transports, string(t))
		}
		d := map[string]any{
			"CredentialId": b64url(pk.cred.ID), "FriendlyCredentialName": friendlyName(pk),
			"RelyingPartyId": pk.rpID, "AuthenticatorTransports": transports, "CreatedAt": float64(pk.created.Unix()),
		}
		if a := pk.cred.Authenticator.Attachment; a != "" {
			d["AuthenticatorAttachment"] = string(a)
		}
		creds = append(creds, d)
	}
	return map[string]any{"Credentials": creds}
}

// friendlyName is the generated name Cognito gives a passkey.
func friendlyName(pk *passkey) string {
	if a := pk.cred.Authenticator.Attachment; a == protocol.Platform {
		return "Passkey on this device"
	}
	return "Passkey"
}

func (s *Server) deleteWebAuthnCredential(r *http.Request, body []byte) (any, error) {
	var in struct {
		accessTokenIn
		CredentialId string
	}
	return s.tokenOp(body, &in, func(_ *pool, u *user, _ string) (any, error) {
		for i, pk := range u.passkeys.list {
			if b64url(pk.cred.ID) == in.CredentialId {
				u.passkeys.list = append(u.passkeys.list[:i], u.passkeys.list[i+1:]...)
				return nil, nil
			}
		}
		return nil, errf("ResourceNotFoundException", "Credential not found.")
	})
}
