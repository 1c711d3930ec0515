package cognito

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/document"
)

// PasskeyAPI is the part of the Cognito client that manages a signed-in person's passkeys.
// *cognitoidentityprovider.Client implements it.
type PasskeyAPI interface {
	StartWebAuthnRegistration(ctx context.Context, in *cip.StartWebAuthnRegistrationInput, opts ...func(*cip.Options)) (*cip.StartWebAuthnRegistrationOutput, error)
	CompleteWebAuthnRegistration(ctx context.Context, in *cip.CompleteWebAuthnRegistrationInput, opts ...func(*cip.Options)) (*cip.CompleteWebAuthnRegistrationOutput, error)
	ListWebAuthnCredentials(ctx context.Context, in *cip.ListWebAuthnCredentialsInput, opts ...func(*cip.Options)) (*cip.ListWebAuthnCredentialsOutput, error)
	DeleteWebAuthnCredential(ctx context.Context, in *cip.DeleteWebAuthnCredentialInput, opts ...func(*cip.Options)) (*cip.DeleteWebAuthnCredentialOutput, error)
}

// Passkey is one of a person's registered passkeys.
type Passkey struct {
	// ID is the credential id (base64url), what Delete takes.
	ID string
	// Name is the name Cognito gave it.
	Name string
	// Attachment is "platform" (this device) or "cross-platform" (a security key or phone),
	// when known.
	Attachment string
	Created    time.Time
}

// Passkeys registers, lists and deletes people's passkeys. Every call takes the person's
// Cognito access token, which must never reach the browser.
type Passkeys struct{ api PasskeyAPI }

// NewPasskeys returns passkey management over api.
func NewPasskeys(api PasskeyAPI) *Passkeys { return &Passkeys{api: api} }

// maxPasskeysListed bounds how many passkeys List reads (Cognito allows 20 per user).
const maxPasskeysListed = 20

// StartRegistration returns the credential creation options (JSON) for the browser's
// navigator.credentials.create().
func (p *Passkeys) StartRegistration(ctx context.Context, accessToken string) (string, error) {
	out, err := p.api.StartWebAuthnRegistration(ctx, &cip.StartWebAuthnRegistrationInput{AccessToken: aws.String(accessToken)})
	if err != nil {
		return "", mapError("StartWebAuthnRegistration", err)
	}
	if out.CredentialCreationOptions == nil {
		return "", &Error{Kind: Internal, Op: "StartWebAuthnRegistration", Err: errors.New("no credential creation options")}
	}
	b, err := out.CredentialCreationOptions.MarshalSmithyDocument()
	if err != nil {
		return "", &Error{Kind: Internal, Op: "StartWebAuthnRegistration", Err: fmt.Errorf("credential creation options: %w", err)}
	}
	return string(b), nil
}

// CompleteRegistration registers the passkey the browser created (RegistrationResponseJSON).
func (p *Passkeys) CompleteRegistration(ctx context.Context, accessToken, credential string) error {
	var doc map[string]any
	if len(credential) > maxCredential || json.Unmarshal([]byte(credential), &doc) != nil {
		return &Error{Kind: InvalidParameter, Op: "CompleteWebAuthnRegistration", Err: fmt.Errorf("a credential of %d bytes that is not a JSON object or too long", len(credential))}
	}
	_, err := p.api.CompleteWebAuthnRegistration(ctx, &cip.CompleteWebAuthnRegistrationInput{AccessToken: aws.String(accessToken), Credential: document.NewLazyDocument(doc)})
	return mapError("CompleteWebAuthnRegistration", err)
}

// List returns the person's passkeys.
func (p *Passkeys) List(ctx context.Context, accessToken string) ([]Passkey, error) {
	out, err := p.api.ListWebAuthnCredentials(ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: aws.String(accessToken), MaxResults: aws.Int32(maxPasskeysListed)})
	if err != nil {
		return nil, mapError("ListWebAuthnCredentials", err)
	}
	keys := make([]Passkey, 0, len(out.Credentials))
	for _, c := range out.Credentials {
		keys = append(keys, Passkey{
			ID: aws.ToString(c.CredentialId), Name: aws.ToString(c.FriendlyCredentialName),
			Attachment: aws.ToString(c.AuthenticatorAttachment), Created: aws.ToTime(c.CreatedAt),
		})
	}
	return keys, nil
}

// Delete removes the passkey with credential id id.
func (p *Passkeys) Delete(ctx context.Context, accessToken, id string) error {
	_, err := p.api.DeleteWebAuthnCredential(ctx, &cip.DeleteWebAuthnCredentialInput{AccessToken: aws.String(accessToken), CredentialId: aws.String(id)})
	return mapError("DeleteWebAuthnCredential", err)
}
