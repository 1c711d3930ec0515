package handlers_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/gorilla/securecookie"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/config"
	"github.com/bridgekeeper/bridgekeeper/handlers"
	"github.com/bridgekeeper/bridgekeeper/i18n"
	"github.com/bridgekeeper/bridgekeeper/internal/cookiecodec"
	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
	"github.com/bridgekeeper/bridgekeeper/internal/sdkhttp"
	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
	"github.com/bridgekeeper/bridgekeeper/oidc"
	"github.com/bridgekeeper/bridgekeeper/static"
	"github.com/bridgekeeper/bridgekeeper/store"
	"github.com/bridgekeeper/bridgekeeper/web"
)

// The in-process site: a real handlers.New with the real engine, the real OpenID provider and
// the real web server, in front of the local user pool reached over HTTP by the AWS SDK. Tests
// drive it with webclient (a cookie jar that posts the pages' forms), in the style of Dex's
// followFlow, without building the binary.

const (
	password    = "Passw0rd!"
	newPassword = "N3w-Passw0rd!"
	appID       = "app"
	appSecret   = "app-secret-0123456789"
	appRedirect = "https://app.example/callback"
	daveNumber  = "+15555550104"
)

type site struct {
	t      testing.TB
	ctx    context.Context
	clock  *testutil.Clock
	pool   *localpool.Server
	poolID string
	admin  *cip.Client // the pool's administrator API
	url    string
	logs   *testutil.Buffer
	en     *i18n.Localizer
	// decodes counts the flow and authorization cookies opened (every Decode of the codec).
	decodes atomic.Int64
	// poolDown makes the pool answer every call with Cognito's InternalErrorException.
	poolDown atomic.Bool
}

// noBackoff retries at once, so a failing pool fails fast.
type noBackoff struct{}

func (noBackoff) BackoffDelay(int, error) (time.Duration, error) { return 0, nil }

// countingCodec counts the cookies the handlers open.
type countingCodec struct {
	securecookie.Codec
	n *atomic.Int64
}

func (c countingCodec) Decode(name, value string, dst any) error {
	c.n.Add(1)
	return c.Codec.Decode(name, value, dst)
}

// siteSetup is what a siteOption may change before the site is built.
type siteSetup struct {
	poolID string
	api    *cip.Client
	engine *cognito.Engine
	store  store.Store
	deps   *handlers.Deps
	web    *config.Config
	// extra builds more of the site once the pages and the provider exist (the admin console).
	extra func(pages *handlers.Handlers, provider *oidc.Provider, wd *web.Deps)
}

// siteOption changes the in-process site (fuzz_test.go turns rate limits off, sign-up and
// the admin console on).
type siteOption func(*siteSetup)

func newSite(t testing.TB, opts ...siteOption) *site {
	t.Helper()
	return newSiteWith(t, siteOptions{}, opts...)
}

// siteOptions change the in-process site from its default (SRP sign-in).
type siteOptions struct {
	// customQuestion makes it CUSTOM_AUTH without a password: every user is asked this
	// question, answered "42".
	customQuestion string
	// passwordPolicy is the pool's password policy (default: Cognito's).
	passwordPolicy *types.PasswordPolicyType
}

func newSiteWith(t testing.TB, opts siteOptions, options ...siteOption) *site {
	t.Helper()
	ctx := context.Background()
	s := &site{t: t, ctx: ctx, clock: testutil.NewClock(time.Now().UTC().Truncate(time.Second)), logs: &testutil.Buffer{}}
	s.pool = localpool.New(localpool.Options{Now: s.clock.Now})
	poolSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.poolDown.Load() {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"__type":"InternalErrorException","message":"the pool is down"}`))
			return
		}
		s.pool.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(poolSrv.Close)
	creds := credentials.NewStaticCredentialsProvider("x", "x", "")
	admin := cip.New(cip.Options{HTTPClient: sdkhttp.InMemoryBodies(nil), Region: "us-east-1", BaseEndpoint: aws.String(poolSrv.URL), Credentials: creds})
	var policies *types.UserPoolPolicyType
	if opts.passwordPolicy != nil {
		policies = &types.UserPoolPolicyType{PasswordPolicy: opts.passwordPolicy}
	}
	out, err := admin.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("site"), Policies: policies, Schema: []types.SchemaAttributeType{
		{Name: aws.String("email"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)},
		{Name: aws.String("phone_number"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)},
	}})
	s.must(err)
	s.poolID = aws.ToString(out.UserPool.Id)
	s.admin = admin
	_, err = admin.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{
		UserPoolId: aws.String(s.poolID), MfaConfiguration: types.UserPoolMfaTypeOptional,
		SmsMfaConfiguration: &types.SmsMfaConfigType{SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::000000000000:role/sms")}},
	})
	s.must(err)
	client, err := admin.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(s.poolID), ClientName: aws.String("bk"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowCustomAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	s.must(err)
	if opts.customQuestion != "" {
		s.must(s.pool.SetCustomAuth(s.poolID, &localpool.CustomAuth{Rounds: []localpool.CustomRound{{Question: opts.customQuestion, Answer: "42"}}}))
	}
	for name, attrs := range map[string]map[string]string{
		"alice": {"email": "alice@example.com", "email_verified": "true"},
		"dave":  {"email": "dave@example.com", "phone_number": daveNumber, "phone_number_verified": "true"},
	} {
		var ua []types.AttributeType
		for k, v := range attrs {
			ua = append(ua, types.AttributeType{Name: aws.String(k), Value: aws.String(v)})
		}
		_, err := admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(s.poolID), Username: aws.String(name),
			TemporaryPassword: aws.String("Temp-Passw0rd!"), MessageAction: types.MessageActionTypeSuppress, UserAttributes: ua})
		s.must(err)
		_, err = admin.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(s.poolID), Username: aws.String(name), Password: aws.String(password), Permanent: true})
		s.must(err)
	}
	_, err = admin.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(s.poolID), Username: aws.String("dave"),
		SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true}})
	s.must(err)

	log := slog.New(web.NewLogHandler(slog.NewJSONHandler(s.logs, nil)))
	cfg := cognito.Config{Region: "us-east-1", UserPoolID: s.poolID, ClientID: aws.ToString(client.UserPoolClient.ClientId),
		Endpoint: poolSrv.URL, Issuer: poolSrv.URL + "/" + s.poolID, JWKSURL: poolSrv.URL + "/" + s.poolID + "/.well-known/jwks.json"}
	if opts.customQuestion != "" {
		cfg.AuthFlow = cognito.FlowCustom
	}
	api, err := cognito.NewAPI(ctx, cfg, cognito.WithCredentials(creds), cognito.WithRetryBackoff(noBackoff{}))
	s.must(err)
	engine, err := cognito.New(api, cfg, cognito.Deps{Now: s.clock.Now, Rand: rand.Reader, Verifier: cognito.NewJWKSVerifier(ctx, cfg, nil), Logger: log})
	s.must(err)

	srv := httptest.NewUnstartedServer(nil)
	s.url = "http://" + srv.Listener.Addr().String()
	st := store.NewMemory(store.MemoryOptions{Now: s.clock.Now})
	bundle, err := i18n.New()
	s.must(err)
	s.en = bundle.Localizer("en")
	assets, err := static.NewManifest(static.FS, "/static/")
	s.must(err)
	key := make([]byte, cookiecodec.KeySize)
	_, err = rand.Read(key)
	s.must(err)
	codec, err := cookiecodec.New([][]byte{key}, cookiecodec.Options{MaxAge: 15 * time.Minute, Now: s.clock.Now})
	s.must(err)
	deps := handlers.Deps{
		Engine: engine, Policy: engine, Bundle: bundle, Assets: assets, Logger: log, Now: s.clock.Now,
		Cookies: handlers.NewCookieJar([]securecookie.Codec{countingCodec{codec, &s.decodes}}, false, 900),
	}
	setup := &siteSetup{poolID: s.poolID, api: admin, engine: engine, store: st, deps: &deps, web: config.Default()}
	for _, o := range options {
		o(setup)
	}
	entry, err := handlers.NewEntry(deps)
	s.must(err)
	signing, err := oidc.GenerateKey(oidc.ES256)
	s.must(err)
	provider, err := oidc.New(oidc.Config{
		Issuer: s.url, Clients: []oidc.Client{{ID: appID, Secret: appSecret, RedirectURIs: []string{appRedirect}, SigningAlg: oidc.ES256}},
		Keys: []oidc.SigningKey{signing}, UILocales: bundle.Languages(), CookieKeys: [][]byte{key}, InsecureCookie: true,
		Store: setup.store, NotFound: store.ErrNotFound, Upstream: handlers.Upstream{R: engine},
		StartLogin: entry.StartLogin, RenderError: entry.OIDCError, ConfirmLogout: entry.ConfirmLogout, LoggedOut: entry.LoggedOut,
		Logger: log, Now: s.clock.Now,
	})
	s.must(err)
	deps.Provider = provider
	pages, err := handlers.New(deps)
	s.must(err)
	wcfg := setup.web
	wcfg.PublicURL, wcfg.Cookies.Secure = s.url, false
	wcfg.OIDC.Clients = []config.Client{{ID: appID, RedirectURIs: []string{appRedirect}}}
	wd := web.Deps{Pages: pages, OIDC: provider, Static: static.FS, Counter: st, Logger: log, Now: s.clock.Now}
	if setup.extra != nil {
		setup.extra(pages, provider, &wd)
	}
	server, err := web.New(wcfg, wd)
	s.must(err)
	srv.Config.Handler = server.Handler()
	srv.Start()
	t.Cleanup(srv.Close)
	return s
}

func (s *site) must(err error) {
	s.t.Helper()
	if err != nil {
		s.t.Fatal(err)
	}
}

// T is the English sentence of a catalog id, as the pages show it.
func (s *site) T(id string) string { return s.en.T(id) }

// browser is a new person's browser.
func (s *site) browser() *webclient.Client { return webclient.New() }

// get fetches a path of the site.
func (s *site) get(c *webclient.Client, path string) *webclient.Page {
	s.t.Helper()
	p, err := c.Get(s.ctx, s.url+path)
	s.must(err)
	return p
}

// submit fills the form holding field (or the first form) and posts it.
func (s *site) submit(c *webclient.Client, page *webclient.Page, field string, values map[string]string) *webclient.Page {
	s.t.Helper()
	f, err := page.Form(field)
	if err != nil {
		s.t.Fatalf("%v\n%s", err, page.Text())
	}
	for k, v := range values {
		f.Values.Set(k, v)
	}
	p, err := c.Submit(s.ctx, f, "", "")
	s.must(err)
	return p
}

// signIn opens the sign-in page and posts username and password.
func (s *site) signIn(c *webclient.Client, username, pw string) *webclient.Page {
	s.t.Helper()
	return s.submit(c, s.get(c, handlers.PathSignIn), "username", map[string]string{"username": username, "password": pw})
}

// smsCode is the newest code the pool texted to number after the first `after` messages.
func (s *site) smsCode(number string, after int) string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
	defer cancel()
	m, err := s.pool.Outbox().Wait(ctx, number, after)
	s.must(err)
	return m.Code
}

// sent is how many messages the pool has sent.
func (s *site) sent() int { return len(s.pool.Outbox().Messages()) }

// logLines returns the log records written for the request with id (every line of a request
// carries its id), as messages.
func (s *site) logLines(requestID string) []string {
	s.t.Helper()
	var msgs []string
	for _, line := range s.logs.Lines() {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			s.t.Fatalf("log line is not JSON: %q", line)
		}
		if rec["request_id"] == requestID {
			msgs = append(msgs, rec["msg"].(string))
		}
	}
	return msgs
}

// expect checks a page: its path, status and that its text holds every want.
func expect(t *testing.T, p *webclient.Page, path string, status int, want ...string) {
	t.Helper()
	if p.URL.Path != path || p.Status != status {
		t.Fatalf("got %s (%d), want %s (%d): %s", p.URL.Path, p.Status, path, status, p.Text())
	}
	for _, w := range want {
		if !strings.Contains(p.Text(), w) {
			t.Fatalf("%s (%d) does not say %q: %s", p.URL.Path, p.Status, w, p.Text())
		}
	}
}

// fieldValue is the value of the input named name on the page ("" when absent or empty).
func fieldValue(p *webclient.Page, name string) string {
	for _, n := range p.Find("input", "name", name) {
		return webclient.Attr(n, "value")
	}
	return ""
}

// authorizeURL is an authorization request of the app, with PKCE, state and extra parameters.
func authorizeURL(verifier, state string, extra ...string) string {
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{
		"client_id": {appID}, "redirect_uri": {appRedirect}, "response_type": {"code"}, "scope": {"openid email"},
		"state": {state}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
	}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return oidc.PathAuthorize + "?" + q.Encode()
}

// redeem exchanges a code at /token as the app and returns the decoded answer.
func (s *site) redeem(code, verifier string) (int, map[string]any) {
	s.t.Helper()
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {appRedirect}, "code_verifier": {verifier}}
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, s.url+oidc.PathToken, strings.NewReader(form.Encode()))
	s.must(err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(appID, appSecret)
	res, err := http.DefaultClient.Do(req)
	s.must(err)
	defer res.Body.Close()
	var body map[string]any
	s.must(json.NewDecoder(res.Body).Decode(&body))
	return res.StatusCode, body
}
