package cognito

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"
)

// Auth flows the engine can start.
const (
	FlowUserSRP      = "USER_SRP_AUTH"
	FlowUserPassword = "USER_PASSWORD_AUTH"
)

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
	// AuthFlow is FlowUserSRP (default) or FlowUserPassword.
	AuthFlow string
	// TOTPIssuer is the name authenticator apps show for this account.
	TOTPIssuer string
	// StaticCredentials, when set, are used instead of the standard AWS credential chain
	// (emulators accept any).
	StaticCredentials *credentials.StaticCredentialsProvider
}

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

// NewAPI builds the AWS SDK client for cfg. It does not retry LimitExceededException (a per-user
// limit that retrying only prolongs) and keeps the SDK's jittered retries for throttling.
func NewAPI(ctx context.Context, cfg Config) (*cip.Client, error) {
	opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithRegion(cfg.Region)}
	if cfg.StaticCredentials != nil {
		opts = append(opts, awsconfig.WithCredentialsProvider(*cfg.StaticCredentials))
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	return cip.NewFromConfig(awsCfg, func(o *cip.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.Retryables = append([]retry.IsErrorRetryable{noRetryLimitExceeded{}}, so.Retryables...)
		})
	}), nil
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
