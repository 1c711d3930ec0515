package handlers

import (
	"slices"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// refusalField is the form field a Cognito refusal is about: a wrong or expired code (also
// while setting up an authenticator) belongs to the code field, a new password the pool
// refuses to the password field. Other refusals are about the form as a whole ("").
func refusalField(k cognito.Kind) string {
	switch k {
	case cognito.CodeMismatch, cognito.ExpiredCode, cognito.SoftwareTokenMismatch:
		return views.FieldCode
	case cognito.InvalidPassword, cognito.PasswordHistory:
		return views.FieldPassword
	}
	return ""
}

// refusal is how a page shows Cognito's refusal of what was posted: as the error of the field
// it is about when the form has that field (hasField), so the input is marked invalid, described
// by the message and linked from the error summary; otherwise as the form's general error.
func refusal(p views.Page, k cognito.Kind, hasField func(name string) bool) (general string, errs views.FieldErrors) {
	msg := p.T(k.MessageID())
	if f := refusalField(k); f != "" && hasField(f) {
		return "", views.FieldErrors{f: msg}
	}
	return msg, nil
}

// answered reports whether an answer carries a form field: the step page that posted it has
// that field (the answer keys are the form's field names).
func answered(ans cognito.Answer) func(string) bool {
	return func(name string) bool {
		_, ok := ans[name]
		return ok
	}
}

// formFields is hasField for a form with the named fields.
func formFields(names ...string) func(string) bool {
	return func(name string) bool { return slices.Contains(names, name) }
}
