package cognito

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// poolDescriber is the part of the Cognito client that reads the pool's settings.
type poolDescriber interface {
	DescribeUserPool(ctx context.Context, in *cip.DescribeUserPoolInput, opts ...func(*cip.Options)) (*cip.DescribeUserPoolOutput, error)
}

// PasswordPolicy reads the pool's password policy (DescribeUserPool, which needs the
// cognito-idp:DescribeUserPool permission). Pages check a new password against it before
// Cognito, which stays the judge, is asked.
func (e *Engine) PasswordPolicy(ctx context.Context) (PasswordPolicy, error) {
	up, err := e.describePool(ctx)
	if err != nil {
		return PasswordPolicy{}, err
	}
	return policyOf(up), nil
}

// describePool reads the pool's settings (DescribeUserPool); the pool is never nil.
func (e *Engine) describePool(ctx context.Context) (*types.UserPoolType, error) {
	api, ok := e.api.(poolDescriber)
	if !ok {
		return nil, &Error{Kind: Internal, Op: "DescribeUserPool", Err: errors.New("the Cognito client cannot describe the pool")}
	}
	out, err := api.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(e.cfg.UserPoolID)})
	if err != nil {
		return nil, e.fail(ctx, "DescribeUserPool", err)
	}
	if out.UserPool == nil {
		return nil, &Error{Kind: Internal, Op: "DescribeUserPool", Err: errors.New("no pool in the reply")}
	}
	return out.UserPool, nil
}
