package cognito

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/bridgekeeper/bridgekeeper/internal/sdkhttp"
)

// Auth flows the engine can start.
const (
	FlowUserSRP      = "USER_SRP_AUTH"
	FlowUserPassword = "USER_PASSWORD_AUTH"
	// FlowUserAuth is choice-based sign-in: the username first, then a password, a one-time
	// code or a passkey (userauth.go).
	FlowUserAuth = "USER_AUTH"
	// FlowCustom is CUSTOM_AUTH: the pool's Lambda triggers ask questions (CUSTOM_CHALLENGE),
	// after an SRP password step when Config.CustomAuthWithPassword is set.
	FlowCustom = "CUSTOM_AUTH"
)

// DefaultTOTPIssuer is the name authenticator apps show when none is configured.
const DefaultTOTPIssuer = "Bridgekeeper"

// Config says which pool and app client to sign in to.
type Config struct {
	Region       string
	UserPoolID   string
	ClientID     string
	ClientSecret string
	// Endpoint overrides the Cognito endpoint (a local emulator); empty uses AWS.
	Endpoint string
	// Issuer overrides the pool's token issuer; empty derives it from region and pool id.
	Issuer string
	// JWKSURL overrides where the pool's signing keys are fetched; empty is <issuer>/.well-known/jwks.json.
	JWKSURL string
	// AuthFlow is FlowUserSRP (default), FlowUserPassword, FlowUserAuth or FlowCustom.
	AuthFlow string
	// CustomAuthWithPassword starts FlowCustom with the password, proven by SRP
	// (CHALLENGE_NAME=SRP_A), before the pool's questions; without it the questions come first
	// and no password is asked.
	CustomAuthWithPassword bool
	// TOTPIssuer is the name authenticator apps show for this account (default
	// DefaultTOTPIssuer). The wiring passes the same value to the pages.
	TOTPIssuer string
	// StaticCredentials, when set, are used instead of the standard AWS credential chain
	// (emulators accept any). WithCredentials does the same as an option of NewAPI.
	StaticCredentials *credentials.StaticCredentialsProvider
	// CallTimeout bounds each Cognito call, its retries and the waits between them included
	// (default DefaultCallTimeout); past it the call fails as Unavailable.
	CallTimeout time.Duration
}

// DefaultCallTimeout is how long one Cognito call may take, retries included, unless
// Config.CallTimeout says otherwise (pool.call_timeout).
const DefaultCallTimeout = 10 * time.Second

// Retry backoff: full jitter, a random wait between 0 and retryBaseDelay·2^attempt, at most
// retryMaxDelay, so a person waits little and many failing sign-ins do not retry in step.
const (
	retryBaseDelay = 250 * time.Millisecond
	retryMaxDelay  = 2 * time.Second
)

// PoolName is the part of the pool id after the underscore, used by SRP.
func (c Config) PoolName() string {
	if _, after, ok := strings.Cut(c.UserPoolID, "_"); ok {
		return after
	}
	return c.UserPoolID
}

// IssuerURL is the pool's token issuer.
func (c Config) IssuerURL() string {
	if c.Issuer != "" {
		return strings.TrimSuffix(c.Issuer, "/")
	}
	return fmt.Sprintf("https://cognito-idp.%s.amazonaws.com/%s", c.Region, c.UserPoolID)
}

// JWKS is the URL of the pool's signing keys.
func (c Config) JWKS() string {
	if c.JWKSURL != "" {
		return c.JWKSURL
	}
	return c.IssuerURL() + "/.well-known/jwks.json"
}

// APIOption adjusts the SDK client NewAPI builds.
type APIOption func(*apiSettings)

type apiSettings struct {
	creds      aws.CredentialsProvider
	httpClient aws.HTTPClient
	backoff    retry.BackoffDelayer
	middleware []func(*middleware.Stack) error
}

// WithCredentials uses p instead of the standard AWS credential chain (an emulator accepts any
// static credentials). It takes precedence over Config.StaticCredentials.
func WithCredentials(p aws.CredentialsProvider) APIOption {
	return func(s *apiSettings) { s.creds = p }
}

// WithHTTPClient sends the SDK's requests through c (a proxy, custom TLS, or a test transport).
func WithHTTPClient(c aws.HTTPClient) APIOption {
	return func(s *apiSettings) { s.httpClient = c }
}

// WithRetryBackoff replaces the jittered exponential backoff between retries (JitterBackoff);
// tests pass one that does not wait.
func WithRetryBackoff(b retry.BackoffDelayer) APIOption {
	return func(s *apiSettings) { s.backoff = b }
}

// WithAPIMiddleware adds middleware to the SDK client's stack (the Cognito call metrics).
func WithAPIMiddleware(fns ...func(*middleware.Stack) error) APIOption {
	return func(s *apiSettings) { s.middleware = append(s.middleware, fns...) }
}

// NewAPI builds the AWS SDK client for cfg: the standard credential chain (unless
// cfg.StaticCredentials or WithCredentials say otherwise), cfg.Region, and cfg.Endpoint as the
// base endpoint when set. Its retryer does not retry LimitExceededException (a per-user limit
// that retrying only prolongs), keeps the SDK's jittered retries for TooManyRequestsException
// and other throttling, and never repeats a call that spends a single-use session or code once
// Cognito may have read it (usesUpOnce). Request bodies are sent from memory
// (sdkhttp.InMemoryBodies), and the sign-in calls' answers are decoded without the SDK's
// generic map (typedAuthAnswers). The sign-in calls themselves are unsigned; credentials
// matter for the admin calls made with the same client.
func NewAPI(ctx context.Context, cfg Config, opts ...APIOption) (*cip.Client, error) {
	var s apiSettings
	if cfg.StaticCredentials != nil {
		s.creds = *cfg.StaticCredentials
	}
	for _, o := range opts {
		o(&s)
	}
	load := []func(*awsconfig.LoadOptions) error{awsconfig.WithRegion(cfg.Region)}
	if s.creds != nil {
		load = append(load, awsconfig.WithCredentialsProvider(s.creds))
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	return cip.NewFromConfig(awsCfg, leanSDKClient, func(o *cip.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
		client := o.HTTPClient // leanSDKClient's transport (it runs first)
		if s.httpClient != nil {
			// Set on the client, not the shared configuration, so a CA bundle from the
			// environment (AWS_CA_BUNDLE) does not need the SDK's own transport.
			client = s.httpClient
		}
		o.HTTPClient = sdkhttp.InMemoryBodies(client)
		backoff := s.backoff
		if backoff == nil {
			backoff = JitterBackoff{Rand: rand.Float64}
		}
		o.Retryer = newRetryer(awsCfg.RetryMaxAttempts, backoff)
		o.APIOptions = append(o.APIOptions, markNotRepeatable, typedAuthAnswers)
		o.APIOptions = append(o.APIOptions, s.middleware...)
		o.APIOptions = append(o.APIOptions, callDeadline(cmp.Or(cfg.CallTimeout, DefaultCallTimeout)))
	}), nil
}

// callDeadline bounds each call, retries included: it sits in the initialize step, before the
// retry loop of the finalize step.
func callDeadline(d time.Duration) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("BridgekeeperCallDeadline",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				ctx, cancel := context.WithTimeout(ctx, d)
				defer cancel()
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
	}
}

// JitterBackoff is the wait before retry attempt n (1, 2, …): a random fraction (Rand, in
// [0, 1)) of retryBaseDelay·2^n, capped at retryMaxDelay ("full jitter").
type JitterBackoff struct {
	Rand func() float64
}

// BackoffDelay implements retry.BackoffDelayer.
func (j JitterBackoff) BackoffDelay(attempt int, _ error) (time.Duration, error) {
	ceiling := retryMaxDelay
	if attempt < 8 {
		ceiling = min(retryMaxDelay, retryBaseDelay<<attempt)
	}
	return time.Duration(j.Rand() * float64(ceiling)), nil
}

// newRetryer is the SDK's standard retryer with LimitExceededException taken out of the
// retryable throttling codes. maxAttempts 0 keeps the SDK's default (3); AWS_MAX_ATTEMPTS sets it.
func newRetryer(maxAttempts int, backoff retry.BackoffDelayer) aws.Retryer {
	return retry.NewStandard(func(so *retry.StandardOptions) {
		if maxAttempts > 0 {
			so.MaxAttempts = maxAttempts
		}
		if backoff != nil {
			so.Backoff = backoff
		}
		// The first rule with an opinion wins, so this one runs before the SDK's code lists.
		so.Retryables = append([]retry.IsErrorRetryable{noRetryLimitExceeded{}, noRetryNotRepeatable{}}, so.Retryables...)
	})
}

// noRetryLimitExceeded stops retries of LimitExceededException before any other rule says yes.
type noRetryLimitExceeded struct{}

func (noRetryLimitExceeded) IsErrorRetryable(err error) aws.Ternary {
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() == "LimitExceededException" {
		return aws.FalseTernary
	}
	return aws.UnknownTernary
}
