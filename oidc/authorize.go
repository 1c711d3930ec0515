package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bridgekeeper/bridgekeeper/identity"
)

// Limits on authorization request parameters, so a parked AuthRequest stays
// small (it rides in a cookie).
const (
	maxStateLength     = 512
	maxNonceLength     = 128
	maxLoginHintLength = 128 // Cognito usernames are at most 128 characters
	maxUILocalesLength = 64  // the whole space-separated list
	maxClaimsParam     = 4096
	maxRequestedClaims = 8 // per target (userinfo, id_token)
)

// MaxParkedRequest bounds an AuthRequest's JSON, as the web layer parks it in a cookie: each
// field has its own limit, but characters JSON escapes (<, >, &, control characters, invalid
// UTF-8) grow sixfold, so the whole is bounded too. A larger request gets invalid_request.
// Sealed and base64-encoded, this many bytes stay well below the browsers' 4 KiB per cookie.
const MaxParkedRequest = 2560

// AuthRequest is a validated authorization request. It is a small,
// JSON-friendly value: the web layer parks it (in its flow cookie) while the
// person signs in, then hands it back to Provider.Login.
type AuthRequest struct {
	ClientID    string `json:"c"`
	RedirectURI string `json:"r"`
	// Scopes are the granted scopes: requested, supported and allowed for the client.
	Scopes []string `json:"s"`
	State  string   `json:"st,omitempty"`
	Nonce  string   `json:"n,omitempty"`
	// CodeChallenge is the PKCE S256 challenge (the only method accepted).
	CodeChallenge string `json:"cc,omitempty"`
	// Prompt holds the prompt values understood (login, consent, select_account).
	Prompt []string `json:"p,omitempty"`
	// MaxAge is max_age in seconds, when given.
	MaxAge *int64 `json:"ma,omitempty"`
	// LoginHint pre-fills the username field.
	LoginHint string `json:"lh,omitempty"`
	// UILocales are the requested page languages, most preferred first.
	UILocales []string `json:"ul,omitempty"`
	// HintSubject is the subject of a valid id_token_hint.
	HintSubject string `json:"hs,omitempty"`
	// UserinfoClaims and IDTokenClaims are claims asked for individually with
	// the claims request parameter.
	UserinfoClaims []string `json:"uc,omitempty"`
	IDTokenClaims  []string `json:"ic,omitempty"`
	// RequestedAt is when the request arrived (Unix seconds).
	RequestedAt int64 `json:"t"`
}

// ForceLogin reports whether the client demanded a fresh sign-in (prompt=login,
// prompt=select_account or max_age), so the sign-in pages must not take any
// shortcut for an already signed-in person.
func (a *AuthRequest) ForceLogin() bool {
	return slices.Contains(a.Prompt, "login") || slices.Contains(a.Prompt, "select_account") || a.MaxAge != nil
}

// Authorize serves the authorization endpoint (GET or form POST). It shows
// an error page for an unknown client or unregistered redirect URI, sends
// every other error to the client, issues a code at once when the browser's
// SSO session suffices, and otherwise calls StartLogin.
func (p *Provider) Authorize(w http.ResponseWriter, r *http.Request) {
	params, ok := p.browserParams(w, r, &ErrorPage{Status: http.StatusBadRequest, Title: MsgSignInRequestTitle, Message: MsgSignInUnreadable})
	if !ok {
		return
	}
	ctx := r.Context()
	req, c, err := p.parseAuthRequest(params)
	var pe *ErrorPage
	if errors.As(err, &pe) {
		p.log.InfoContext(ctx, "authorize request shown as error", "client_id", truncate(params.Get("client_id"), 64), "reason", pe.Message)
		p.renderError(w, r, pe)
		return
	}
	var oe *oauthError
	if errors.As(err, &oe) {
		p.log.InfoContext(ctx, "authorize request refused", "client_id", c.ID, "error", oe.code, "reason", oe.desc)
		p.redirectError(w, r, req, oe)
		return
	}

	sess, err := p.currentSession(r)
	if err != nil {
		p.log.ErrorContext(ctx, "read SSO session", "err", err)
		p.redirectError(w, r, req, p.unavailableError(err))
		return
	}
	if reason := p.needsLogin(req, sess); reason != "" {
		if slices.Contains(strings.Fields(params.Get("prompt")), "none") {
			p.log.InfoContext(ctx, "prompt=none needs a sign-in", "client_id", c.ID, "reason", reason)
			p.redirectError(w, r, req, newError(errLoginRequired, descLoginRequired))
			return
		}
		if p.log.Enabled(ctx, slog.LevelDebug) { // its attributes would be made even when dropped
			p.log.DebugContext(ctx, "authorize starts sign-in", "client_id", c.ID, "reason", reason)
		}
		p.cfg.StartLogin(w, r, req)
		return
	}
	p.completeAuthorization(w, r, req, c, sess, http.StatusFound)
}

// needsLogin says why the request cannot be answered from the SSO session,
// or "" when it can.
func (p *Provider) needsLogin(req *AuthRequest, sess *sessionState) string {
	switch {
	case sess == nil:
		return "no session"
	case slices.Contains(req.Prompt, "login"), slices.Contains(req.Prompt, "select_account"):
		return "prompt"
	case req.HintSubject != "" && req.HintSubject != sess.rec.Subject:
		return "id_token_hint names another person"
	case req.MaxAge != nil && p.now().Unix()-sess.rec.AuthTime >= *req.MaxAge:
		return "max_age"
	}
	return ""
}

// completeAuthorization issues a code for the session and redirects to the client.
func (p *Provider) completeAuthorization(w http.ResponseWriter, r *http.Request, req *AuthRequest, c *client, sess *sessionState, status int) {
	if p.codeIssueLimited(w, r, req, sess) {
		return
	}
	code, err := p.issueCode(r.Context(), req, sess)
	if err != nil {
		p.log.ErrorContext(r.Context(), "issue authorization code", "client_id", c.ID, "err", err)
		p.redirectError(w, r, req, p.unavailableError(err))
		return
	}
	p.log.DebugContext(r.Context(), "authorization code issued", "client_id", c.ID, "sub", sess.rec.Subject)
	v := url.Values{"code": {code}}
	if req.State != "" {
		v.Set("state", req.State)
	}
	v.Set("iss", p.issuer)
	p.redirect(w, r, appendQuery(req.RedirectURI, v), c.ID, status)
}

// redirectError sends an authorization error to the client's redirect URI.
func (p *Provider) redirectError(w http.ResponseWriter, r *http.Request, req *AuthRequest, e *oauthError) {
	v := url.Values{"error": {e.code}}
	if e.desc != "" {
		v.Set("error_description", string(e.desc))
	}
	if req.State != "" {
		v.Set("state", req.State)
	}
	v.Set("iss", p.issuer)
	p.redirect(w, r, appendQuery(req.RedirectURI, v), req.ClientID, http.StatusFound)
}

// Cancel sends access_denied to the client of a parked request (the person
// cancelled the sign-in). It re-checks the request's client and redirect URI.
func (p *Provider) Cancel(w http.ResponseWriter, r *http.Request, req *AuthRequest) error {
	if _, err := p.checkParked(req); err != nil {
		return err
	}
	p.redirectError(w, r, req, newError(errAccessDenied, descCancelled))
	return nil
}

// appendQuery adds v to the query of raw, keeping raw's own query as it is.
func appendQuery(raw string, v url.Values) string {
	sep := "?"
	if i := strings.IndexByte(raw, '?'); i >= 0 {
		sep = "&"
		if i == len(raw)-1 || strings.HasSuffix(raw, "&") {
			sep = ""
		}
	}
	return raw + sep + v.Encode()
}

// parseAuthRequest validates authorization request parameters. It returns a
// *ErrorPage when the request cannot be answered on a redirect URI, and an
// *oauthError (with req filled enough to redirect) otherwise.
func (p *Provider) parseAuthRequest(params url.Values) (*AuthRequest, *client, error) {
	page := func(title, msg MessageID) (*AuthRequest, *client, error) {
		return nil, nil, &ErrorPage{Status: http.StatusBadRequest, Title: title, Message: msg, UILocales: uiLocales(params)}
	}
	if len(params["client_id"]) > 1 || len(params["redirect_uri"]) > 1 {
		return page(MsgSignInRequestTitle, MsgSignInUnreadable)
	}
	clientID := params.Get("client_id")
	if clientID == "" {
		return page(MsgSignInRequestTitle, MsgNoClientID)
	}
	c := p.clients[clientID]
	if c == nil {
		return page(MsgUnknownAppTitle, MsgUnknownSignInApp)
	}
	redirectURI := params.Get("redirect_uri")
	if redirectURI == "" {
		return page(MsgSignInRequestTitle, MsgNoRedirectURI)
	}
	if !c.redirectURIAllowed(redirectURI) {
		return page(MsgSignInRequestTitle, MsgUnregisteredReturn)
	}
	req := &AuthRequest{ClientID: c.ID, RedirectURI: redirectURI, State: params.Get("state"), RequestedAt: p.now().Unix()}
	fail := func(code string, desc description) (*AuthRequest, *client, error) {
		return req, c, newError(code, desc)
	}
	if duplicated(params) {
		return fail(errInvalidRequest, descParamRepeated)
	}
	if params.Has("request") {
		return fail(errRequestNotSupported, descRequestObject)
	}
	if params.Has("request_uri") {
		return fail(errRequestURINotSupported, descRequestURI)
	}
	switch rt := params.Get("response_type"); {
	case rt == "":
		return fail(errInvalidRequest, descNoResponseType)
	case rt != "code":
		return fail(errUnsupportedResponseType, descResponseType)
	}
	if rm := params.Get("response_mode"); rm != "" && rm != "query" {
		return fail(errInvalidRequest, descResponseMode)
	}
	if len(req.State) > maxStateLength {
		return fail(errInvalidRequest, descStateTooLong)
	}

	requested := strings.Fields(params.Get("scope"))
	if !slices.Contains(requested, scopeOpenID) {
		return fail(errInvalidScope, descOpenIDScope)
	}
	supported := supportedScopes(p.cfg.ClaimMappings)
	for _, s := range requested {
		if slices.Contains(supported, s) && c.allowsScope(s) && !slices.Contains(req.Scopes, s) {
			req.Scopes = append(req.Scopes, s)
		}
	}

	req.Nonce = params.Get("nonce")
	if len(req.Nonce) > maxNonceLength {
		return fail(errInvalidRequest, descNonceTooLong)
	}

	challenge, method := params.Get("code_challenge"), params.Get("code_challenge_method")
	switch {
	case challenge == "" && method != "":
		return fail(errInvalidRequest, descMethodWithoutChallenge)
	case challenge == "" && c.Public:
		return fail(errInvalidRequest, descPKCERequired)
	case challenge != "" && method != "S256":
		return fail(errInvalidRequest, descChallengeMethod)
	case challenge != "" && !validChallenge(challenge):
		return fail(errInvalidRequest, descChallengeMalformed)
	}
	req.CodeChallenge = challenge

	prompts := strings.Fields(params.Get("prompt"))
	if slices.Contains(prompts, "none") && len(prompts) > 1 {
		return fail(errInvalidRequest, descPromptNone)
	}
	for _, pv := range prompts {
		if (pv == "login" || pv == "consent" || pv == "select_account") && !slices.Contains(req.Prompt, pv) {
			req.Prompt = append(req.Prompt, pv)
		}
	}

	if ma := params.Get("max_age"); ma != "" {
		n, err := strconv.ParseInt(ma, 10, 64)
		if err != nil || n < 0 {
			return fail(errInvalidRequest, descMaxAge)
		}
		req.MaxAge = &n
	}

	if hint := params.Get("id_token_hint"); hint != "" {
		claims, err := p.verifyIDTokenHint(hint)
		if err != nil {
			return fail(errInvalidRequest, descIDTokenHint)
		}
		req.HintSubject = claims.Subject
	}

	req.LoginHint = params.Get("login_hint")
	if len(req.LoginHint) > maxLoginHintLength {
		req.LoginHint = ""
	}
	req.UILocales = uiLocales(params)

	if raw := params.Get("claims"); raw != "" {
		ui, id, err := p.parseClaimsParam(raw, c)
		if err != nil {
			return fail(errInvalidRequest, descClaims)
		}
		req.UserinfoClaims, req.IDTokenClaims = ui, id
	}
	if p.parkedSize(req) > MaxParkedRequest {
		return fail(errInvalidRequest, descRequestTooLarge)
	}
	return req, c, nil
}

// parkedSize is the length of req's JSON, as the web layer parks it (AppendJSON).
func (p *Provider) parkedSize(req *AuthRequest) int {
	sc := p.bufs.get()
	defer p.bufs.put(sc)
	sc.raw = req.AppendJSON(sc.raw[:0])
	return len(sc.raw)
}

// uiLocales reads a request's ui_locales (most preferred first), as many as fit in
// maxUILocalesLength.
func uiLocales(params url.Values) []string {
	var out []string
	n := 0
	for _, l := range strings.Fields(params.Get("ui_locales")) {
		if n += len(l) + 1; n > maxUILocalesLength+1 {
			break
		}
		out = append(out, l)
	}
	return out
}

// validChallenge checks an S256 code challenge: 43 base64url characters.
func validChallenge(s string) bool {
	if len(s) != 43 {
		return false
	}
	for _, ch := range s {
		if !isUnreserved(ch) || ch == '.' || ch == '~' {
			return false
		}
	}
	return true
}

// validVerifier checks a PKCE code verifier: 43–128 unreserved characters.
func validVerifier(s string) bool {
	if len(s) < 43 || len(s) > 128 {
		return false
	}
	for _, ch := range s {
		if !isUnreserved(ch) {
			return false
		}
	}
	return true
}

// isUnreserved reports RFC 3986 unreserved characters.
func isUnreserved(ch rune) bool {
	return ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' ||
		ch == '-' || ch == '.' || ch == '_' || ch == '~'
}

// parseClaimsParam reads the claims request parameter (OpenID Connect Core
// §5.5) into the lists of claim names requested for userinfo and the ID
// token, keeping only claims the client may receive.
func (p *Provider) parseClaimsParam(raw string, c *client) (userinfo, idToken []string, err error) {
	if len(raw) > maxClaimsParam {
		return nil, nil, errors.New("claims parameter too long")
	}
	var req struct {
		Userinfo map[string]json.RawMessage `json:"userinfo"`
		IDToken  map[string]json.RawMessage `json:"id_token"`
	}
	if err := json.Unmarshal([]byte(raw), &req); err != nil {
		return nil, nil, err
	}
	pick := func(m map[string]json.RawMessage) []string {
		var out []string
		for name := range m {
			if scope, ok := p.claimScope(name); ok && c.allowsScope(scope) {
				out = append(out, name)
			}
		}
		slices.Sort(out)
		return out[:min(len(out), maxRequestedClaims)]
	}
	return pick(req.Userinfo), pick(req.IDToken), nil
}

// checkParked re-validates a parked request's client and redirect URI (the
// configuration may have changed while the person signed in).
func (p *Provider) checkParked(req *AuthRequest) (*client, error) {
	if req == nil {
		return nil, errors.New("oidc: no authorization request")
	}
	c := p.clients[req.ClientID]
	if c == nil || !c.redirectURIAllowed(req.RedirectURI) {
		return nil, errors.New("oidc: the parked authorization request's client or redirect URI is no longer registered")
	}
	if age := p.now().Sub(time.Unix(req.RequestedAt, 0)); age > maxParkedAge || age < -time.Minute {
		return nil, errors.New("oidc: the parked authorization request is too old")
	}
	return c, nil
}

// codeRecord is an authorization code in the store. After redemption the
// record is replaced by a marker (Redeemed, GrantID) so a replay can revoke
// what the code issued.
type codeRecord struct {
	codeMarker
	RedirectURI string   `json:"ru,omitempty"`
	Scopes      []string `json:"sc,omitempty"`
	Nonce       string   `json:"n,omitempty"`
	Challenge   string   `json:"cc,omitempty"`
	ClaimsUI    []string `json:"cu,omitempty"`
	ClaimsID    []string `json:"ci,omitempty"`
	SessionID   string   `json:"sid,omitempty"`
	identity.Identity
	Upstream bool  `json:"up,omitempty"`
	Expires  int64 `json:"exp"`
}

// codeMarker is the part of a code record a redemption reads back from the swap that consumes
// it: the client, and whether another redemption came first and what it issued (so the
// person's identity in the record is not decoded a second time).
type codeMarker struct {
	ClientID string `json:"cid"`
	Redeemed bool   `json:"rd,omitempty"`
	GrantID  string `json:"gid,omitempty"`
}

// maxParkedAge bounds how long a parked authorization request may wait for
// the person to sign in.
const maxParkedAge = time.Hour

// codeReplayFactor is how many code lifetimes (Config.CodeTTL) a redeemed
// code's marker is kept, so a replay within them revokes the tokens the code
// issued: ten minutes with the default 60-second codes. A replay after the
// code itself would have expired is refused either way.
const codeReplayFactor = 10

// codeReplayWindow is how long a redeemed code's marker is kept.
func (p *Provider) codeReplayWindow() time.Duration { return codeReplayFactor * p.cfg.CodeTTL }

// issueCode stores a new single-use code for req and the session.
func (p *Provider) issueCode(ctx context.Context, req *AuthRequest, sess *sessionState) (string, error) {
	code, err := p.randomToken(32)
	if err != nil {
		return "", err
	}
	rec := codeRecord{
		codeMarker:  codeMarker{ClientID: req.ClientID},
		RedirectURI: req.RedirectURI,
		Scopes:      req.Scopes,
		Nonce:       req.Nonce,
		Challenge:   req.CodeChallenge,
		ClaimsUI:    req.UserinfoClaims,
		ClaimsID:    req.IDTokenClaims,
		SessionID:   sess.id,
		Identity:    sess.rec.Identity,
		Upstream:    sess.rec.Upstream,
		Expires:     p.now().Add(p.cfg.CodeTTL).Unix(),
	}
	if err := p.setJSON(ctx, keyCode+hashSecret(code), rec, p.cfg.CodeTTL); err != nil {
		return "", err
	}
	return code, nil
}

// truncate shortens s for logging.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
