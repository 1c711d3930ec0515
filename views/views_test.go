package views

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
	"golang.org/x/net/html"
)

// want is one expectation about a rendered page: exactly one element matches
// sel, it has attrs, and its text contains text.
type want struct {
	sel   string
	attrs map[string]string
	text  string
}

// pageCase renders one page and checks it; absent lists selectors that must
// match nothing.
type pageCase struct {
	name   string
	page   func(p Page) templ.Component
	wants  []want
	absent []string
	alert  bool // an error summary (role=alert) is expected
}

// codeMax is every code field's maxlength: generous, so pasted "684 529" is not cut.
var codeMax = strconv.Itoa(CodeFieldMaxLength)

func TestPages(t *testing.T) {
	sentAt := time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)
	cases := []pageCase{
		{
			name: "sign in",
			page: func(p Page) templ.Component {
				return SignInPage(p, SignIn{Action: "/signin?x=1", Username: "ana", ForgotPasswordURL: "/forgot"})
			},
			wants: []want{
				{sel: "form[method=post]", attrs: map[string]string{"action": "/signin?x=1"}},
				{sel: "input#username", attrs: map[string]string{"name": "username", "autocomplete": "username", "autocapitalize": "none", "spellcheck": "false", "value": "ana", "required": ""}},
				{sel: "input#password", attrs: map[string]string{"name": "password", "type": "password", "autocomplete": "current-password", "autofocus": ""}},
				{sel: "label[for=username]", text: "Username"},
				{sel: "label[for=password]", text: "Password"},
				{sel: "a[href=/forgot]", text: "Forgot password?"},
				{sel: "button[data-password-toggle=password]", attrs: map[string]string{"type": "button", "hidden": "", "aria-controls": "password", "aria-pressed": "false"}, text: "Show password"},
				{sel: "script[src=/assets/js/password.js?v=test]", attrs: map[string]string{"defer": ""}},
				{sel: "button[type=submit]", text: "Sign in"},
				{sel: "h1", text: "Sign in"},
			},
			absent: []string{"input#password[value]", "[role=status]"},
		},
		{
			name: "sign in without a password (custom authentication)",
			page: func(p Page) templ.Component {
				return SignInPage(p, SignIn{Action: "/signin", NoPassword: true})
			},
			wants:  []want{{sel: "input#username", attrs: map[string]string{"autofocus": ""}}, {sel: "button[type=submit]", text: "Sign in"}},
			absent: []string{"input#password", "a[href=/forgot]"},
		},
		{
			name: "sign in after session expired, with errors",
			page: func(p Page) templ.Component {
				return SignInPage(p, SignIn{
					Action: "/signin", Username: "ana",
					Notice:      p.T("error.SessionExpired"),
					Error:       p.T("error.NotAuthorized.WrongCredentials"),
					FieldErrors: FieldErrors{FieldPassword: p.T("validation.password.required")},
				})
			},
			alert: true,
			wants: []want{
				{sel: "div[role=status]", text: "Your sign-in took too long"},
				{sel: "div#error-summary[role=alert]", attrs: map[string]string{"tabindex": "-1"}, text: "The username or password is incorrect."},
				{sel: "a[href=#password]", text: "Enter your password."},
				{sel: "input#password", attrs: map[string]string{"aria-invalid": "true", "aria-describedby": "password-error"}},
				{sel: "p#password-error", text: "Error: Enter your password."},
				{sel: "input#username", attrs: map[string]string{"value": "ana"}},
			},
			absent: []string{"a[href=/forgot]", "input#username[aria-invalid]", "input[autofocus]"},
		},
		{
			name: "new password with attributes",
			page: func(p Page) templ.Component {
				return NewPasswordPage(p, NewPassword{
					Action: "/challenge",
					Policy: []string{"be at least 8 characters long", "contain a number"},
					Attributes: []AttributeInput{
						{Name: "email", Value: "ana@example.com"},
						{Name: "phone_number", Value: "+4470"},
						{Name: "name"}, {Name: "given_name"}, {Name: "family_name"}, {Name: "birthdate"},
						{Name: "custom:cost_centre"},
					},
					FieldErrors:  FieldErrors{AttributeFieldName("phone_number"): "Enter a phone number with its country code."},
					StartOverURL: "/restart",
					Username:     "ana", Password: "Typed-1!", PasswordConfirm: "Typed-1!",
				})
			},
			alert: true,
			wants: []want{
				{sel: "input[name=username]", attrs: map[string]string{"type": "text", "autocomplete": "username", "value": "ana", "hidden": ""}},
				{sel: "input#password", attrs: map[string]string{"type": "password", "autocomplete": "new-password", "aria-describedby": "password-policy", "value": "Typed-1!"}},
				{sel: "input#password_confirm", attrs: map[string]string{"type": "password", "autocomplete": "new-password", "value": "Typed-1!"}},
				{sel: "div#password-policy", text: "contain a number"},
				{sel: "input[name=userAttributes.email]", attrs: map[string]string{"type": "email", "autocomplete": "email", "value": "ana@example.com", "required": ""}},
				{sel: "input[name=userAttributes.phone_number]", attrs: map[string]string{"type": "tel", "autocomplete": "tel", "value": "+4470", "aria-invalid": "true", "aria-describedby": "userAttributes-phone_number-help userAttributes-phone_number-error"}},
				{sel: "input[name=userAttributes.name]", attrs: map[string]string{"type": "text", "autocomplete": "name"}},
				{sel: "input[name=userAttributes.given_name]", attrs: map[string]string{"autocomplete": "given-name"}},
				{sel: "input[name=userAttributes.family_name]", attrs: map[string]string{"autocomplete": "family-name"}},
				{sel: "input[name=userAttributes.birthdate]", attrs: map[string]string{"type": "date", "autocomplete": "bday"}},
				{sel: "input[name=userAttributes.custom:cost_centre]", attrs: map[string]string{"type": "text"}},
				{sel: "label[for=userAttributes-custom-cost_centre]", text: "Cost centre"},
				{sel: "label[for=userAttributes-given_name]", text: "First name"},
				{sel: "label[for=userAttributes-phone_number]", text: "Mobile phone number"},
				{sel: "a[href=#userAttributes-phone_number]", text: "country code"},
				{sel: "a[href=/restart]", text: "Start again"},
			},
			absent: []string{"input[name=userAttributes.custom:cost_centre][autocomplete]"},
		},
		{
			name: "SMS code",
			page: func(p Page) templ.Component {
				return CodeEntryPage(p, CodeEntry{Title: p.T("code.sms.title"), Intro: p.T("code.sms.intro", map[string]any{"Destination": "+*******1234"}), Action: "/code", Digits: 6, RestartURL: "/restart", OfferRememberDevice: true})
			},
			wants: []want{
				{sel: "h1", text: "Check your phone"},
				{sel: "p", text: "+*******1234"},
				{sel: "input#code", attrs: map[string]string{"name": "code", "autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": codeMax, "aria-describedby": "code-help", "autofocus": ""}},
				{sel: "input#remember_device", attrs: map[string]string{"type": "checkbox", "name": "remember_device", "value": "1"}},
				{sel: "a[href=/restart]", text: "Start again"},
				{sel: "p", text: "Didn't get a code? Start again"},
			},
		},
		{
			name: "email code, 8 digits, no remember box",
			page: func(p Page) templ.Component {
				return CodeEntryPage(p, CodeEntry{Title: p.T("code.email.title"), Intro: p.T("code.email.intro", map[string]any{"Destination": "a***@e***.com"}), Action: "/code", Digits: 8, RestartURL: "/restart", Error: p.T("error.CodeMismatch")})
			},
			alert: true,
			wants: []want{
				{sel: "h1", text: "Check your email"},
				{sel: "p", text: "a***@e***.com"},
				{sel: "input#code", attrs: map[string]string{"maxlength": codeMax}},
				{sel: "p#code-help", text: "8-digit"},
				{sel: "div[role=alert]", text: "That code isn't right."},
			},
			absent: []string{"input#remember_device", "input#code[autofocus]", "input#code[pattern]"},
		},
		{
			name: "authenticator code",
			page: func(p Page) templ.Component {
				return CodeEntryPage(p, CodeEntry{Title: p.T("code.totp.title"), Intro: p.T("code.totp.intro_device", map[string]any{"Device": "Work phone", "Digits": 6}), Action: "/code", Digits: 6})
			},
			wants: []want{
				{sel: "h1", text: "authenticator"},
				{sel: "p", text: "Work phone"},
				{sel: "input#code", attrs: map[string]string{"maxlength": codeMax, "inputmode": "numeric"}},
			},
			absent: []string{"a[href=/restart]"},
		},
		{
			name: "authenticator code: a way out",
			page: func(p Page) templ.Component {
				return CodeEntryPage(p, CodeEntry{Title: p.T("code.totp.title"), Intro: p.T("code.totp.intro", map[string]any{"Digits": 6}), Action: "/code", Digits: 6, StartOverURL: "/restart"})
			},
			wants: []want{{sel: "a[href=/restart]", text: "Start again"}},
		},
		{
			name: "authenticator code after choosing a method",
			page: func(p Page) templ.Component {
				return CodeEntryPage(p, CodeEntry{Title: p.T("code.totp.title"), Intro: p.T("code.totp.intro", map[string]any{"Digits": 6}), Action: "/code", Digits: 6, StartOverURL: "/restart", OtherMethodURL: "/other"})
			},
			wants:  []want{{sel: "a[href=/other]", text: "Use another method"}},
			absent: []string{"a[href=/restart]"},
		},
		{
			name: "select MFA type",
			page: func(p Page) templ.Component {
				return SelectMFAPage(p, SelectMFA{Action: "/mfa", Methods: []MethodChoice{choice(p, MethodTOTP), choice(p, MethodSMS), choice(p, MethodEmail)}})
			},
			wants: []want{
				{sel: "button[value=SMS_MFA]", attrs: map[string]string{"type": "submit", "name": "method"}, text: "Text message"},
				{sel: "button[value=SOFTWARE_TOKEN_MFA]", attrs: map[string]string{"type": "submit", "name": "method"}, text: "Authenticator app"},
				{sel: "button[value=EMAIL_OTP]", attrs: map[string]string{"type": "submit", "name": "method"}, text: "Email"},
				{sel: "form[action=/mfa]"},
				// A choice page starts at its question: the heading takes focus.
				{sel: "h1#page-heading", attrs: map[string]string{"tabindex": "-1", "autofocus": ""}, text: "Choose how to confirm it"},
			},
		},
		{
			name: "MFA choice with an error: the summary takes focus, not the heading",
			page: func(p Page) templ.Component {
				return SelectMFAPage(p, SelectMFA{Action: "/mfa", Methods: []MethodChoice{choice(p, MethodSMS)}, Error: p.T("error.CodeDeliveryFailure")})
			},
			alert: true,
			wants: []want{
				{sel: "div#error-summary", attrs: map[string]string{"autofocus": ""}},
				{sel: "h1#page-heading", attrs: map[string]string{"tabindex": "-1"}},
			},
			absent: []string{"h1[autofocus]"},
		},
		{
			name: "MFA setup choice",
			page: func(p Page) templ.Component {
				return MFASetupChoicePage(p, MFASetupChoice{Action: "/setup", Methods: []MethodChoice{setupChoice(p, MethodTOTP), setupChoice(p, MethodEmail)}, Unavailable: []MethodChoice{{Method: MethodSMS, Label: p.T("mfa.SMS_MFA.label"), Description: p.T("mfasetup.sms.unavailable")}}, StartOverURL: "/restart"})
			},
			wants: []want{
				{sel: "button[value=SOFTWARE_TOKEN_MFA]", attrs: map[string]string{"name": "method"}, text: "QR code"},
				{sel: "button[value=EMAIL_OTP]", attrs: map[string]string{"name": "method"}, text: "email you a code"},
				{sel: "main", text: "an administrator first needs to add your phone number"},
				{sel: "h1#page-heading", attrs: map[string]string{"tabindex": "-1", "autofocus": ""}},
			},
			absent: []string{"button[value=SMS_MFA]"},
		},
		{
			name: "the ways to sign in (USER_AUTH)",
			page: func(p Page) templ.Component {
				return SelectChallengePage(p, SelectChallenge{Action: "/signin/step", Username: "ana", Methods: []MethodChoice{{Method: "PASSWORD_SRP", Label: "Password"}}, StartOverURL: "/restart"})
			},
			wants: []want{
				{sel: "h1#page-heading", attrs: map[string]string{"tabindex": "-1", "autofocus": ""}, text: "Choose how to sign in"},
				{sel: "button[value=PASSWORD_SRP]", attrs: map[string]string{"name": "method"}},
			},
		},
		{
			name: "MFA setup choice without SMS",
			page: func(p Page) templ.Component {
				return MFASetupChoicePage(p, MFASetupChoice{Action: "/setup", Methods: []MethodChoice{setupChoice(p, MethodTOTP)}})
			},
			wants:  []want{{sel: "button[value=SOFTWARE_TOKEN_MFA]"}},
			absent: []string{"button[value=SMS_MFA]", "button[value=EMAIL_OTP]"},
		},
		{
			name: "TOTP setup",
			page: func(p Page) templ.Component {
				return TOTPSetupPage(p, TOTPSetup{
					Action: "/totp", Secret: "JBSWY3DPEHPK3PXP", Account: "ana",
					URI:        "otpauth://totp/Bridgekeeper:ana?secret=JBSWY3DPEHPK3PXP&issuer=Bridgekeeper",
					DeviceName: "Phone", Digits: 6, FieldErrors: FieldErrors{FieldCode: "Enter the code."},
				})
			},
			alert: true,
			wants: []want{
				{sel: "div[role=img]", attrs: map[string]string{"aria-label": "QR code for adding ana to an authenticator app"}},
				{sel: "svg[viewBox]", attrs: map[string]string{"aria-hidden": "true"}},
				{sel: "a[href=otpauth://totp/Bridgekeeper:ana?secret=JBSWY3DPEHPK3PXP&issuer=Bridgekeeper]", text: "Open in authenticator app"},
				{sel: "code#totp-secret", text: "JBSW Y3DP EHPK 3PXP"},
				{sel: "button[data-copy-target=totp-secret]", attrs: map[string]string{"type": "button", "hidden": "", "data-copy-status": "totp-secret-status"}},
				{sel: "p#totp-secret-status[role=status]"},
				{sel: "script[src=/assets/js/copy.js?v=test]", attrs: map[string]string{"defer": ""}},
				{sel: "input#device_name", attrs: map[string]string{"name": "device_name", "value": "Phone", "maxlength": "64", "aria-describedby": "device_name-help"}},
				{sel: "label[for=device_name]", text: "(optional)"},
				{sel: "input#code", attrs: map[string]string{"autocomplete": "one-time-code", "aria-invalid": "true", "maxlength": codeMax}},
			},
		},
		{
			name: "TOTP setup with a URI that is not otpauth",
			page: func(p Page) templ.Component {
				return TOTPSetupPage(p, TOTPSetup{Action: "/totp", Secret: "AB", URI: "javascript:alert(1)"})
			},
			wants:  []want{{sel: "svg[viewBox]"}},
			absent: []string{"a[href=javascript:alert(1)]"},
		},
		{
			name: "email MFA setup",
			page: func(p Page) templ.Component {
				return EmailMFASetupPage(p, EmailMFASetup{Action: "/email", Email: "ana@example.com"})
			},
			wants: []want{
				{sel: "input#email", attrs: map[string]string{"type": "email", "autocomplete": "email", "name": "email", "value": "ana@example.com"}},
				{sel: "button[type=submit]", text: "Send code"},
			},
		},
		{
			name: "account",
			page: func(p Page) templ.Component {
				return AccountPage(p, Account{Username: "ana", Email: "ana@example.com", SignOutAction: "/signout"})
			},
			wants: []want{
				{sel: "p", text: "Signed in as ana"},
				{sel: "dl", text: "ana@example.com"},
				{sel: "form[action=/signout]", attrs: map[string]string{"method": "post"}},
				{sel: "button[type=submit]", text: "Sign out"},
			},
		},
		{
			name: "error page with defaults",
			page: func(p Page) templ.Component {
				return ErrorPageView(p, ErrorPage{Status: 404, StartOverURL: "/", RequestID: "req-42"})
			},
			wants: []want{
				{sel: "h1", text: "Page not found"},
				{sel: "p[class=lead]", text: "We couldn't find the page"},
				{sel: "main", text: "Error 404"},
				{sel: "code", text: "req-42"},
				{sel: "a[href=/]", text: "Start again"},
			},
		},
		{
			name: "error page with a handler's message",
			page: func(p Page) templ.Component {
				return ErrorPageView(p, ErrorPage{Status: 500, Title: "Custom title", Message: "Custom message."})
			},
			wants: []want{
				{sel: "h1", text: "Custom title"},
				{sel: "p[class=lead]", text: "Custom message."},
			},
			absent: []string{"code", "a[href=/]"},
		},
		{
			name: "signed out",
			page: func(p Page) templ.Component { return SignedOutPage(p, SignedOut{SignInURL: "/signin"}) },
			wants: []want{
				{sel: "h1", text: "signed out"},
				{sel: "a[href=/signin]", text: "Sign in again"},
			},
		},
		{
			name: "sign-in for an app names it, escaped",
			page: func(p Page) templ.Component {
				p.App = "<b>Demo</b> & co"
				return SignInPage(p, SignIn{Action: "/signin"})
			},
			wants:  []want{{sel: "main p", text: "Sign in to continue to <b>Demo</b> & co"}},
			absent: []string{"main b"},
		},
		{
			name: "sign out?",
			page: func(p Page) templ.Component {
				return SignOutConfirmPage(p, SignOutConfirm{Action: "/signout", Username: "ana", StayURL: "/account"})
			},
			wants: []want{
				{sel: "h1", text: "Sign out?"},
				{sel: "p", text: "Signed in as ana"},
				{sel: "form[action=/signout]", attrs: map[string]string{"method": "post"}, text: "Sign out"},
				{sel: "form[action=/signout] input[name=_csrf]"},
				{sel: "a[href=/account]", text: "Stay signed in"},
			},
		},
		{
			name: "continue to the app",
			page: func(p Page) templ.Component {
				p.Refresh = "http://[::1]:8080/cb?code=c&state=s"
				return ContinuePage(p, Continue{URL: p.Refresh, App: "Demo CLI"})
			},
			wants: []want{
				{sel: "meta[http-equiv=refresh]", attrs: map[string]string{"content": "0;url=http://[::1]:8080/cb?code=c&state=s"}},
				{sel: "h1", text: "Returning to Demo CLI"},
				{sel: "main a", attrs: map[string]string{"href": "http://[::1]:8080/cb?code=c&state=s"}, text: "Continue"},
			},
		},
		{
			name: "outbox",
			page: func(p Page) templ.Component {
				return OutboxPage(p, Outbox{RefreshURL: "/demo/outbox", Messages: []OutboxMessage{
					{To: "+447700900123", Medium: "SMS", Code: "111111", Message: "Your code is 111111", SentAt: sentAt},
					{To: "ana@example.com", Medium: "EMAIL", Code: "222222", Message: "Your code is 222222", SentAt: sentAt.Add(time.Minute)},
				}})
			},
			wants: []want{
				{sel: "a[href=/demo/outbox]", text: "Refresh"},
				{sel: "table", text: "+447700900123"},
				{sel: "time[datetime=2025-05-01T10:01:00Z]", text: "2025-05-01 10:01 UTC"},
			},
			absent: []string{"meta[http-equiv]"},
		},
		{
			name:   "empty outbox",
			page:   func(p Page) templ.Component { return OutboxPage(p, Outbox{RefreshURL: "/demo/outbox"}) },
			wants:  []want{{sel: "main", text: "No messages yet."}},
			absent: []string{"table"},
		},
		{
			name:  "demo landing",
			page:  func(p Page) templ.Component { return DemoLandingPage(p, DemoLanding{SignInURL: "/demo/app/login"}) },
			wants: []want{{sel: "a[href=/demo/app/login]", text: "Sign in with Bridgekeeper"}},
		},
		{
			name: "demo session",
			page: func(p Page) templ.Component {
				return DemoSessionPage(p, DemoSession{
					Claims:        []Claim{{Name: "sub", Value: "abc"}, {Name: "email", Value: "ana@example.com"}},
					RefreshAction: "/demo/app/refresh", SignOutAction: "/demo/app/logout", Notice: "Tokens refreshed.",
				})
			},
			wants: []want{
				{sel: "th[scope=row]", text: "sub"},
				{sel: "table", text: "ana@example.com"},
				{sel: "form[action=/demo/app/refresh]", attrs: map[string]string{"method": "post"}, text: "Refresh tokens"},
				{sel: "form[action=/demo/app/logout]", attrs: map[string]string{"method": "post"}, text: "Sign out"},
				{sel: "div[role=status]", text: "Tokens refreshed."},
			},
		},
	}
	cases = append(cases, recoveryCases()...)
	cases = append(cases, adminCases()...)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw, doc := render(t, tc.page(testPage(t)))
			checkDocument(t, raw, doc, "en")
			for _, w := range tc.wants {
				n := pick(t, doc, w)
				if n == nil {
					continue
				}
				for k, v := range w.attrs {
					got, ok := attr(n, k)
					if !ok {
						t.Errorf("%s: missing attribute %s", w.sel, k)
					} else if got != v {
						t.Errorf("%s: %s = %q, want %q", w.sel, k, got, v)
					}
				}
				if w.text != "" && !strings.Contains(text(n), w.text) {
					t.Errorf("%s: text %q does not contain %q", w.sel, text(n), w.text)
				}
			}
			for _, sel := range tc.absent {
				if got := findAll(doc, sel); len(got) != 0 {
					t.Errorf("found %d elements matching %q, want none", len(got), sel)
				}
			}
			if alerts := findAll(doc, "[role=alert]"); (len(alerts) > 0) != tc.alert {
				t.Errorf("page has %d role=alert elements, want alert=%v", len(alerts), tc.alert)
			}
		})
	}
}

// pick returns the element matching w.sel. When several match (a tag such
// as p), it takes the first whose text contains w.text; none is an error.
func pick(t *testing.T, doc *html.Node, w want) *html.Node {
	t.Helper()
	all := findAll(doc, w.sel)
	switch {
	case len(all) == 0:
		t.Errorf("no element matches %q", w.sel)
		return nil
	case len(all) == 1:
		return all[0]
	case w.text == "":
		t.Errorf("%d elements match %q, want 1", len(all), w.sel)
		return nil
	}
	for _, n := range all {
		if strings.Contains(text(n), w.text) {
			return n
		}
	}
	t.Errorf("none of the %d elements matching %q contains %q", len(all), w.sel, w.text)
	return nil
}

func recoveryCases() []pageCase {
	return []pageCase{
		{
			name: "forgot password",
			page: func(p Page) templ.Component {
				return ForgotPasswordPage(p, ForgotPassword{Action: "/forgot", Username: "ana", BackURL: "/signin"})
			},
			wants: []want{
				{sel: "input#username", attrs: map[string]string{"autocomplete": "username", "value": "ana", "autocapitalize": "none"}},
				{sel: "a[href=/signin]", text: "Back to sign in"},
				{sel: "form[action=/forgot]", text: "Send code"},
			},
		},
		{
			name: "reset password",
			page: func(p Page) templ.Component {
				return ResetPasswordPage(p, ResetPassword{
					Action: "/reset", Username: "ana", Destination: "a***@e***.com", Digits: 6,
					Notice: p.T("error.PasswordResetRequired"), Policy: []string{"contain a number"},
					FieldErrors:  FieldErrors{FieldPasswordConfirm: p.T("validation.password.mismatch")},
					ResendAction: "/forgot", BackURL: "/signin",
				})
			},
			alert: true,
			wants: []want{
				{sel: "p", text: "We sent a code to a***@e***.com."},
				{sel: "div[role=status]", text: "reset your password"},
				{sel: "form[action=/reset] input[name=username]", attrs: map[string]string{"autocomplete": "username", "value": "ana", "hidden": ""}},
				{sel: "form[action=/forgot] input[name=resend]", attrs: map[string]string{"type": "hidden", "value": "1"}},
				{sel: "input#code", attrs: map[string]string{"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": codeMax}},
				{sel: "input#password", attrs: map[string]string{"autocomplete": "new-password", "aria-describedby": "password-policy"}},
				{sel: "input#password_confirm", attrs: map[string]string{"aria-invalid": "true", "aria-describedby": "password_confirm-error"}},
				{sel: "form[action=/forgot]", text: "Send a new code"},
				{sel: "a[href=#password_confirm]", text: "don't match"},
			},
			absent: []string{"input[autofocus]"},
		},
		{
			name: "confirm sign-up",
			page: func(p Page) templ.Component {
				return ConfirmSignUpPage(p, ConfirmSignUp{Action: "/confirm", Username: "ana", ResendAction: "/resend", BackURL: "/signin"})
			},
			wants: []want{
				{sel: "h1", text: "Confirm your account"},
				{sel: "input#code", attrs: map[string]string{"autofocus": ""}},
				{sel: "form[action=/resend]", text: "Send a new code"},
			},
		},
		{
			name: "custom challenge",
			page: func(p Page) templ.Component {
				return CustomChallengePage(p, CustomChallenge{Action: "/custom", Question: "What is 2 + 3?", Hint: "A whole number.", StartOverURL: "/signin"})
			},
			wants: []want{
				{sel: "label[for=answer]", text: "What is 2 + 3?"},
				{sel: "p#answer-help", text: "A whole number."},
				{sel: "input#answer", attrs: map[string]string{"name": "answer", "autocomplete": "off", "required": ""}},
			},
		},
		{
			name: "custom challenge without a question",
			page: func(p Page) templ.Component {
				return CustomChallengePage(p, CustomChallenge{Action: "/custom"})
			},
			wants: []want{{sel: "label[for=answer]", text: "Your answer"}},
		},
	}
}

// choice is a method as the handlers offer it on the select-MFA page.
func choice(p Page, method string) MethodChoice {
	return methodTexts(p, false)[method]
}

// setupChoice is a method as the handlers offer it on the MFA setup page.
func setupChoice(p Page, method string) MethodChoice {
	return methodTexts(p, true)[method]
}

func methodTexts(p Page, setup bool) map[string]MethodChoice {
	choose := map[string]MethodChoice{
		MethodSMS:   {Method: MethodSMS, Label: p.T("mfa.SMS_MFA.label"), Description: p.T("mfa.SMS_MFA.description")},
		MethodTOTP:  {Method: MethodTOTP, Label: p.T("mfa.SOFTWARE_TOKEN_MFA.label"), Description: p.T("mfa.SOFTWARE_TOKEN_MFA.description")},
		MethodEmail: {Method: MethodEmail, Label: p.T("mfa.EMAIL_OTP.label"), Description: p.T("mfa.EMAIL_OTP.description")},
	}
	if setup {
		choose[MethodTOTP] = MethodChoice{Method: MethodTOTP, Label: choose[MethodTOTP].Label, Description: p.T("mfasetup.SOFTWARE_TOKEN_MFA.description")}
		choose[MethodEmail] = MethodChoice{Method: MethodEmail, Label: choose[MethodEmail].Label, Description: p.T("mfasetup.EMAIL_OTP.description")}
	}
	return choose
}
