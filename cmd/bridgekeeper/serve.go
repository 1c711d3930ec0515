package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/config"
	"github.com/bridgekeeper/bridgekeeper/oidc"
)

// runServe is the serve command: it runs Bridgekeeper against the user pool
// in a configuration file until ctx is cancelled (SIGINT or SIGTERM), then
// shuts down gracefully.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "bridgekeeper.yaml", "configuration file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: bridgekeeper serve [--config FILE]")
		return 2
	}
	cfg, err := loadConfig(*path, getenv)
	if err != nil {
		var probs config.Problems
		if errors.As(err, &probs) {
			printProblems(stderr, *path, probs)
		} else {
			fmt.Fprintf(stderr, "bridgekeeper: %v\n", err)
		}
		return 1
	}
	if err := serve(ctx, cfg, stdout, stderr, getenv); err != nil {
		fmt.Fprintf(stderr, "bridgekeeper: %v\n", err)
		return 1
	}
	return 0
}

// serve wires a validated configuration into a running server (config →
// logger → store → engine → provider → pages → web server) and serves until
// ctx is cancelled.
func serve(ctx context.Context, cfg *config.Config, stdout, stderr io.Writer, getenv func(string) string) error {
	setCollector(getenv)
	log := newLogger(stderr, cfg.Log.Level, cfg.Log.Format)
	ac, err := appConfigFrom(cfg, getenv, true)
	if err != nil {
		return err
	}
	ac.Logger = log
	a, err := build(ctx, ac)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.server.Listen(); err != nil {
		return err
	}
	a.printMetrics(stdout)
	// For people; the log's "listening" line is the web server's.
	fmt.Fprintf(stdout, "Bridgekeeper is listening on http://%s (public URL %s)\n", a.server.Addr(), cfg.PublicURL)
	return a.Serve(ctx)
}

// appConfigFrom turns a validated configuration file into wiring settings. requireKeys is false
// for the demo, which brings its own keys.
func appConfigFrom(cfg *config.Config, getenv func(string) string, requireKeys bool) (appConfig, error) {
	keys, err := cfg.Cookies.KeyBytes()
	if err != nil {
		return appConfig{}, fmt.Errorf("cookies.keys: %w", err)
	}
	ac := appConfig{
		Listen:    cfg.Listen,
		PublicURL: cfg.PublicURL,
		Pool: cognito.Config{
			Region:       cfg.Pool.Region,
			UserPoolID:   cfg.Pool.UserPoolID,
			ClientID:     cfg.Pool.ClientID,
			ClientSecret: string(cfg.Pool.ClientSecret),
			Endpoint:     cfg.Pool.Endpoint,
			Issuer:       cfg.Pool.Issuer,
			JWKSURL:      cfg.Pool.JWKSURL,
			AuthFlow:     cfg.Pool.AuthFlow,
			// Only CUSTOM_AUTH reads it (validation refuses it elsewhere).
			CustomAuthWithPassword: cfg.Pool.CustomAuthWithPassword,
			CallTimeout:            cfg.Pool.CallTimeout,
		},
		CookieKeys:      keys,
		RememberDevices: cfg.Pool.RememberDevices,
		SignUp:          cfg.SignUp.Enabled,
		SecureCookies:   cfg.Cookies.Secure,
		StoreURL:        string(cfg.Store.URL),
		StorePrefix:     cfg.Store.KeyPrefix,
		StoreMode:       cfg.Store.Mode,
		StoreWait:       cfg.Store.WaitReplicas,
		StoreWaitFor:    cfg.Store.WaitTimeout,
		SigningKeyID:    cfg.OIDC.SigningKeyID,
		CodeTTL:         cfg.OIDC.CodeTTL,
		SessionTTL:      cfg.OIDC.SSOSessionTTL,
		ShutdownTimeout: cfg.ShutdownTimeout,
		SignInPerIP:     cfg.RateLimit.SignInPerIP,
		SignInWindow:    cfg.RateLimit.Window,
		Limits:          cfg.Limits,
		TrustedProxies:  cfg.TrustedProxies,
		Admin:           cfg.Admin,
		MetricsListen:   cfg.Metrics.Listen,
		PasskeyRPID:     cfg.PasskeyRelyingParty(),
		Branding:        cfg.Branding,
	}
	ac.Pool.TOTPIssuer = authenticatorIssuer(cfg.Branding, "")
	// An emulator endpoint takes any credentials; real Cognito uses the standard AWS chain.
	ac.Pool.StaticCredentials = emulatorCredentials(cfg.Pool.Endpoint, getenv)
	for _, k := range cfg.OIDC.SigningKeys {
		loaded, err := oidc.LoadKeyFiles(k.File)
		if err != nil {
			return appConfig{}, fmt.Errorf("oidc.signing_keys: %w", err)
		}
		ac.SigningKeys = append(ac.SigningKeys, loaded...)
	}
	if len(ac.SigningKeys) == 0 && requireKeys {
		return appConfig{}, fmt.Errorf("oidc.signing_keys: at least one key file is required")
	}
	for _, c := range cfg.OIDC.Clients {
		ac.Clients = append(ac.Clients, oidc.Client{
			ID: c.ID, Name: c.Name, Secret: string(c.Secret), SecretHash: c.SecretHash, Public: c.Public,
			RedirectURIs: c.RedirectURIs, PostLogoutRedirectURIs: c.PostLogoutRedirectURIs, Scopes: c.Scopes,
			AccessTokenTTL: c.AccessTokenTTL, IDTokenTTL: c.IDTokenTTL, RefreshTokenTTL: c.RefreshTokenTTL, SigningAlg: c.SigningAlg,
			AccessTokenFormat: c.AccessTokenFormat,
		})
	}
	for _, m := range cfg.OIDC.ClaimMappings {
		ac.ClaimMappings = append(ac.ClaimMappings, oidc.ClaimMapping{Attribute: m.Attribute, Claim: m.Claim, Scope: m.Scope, Type: m.Type})
	}
	return ac, nil
}
