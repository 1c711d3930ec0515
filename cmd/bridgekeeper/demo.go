package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/config"
	"github.com/bridgekeeper/bridgekeeper/handlers"
	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
	"github.com/bridgekeeper/bridgekeeper/oidc"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// Demo client ids and secrets, as the README documents them.
const (
	demoAppClientID     = "demo-app"
	demoAppClientSecret = "demo-app-secret"
	demoCLIClientID     = "demo-cli"
	// demoSignInPerIP is the demo's sign-in rate limit per address and minute; a --config file
	// can set its own.
	demoSignInPerIP = 300
)

// demo runs Bridgekeeper against a built-in local user pool with seeded demo users, an in-memory
// store, ephemeral keys and a demo app.
func demo(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8080", "address to listen on")
	mfaRequired := fs.Bool("mfa-required", false, "start the demo pool with MFA required (Cognito's ON)")
	authFlow := fs.String("auth-flow", cognito.FlowUserSRP, "the app client's sign-in flow: USER_SRP_AUTH, USER_AUTH for choice-based sign-in with passkeys and one-time codes, or CUSTOM_AUTH for custom questions after the password")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn or error")
	configPath := fs.String("config", "", "a serve configuration file; everything but the pool applies (clients, store, keys, logs), except pool.call_timeout")
	withFaults := fs.Bool("faults", false, "serve the local pool's test-only fault switchboard (latency, throttling, 5xx, connection resets); its URL is printed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := checkDemoAuthFlow(*authFlow); err != nil {
		return err
	}
	file, err := demoConfigFile(*configPath, getenv)
	if err != nil {
		return err
	}
	logFormat := "text"
	if file != nil {
		if file.Log.Level != "" && !flagSet(fs, "log-level") {
			*logLevel = file.Log.Level
		}
		if file.Log.Format != "" {
			logFormat = file.Log.Format
		}
		if file.Listen != "" && !flagSet(fs, "listen") {
			*listen = file.Listen
		}
	}
	log := newLogger(stderr, *logLevel, logFormat)

	// The local user pool, on its own loopback port, reached over HTTP by the real AWS SDK.
	pool := localpool.New(localpool.Options{Logger: log, Faults: *withFaults})
	poolLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("local pool: %w", err)
	}
	poolURL := "http://" + poolLn.Addr().String()
	poolSrv := &http.Server{Handler: pool.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = poolSrv.Serve(poolLn) }() // ends with Shutdown below
	defer func() {
		// After Ctrl-C: the web server has drained; the pool gets the same bounded time.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), config.DefaultShutdownTimeout)
		defer cancel()
		_ = poolSrv.Shutdown(sctx)
	}()

	creds := credentials.NewStaticCredentialsProvider("demo", "demo", "")
	poolCfg := cognito.Config{Region: "us-east-1", Endpoint: poolURL, StaticCredentials: &creds, TOTPIssuer: "Bridgekeeper demo"}
	api, err := cognito.NewAPI(ctx, poolCfg)
	if err != nil {
		return err
	}
	seed, err := seedDemo(ctx, api, *mfaRequired, time.Now)
	if err != nil {
		return fmt.Errorf("seed the demo pool: %w", err)
	}
	if err := seedCustom(ctx, api, pool, seed, *authFlow); err != nil {
		return fmt.Errorf("seed the demo pool: %w", err)
	}
	poolCfg.UserPoolID, poolCfg.ClientID, poolCfg.ClientSecret = seed.PoolID, seed.ClientID, seed.ClientSecret
	poolCfg.AuthFlow, poolCfg.CustomAuthWithPassword = *authFlow, true
	poolCfg.Issuer = poolURL + "/" + seed.PoolID

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *listen, err)
	}
	base := demoBase(ln.Addr(), *authFlow)
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return fmt.Errorf("cookie key: %w", err)
	}
	signing, err := oidc.GenerateKey(oidc.RS256)
	if err != nil {
		return fmt.Errorf("signing key: %w", err)
	}
	ac := appConfig{
		Listener:   ln,
		PublicURL:  base,
		Pool:       poolCfg,
		CookieKeys: [][]byte{key},
		// The demo pool remembers devices when people opt in, and a remembered browser asks no code.
		RememberDevices: poolCfg.AuthFlow == "" || poolCfg.AuthFlow == cognito.FlowUserSRP,
		SignUp:          true,
		SecureCookies:   false,
		SigningKeys:     []oidc.SigningKey{signing},
		Clients: []oidc.Client{
			{
				ID: demoAppClientID, Name: "Demo app", Secret: demoAppClientSecret,
				RedirectURIs:           []string{base + handlers.PathDemoAppCallback},
				PostLogoutRedirectURIs: []string{base + handlers.PathDemoApp},
				Scopes:                 []string{"openid", "profile", "email", "phone", "address", "groups", "offline_access"},
			},
			{
				ID: demoCLIClientID, Name: "Demo CLI", Public: true,
				RedirectURIs:           []string{"http://127.0.0.1/callback", "http://[::1]/callback"},
				PostLogoutRedirectURIs: []string{"http://127.0.0.1/logged-out"},
				Scopes:                 []string{"openid", "profile", "email", "phone", "groups", "offline_access"},
			},
		},
		// People trying the demo (and its scenario tests) sign in often from one address.
		SignInPerIP: demoSignInPerIP,
		Admin:       config.DefaultAdmin(),
		Demo: &handlers.DemoConfig{
			Outbox:       func() []views.OutboxMessage { return outboxMessages(pool) },
			Issuer:       base,
			ClientID:     demoAppClientID,
			ClientSecret: demoAppClientSecret,
		},
		Logger:      log,
		PasskeyRPID: demoRelyingParty,
	}
	if file != nil {
		if err := applyDemoConfig(&ac, file, getenv); err != nil {
			return err
		}
	}
	a, err := build(ctx, ac)
	if err != nil {
		return err
	}
	defer a.Close()

	a.printMetrics(stdout)
	seed.CLI = demoCLICommand(poolURL, seed.PoolID)
	if *authFlow == cognito.FlowUserAuth {
		seed.Users = append(seed.Users, demoUserAuthUsers()...)
	}
	if *withFaults {
		fmt.Fprintf(stdout, "Pool faults (test only): %s%s\n", poolURL, localpool.FaultsPath)
	}
	printDemo(stdout, base, seed, *mfaRequired, *authFlow)
	err = a.Serve(ctx)
	if errors.Is(ctx.Err(), context.Canceled) {
		fmt.Fprintln(stdout, "Bridgekeeper demo stopped.")
	}
	return err
}

func outboxMessages(pool *localpool.Server) []views.OutboxMessage {
	msgs := pool.Outbox().Messages()
	out := make([]views.OutboxMessage, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, views.OutboxMessage{To: m.To, Medium: m.Medium, Code: m.Code, Message: m.Message, SentAt: m.SentAt})
	}
	return out
}

func printDemo(w io.Writer, base string, seed *demoSeed, mfaRequired bool, flow string) {
	fmt.Fprintf(w, "Bridgekeeper demo\n\n")
	fmt.Fprintf(w, "  Sign in:        %s/signin\n", base)
	fmt.Fprintf(w, "  Demo app:       %s%s   (OpenID client %q, secret %q)\n", base, handlers.PathDemoApp, demoAppClientID, demoAppClientSecret)
	fmt.Fprintf(w, "  Codes sent:     %s%s\n", base, handlers.PathDemoOutbox)
	fmt.Fprintf(w, "  OpenID config:  %s/.well-known/openid-configuration\n", base)
	fmt.Fprintf(w, "  Public client:  %q (PKCE, redirect http://127.0.0.1:<any port>/callback)\n", demoCLIClientID)
	fmt.Fprintf(w, "  Admin console:  %s/admin   (sign in as %q)\n", base, demoAdmin)
	fmt.Fprintf(w, "  Admin CLI:      %s\n\n", seed.CLI)
	printDemoModes(w, mfaRequired, flow)
	if mfaRequired {
		fmt.Fprintln(w, "MFA is required in this pool: users without MFA set up an authenticator at sign-in.")
	}
	fmt.Fprintln(w, "Tick \"Remember this browser\" on an SMS or authenticator code page (dave, carol) and the next sign-in in that browser asks no code.")
	fmt.Fprintln(w, "Demo users:")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, u := range seed.Users {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", u.Username, u.Password, u.What)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "\nBridgekeeper demo is running at %s (Ctrl-C to stop)\n", base)
}

// demoConfigFile loads an optional serve configuration for the demo. The pool section is ignored
// (the demo brings its own), and so are the settings the demo fills in itself.
func demoConfigFile(path string, getenv func(string) string) (*config.Config, error) {
	if path == "" {
		return nil, nil
	}
	cfg, err := config.Load(path, getenv)
	if err != nil {
		return nil, err
	}
	var probs config.Problems
	for _, p := range cfg.Validate() {
		switch {
		case strings.HasPrefix(p.Path, "pool") && p.Path != demoPoolKey, p.Path == "public_url", strings.HasPrefix(p.Path, "cookies.keys"), strings.HasPrefix(p.Path, "oidc.signing_keys"):
			continue // the demo provides these
		}
		probs = append(probs, p)
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// applyDemoConfig adds a configuration file's clients, store, keys, lifetimes, limits, trusted
// proxies and Cognito call deadline to the demo's.
func applyDemoConfig(ac *appConfig, cfg *config.Config, getenv func(string) string) error {
	from, err := appConfigFrom(cfg, getenv, false)
	if err != nil {
		return err
	}
	ac.Clients = append(ac.Clients, from.Clients...)
	ac.ClaimMappings = from.ClaimMappings
	ac.StoreURL, ac.StorePrefix, ac.StoreMode = from.StoreURL, from.StorePrefix, from.StoreMode
	ac.StoreWait, ac.StoreWaitFor = from.StoreWait, from.StoreWaitFor
	ac.MetricsListen = from.MetricsListen
	ac.Branding = from.Branding
	ac.Pool.TOTPIssuer = authenticatorIssuer(from.Branding, ac.Pool.TOTPIssuer)
	if len(from.CookieKeys) > 0 {
		ac.CookieKeys = from.CookieKeys
	}
	if len(from.SigningKeys) > 0 {
		ac.SigningKeys = from.SigningKeys
		ac.SigningKeyID = from.SigningKeyID
	}
	ac.CodeTTL, ac.SessionTTL, ac.ShutdownTimeout = from.CodeTTL, from.SessionTTL, from.ShutdownTimeout
	ac.Admin = from.Admin
	if cfg.RateLimit != config.Default().RateLimit {
		ac.SignInPerIP, ac.SignInWindow = from.SignInPerIP, from.SignInWindow
	}
	ac.Limits = from.Limits
	ac.TrustedProxies = from.TrustedProxies
	ac.Pool.CallTimeout = from.Pool.CallTimeout // demoPoolKey: the one pool setting the demo takes
	return nil
}

// demoPoolKey is the one key of a configuration file's pool section the demo applies (the demo
// brings its own pool): the deadline of each call to it, which tests of slow pools lower.
const demoPoolKey = "pool.call_timeout"

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// demoCLICommand is a command line for the admin CLI against the demo's local pool, runnable as
// printed while the demo runs.
func demoCLICommand(poolURL, poolID string) string {
	exe, err := os.Executable()
	if err != nil {
		exe = "bridgekeeper"
	}
	return fmt.Sprintf("%s admin --endpoint %s --region us-east-1 --user-pool-id %s list-users", exe, poolURL, poolID)
}
