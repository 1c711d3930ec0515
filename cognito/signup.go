package cognito

import (
	"context"
	"errors"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Self-service sign-up: SignUp creates an unconfirmed account and Cognito sends a confirmation
// code; ConfirmSignUp confirms it with the code; ResendConfirmationCode sends a fresh one. What
// the sign-up page asks for comes from the pool (DescribeUserPool): its required attributes and
// password policy.

// SignUpAPI is the part of the Cognito client sign-up uses.
type SignUpAPI interface {
	SignUp(ctx context.Context, in *cip.SignUpInput, opts ...func(*cip.Options)) (*cip.SignUpOutput, error)
	ConfirmSignUp(ctx context.Context, in *cip.ConfirmSignUpInput, opts ...func(*cip.Options)) (*cip.ConfirmSignUpOutput, error)
	ResendConfirmationCode(ctx context.Context, in *cip.ResendConfirmationCodeInput, opts ...func(*cip.Options)) (*cip.ResendConfirmationCodeOutput, error)
}

// PasswordPolicy is the pool's password policy.
type PasswordPolicy struct {
	MinimumLength                                                      int
	RequireUppercase, RequireLowercase, RequireNumbers, RequireSymbols bool
	// History is how many previous passwords a new one must differ from (0: none).
	History int
}

// DefaultPasswordPolicy is Cognito's default password policy (a pool that names none).
func DefaultPasswordPolicy() PasswordPolicy {
	return PasswordPolicy{MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true}
}

// policyOf is the password policy of the pool a DescribeUserPool reply holds.
func policyOf(up *types.UserPoolType) PasswordPolicy {
	if up.Policies == nil || up.Policies.PasswordPolicy == nil {
		return DefaultPasswordPolicy()
	}
	pp := up.Policies.PasswordPolicy
	return PasswordPolicy{MinimumLength: int(aws.ToInt32(pp.MinimumLength)), RequireUppercase: pp.RequireUppercase,
		RequireLowercase: pp.RequireLowercase, RequireNumbers: pp.RequireNumbers, RequireSymbols: pp.RequireSymbols,
		History: int(aws.ToInt32(pp.PasswordHistorySize))}
}

// SignUpForm is what the pool asks of a new account: its required attributes (standard and
// custom, in the pool's order, without sub) followed by the auto-verified ones the confirmation
// code goes to (email, phone_number), and its password policy.
type SignUpForm struct {
	Required []string
	Policy   PasswordPolicy
}

func (e *Engine) signUpAPI() (SignUpAPI, error) {
	api, ok := e.api.(SignUpAPI)
	if !ok {
		return nil, &Error{Kind: Internal, Op: "sign-up", Err: errors.New("the Cognito client has no sign-up calls")}
	}
	return api, nil
}

// SignUpForm reads the pool's required attributes and password policy (DescribeUserPool, which
// needs the cognito-idp:DescribeUserPool permission).
func (e *Engine) SignUpForm(ctx context.Context) (SignUpForm, error) {
	up, err := e.describePool(ctx)
	if err != nil {
		return SignUpForm{}, err
	}
	var f SignUpForm
	for _, a := range up.SchemaAttributes {
		if name := aws.ToString(a.Name); aws.ToBool(a.Required) && name != "sub" && !slices.Contains(f.Required, name) {
			f.Required = append(f.Required, name)
		}
	}
	for _, a := range up.AutoVerifiedAttributes {
		if name := string(a); !slices.Contains(f.Required, name) {
			f.Required = append(f.Required, name)
		}
	}
	f.Policy = policyOf(up)
	return f, nil
}

func delivery(cd *types.CodeDeliveryDetailsType) Delivery {
	if cd == nil {
		return Delivery{}
	}
	return Delivery{Medium: string(cd.DeliveryMedium), Destination: aws.ToString(cd.Destination)}
}

// SignedUp is what SignUp returns: where the confirmation code went, and Cognito's Session for
// ConfirmSignUp (with choice-based sign-in, the confirmation's own Session then signs the person
// in: StartAfterSignUp).
type SignedUp struct {
	Delivery Delivery
	Session  string
}

// SignUp creates an unconfirmed account and returns where Cognito sent its confirmation code.
func (e *Engine) SignUp(ctx context.Context, username, password string, attrs map[string]string) (SignedUp, error) {
	api, err := e.signUpAPI()
	if err != nil {
		return SignedUp{}, err
	}
	in := &cip.SignUpInput{ClientId: aws.String(e.cfg.ClientID), SecretHash: e.secretHash(username), Username: aws.String(username), Password: aws.String(password)}
	names := make([]string, 0, len(attrs))
	for k := range attrs {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		in.UserAttributes = append(in.UserAttributes, types.AttributeType{Name: aws.String(k), Value: aws.String(attrs[k])})
	}
	out, err := api.SignUp(ctx, in)
	if err != nil {
		return SignedUp{}, e.fail(ctx, "SignUp", err)
	}
	return SignedUp{Delivery: delivery(out.CodeDeliveryDetails), Session: aws.ToString(out.Session)}, nil
}

// ConfirmSignUp confirms an account with the code Cognito sent. session is SignUp's Session
// (optional); with it Cognito returns a Session that signs the person in (StartAfterSignUp).
func (e *Engine) ConfirmSignUp(ctx context.Context, username, code, session string) (string, error) {
	api, err := e.signUpAPI()
	if err != nil {
		return "", err
	}
	in := &cip.ConfirmSignUpInput{
		ClientId: aws.String(e.cfg.ClientID), SecretHash: e.secretHash(username), Username: aws.String(username), ConfirmationCode: aws.String(code),
	}
	if session != "" {
		in.Session = aws.String(session)
	}
	out, err := api.ConfirmSignUp(ctx, in)
	if err != nil {
		return "", e.fail(ctx, "ConfirmSignUp", err)
	}
	return aws.ToString(out.Session), nil
}

// ResendConfirmationCode sends a fresh confirmation code and returns where it went.
func (e *Engine) ResendConfirmationCode(ctx context.Context, username string) (Delivery, error) {
	api, err := e.signUpAPI()
	if err != nil {
		return Delivery{}, err
	}
	out, err := api.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{ClientId: aws.String(e.cfg.ClientID), SecretHash: e.secretHash(username), Username: aws.String(username)})
	if err != nil {
		return Delivery{}, e.fail(ctx, "ResendConfirmationCode", err)
	}
	return delivery(out.CodeDeliveryDetails), nil
}
