package views

import "time"

// Form fields of choice-based sign-in and passkeys.
const (
	// FieldCredential carries a passkey's JSON (AuthenticationResponseJSON when signing in,
	// RegistrationResponseJSON when adding one), filled by passkey.js.
	FieldCredential = "credential"
	// FieldPasskeyID names the passkey to delete.
	FieldPasskeyID = "passkey_id"
)

// passkeyScript is the script of the pages that use passkeys.
const passkeyScript = "js/passkey.js"

// SelectChallenge is the SELECT_CHALLENGE page: one submit button per way to sign in, each
// posting FieldMethod=<Cognito name> (WEB_AUTHN, PASSWORD_SRP or PASSWORD, EMAIL_OTP, SMS_OTP).
type SelectChallenge struct {
	Action string
	// Username is who is signing in, shown so a mistyped name is noticed.
	Username string
	Methods  []MethodChoice
	Error    string
	// StartOverURL links to a fresh sign-in (another username).
	StartOverURL string
}

// SignInPassword is the password step of choice-based sign-in. It posts FieldPassword.
type SignInPassword struct {
	Action, Username  string
	Error             string
	FieldErrors       FieldErrors
	ForgotPasswordURL string
	// OtherWaysAction posts to choose another way to sign in; empty hides the button.
	OtherWaysAction string
	StartOverURL    string
}

// PasskeySignIn is the passkey step: passkey.js fetches the request options from OptionsURL,
// asks the browser for the passkey and posts FieldCredential to Action.
type PasskeySignIn struct {
	Action, OptionsURL, Username string
	Error                        string
	OtherWaysAction              string
	StartOverURL                 string
}

// AccountPasskeys is the account page's passkey section.
type AccountPasskeys struct {
	// List is the person's passkeys.
	List []PasskeyItem
	// Offer invites someone who signed in with a password to add a passkey.
	Offer bool
	// AddAction receives the new passkey's FieldCredential; OptionsURL gives passkey.js the
	// creation options; DeleteAction receives FieldPasskeyID.
	AddAction, OptionsURL, DeleteAction string
	// Error says the list could not be read.
	Error string
}

// PasskeyItem is one passkey on the account page.
type PasskeyItem struct {
	ID, Name string
	Created  time.Time
}

// accountScripts are the account page's scripts: passkey.js when it offers passkeys.
func accountScripts(m Account) []string {
	if m.Passkeys == nil {
		return nil
	}
	return []string{passkeyScript}
}
