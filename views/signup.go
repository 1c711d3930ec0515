package views

// SignUp is the sign-up page: a username, a new password twice and one field per attribute the
// pool requires. It posts FieldUsername, FieldPassword, FieldPasswordConfirm and
// AttributeFieldName(name) for each attribute.
type SignUp struct {
	// Action is the URL the form posts to.
	Action string
	// Username is what was typed before (kept on error).
	Username string
	// Policy lists the password rules as localised phrases.
	Policy []string
	// Attributes are the pool's required attributes, with what was typed.
	Attributes []AttributeInput
	// Error is a general error sentence; FieldErrors are per field.
	Error       string
	FieldErrors FieldErrors
	// BackURL links back to sign-in.
	BackURL string
}

// signUpFieldNames are the page's fields in order, for the error summary's links.
func signUpFieldNames(m SignUp) []string {
	return append([]string{FieldUsername}, newPasswordFieldNames(NewPassword{Attributes: m.Attributes})...)
}
