package handlers

import (
	"maps"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// TestRefusal: a refusal about a code or a new password becomes that field's error when the
// form has the field, and the form's general error otherwise; other refusals stay general.
func TestRefusal(t *testing.T) {
	p := views.Page{} // message ids stand in for sentences
	code := cognito.Answer{cognito.AnswerCode: "123456"}
	newPassword := cognito.Answer{cognito.AnswerNewPassword: "x"}
	tests := []struct {
		name        string
		kind        cognito.Kind
		hasField    func(string) bool
		wantGeneral string
		wantErrs    views.FieldErrors
	}{
		{"wrong code", cognito.CodeMismatch, answered(code), "", views.FieldErrors{views.FieldCode: "error.CodeMismatch"}},
		{"expired code", cognito.ExpiredCode, answered(code), "", views.FieldErrors{views.FieldCode: "error.ExpiredCode"}},
		{"wrong setup code", cognito.SoftwareTokenMismatch, answered(code), "", views.FieldErrors{views.FieldCode: "error.EnableSoftwareTokenMFA"}},
		{"weak password", cognito.InvalidPassword, answered(newPassword), "", views.FieldErrors{views.FieldPassword: "error.InvalidPassword"}},
		{"password used before", cognito.PasswordHistory, formFields(views.FieldCode, views.FieldPassword), "", views.FieldErrors{views.FieldPassword: "error.PasswordHistory"}},
		{"reset code", cognito.CodeMismatch, formFields(views.FieldCode, views.FieldPassword), "", views.FieldErrors{views.FieldCode: "error.CodeMismatch"}},
		{"a code refusal on a form without a code field", cognito.CodeMismatch, answered(newPassword), "error.CodeMismatch", nil},
		{"a password refusal on a form without a password field", cognito.InvalidPassword, formFields(views.FieldCode), "error.InvalidPassword", nil},
		{"wrong password is about the whole sign-in", cognito.WrongCredentials, answered(newPassword), "error.NotAuthorized.WrongCredentials", nil},
		{"a limit is about the whole form", cognito.LimitExceeded, answered(code), "error.LimitExceeded", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			general, errs := refusal(p, tt.kind, tt.hasField)
			if general != tt.wantGeneral || !maps.Equal(errs, tt.wantErrs) {
				t.Errorf("refusal(%v) = %q, %v; want %q, %v", tt.kind, general, errs, tt.wantGeneral, tt.wantErrs)
			}
		})
	}
}
