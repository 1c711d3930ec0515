package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/securecookie"

	"github.com/bridgekeeper/bridgekeeper/admin"
	"github.com/bridgekeeper/bridgekeeper/branding"
	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/config"
	"github.com/bridgekeeper/bridgekeeper/handlers"
	"github.com/bridgekeeper/bridgekeeper/i18n"
	"github.com/bridgekeeper/bridgekeeper/internal/abuse"
	"github.com/bridgekeeper/bridgekeeper/internal/cookiecodec"
	"github.com/bridgekeeper/bridgekeeper/internal/metrics"
	"github.com/bridgekeeper/bridgekeeper/oidc"
	"github.com/bridgekeeper/bridgekeeper/static"
	"github.com/bridgekeeper/bridgekeeper/store"
	"github.com/bridgekeeper/bridgekeeper/views"
	"github.com/bridgekeeper/bridgekeeper/web"
)

// appConfig is everything wiring needs, whether it came from a file (serve) or from the demo.
type appConfig struct {
	Listen          string
	Listener        net.Listener // optional: already listening (the demo needs its port early)
	PublicURL       string
	Pool            cognito.Config
	CookieKeys      [][]byte // 32 bytes each, newest first
	RememberDevices bool     // pool.remember_devices
	SignUp          bool     // signup.enabled
	LogLevel        string
	SecureCookies   bool
	StoreURL        string
	StorePrefix     string
	StoreMode       string        // single (or empty), cluster, sentinel
	StoreWait       int           // replicas a Swap waits for (0: none)
	StoreWaitFor    time.Duration // at most this long
	SigningKeys     []oidc.SigningKey
	SigningKeyID    string
	Clients         []oidc.Client
	ClaimMappings   []oidc.ClaimMapping
	CodeTTL         time.Duration
	SessionTTL      time.Duration
	ShutdownTimeout time.Duration
	SignInPerIP     int
	SignInWindow    time.Duration
	Limits          config.Limits // zero: config.DefaultLimits()
	TrustedProxies  []string
	Demo            *handlers.DemoConfig
	// Admin is the admin console's settings (the admin section).
	Admin config.Admin
	// Now is the pages' clock (how old an administrator's sign-in is); nil is time.Now.
	Now    func() time.Time
	Logger *slog.Logger
	// PoolHTTP reaches the pool's JWKS (nil: http.DefaultClient).
	PoolHTTP *http.Client
	// MetricsListen is where Prometheus metrics are served; empty serves none.
	MetricsListen string
	// PasskeyRPID is the passkey domain (choice-based sign-in; pool.passkey_rp_id).
	PasskeyRPID string
	// Branding is the deployment's look (validated; files not read yet).
	Branding config.Branding
}

// flowCookieMaxAge bounds an in-progress sign-in: Cognito sessions last at most 15 minutes.
const flowCookieMaxAge = 15 * time.Minute

// app is a wired server and what must be closed after it.
type app struct {
	server  *web.Server
	store   store.Store
	metrics *metrics.Server // nil without metrics.listen
}

func (a *app) Close() error {
	if a.metrics != nil {
		_ = a.metrics.Close() // already closed after Serve; the store's error is what matters
	}
	return a.store.Close()
}

// printMetrics says where the metrics are served, if they are.
func (a *app) printMetrics(w io.Writer) {
	if a.metrics != nil {
		fmt.Fprintf(w, "Metrics are served at http://%s%s\n", a.metrics.Addr(), metrics.Path)
	}
}

// Serve serves the pages (and the metrics, when configured) until ctx is cancelled.
func (a *app) Serve(ctx context.Context) error {
	if a.metrics == nil {
		return a.server.Serve(ctx)
	}
	mctx, cancel := context.WithCancel(ctx)
	mdone := make(chan error, 1)
	go func() { mdone <- a.metrics.Serve(mctx) }()
	err := a.server.Serve(ctx)
	cancel()
	return errors.Join(err, <-mdone)
}

// build wires config → store → engine → provider → pages → server.
func build(ctx context.Context, ac appConfig) (*app, error) {
	log := ac.Logger
	st, err := store.Open(ctx, ac.StoreURL, store.WithKeyPrefix(ac.StorePrefix), store.WithMode(ac.StoreMode), store.WithWait(ac.StoreWait, ac.StoreWaitFor))
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	a := &app{store: st}
	fail := func(err error) (*app, error) {
		_ = st.Close() // the wiring error is what matters
		if a.metrics != nil {
			_ = a.metrics.Close()
		}
		return nil, err
	}
	var m *metrics.Metrics
	var apiOpts []cognito.APIOption
	if ac.MetricsListen != "" {
		m = metrics.New(metrics.BuildInfo{Version: version()})
		if a.metrics, err = metrics.Listen(ac.MetricsListen, m.Handler()); err != nil {
			return fail(err)
		}
		m.StoreEntries(st)
		st = m.Store(st)
		apiOpts = append(apiOpts, cognito.WithAPIMiddleware(m.CognitoMiddleware))
	}

	api, err := cognito.NewAPI(ctx, ac.Pool, apiOpts...)
	if err != nil {
		return fail(fmt.Errorf("cognito client: %w", err))
	}
	engine, err := cognito.New(api, ac.Pool, cognito.Deps{
		Rand:     rand.Reader,
		Logger:   log,
		Verifier: cognito.NewJWKSVerifier(context.WithoutCancel(ctx), ac.Pool, ac.PoolHTTP),
	})
	if err != nil {
		return fail(err)
	}

	bundle, err := i18n.NewWithOverrides(ac.Branding.MessagesDir)
	if err != nil {
		return fail(fmt.Errorf("message catalog: %w", err))
	}
	manifest, err := static.NewManifest(static.FS, "/static/")
	if err != nil {
		return fail(err)
	}
	codecs, err := flowCodecs(ac.CookieKeys)
	if err != nil {
		return fail(err)
	}
	brand, err := branding.Load(ac.Branding)
	if err != nil {
		return fail(err)
	}

	var pageEngine handlers.Engine = engine
	if m != nil {
		pageEngine = m.Engine(engine)
	}
	limitsCfg := limitsConfig(ac.Limits)
	if m != nil {
		limitsCfg.Refused = func(k abuse.Kind) { m.RateLimited(string(k)) }
	}
	limits := abuse.New(st, limitsCfg, nil, log)
	pageDeps := handlers.Deps{
		Engine:  pageEngine,
		Bundle:  bundle,
		Assets:  manifest,
		Cookies: handlers.NewCookieJar(codecs, ac.SecureCookies, int(flowCookieMaxAge.Seconds())),
		Logger:  log,
		Now:     ac.Now,
		// One issuer for the engine and the pages (the setup page rebuilds the otpauth:// URI).
		TOTPIssuer: ac.Pool.TOTPIssuer,
		Limits:     limits,
		Brand:      viewBrand(brand),
		// The pool's password policy, read when a new-password form needs it and kept a while.
		Policy: engine,
	}
	if ac.SignUp {
		form, err := engine.SignUpForm(ctx)
		if err != nil {
			return fail(fmt.Errorf("signup.enabled: read the pool's sign-up form: %w", err))
		}
		pageDeps.SignUp = &handlers.SignUpDeps{Service: engine, Form: form}
		pageDeps.PasswordPolicy = handlers.PolicyRules(form.Policy)
	}
	if ac.RememberDevices {
		jar, err := handlers.NewDeviceJar(ac.CookieKeys, ac.SecureCookies, nil)
		if err != nil {
			return fail(err)
		}
		pageDeps.Devices, pageDeps.DeviceJar = engine, jar
	}
	// The provider calls the pages back (StartLogin, error pages) and the pages call the
	// provider: the entry the provider needs is built first, from the same deps (StartLogin
	// answers with the sign-in page, which names the app and may be choice-based).
	pageDeps.AppName = oidc.ClientNames(ac.Clients)
	pageDeps.Choice = choiceSignIn(ac, engine, api)
	entry, err := handlers.NewEntry(pageDeps)
	if err != nil {
		return fail(err)
	}
	oidcCfg := oidc.Config{
		Issuer:           ac.PublicURL,
		Clients:          ac.Clients,
		Keys:             ac.SigningKeys,
		SigningKeyID:     ac.SigningKeyID,
		ClaimMappings:    ac.ClaimMappings,
		UILocales:        bundle.Languages(),
		CookieName:       cookieName("bk_sso", ac.SecureCookies),
		CookieKeys:       ac.CookieKeys,
		InsecureCookie:   !ac.SecureCookies,
		SessionTTL:       ac.SessionTTL,
		CodeTTL:          ac.CodeTTL,
		Store:            st,
		NotFound:         store.ErrNotFound,
		Unavailable:      store.ErrUnavailable,
		Upstream:         handlers.Upstream{R: engine},
		ClientAuthLimits: abuse.ClientAuthLimits{L: limits},
		CodeIssueLimits:  abuse.CodeIssueLimits{L: limits},
		LiveGrants:       limitsOrDefault(ac.Limits).LiveGrants,
		StartLogin:       entry.StartLogin,
		RenderError:      entry.OIDCError,
		Continue:         entry.Continue,
		ConfirmLogout:    entry.ConfirmLogout,
		LoggedOut:        entry.LoggedOut,
		Logger:           log,
		Rand:             rand.Reader,
	}
	if m != nil {
		oidcCfg.TokensIssued = m.TokensIssued
	}
	provider, err := oidc.New(oidcCfg)
	if err != nil {
		return fail(fmt.Errorf("OpenID provider: %w", err))
	}
	pageDeps.Provider = provider
	// The passkey pages (and remembered devices) call Cognito with the person's access token.
	pageDeps.AccessTokens = &handlers.AccessTokens{Tokens: provider, Refresher: engine}
	pages, err := handlers.New(pageDeps)
	if err != nil {
		return fail(err)
	}
	var demo *handlers.Demo
	if ac.Demo != nil {
		demo = handlers.NewDemo(pages, *ac.Demo)
	}
	console, err := adminConsole(ac, api, st, provider, pages, log)
	if err != nil {
		return fail(err)
	}
	webDeps := web.Deps{
		Admin:    console,
		Branding: brand,
		Pages:    pages,
		OIDC:     provider,
		Static:   static.FS,
		Demo:     demo,
		Counter:  st,
		Logger:   log,
		Checks:   []web.Check{{Name: "store", Fn: st.Ping}},
		Listener: ac.Listener,
		Version:  version(),
	}
	if m != nil {
		webDeps.RateLimited = m.RateLimited
	}
	srv, err := web.New(webConfig(ac), webDeps)
	if err != nil {
		return fail(err)
	}
	a.server = srv
	return a, nil
}

// flowCodecs builds the compact AEAD codecs for the sign-in cookies, newest key first.
func flowCodecs(keys [][]byte) ([]securecookie.Codec, error) {
	if len(keys) == 0 {
		return nil, errors.New("no cookie keys configured")
	}
	codec, err := cookiecodec.New(keys, cookiecodec.Options{MaxAge: flowCookieMaxAge})
	if err != nil {
		return nil, fmt.Errorf("cookie keys: %w", err)
	}
	return []securecookie.Codec{codec}, nil
}

func cookieName(base string, secure bool) string {
	if secure {
		return "__Host-" + base
	}
	return base
}

// webConfig gives the web server its settings from the wiring settings: the
// listen address, public URL, cookies, limits, proxies, and the apps'
// redirect URIs (their origins go into the CSP form-action).
func webConfig(ac appConfig) *config.Config {
	c := config.Default()
	c.Listen = ac.Listen
	c.PublicURL = ac.PublicURL
	c.Cookies.Secure = ac.SecureCookies
	c.TrustedProxies = ac.TrustedProxies
	if ac.ShutdownTimeout > 0 {
		c.ShutdownTimeout = ac.ShutdownTimeout
	}
	if ac.SignInPerIP > 0 {
		c.RateLimit.SignInPerIP = ac.SignInPerIP
	}
	if ac.SignInWindow > 0 {
		c.RateLimit.Window = ac.SignInWindow
	}
	for _, cl := range ac.Clients {
		c.OIDC.Clients = append(c.OIDC.Clients, config.Client{
			ID: cl.ID, RedirectURIs: cl.RedirectURIs, PostLogoutRedirectURIs: cl.PostLogoutRedirectURIs,
		})
	}
	return c
}

// newLogger builds the structured logger; every line logged with a request context carries its
// request id.
func newLogger(w io.Writer, level, format string) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(level)) // validated by config; unknown means info
	opts := &slog.HandlerOptions{Level: lv}
	var h slog.Handler = slog.NewJSONHandler(w, opts)
	if format == "text" {
		h = slog.NewTextHandler(w, opts)
	}
	return slog.New(web.LogHandler{Handler: h})
}

// adminConsole builds the admin console over the admin service (the same service the CLI uses).
func adminConsole(ac appConfig, api admin.API, st store.Store, provider *oidc.Provider, pages *handlers.Handlers, log *slog.Logger) (*handlers.Admin, error) {
	svc, err := admin.New(admin.Config{UserPoolID: ac.Pool.UserPoolID, Groups: ac.Admin.Groups}, admin.Deps{
		API: api, Store: st, Sessions: provider, Logger: log,
	})
	if err != nil {
		return nil, err
	}
	return handlers.NewAdmin(pages, svc, handlers.AdminConfig{RecentSignIn: ac.Admin.RecentSignIn, RequireMFA: ac.Admin.RequireMFA}), nil
}

// limitsConfig turns the limits section into the limiter's rules: passwords wait from a second,
// MFA codes from a minute, and reset codes stop for the code's hour.
func limitsConfig(l config.Limits) abuse.Config {
	l = limitsOrDefault(l)
	return abuse.Config{
		Password:         abuse.Rule{Free: l.PasswordAttempts, Window: l.Window, Delay: time.Second, MaxDelay: l.MaxDelay},
		MFACode:          abuse.Rule{Free: l.MFACodeAttempts, Window: l.Window, Delay: time.Minute, MaxDelay: l.MaxDelay},
		ResetCode:        abuse.Rule{Free: l.ResetCodeAttempts, Window: time.Hour, Delay: time.Hour, MaxDelay: time.Hour},
		ClientAuth:       abuse.Rule{Free: l.ClientAuthAttempts, Window: l.Window, Delay: time.Second, MaxDelay: l.MaxDelay},
		CodeSends:        l.CodeSends,
		SendWindow:       l.Window,
		CodesPerSession:  l.CodesPerSession,
		IssueWindow:      l.Window,
		Ceiling:          l.UsernameCeiling,
		TrackedUsernames: l.TrackedUsernames,
	}
}

// limitsOrDefault is l, or the defaults when the limits section was left out entirely.
func limitsOrDefault(l config.Limits) config.Limits {
	if l == (config.Limits{}) {
		return config.DefaultLimits()
	}
	return l
}

// viewBrand is what the pages show of the branding.
func viewBrand(b *branding.Brand) views.Brand {
	v := views.Brand{ProductName: b.ProductName, LogoURL: b.LogoURL(), FaviconURL: b.FaviconURL(), Stylesheets: b.Stylesheets()}
	for _, l := range b.Links {
		v.Links = append(v.Links, views.FooterLink{LabelID: "footer." + l.Kind, URL: l.URL})
	}
	return v
}

// authenticatorIssuer is the one source of the TOTP issuer: branding.authenticator_issuer, else
// the product name, else fallback.
func authenticatorIssuer(b config.Branding, fallback string) string {
	switch {
	case b.AuthenticatorIssuer != "":
		return b.AuthenticatorIssuer
	case b.ProductName != "" && !strings.Contains(b.ProductName, ":"):
		return b.ProductName
	}
	return fallback
}
