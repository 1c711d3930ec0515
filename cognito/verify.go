package cognito

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bridgekeeper/bridgekeeper/identity"
	"github.com/bridgekeeper/bridgekeeper/internal/awsjson"
)

// TokenVerifier checks Cognito ID tokens and returns what they say about the person.
type TokenVerifier interface {
	VerifyIDToken(ctx context.Context, raw string) (IDToken, error)
}

// IDToken is what a verified Cognito ID token says about the person: its sub, cognito:username
// and auth_time, and its claims without the token's bookkeeping (identity.NewClaims).
type IDToken struct {
	Subject  string
	Username string
	// AuthTime is auth_time in Unix seconds (0 when absent).
	AuthTime int64
	Claims   identity.Claims
}

// idTokenChecked are the claims VerifyIDToken checks or reads, as the payload writes them,
// taken from the one reading of the payload that also keeps the person's claims, and every
// member's name (a token that repeats one is refused). Names are matched exactly (RFC 7519 §4).
type idTokenChecked struct {
	iss, aud, exp, nbf, tokenUse, sub, username, authTime []byte
	names                                                 uniqueNames
}

// see keeps the value of a checked claim and notes every name.
func (c *idTokenChecked) see(name, value []byte) {
	c.names.add(name)
	switch string(name) {
	case "iss":
		c.iss = value
	case "aud":
		c.aud = value
	case "exp":
		c.exp = value
	case "nbf":
		c.nbf = value
	case "token_use":
		c.tokenUse = value
	case "sub":
		c.sub = value
	case "cognito:username":
		c.username = value
	case "auth_time":
		c.authTime = value
	}
}

// uniqueNames notes the member names of one JSON object and whether one came twice. A JOSE
// header's names and a JWT's claim names MUST be unique (RFC 7515 §4, RFC 7519 §4); a parser may
// refuse a token that repeats one or take the last value. The verifier refuses it: then no
// reader of the token (ours, decoding, another service's) can take a value the verifier did not
// check, and no earlier value of a repeated name goes unchecked. Cognito's tokens repeat none.
type uniqueNames struct {
	first    [32][]byte // the first names (more than a token's usual number), without allocating
	n        int        // how many of first hold names
	more     [][]byte   // the names after those
	repeated bool
}

// add notes name (a decoded name: written with escapes or not, the same name is the same).
func (u *uniqueNames) add(name []byte) {
	switch {
	case u.has(name):
		u.repeated = true
	case u.n < len(u.first):
		u.first[u.n] = name
		u.n++
	default:
		u.more = append(u.more, name)
	}
}

// has reports whether name was noted.
func (u *uniqueNames) has(name []byte) bool {
	for _, s := range u.first[:u.n] {
		if string(s) == string(name) {
			return true
		}
	}
	for _, s := range u.more {
		if string(s) == string(name) {
			return true
		}
	}
	return false
}

// idTokenClaims are the checked claims decoded: as encoding/json decodes them into strings and
// float64s (absent or null: zero; another type: an error).
type idTokenClaims struct {
	issuer, tokenUse, subject, username string
	// expiry is exp; absent or null leaves it 0, long expired.
	expiry, authTime float64
}

// decode decodes the checked claims, false when one has another type.
func (c *idTokenChecked) decode() (d idTokenClaims, ok bool) {
	ok = true
	str := func(v []byte) string {
		if v == nil {
			return ""
		}
		r := awsjson.NewReader(v)
		s := readPlainString(&r)
		ok = ok && r.Done()
		return s
	}
	num := func(v []byte) float64 {
		if v == nil || string(v) == "null" {
			return 0
		}
		f, err := strconv.ParseFloat(string(v), 64) // v is one JSON value: a number or no float
		ok = ok && err == nil
		return f
	}
	d = idTokenClaims{issuer: str(c.iss), tokenUse: str(c.tokenUse), subject: str(c.sub), username: str(c.username),
		expiry: num(c.exp), authTime: num(c.authTime)}
	return d, ok
}

// JWKSVerifier verifies Cognito ID tokens against the pool's published keys (poolKeys: cached,
// fetched again for an unknown key id). It does not read the pool's discovery document, so it
// works with emulators whose discovery names another host.
type JWKSVerifier struct {
	keys     *poolKeys
	issuer   string
	clientID string
	// Now is the clock expiry is checked against (nil: time.Now).
	Now func() time.Time
}

// nbfLeeway is how far in the future a token's nbf may be (clock skew), as go-oidc allows.
const nbfLeeway = 5 * time.Minute

// NewJWKSVerifier verifies tokens issued by cfg.IssuerURL() for cfg.ClientID, with keys from
// cfg.JWKS(), fetched through client (nil uses http.DefaultClient).
func NewJWKSVerifier(ctx context.Context, cfg Config, client *http.Client) *JWKSVerifier {
	return &JWKSVerifier{keys: newPoolKeys(ctx, cfg.JWKS(), client), issuer: cfg.IssuerURL(), clientID: cfg.ClientID}
}

// VerifyIDToken checks the RS256 signature with the pool's key the header names, then reads
// the payload once (identity.ReadClaims: the person's claims and the checked ones), refuses a
// repeated claim name (uniqueNames) and checks the issuer, the audience, the expiry (and nbf, if
// present) and token_use=id: what go-oidc's ID token verifier checks, with one parse of the token.
func (j *JWKSVerifier) VerifyIDToken(ctx context.Context, raw string) (IDToken, error) {
	if j.clientID == "" {
		return IDToken{}, errors.New("verify Cognito ID token: no app client id configured")
	}
	payload, err := j.verifySignature(ctx, raw)
	if err != nil {
		return IDToken{}, fmt.Errorf("verify Cognito ID token: %w", err)
	}
	var checked idTokenChecked
	claims, err := identity.ReadClaims(payload, checked.see)
	if err != nil {
		return IDToken{}, fmt.Errorf("read Cognito ID token claims: %w", err)
	}
	if checked.names.repeated {
		return IDToken{}, errors.New("read Cognito ID token claims: a claim name is repeated")
	}
	c, ok := checked.decode()
	if !ok {
		return IDToken{}, errors.New("read Cognito ID token claims: a checked claim has the wrong type")
	}
	if c.issuer != j.issuer {
		return IDToken{}, fmt.Errorf("verify Cognito ID token: issued by %q, want %q", c.issuer, j.issuer)
	}
	if !hasAudience(checked.aud, j.clientID) {
		return IDToken{}, fmt.Errorf("verify Cognito ID token: audience %s, want %q", checked.aud, j.clientID)
	}
	now := time.Now
	if j.Now != nil {
		now = j.Now
	}
	t := now()
	if unixTime(c.expiry).Before(t) {
		return IDToken{}, fmt.Errorf("verify Cognito ID token: expired (exp %v)", c.expiry)
	}
	if len(checked.nbf) > 0 {
		if n, err := strconv.ParseFloat(string(checked.nbf), 64); err != nil || t.Add(nbfLeeway).Before(unixTime(n)) {
			return IDToken{}, fmt.Errorf("verify Cognito ID token: not valid before %s", checked.nbf)
		}
	}
	if c.tokenUse != "id" {
		return IDToken{}, fmt.Errorf("verify Cognito ID token: token_use is %q, want id", c.tokenUse)
	}
	return IDToken{Subject: c.subject, Username: c.username, AuthTime: int64(c.authTime), Claims: claims}, nil
}

// jwsHeader is the protected header of a compact JWS, as far as it is read.
type jwsHeader struct {
	Alg, Kid string
	// Crit is the crit member as written, if present.
	Crit []byte
}

// readJWSHeader reads a protected header (a JSON object; names matched exactly, a repeated name
// refused as in the claims (uniqueNames), null is an empty alg or kid).
func readJWSHeader(b []byte) (h jwsHeader, err error) {
	r := awsjson.NewReader(b)
	if !r.Object() {
		return h, errors.New("not a JSON object")
	}
	var names uniqueNames
	for key, ok := r.Key(); ok; key, ok = r.Key() {
		names.add(key)
		switch string(key) {
		case "alg":
			h.Alg = readPlainString(&r)
		case "kid":
			h.Kid = readPlainString(&r)
		case "crit":
			h.Crit, _ = r.Raw()
		default:
			r.Skip()
		}
	}
	if !r.Done() {
		return jwsHeader{}, errors.New("not a JSON object")
	}
	if names.repeated {
		return jwsHeader{}, errors.New("a header parameter name is repeated")
	}
	return h, nil
}

// errMalformed is the error for anything that is not a compact JWS.
var errMalformed = errors.New("malformed token")

// parseRS256 splits a compact JWS (RFC 7515 §7.1) and reads its protected header: refused
// unless it names RS256, the one algorithm Cognito signs with, and no critical extension.
func parseRS256(raw string) (h jwsHeader, signed, payload, sig string, err error) {
	head, rest, ok := strings.Cut(raw, ".")
	payload, sig, ok2 := strings.Cut(rest, ".")
	if !ok || !ok2 || strings.Contains(sig, ".") {
		return h, "", "", "", errMalformed
	}
	dec, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return h, "", "", "", fmt.Errorf("malformed token header: %w", err)
	}
	if h, err = readJWSHeader(dec); err != nil {
		return h, "", "", "", fmt.Errorf("malformed token header: %w", err)
	}
	if h.Alg != "RS256" {
		return h, "", "", "", fmt.Errorf("signed with %q, want RS256", h.Alg)
	}
	if len(h.Crit) > 0 {
		return h, "", "", "", errors.New("the token header names critical extensions")
	}
	return h, raw[:len(head)+1+len(payload)], payload, sig, nil
}

// verifySignature checks raw's RS256 signature (RSASSA-PKCS1-v1_5, SHA-256) with the pool's key
// its header names and returns the decoded payload.
func (j *JWKSVerifier) verifySignature(ctx context.Context, raw string) ([]byte, error) {
	h, signed, payload, sig, err := parseRS256(raw)
	if err != nil {
		return nil, err
	}
	// The signature and the payload decoded into one buffer.
	enc := base64.RawURLEncoding
	buf := make([]byte, enc.DecodedLen(len(sig))+enc.DecodedLen(len(payload)))
	n, err := enc.Decode(buf, []byte(sig))
	if err != nil {
		return nil, fmt.Errorf("malformed token signature: %w", err)
	}
	s, rest := buf[:n:n], buf[n:]
	digest := sha256.Sum256([]byte(signed))
	verifies := func(keys []*rsa.PublicKey) bool {
		for _, pub := range keys {
			if rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], s) == nil {
				return true
			}
		}
		return false
	}
	var one [1]*rsa.PublicKey
	keys := j.keys.cached(one[:0], h.Kid)
	if !verifies(keys) {
		if len(keys) > 0 && h.Kid != "" {
			return nil, errors.New("the signature does not verify")
		}
		// A key the pool has published since the keys were read (or the first token): read
		// them again (RFC 7517's rotation, OpenID Connect Core §10.1.1).
		if err := j.keys.refresh(ctx); err != nil {
			return nil, fmt.Errorf("fetch the pool's keys: %w", err)
		}
		if !verifies(j.keys.cached(one[:0], h.Kid)) {
			return nil, fmt.Errorf("no key of the pool's verifies the signature (key id %q)", h.Kid)
		}
	}
	n, err = enc.Decode(rest, []byte(payload))
	if err != nil {
		return nil, fmt.Errorf("malformed token payload: %w", err)
	}
	return rest[:n], nil
}

// hasAudience reports whether aud (a JSON string, or an array naming it among its values)
// names clientID.
func hasAudience(aud []byte, clientID string) bool {
	r := awsjson.NewReader(aud)
	if len(aud) > 0 && aud[0] == '"' {
		s, ok := r.String()
		return ok && r.Done() && s == clientID
	}
	if !r.Array() {
		return false
	}
	found := false
	for r.Elem() {
		if v, ok := r.Raw(); ok && v[0] == '"' {
			s := awsjson.NewReader(v)
			name, _ := s.String()
			found = found || name == clientID
		}
	}
	return found && r.Done()
}

// unixTime is a NumericDate (seconds, possibly fractional) as a time.
func unixTime(sec float64) time.Time {
	whole := int64(sec)
	return time.Unix(whole, int64((sec-float64(whole))*float64(time.Second)))
}
