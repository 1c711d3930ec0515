package handlers

import (
	"slices"

	"github.com/a-h/templ"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// selectChallengePage is SELECT_CHALLENGE: how to sign in, in cognito.Factors' order.
func selectChallengePage() stepPage {
	return stepPage{
		parse: parseMethod,
		view: func(_ *Handlers, p views.Page, st cognito.State, v stepInput) templ.Component {
			m := views.SelectChallenge{Action: PathStep, Username: st.Username, Error: v.err, StartOverURL: PathRestart}
			texts := factorTexts()
			for _, f := range cognito.DataOf[cognito.ChoiceData](st).Options {
				t := texts[f]
				m.Methods = append(m.Methods, views.MethodChoice{Method: f, Label: p.T(t[0]), Description: p.T(t[1])})
			}
			return views.SelectChallengePage(p, m)
		},
		messages: append(factorMessages(), "validation.method.required"),
	}
}

// signInPasswordPage asks for the password of choice-based sign-in.
func signInPasswordPage() stepPage {
	return stepPage{
		parse: func(p views.Page, _ cognito.State, form func(string) string) (cognito.Answer, stepForm, views.FieldErrors) {
			pw := form(views.FieldPassword)
			switch {
			case pw == "":
				return nil, nil, views.FieldErrors{views.FieldPassword: p.T("validation.password.required")}
			case len(pw) > maxPassword:
				return nil, nil, views.FieldErrors{views.FieldPassword: p.T("validation.too_long", map[string]any{"Max": maxPassword})}
			}
			return cognito.Answer{cognito.AnswerPassword: pw}, nil, nil
		},
		view: func(_ *Handlers, p views.Page, st cognito.State, v stepInput) templ.Component {
			return views.SignInPasswordPage(p, views.SignInPassword{
				Action: PathStep, Username: st.Username, Error: v.err, FieldErrors: v.errs,
				ForgotPasswordURL: PathForgot, OtherWaysAction: PathSignInChoose, StartOverURL: PathRestart,
			})
		},
		messages: []string{"validation.password.required", "validation.too_long"},
	}
}

// emailSignInCodePage and smsSignInCodePage ask for a sign-in code (eight digits).
func emailSignInCodePage() stepPage {
	return codePage(emailWording(), cognito.SignInCodeLength)
}

func smsSignInCodePage() stepPage {
	return codePage(smsWording(), cognito.SignInCodeLength)
}

// signInCodeFactors are the factor of each sign-in code step, for "Send a new code".
func signInCodeFactors() map[cognito.StepKind]string {
	return map[cognito.StepKind]string{cognito.StepEmailSignInCode: cognito.FactorEmailOTP, cognito.StepSMSSignInCode: cognito.FactorSMSOTP}
}

// maxCredentialForm bounds a posted passkey credential (cognito bounds it again).
const maxCredentialForm = 16 << 10

// passkeyPage signs in with a passkey: passkey.js gets a challenge from PathPasskeyOptions and
// posts the credential here.
func passkeyPage() stepPage {
	return stepPage{
		parse: func(p views.Page, _ cognito.State, form func(string) string) (cognito.Answer, stepForm, views.FieldErrors) {
			cred := trimmed(form, views.FieldCredential)
			if cred == "" || len(cred) > maxCredentialForm {
				return nil, nil, views.FieldErrors{"": p.T("passkey.failed")}
			}
			return cognito.Answer{cognito.AnswerCredential: cred}, nil, nil
		},
		view: func(_ *Handlers, p views.Page, st cognito.State, v stepInput) templ.Component {
			msg := v.err
			if msg == "" && len(v.errs) > 0 {
				msg = v.errs[""]
			}
			return views.PasskeySignInPage(p, views.PasskeySignIn{
				Action: PathStep, OptionsURL: PathPasskeyOptions, Username: st.Username, Error: msg,
				OtherWaysAction: PathSignInChoose, StartOverURL: PathRestart,
			})
		},
		messages: []string{"passkey.failed"},
	}
}

// isPasswordFactor reports whether f is one of the password factors.
func isPasswordFactor(f string) bool {
	return slices.Contains([]string{cognito.FactorPasswordSRP, cognito.FactorPassword}, f)
}
