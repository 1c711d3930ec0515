package oidc

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/identity"
	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
	"github.com/bridgekeeper/bridgekeeper/store"
	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/oauth2"
)

// testKeys are generated once per test binary: RSA key generation is slow.
var testKeys = sync.OnceValue(func() []SigningKey {
	var keys []SigningKey
	for _, alg := range []string{RS256, ES256, EdDSA} {
		k, err := GenerateKey(alg)
		if err != nil {
			panic(err)
		}
		keys = append(keys, k)
	}
	return keys
})

// app2Hash is a bcrypt hash of app2's secret (minimum cost: tests only).
var app2Hash = sync.OnceValue(func() string {
	h, err := bcrypt.GenerateFromPassword([]byte("app2-secret"), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
})

// fakeUpstream stands in for Cognito behind the Upstream interface.
type fakeUpstream struct {
	mu        sync.Mutex
	denied    map[string]bool            // upstream refresh tokens that no longer work
	claims    map[string]identity.Claims // subject → current claims
	rotate    bool                       // issue a new upstream refresh token on each refresh
	revoked   []string
	refreshed []string // tokens used, in order
	failWith  error    // a transient failure to return
	n         int
}

func (u *fakeUpstream) Refresh(_ context.Context, subject, _ string, token string) (UpstreamRefresh, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.refreshed = append(u.refreshed, token)
	if u.failWith != nil {
		return UpstreamRefresh{}, u.failWith
	}
	if u.denied[token] || slices.Contains(u.revoked, token) {
		return UpstreamRefresh{}, fmt.Errorf("NotAuthorizedException: %w", ErrUpstreamDenied)
	}
	res := UpstreamRefresh{Claims: u.claims[subject]}
	if u.rotate {
		u.n++
		res.RefreshToken = fmt.Sprintf("%s-rotated-%d", token, u.n)
	}
	return res, nil
}

func (u *fakeUpstream) Revoke(_ context.Context, token string) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.revoked = append(u.revoked, token)
	return nil
}

func (u *fakeUpstream) revokedTokens() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return slices.Clone(u.revoked)
}

// Registered test clients.
const (
	appRedirect     = "https://app.example/callback"
	appLogout       = "https://app.example/logged-out"
	app2Redirect    = "https://app2.example/cb"
	spaRedirect     = "https://spa.example/cb"
	nativeRedirect  = "http://127.0.0.1/callback"
	opHostSignInURL = "/signin"
)

// testClients returns the clients every test environment registers.
func testClients() []Client {
	return []Client{
		{ID: "app", Name: "The App", Secret: "app-secret", RedirectURIs: []string{appRedirect, "https://app.example/other"},
			PostLogoutRedirectURIs: []string{appLogout}},
		{ID: "app2", SecretHash: app2Hash(), RedirectURIs: []string{app2Redirect}},
		{ID: "spa", Public: true, RedirectURIs: []string{spaRedirect, nativeRedirect, "http://[::1]/callback"},
			PostLogoutRedirectURIs: []string{"https://spa.example/bye"}},
		{ID: "es", Secret: "es-secret", SigningAlg: ES256, RedirectURIs: []string{"https://es.example/cb"}},
		{ID: "ed", Secret: "ed-secret", SigningAlg: EdDSA, RedirectURIs: []string{"https://ed.example/cb"}},
		{ID: "limited", Secret: "limited-secret", Scopes: []string{"openid", "email"}, RedirectURIs: []string{"https://limited.example/cb"},
			AccessTokenTTL: 5 * time.Minute},
		{ID: "opaque", Secret: "opaque-secret", AccessTokenFormat: AccessTokenOpaque, RedirectURIs: []string{"https://opaque.example/cb"}},
		{ID: "opaque-es", Secret: "opaque-es-secret", SigningAlg: ES256, AccessTokenFormat: AccessTokenOpaque,
			RedirectURIs: []string{"https://opaque-es.example/cb"}},
	}
}

// secrets of the test clients.
var testSecrets = map[string]string{"app": "app-secret", "app2": "app2-secret", "es": "es-secret", "ed": "ed-secret", "limited": "limited-secret",
	"opaque": "opaque-secret", "opaque-es": "opaque-es-secret"}

// decodeB64 decodes unpadded base64url.
func decodeB64(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }

// redirectOf returns a client's first redirect URI.
func redirectOf(id string) string {
	for _, c := range testClients() {
		if c.ID == id {
			return c.RedirectURIs[0]
		}
	}
	panic("unknown client " + id)
}

// testUsers are the people who can sign in on the test sign-in page.
func testUsers() map[string]identity.Identity {
	return map[string]identity.Identity{
		"alice": {
			Subject: "sub-alice", Username: "alice",
			Claims: mustClaims(map[string]any{
				"sub": "sub-alice", "cognito:username": "alice", "iss": "https://cognito-idp.example/pool",
				"email": "alice@example.com", "email_verified": "true", "name": "Alice Liddell",
				"given_name": "Alice", "family_name": "Liddell", "phone_number": "+15550100",
				"phone_number_verified": false, "address": "1 Rabbit Hole, Wonderland",
				"updated_at": "1700000000", "cognito:groups": []any{"admins", "readers"},
				"custom:department": "engineering", "custom:level": "7",
			}),
			AMR: []string{"pwd"},
		},
		"bob": {
			Subject: "sub-bob", Username: "bob",
			Claims: mustClaims(map[string]any{"email": "bob@example.com", "email_verified": true}),
			AMR:    []string{"pwd", "otp"},
		},
	}
}

// mustClaims encodes test claims as a verified ID token's claims are kept.
func mustClaims(m map[string]any) identity.Claims {
	c, err := identity.ClaimsFromMap(m)
	if err != nil {
		panic(err)
	}
	return c
}

// upstreamToken is the pool refresh token a test user signs in with.
func upstreamToken(id identity.Identity) string { return "up-" + id.Username }

// testEnv is a provider behind a real HTTP server, a test sign-in page
// standing in for the web layer, and a browser with a cookie jar.
type testEnv struct {
	t       *testing.T
	srv     *httptest.Server
	p       *Provider
	cfg     Config
	clock   *testutil.Clock
	store   *store.Memory
	up      *fakeUpstream
	browser *http.Client

	serving *atomic.Pointer[Provider] // what the server runs; e.p is the test's view
	logins  *loginLog
	users   map[string]identity.Identity // who can sign in: testUsers, and any a test adds
}

// loginLog records the requests StartLogin parked.
type loginLog struct {
	mu   sync.Mutex
	reqs []*AuthRequest
}

// newBrowser returns a view of the environment with a browser of its own
// (empty cookie jar).
func (e *testEnv) newBrowser() *testEnv {
	e.t.Helper()
	other := *e
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	other.browser = &http.Client{Jar: jar, CheckRedirect: e.browser.CheckRedirect}
	return &other
}

// loginCount is how many sign-ins StartLogin started.
func (e *testEnv) loginCount() int {
	e.logins.mu.Lock()
	defer e.logins.mu.Unlock()
	return len(e.logins.reqs)
}

// setProvider replaces the provider the server runs (a restart with a new
// configuration over the same store).
func (e *testEnv) setProvider(p *Provider) {
	e.p = p
	e.serving.Store(p)
}

// newEnv starts a test environment; opts adjust the configuration.
func newEnv(t *testing.T, opts ...func(*Config)) *testEnv {
	t.Helper()
	e := &testEnv{t: t, clock: testutil.NewClock(time.Now().Truncate(time.Second)), serving: &atomic.Pointer[Provider]{}, logins: &loginLog{}, users: testUsers()}
	e.store = store.NewMemory(store.MemoryOptions{Now: e.clock.Now})
	e.up = &fakeUpstream{denied: map[string]bool{}, claims: map[string]identity.Claims{
		"sub-alice": testUsers()["alice"].Claims,
		"sub-bob":   testUsers()["bob"].Claims,
	}}
	mux := http.NewServeMux()
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)

	e.cfg = Config{
		Issuer:         e.srv.URL,
		Clients:        testClients(),
		Keys:           testKeys(),
		ClaimMappings:  []ClaimMapping{{Attribute: "custom:department", Claim: "department"}, {Attribute: "custom:level", Claim: "level", Type: "number"}},
		UILocales:      []string{"en", "fr"},
		CookieKeys:     [][]byte{[]byte("0123456789abcdef0123456789abcdef")},
		InsecureCookie: true,
		Store:          e.store,
		NotFound:       store.ErrNotFound,
		Upstream:       e.up,
		StartLogin:     e.startLogin,
		Now:            e.clock.Now,
	}
	for _, o := range opts {
		o(&e.cfg)
	}
	p, err := New(e.cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	e.setProvider(p)
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.serving.Load().Handler().ServeHTTP(w, r)
	}))
	mux.HandleFunc(opHostSignInURL, e.signInPage)

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	opHost := strings.TrimPrefix(e.srv.URL, "http://")
	e.browser = &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if req.URL.Host != opHost {
			return http.ErrUseLastResponse // a redirect to an app: stop and look at it
		}
		return nil
	}}
	return e
}

// startLogin is the test web layer's StartLogin: park the request in a
// cookie and go to the sign-in page.
func (e *testEnv) startLogin(w http.ResponseWriter, r *http.Request, req *AuthRequest) {
	e.logins.mu.Lock()
	e.logins.reqs = append(e.logins.reqs, req)
	e.logins.mu.Unlock()
	raw, err := json.Marshal(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: "flow", Value: base64.RawURLEncoding.EncodeToString(raw), Path: "/"})
	http.Redirect(w, r, opHostSignInURL, http.StatusFound)
}

// lastStartLogin returns the request most recently parked.
func (e *testEnv) lastStartLogin() *AuthRequest {
	e.logins.mu.Lock()
	defer e.logins.mu.Unlock()
	if len(e.logins.reqs) == 0 {
		return nil
	}
	return e.logins.reqs[len(e.logins.reqs)-1]
}

// signInPage is the test web layer's sign-in page: GET shows it, POST signs
// the named user in and calls Provider.Login.
func (e *testEnv) signInPage(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		_, _ = io.WriteString(w, "sign-in page")
		return
	}
	id, ok := e.users[r.FormValue("user")]
	if !ok {
		http.Error(w, "no such user", http.StatusBadRequest)
		return
	}
	id.AuthTime = e.clock.Now().Unix()
	if amr := r.FormValue("amr"); amr != "" {
		id.AMR = strings.Fields(amr)
	}
	var req *AuthRequest
	if ck, err := r.Cookie("flow"); err == nil {
		raw, _ := base64.RawURLEncoding.DecodeString(ck.Value)
		req = &AuthRequest{}
		if err := json.Unmarshal(raw, req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "flow", Path: "/", MaxAge: -1})
	}
	if err := e.serving.Load().Login(w, r, req, id, upstreamToken(id)); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if req == nil {
		_, _ = io.WriteString(w, "account page")
	}
}

// result is where a browser navigation ended.
type result struct {
	status   int
	url      *url.URL // the last URL fetched
	location *url.URL // where a redirect to an app pointed, if it stopped at one
	body     string
	header   http.Header
}

// atSignIn reports whether the navigation ended on the sign-in page.
func (r result) atSignIn() bool { return r.status == 200 && r.url.Path == opHostSignInURL }

// do runs a browser request and records where it ended.
func (e *testEnv) do(req *http.Request) result {
	e.t.Helper()
	resp, err := e.browser.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	res := result{status: resp.StatusCode, url: resp.Request.URL, body: string(body), header: resp.Header}
	if loc := resp.Header.Get("Location"); loc != "" && resp.StatusCode >= 300 && resp.StatusCode < 400 {
		res.location, err = url.Parse(loc)
		if err != nil {
			e.t.Fatalf("bad Location %q: %v", loc, err)
		}
	}
	return res
}

// get navigates the browser to an OP path or URL.
func (e *testEnv) get(target string) result {
	e.t.Helper()
	if strings.HasPrefix(target, "/") {
		target = e.srv.URL + target
	}
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.do(req)
}

// postForm submits a form to an OP path, as the browser.
func (e *testEnv) postForm(path string, form url.Values) result {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return e.do(req)
}

// authorize sends the browser to the authorization endpoint.
func (e *testEnv) authorize(params url.Values) result {
	e.t.Helper()
	return e.get(PathAuthorize + "?" + params.Encode())
}

// signIn submits the test sign-in page as user.
func (e *testEnv) signIn(user string) result {
	e.t.Helper()
	return e.postForm(opHostSignInURL, url.Values{"user": {user}})
}

// authParams builds a typical authorization request for a client.
func authParams(clientID string, extra ...string) url.Values {
	v := url.Values{
		"client_id":     {clientID},
		"redirect_uri":  {redirectOf(clientID)},
		"response_type": {"code"},
		"scope":         {"openid"},
		"state":         {"state-" + clientID},
		"nonce":         {"nonce-" + clientID},
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

// codeFrom checks that res is a successful redirect to redirectURI with the
// expected state and returns the code.
func (e *testEnv) codeFrom(res result, redirectURI, state string) string {
	e.t.Helper()
	if res.location == nil {
		e.t.Fatalf("no redirect to the app: status %d at %s: %s", res.status, res.url, res.body)
	}
	base := *res.location
	base.RawQuery = ""
	if base.String() != redirectURI {
		e.t.Fatalf("redirected to %s, want %s", base.String(), redirectURI)
	}
	q := res.location.Query()
	if q.Get("error") != "" {
		e.t.Fatalf("authorization error %s: %s", q.Get("error"), q.Get("error_description"))
	}
	if q.Get("state") != state {
		e.t.Fatalf("state = %q, want %q", q.Get("state"), state)
	}
	if q.Get("iss") != e.p.Issuer() {
		e.t.Fatalf("iss = %q, want %q", q.Get("iss"), e.p.Issuer())
	}
	if q.Get("code") == "" {
		e.t.Fatal("no code in the redirect")
	}
	return q.Get("code")
}

// login runs an authorization request to the point of a code, signing in as
// user when the provider asks for it.
func (e *testEnv) login(params url.Values, user string) string {
	e.t.Helper()
	res := e.authorize(params)
	if res.atSignIn() {
		res = e.signIn(user)
	}
	return e.codeFrom(res, params.Get("redirect_uri"), params.Get("state"))
}

// rp is a relying party using the real go-oidc and x/oauth2 libraries.
type rp struct {
	e        *testEnv
	conf     *oauth2.Config
	verifier *gooidc.IDTokenVerifier
	provider *gooidc.Provider
}

// newRP discovers the provider and sets up a client.
func (e *testEnv) newRP(clientID string, scopes ...string) *rp {
	e.t.Helper()
	ctx := context.Background()
	provider, err := gooidc.NewProvider(ctx, e.p.Issuer())
	if err != nil {
		e.t.Fatalf("discovery: %v", err)
	}
	alg := RS256
	for _, c := range testClients() {
		if c.ID == clientID && c.SigningAlg != "" {
			alg = c.SigningAlg
		}
	}
	if len(scopes) == 0 {
		scopes = []string{gooidc.ScopeOpenID}
	}
	endpoint := provider.Endpoint()
	if testSecrets[clientID] == "" {
		endpoint.AuthStyle = oauth2.AuthStyleInParams
	} else {
		endpoint.AuthStyle = oauth2.AuthStyleInHeader
	}
	return &rp{
		e:        e,
		provider: provider,
		conf: &oauth2.Config{
			ClientID: clientID, ClientSecret: testSecrets[clientID], Endpoint: endpoint,
			RedirectURL: redirectOf(clientID), Scopes: scopes,
		},
		verifier: provider.Verifier(&gooidc.Config{ClientID: clientID, SupportedSigningAlgs: []string{alg}, Now: e.clock.Now}),
	}
}

// tokens is what an RP ends up with after a code exchange.
type tokens struct {
	oauth   *oauth2.Token
	idToken *gooidc.IDToken
	raw     string
	claims  map[string]any
}

// authURL builds the RP's authorization URL as a path with query.
func (c *rp) authParams(state, nonce string, opts ...oauth2.AuthCodeOption) url.Values {
	if nonce != "" {
		opts = append(opts, gooidc.Nonce(nonce))
	}
	u, err := url.Parse(c.conf.AuthCodeURL(state, opts...))
	if err != nil {
		c.e.t.Fatal(err)
	}
	return u.Query()
}

// exchange redeems a code and verifies the ID token (signature, iss, aud,
// exp, and nonce when given) and at_hash.
func (c *rp) exchange(code, nonce string, opts ...oauth2.AuthCodeOption) *tokens {
	c.e.t.Helper()
	ctx := context.Background()
	tok, err := c.conf.Exchange(ctx, code, opts...)
	if err != nil {
		c.e.t.Fatalf("exchange: %v", err)
	}
	return c.verify(tok, nonce)
}

// verify checks a token response's ID token.
func (c *rp) verify(tok *oauth2.Token, nonce string) *tokens {
	c.e.t.Helper()
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		c.e.t.Fatal("no id_token in the token response")
	}
	idt, err := c.verifier.Verify(context.Background(), raw)
	if err != nil {
		c.e.t.Fatalf("verify ID token: %v", err)
	}
	if idt.Nonce != nonce {
		c.e.t.Fatalf("nonce = %q, want %q", idt.Nonce, nonce)
	}
	if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
		c.e.t.Fatalf("at_hash: %v", err)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		c.e.t.Fatal(err)
	}
	return &tokens{oauth: tok, idToken: idt, raw: raw, claims: claims}
}

// flow runs a whole code flow for the RP and returns the verified tokens.
func (c *rp) flow(user string, opts ...oauth2.AuthCodeOption) *tokens {
	c.e.t.Helper()
	state, nonce := "st-"+c.conf.ClientID, "n-"+c.conf.ClientID
	verifier := oauth2.GenerateVerifier()
	params := c.authParams(state, nonce, append(opts, oauth2.S256ChallengeOption(verifier))...)
	code := c.e.login(params, user)
	return c.exchange(code, nonce, oauth2.VerifierOption(verifier))
}

// userinfo calls the userinfo endpoint through go-oidc.
func (c *rp) userinfo(tok *oauth2.Token) (map[string]any, error) {
	ui, err := c.provider.UserInfo(context.Background(), oauth2.StaticTokenSource(tok))
	if err != nil {
		return nil, err
	}
	var claims map[string]any
	if err := ui.Claims(&claims); err != nil {
		return nil, err
	}
	return claims, nil
}

// apiResponse is a raw JSON endpoint answer.
type apiResponse struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// post sends a form to an OP endpoint as a server-side client would
// (no cookies), with optional HTTP Basic credentials.
func (e *testEnv) post(path string, form url.Values, basicUser, basicPass string, headers ...string) apiResponse {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicUser != "" {
		req.SetBasicAuth(url.QueryEscape(basicUser), url.QueryEscape(basicPass))
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return e.send(req)
}

// send runs a request without the browser's cookies.
func (e *testEnv) send(req *http.Request) apiResponse {
	e.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := apiResponse{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &out.body); err != nil {
			e.t.Fatalf("decode %s: %v", raw, err)
		}
	}
	return out
}

// redeem exchanges a code with raw parameters as the given client.
func (e *testEnv) redeem(clientID, code, redirectURI string, extra ...string) apiResponse {
	e.t.Helper()
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	if s := testSecrets[clientID]; s != "" {
		return e.post(PathToken, form, clientID, s)
	}
	form.Set("client_id", clientID)
	return e.post(PathToken, form, "", "")
}

// refresh uses a refresh token as the given client.
func (e *testEnv) refresh(clientID, rt string, extra ...string) apiResponse {
	e.t.Helper()
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	if s := testSecrets[clientID]; s != "" {
		return e.post(PathToken, form, clientID, s)
	}
	form.Set("client_id", clientID)
	return e.post(PathToken, form, "", "")
}

// userinfoStatus calls userinfo with a bearer header and returns the status.
func (e *testEnv) userinfoStatus(accessToken string) int {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+PathUserInfo, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	return e.send(req).status
}

// wantTokenError checks a token endpoint error response.
func wantTokenError(t *testing.T, res apiResponse, status int, code string) {
	t.Helper()
	if res.status != status || res.body["error"] != code {
		t.Fatalf("got %d %s, want %d error %s", res.status, res.raw, status, code)
	}
	if res.header.Get("Cache-Control") != "no-store" {
		t.Errorf("token error without Cache-Control: no-store")
	}
}

// wantAuthError checks that an authorization request came back to the app
// with the given error and state.
func wantAuthError(t *testing.T, res result, redirectURI, code, state string) {
	t.Helper()
	if res.location == nil {
		t.Fatalf("no redirect to the app: status %d at %s: %s", res.status, res.url, res.body)
	}
	base := *res.location
	base.RawQuery = ""
	if base.String() != redirectURI {
		t.Fatalf("redirected to %s, want %s", base.String(), redirectURI)
	}
	q := res.location.Query()
	if q.Get("error") != code {
		t.Fatalf("error = %q (%s), want %q", q.Get("error"), q.Get("error_description"), code)
	}
	if q.Get("state") != state {
		t.Fatalf("state = %q, want %q", q.Get("state"), state)
	}
	if q.Has("code") {
		t.Fatal("an error redirect carried a code")
	}
}

// wantErrorPage checks that the person was shown an error page (4xx, no
// redirect to any app).
func wantErrorPage(t *testing.T, res result) {
	t.Helper()
	if res.location != nil {
		t.Fatalf("redirected to %s, want an error page", res.location)
	}
	if res.status < 400 || res.status > 499 {
		t.Fatalf("status %d, want 4xx: %s", res.status, res.body)
	}
}
