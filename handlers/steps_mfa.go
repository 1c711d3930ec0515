package handlers

import (
	"strings"

	"github.com/a-h/templ"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// codeWording is the catalog ids of a code page: its title and its introduction with and
// without a known destination (or device).
type codeWording struct {
	title, intro, introBare string
	// restart offers "Didn't get a code? Start again" (codes that were sent, not shown by an app).
	restart bool
	// rememberable offers "Remember this browser": a remembered browser stands in for this code.
	rememberable bool
	// resend is where "Send a new code" posts (PathSignInResend: a sign-in code starts the
	// sign-in again with the same factor, an MFA code asks the password again); it takes the
	// place of restart.
	resend string
}

// codePage is a page asking for a one-time code of digits digits.
func codePage(w codeWording, digits int) stepPage {
	return stepPage{
		parse: func(p views.Page, _ cognito.State, form func(string) string) (cognito.Answer, stepForm, views.FieldErrors) {
			a, errs := cognito.Answer{}, views.FieldErrors{}
			parseCode(p, form, digits, a, errs)
			return a, nil, errs
		},
		view: func(h *Handlers, p views.Page, st cognito.State, v stepInput) templ.Component {
			d := cognito.DataOf[cognito.CodeData](st)
			intro := p.T(w.introBare, map[string]any{"Digits": digits})
			if d.Destination != "" || d.DeviceName != "" {
				intro = p.T(w.intro, map[string]any{"Digits": digits, "Destination": d.Destination, "Device": d.DeviceName})
			}
			m := views.CodeEntry{Title: p.T(w.title), Intro: intro, Action: PathStep, Digits: digits, Error: v.err, FieldErrors: v.errs}
			if w.restart {
				m.RestartURL = PathRestart
			}
			m.ResendAction = w.resend
			m.OfferRememberDevice = w.rememberable && h.devicesOn()
			return views.CodeEntryPage(p, m)
		},
		messages: []string{w.title, w.intro, w.introBare, "validation.code.format"},
	}
}

// smsWording and emailWording are the texts of codes sent by text message and by email (MFA
// and sign-in codes alike), with "Send a new code".
func smsWording() codeWording {
	return codeWording{title: "code.sms.title", intro: "code.sms.intro", introBare: "code.sms.intro_nodest", restart: true, resend: PathSignInResend}
}

func emailWording() codeWording {
	return codeWording{title: "code.email.title", intro: "code.email.intro", introBare: "code.email.intro_nodest", restart: true, resend: PathSignInResend}
}

func smsCodePage() stepPage {
	w := smsWording()
	w.rememberable = true // a remembered browser stands in for SMS MFA (not for sign-in codes)
	return codePage(w, cognito.MFACodeLength)
}

func emailCodePage() stepPage { return codePage(emailWording(), cognito.MFACodeLength) }

func totpCodePage() stepPage {
	return codePage(codeWording{title: "code.totp.title", intro: "code.totp.intro_device", introBare: "code.totp.intro", rememberable: true}, cognito.MFACodeLength)
}

// methodText is the catalog ids describing one MFA method.
type methodText struct {
	method, label, choose, setup string
}

// methodTexts describes the MFA methods Cognito offers.
func methodTexts() []methodText {
	return []methodText{
		{cognito.MethodSMS, "mfa.SMS_MFA.label", "mfa.SMS_MFA.description", "mfasetup.sms.unavailable"},
		{cognito.MethodTOTP, "mfa.SOFTWARE_TOKEN_MFA.label", "mfa.SOFTWARE_TOKEN_MFA.description", "mfasetup.SOFTWARE_TOKEN_MFA.description"},
		{cognito.MethodEmail, "mfa.EMAIL_OTP.label", "mfa.EMAIL_OTP.description", "mfasetup.EMAIL_OTP.description"},
	}
}

// methodMessages are the ids of methodTexts, for the catalog test.
func methodMessages() []string {
	var ids []string
	for _, t := range methodTexts() {
		ids = append(ids, t.label, t.choose, t.setup)
	}
	return ids
}

// methodChoice is how method is offered: to choose (setup false) or to set up.
func methodChoice(p views.Page, method string, setup bool) views.MethodChoice {
	for _, t := range methodTexts() {
		if t.method == method {
			desc := t.choose
			if setup {
				desc = t.setup
			}
			return views.MethodChoice{Method: method, Label: p.T(t.label), Description: p.T(desc)}
		}
	}
	// The engine keeps only the methods above; anything else is shown by its Cognito name.
	return views.MethodChoice{Method: method, Label: method}
}

func selectMFAPage() stepPage {
	return stepPage{
		parse: parseMethod,
		view: func(_ *Handlers, p views.Page, st cognito.State, v stepInput) templ.Component {
			m := views.SelectMFA{Action: PathStep, Error: v.err, StartOverURL: PathRestart}
			for _, o := range cognito.DataOf[cognito.ChoiceData](st).Options {
				m.Methods = append(m.Methods, methodChoice(p, o, false))
			}
			return views.SelectMFAPage(p, m)
		},
		messages: append(methodMessages(), "validation.method.required"),
	}
}

func mfaSetupChoicePage() stepPage {
	return stepPage{
		parse: parseMethod,
		view: func(_ *Handlers, p views.Page, st cognito.State, v stepInput) templ.Component {
			m := views.MFASetupChoice{Action: PathStep, Error: v.err, StartOverURL: PathRestart}
			for _, o := range cognito.DataOf[cognito.ChoiceData](st).Options {
				if o == cognito.MethodSMS {
					// SMS needs a phone number an administrator adds: explained, not offered.
					m.Unavailable = append(m.Unavailable, methodChoice(p, o, true))
					continue
				}
				m.Methods = append(m.Methods, methodChoice(p, o, true))
			}
			return views.MFASetupChoicePage(p, m)
		},
		messages: append(methodMessages(), "validation.method.required"),
	}
}

func totpSetupPage() stepPage {
	return stepPage{
		parse: func(p views.Page, _ cognito.State, form func(string) string) (cognito.Answer, stepForm, views.FieldErrors) {
			a, errs := cognito.Answer{}, views.FieldErrors{}
			parseCode(p, form, cognito.MFACodeLength, a, errs)
			name := trimmed(form, views.FieldDeviceName)
			if len(name) > cognito.MaxDeviceName {
				errs[views.FieldDeviceName] = p.T("validation.too_long", map[string]any{"Max": cognito.MaxDeviceName})
			}
			a[cognito.AnswerDeviceName] = name
			return a, stepForm{views.FieldDeviceName: name}, errs
		},
		view: func(h *Handlers, p views.Page, st cognito.State, v stepInput) templ.Component {
			secret := cognito.DataOf[cognito.TOTPSetupData](st).SecretCode
			return views.TOTPSetupPage(p, views.TOTPSetup{
				Action: PathStep, Secret: secret, URI: cognito.OTPAuthURI(h.d.TOTPIssuer, st.Username, secret), Account: st.Username,
				DeviceName: v.form[views.FieldDeviceName], Digits: cognito.MFACodeLength, Error: v.err, FieldErrors: v.errs, StartOverURL: PathRestart,
			})
		},
		messages: []string{"validation.code.format", "validation.too_long"},
	}
}

// maxEmail is the longest email address (RFC 5321's path limit less the brackets).
const maxEmail = 254

func emailSetupPage() stepPage {
	return stepPage{
		parse: func(p views.Page, _ cognito.State, form func(string) string) (cognito.Answer, stepForm, views.FieldErrors) {
			email := trimmed(form, views.FieldEmail)
			kept := stepForm{views.FieldEmail: email}
			if !strings.Contains(email, "@") || len(email) > maxEmail {
				return nil, kept, views.FieldErrors{views.FieldEmail: p.T("validation.email.format")}
			}
			return cognito.Answer{cognito.AnswerEmail: email}, kept, nil
		},
		view: func(_ *Handlers, p views.Page, _ cognito.State, v stepInput) templ.Component {
			return views.EmailMFASetupPage(p, views.EmailMFASetup{Action: PathStep, Email: v.form[views.FieldEmail], Error: v.err, FieldErrors: v.errs, StartOverURL: PathRestart})
		},
		messages: []string{"validation.email.format"},
	}
}
