package localpool

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// tokenTTL is the lifetime of ID and access tokens, Cognito's default.
const tokenTTL = time.Hour

func signer(key *rsa.PrivateKey, kid string) (jose.Signer, error) {
	return jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid))
}

// issueTokens signs in u on client c: an ID token (signed with the pool's ID-token key) and an
// access token (with its access-token key), both naming the sign-in's event_id and origin_jti,
// and a refresh token for a new sign-in. Refreshing (from is the refresh token's record) keeps the
// sign-in's auth_time, event_id and origin_jti. Callers hold s.mu.
func (s *Server) issueTokens(r *http.Request, p *pool, c *appClient, u *user, from *refreshRecord) (map[string]any, error) {
	idSig, err := signer(p.idKey, p.idKid)
	if err != nil {
		return nil, fmt.Errorf("signer: %w", err)
	}
	accSig, err := signer(p.key, p.kid)
	if err != nil {
		return nil, fmt.Errorf("signer: %w", err)
	}
	now := s.opts.Now()
	iss := s.issuer(r, p.id)
	rec := from
	if rec == nil {
		rec = &refreshRecord{poolID: p.id, clientID: c.id, username: u.username, issued: now, originJTI: s.uuid(), eventID: s.uuid()}
	}
	authTime := rec.issued
	id := map[string]any{
		"sub": u.sub, "aud": c.id, "iss": iss, "token_use": "id", "cognito:username": u.username,
		"auth_time": authTime.Unix(), "iat": now.Unix(), "exp": now.Add(tokenTTL).Unix(), "jti": s.uuid(),
		"origin_jti": rec.originJTI, "event_id": rec.eventID,
	}
	for k, v := range u.attrs {
		switch k {
		case "email_verified", "phone_number_verified":
			id[k] = v == "true"
		default:
			id[k] = v
		}
	}
	if len(u.groups) > 0 {
		id["cognito:groups"] = u.groups
	}
	access := map[string]any{
		"sub": u.sub, "iss": iss, "client_id": c.id, "token_use": "access", "scope": "aws.cognito.signin.user.admin",
		"auth_time": authTime.Unix(), "iat": now.Unix(), "exp": now.Add(tokenTTL).Unix(), "jti": s.uuid(),
		"origin_jti": rec.originJTI, "event_id": rec.eventID, "username": u.username,
	}
	if len(u.groups) > 0 {
		access["cognito:groups"] = u.groups
	}
	idTok, err := jwt.Signed(idSig).Claims(id).Serialize()
	if err != nil {
		return nil, fmt.Errorf("sign ID token: %w", err)
	}
	accTok, err := jwt.Signed(accSig).Claims(access).Serialize()
	if err != nil {
		return nil, fmt.Errorf("sign access token: %w", err)
	}
	out := map[string]any{"IdToken": idTok, "AccessToken": accTok, "ExpiresIn": int(tokenTTL.Seconds()), "TokenType": "Bearer"}
	if from == nil {
		// Cognito's refresh tokens are opaque JWEs of about 1,800 characters.
		rt := "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ." + base64.RawURLEncoding.EncodeToString(s.randomBytes(1300))
		s.refresh[rt] = rec
		out["RefreshToken"] = rt
	}
	return out, nil
}

// revoke ends a refresh token and the access tokens of its sign-in, as RevokeToken does.
// Callers hold s.mu.
func (s *Server) revoke(rec *refreshRecord) {
	rec.revoked = true
	s.revokedOrigins[rec.originJTI] = true
}

// userFromAccessToken verifies an access token and returns its pool and user. Callers hold s.mu.
func (s *Server) userFromAccessToken(raw string) (*pool, *user, error) {
	invalid := errf("NotAuthorizedException", "Invalid Access Token")
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return nil, nil, invalid
	}
	var unverified struct {
		Iss string `json:"iss"`
	}
	if err := tok.UnsafeClaimsWithoutVerification(&unverified); err != nil {
		return nil, nil, invalid
	}
	poolID := unverified.Iss[strings.LastIndex(unverified.Iss, "/")+1:]
	p, ok := s.pools[poolID]
	if !ok {
		return nil, nil, invalid
	}
	var claims struct {
		TokenUse  string `json:"token_use"`
		Username  string `json:"username"`
		OriginJTI string `json:"origin_jti"`
		Exp       int64  `json:"exp"`
		Iat       int64  `json:"iat"`
	}
	if err := tok.Claims(&p.key.PublicKey, &claims); err != nil || claims.TokenUse != "access" {
		return nil, nil, invalid
	}
	now := s.opts.Now()
	if now.Unix() >= claims.Exp {
		return nil, nil, errf("NotAuthorizedException", "Access Token has expired")
	}
	u, ok := p.users[claims.Username]
	if !ok {
		return nil, nil, errUserNotFound()
	}
	if (!u.signedOutAt.IsZero() && claims.Iat <= u.signedOutAt.Unix()) || s.revokedOrigin(claims.OriginJTI) {
		return nil, nil, errf("NotAuthorizedException", "Access Token has been revoked")
	}
	if !u.enabled {
		return nil, nil, errf("NotAuthorizedException", "User is disabled.")
	}
	return p, u, nil
}

func (s *Server) serveJWKS(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p, ok := s.pools[r.PathValue("pool")]
	var set jose.JSONWebKeySet
	if ok {
		set.Keys = []jose.JSONWebKey{
			{Key: &p.idKey.PublicKey, KeyID: p.idKid, Algorithm: "RS256", Use: "sig"},
			{Key: &p.key.PublicKey, KeyID: p.kid, Algorithm: "RS256", Use: "sig"},
		}
	}
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(set)
}

func (s *Server) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	_, ok := s.pools[r.PathValue("pool")]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	iss := s.issuer(r, r.PathValue("pool"))
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"issuer": iss, "jwks_uri": iss + "/.well-known/jwks.json",
		"id_token_signing_alg_values_supported": []string{"RS256"}, "subject_types_supported": []string{"public"},
		"response_types_supported": []string{"code", "token"},
		"authorization_endpoint":   iss + "/oauth2/authorize", "token_endpoint": iss + "/oauth2/token",
	})
}

// revokedOrigin reports whether the sign-in with this origin_jti was revoked. Callers hold s.mu.
func (s *Server) revokedOrigin(originJTI string) bool { return s.revokedOrigins[originJTI] }
