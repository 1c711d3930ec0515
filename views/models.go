package views

import "time"

// Field names of the forms, shared by views and the handlers that parse them.
const (
	FieldUsername        = "username"
	FieldPassword        = "password"
	FieldPasswordConfirm = "password_confirm"
	FieldCode            = "code"
	FieldMethod          = "method"
	FieldDeviceName      = "device_name"
	FieldEmail           = "email"
	FieldRememberDevice  = "remember_device"
	FieldAnswer          = "answer"
	// FieldResend marks a "Send a new code" post, so the page that follows confirms it.
	FieldResend = "resend"
)

// Cognito MFA method names, used as the value of the FieldMethod buttons.
const (
	MethodSMS   = "SMS_MFA"
	MethodTOTP  = "SOFTWARE_TOKEN_MFA"
	MethodEmail = "EMAIL_OTP"
)

// FieldErrors maps a form field name (FieldUsername, AttributeFieldName(…))
// to its localised error message.
type FieldErrors map[string]string

// SignIn is the username-and-password page.
type SignIn struct {
	// Action is the URL the form posts to.
	Action string
	// Username pre-fills the username field (kept after an error or when
	// the sign-in had to start again).
	Username string
	// Notice is an informational sentence shown above the form, such as
	// the catalog's "error.SessionExpired".
	Notice string
	// Error is a general error sentence (wrong credentials, disabled user).
	Error string
	// FieldErrors holds per-field errors for FieldUsername and FieldPassword.
	FieldErrors FieldErrors
	// ForgotPasswordURL is the "Forgot password?" link; empty hides it.
	ForgotPasswordURL string
	// SignUpURL is the "Create an account" link; empty hides it (signup.go).
	SignUpURL string
	// UsernameFirst is choice-based sign-in: the username alone, the way to sign in next
	// (userauth.templ); the password field shows only with ShowPassword, and is optional.
	UsernameFirst, ShowPassword bool
	// NoPassword hides the password field: the flow asks the username alone (custom
	// authentication without a password).
	NoPassword bool
}

// NewPassword is the NEW_PASSWORD_REQUIRED page: a new password twice plus
// one field per required attribute the account is missing. The form posts
// FieldPassword, FieldPasswordConfirm and AttributeFieldName(name) for each
// attribute.
type NewPassword struct {
	// Action is the URL the form posts to.
	Action string
	// Policy lists the password rules as localised phrases
	// ("be at least 8 characters long").
	Policy []string
	// Attributes are the missing required attributes, in display order.
	Attributes []AttributeInput
	// Error is a general error sentence (e.g. InvalidPassword).
	Error string
	// FieldErrors holds per-field errors, keyed by form field name.
	FieldErrors FieldErrors
	// StartOverURL links to a fresh sign-in; empty hides the link.
	StartOverURL string
	// Username is the account, for password managers (a hidden autocomplete="username" field).
	Username string
	// Password and PasswordConfirm refill what was typed after an error that is not about the
	// password (see handlers' keptPasswords); empty otherwise.
	Password, PasswordConfirm string
}

// AttributeInput is one user attribute collected on the new-password page.
type AttributeInput struct {
	// Name is the Cognito attribute name without the "userAttributes."
	// prefix: "email", "given_name", "custom:team".
	Name string
	// Value is what the person typed before (preserved on error).
	Value string
}

// CodeEntry is the page asking for a one-time code. It posts FieldCode (and
// FieldRememberDevice = "1" when the box is ticked). The handler's step entry
// supplies the wording, so the page knows no kind of code.
type CodeEntry struct {
	// Title is the heading ("Check your phone").
	Title string
	// Intro says where the code was sent or where to find it.
	Intro string
	// Action is the URL the form posts to.
	Action string
	// Digits is the code length the step asks for.
	Digits int
	// OfferRememberDevice shows a "remember this device" checkbox.
	OfferRememberDevice bool
	// RestartURL is the "Didn't get a code? Start again" link for SMS and
	// email codes (Cognito cannot resend); empty hides it.
	RestartURL string
	// ResendAction is where a "Send a new code" button posts, shown instead of
	// RestartURL; empty hides it.
	ResendAction string
	// OtherMethodURL is the "Use another method" link, for a person who chose among
	// several methods; empty hides it.
	OtherMethodURL string
	// StartOverURL is the "Start again" link, shown when none of the links above is, so
	// no code page is a dead end.
	StartOverURL string
	// Error is a general error sentence (CodeMismatch, ExpiredCode).
	Error string
	// FieldErrors holds the error for FieldCode.
	FieldErrors FieldErrors
}

// MethodChoice is one MFA method offered on a choice page.
type MethodChoice struct {
	// Method is the Cognito name the button posts as FieldMethod.
	Method string
	// Label is the method's friendly name; Description explains it (or,
	// for a method that cannot be chosen, why not).
	Label, Description string
}

// SelectMFA is the SELECT_MFA_TYPE page: one submit button per method, each
// posting FieldMethod with the Cognito method name.
type SelectMFA struct {
	// Action is the URL the form posts to.
	Action string
	// Methods are the methods of MFAS_CAN_CHOOSE, in display order.
	Methods []MethodChoice
	// Error is a general error sentence.
	Error string
	// StartOverURL links to a fresh sign-in; empty hides the link.
	StartOverURL string
}

// MFASetupChoice is the MFA_SETUP page when several methods can be set up.
// Each of Methods gets a submit button posting FieldMethod; each of
// Unavailable is explained (SMS: an administrator must add a phone number).
type MFASetupChoice struct {
	// Action is the URL the form posts to.
	Action string
	// Methods can be set up now, in display order.
	Methods []MethodChoice
	// Unavailable cannot be set up here; Description says why.
	Unavailable []MethodChoice
	// Error is a general error sentence.
	Error string
	// StartOverURL links to a fresh sign-in; empty hides the link.
	StartOverURL string
}

// TOTPSetup is the authenticator enrolment page. It posts FieldCode and
// FieldDeviceName.
type TOTPSetup struct {
	// Action is the URL the form posts to.
	Action string
	// Secret is the base32 secret from AssociateSoftwareToken.
	Secret string
	// URI is the otpauth:// URI the QR code encodes.
	URI string
	// Account is the account label shown to the person (the username).
	Account string
	// DeviceName pre-fills the optional device name field.
	DeviceName string
	// Digits is the length of the authenticator's codes.
	Digits int
	// Error is a general error sentence (EnableSoftwareTokenMFA).
	Error string
	// FieldErrors holds errors for FieldCode and FieldDeviceName.
	FieldErrors FieldErrors
	// StartOverURL links to a fresh sign-in; empty hides the link.
	StartOverURL string
}

// EmailMFASetup asks for the address email codes go to. It posts FieldEmail;
// the normal email CodeEntry page follows.
type EmailMFASetup struct {
	// Action is the URL the form posts to.
	Action string
	// Email pre-fills the field.
	Email string
	// Error is a general error sentence.
	Error string
	// FieldErrors holds the error for FieldEmail.
	FieldErrors FieldErrors
	// StartOverURL links to a fresh sign-in; empty hides the link.
	StartOverURL string
}

// Account is the page shown after signing in without an app.
type Account struct {
	// Username is the signed-in person's username.
	Username string
	// Email is their email address; empty hides the row.
	Email string
	// SignOutAction is the URL the sign-out form posts to.
	SignOutAction string
	// Notice is an informational sentence.
	Notice string
	// Passkeys is the passkey section (choice-based sign-in only); nil hides it.
	Passkeys *AccountPasskeys
	// DevicesURL links to the person's remembered browsers; empty hides the link.
	DevicesURL string
}

// ErrorPage is shown for errors that cannot go back to an app.
type ErrorPage struct {
	// Status is the HTTP status code.
	Status int
	// Title is the heading; empty uses a title for Status.
	Title string
	// Message is the plain explanation; empty uses "error.Internal".
	Message string
	// StartOverURL is the "Start again" link; empty hides it.
	StartOverURL string
	// RequestID is shown for support; empty hides it.
	RequestID string
}

// SignedOut is shown after signing out.
type SignedOut struct {
	// SignInURL is the "Sign in again" link; empty hides it.
	SignInURL string
}

// Outbox is the demo page listing codes the local user pool "sent".
type Outbox struct {
	// RefreshURL reloads the page.
	RefreshURL string
	// Messages are shown newest first whatever their order here.
	Messages []OutboxMessage
}

// OutboxMessage is one SMS or email the local user pool delivered.
type OutboxMessage struct {
	// To is the phone number or email address.
	To string
	// Medium is "SMS" or "EMAIL".
	Medium string
	// Code is the one-time code in the message, if any.
	Code string
	// Message is the full text.
	Message string
	// SentAt is when it was sent.
	SentAt time.Time
}

// DemoLanding is the demo app's start page.
type DemoLanding struct {
	// SignInURL starts the OpenID Connect sign-in (a GET link).
	SignInURL string
	// Error is a general error sentence (e.g. the app got error= back).
	Error string
	// ErrorCode is the error code the app got back, shown as a technical detail; empty hides it.
	ErrorCode string
}

// DemoSession is the demo app's page after signing in.
type DemoSession struct {
	// Claims are the ID token's claims, in display order.
	Claims []Claim
	// RefreshAction is the URL the "Refresh tokens" form posts to.
	RefreshAction string
	// SignOutAction is the URL the "Sign out" form posts to.
	SignOutAction string
	// Notice is an informational sentence (e.g. tokens refreshed).
	Notice string
	// Error is a general error sentence.
	Error string
}

// Claim is one ID token claim, its value already formatted as text.
type Claim struct {
	Name  string
	Value string
}

// ForgotPassword asks for the username a password reset code goes to. It
// posts FieldUsername.
type ForgotPassword struct {
	// Action is the URL the form posts to.
	Action string
	// Username pre-fills the field.
	Username string
	// Error is a general error sentence.
	Error string
	// FieldErrors holds the error for FieldUsername.
	FieldErrors FieldErrors
	// BackURL links back to sign-in; empty hides the link.
	BackURL string
}

// ResetPassword asks for the reset code and a new password (after
// ForgotPassword, or PasswordResetRequiredException at sign-in). It posts
// FieldUsername (hidden), FieldCode, FieldPassword and FieldPasswordConfirm.
type ResetPassword struct {
	// Action is the URL the form posts to.
	Action string
	// Username is the account being reset, shown and sent as a hidden field.
	Username string
	// Destination is the masked address the code went to; may be empty.
	Destination string
	// Notice is an informational sentence (e.g. error.PasswordResetRequired).
	Notice string
	// Digits is the reset code's length.
	Digits int
	// Policy lists the password rules as localised phrases.
	Policy []string
	// Error is a general error sentence.
	Error string
	// FieldErrors holds per-field errors, keyed by form field name.
	FieldErrors FieldErrors
	// ResendAction is the URL a "Send a new code" form posts FieldUsername
	// to; empty hides it.
	ResendAction string
	// BackURL links back to sign-in; empty hides the link.
	BackURL string
	// Password and PasswordConfirm refill what was typed after an error that is not about the
	// password, such as a wrong code; empty otherwise.
	Password, PasswordConfirm string
}

// ConfirmSignUp asks for the code that confirms a new account
// (UserNotConfirmedException). It posts FieldUsername (hidden) and FieldCode.
type ConfirmSignUp struct {
	// Action is the URL the form posts to.
	Action string
	// Username is the account being confirmed.
	Username string
	// Destination is the masked address the code went to; may be empty.
	Destination string
	// Digits is the code's length.
	Digits int
	// Notice is an informational sentence (e.g. error.UserNotConfirmed).
	Notice string
	// Error is a general error sentence.
	Error string
	// FieldErrors holds the error for FieldCode.
	FieldErrors FieldErrors
	// ResendAction is the URL a "Send a new code" form posts FieldUsername
	// to; empty hides it.
	ResendAction string
	// BackURL links back to sign-in; empty hides the link.
	BackURL string
}

// CustomChallenge is a question from the pool's custom authentication
// Lambdas (CUSTOM_CHALLENGE). It posts FieldAnswer.
type CustomChallenge struct {
	// Action is the URL the form posts to.
	Action string
	// Question is the prompt from the challenge's public parameters; empty
	// uses a generic label.
	Question string
	// Hint is the challenge's optional "hint" parameter, shown as the
	// field's help; empty hides it.
	Hint string
	// Error is a general error sentence.
	Error string
	// FieldErrors holds the error for FieldAnswer.
	FieldErrors FieldErrors
	// ResendAction is where a "Send a new code" button posts (a custom flow without a
	// password starts again); empty hides it.
	ResendAction string
	// StartOverURL links to a fresh sign-in; empty hides the link.
	StartOverURL string
}
