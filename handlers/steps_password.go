package handlers

import (
	"github.com/a-h/templ"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// newPasswordPage is StepNewPassword: a new password twice plus each required attribute the
// account lacks. The password is checked against the pool's policy before Cognito is called
// (parseAnswer).
func newPasswordPage() stepPage {
	return stepPage{
		newPassword: true,
		parse: func(p views.Page, st cognito.State, form func(string) string) (cognito.Answer, stepForm, views.FieldErrors) {
			errs := views.FieldErrors{}
			pw, confirm := form(views.FieldPassword), form(views.FieldPasswordConfirm)
			switch {
			case pw == "":
				errs[views.FieldPassword] = p.T("validation.password.new_required")
			case len(pw) > maxPassword:
				errs[views.FieldPassword] = p.T("validation.too_long", map[string]any{"Max": maxPassword})
			case confirm == "":
				errs[views.FieldPasswordConfirm] = p.T("validation.password.confirm_required")
			case confirm != pw:
				errs[views.FieldPasswordConfirm] = p.T("validation.password.mismatch")
			}
			a := cognito.Answer{cognito.AnswerNewPassword: pw}
			kept := stepForm{}
			kept[views.FieldPassword], kept[views.FieldPasswordConfirm] = keptPasswords(errs, pw, confirm)
			for _, name := range cognito.DataOf[cognito.NewPasswordData](st).RequiredAttributes {
				field := views.AttributeFieldName(name)
				v := trimmed(form, field)
				kept[field] = v
				switch {
				case v == "":
					errs[field] = p.T("validation.attribute.required", map[string]any{"Field": views.AttributeLabel(p, name)})
				case len(v) > maxAttr:
					errs[field] = p.T("validation.too_long", map[string]any{"Max": maxAttr})
				default:
					a[cognito.AnswerAttribute(name)] = v
				}
			}
			return a, kept, errs
		},
		view: func(h *Handlers, p views.Page, st cognito.State, v stepInput) templ.Component {
			m := views.NewPassword{Action: PathStep, Error: v.err, FieldErrors: v.errs, StartOverURL: PathRestart,
				Username: v.username, Password: v.form[views.FieldPassword], PasswordConfirm: v.form[views.FieldPasswordConfirm],
				Policy: policyLines(p, v.policy)}
			for _, name := range cognito.DataOf[cognito.NewPasswordData](st).RequiredAttributes {
				m.Attributes = append(m.Attributes, views.AttributeInput{Name: name, Value: v.form[views.AttributeFieldName(name)]})
			}
			return views.NewPasswordPage(p, m)
		},
		messages: []string{"validation.password.new_required", "validation.too_long", "validation.password.confirm_required", "validation.password.mismatch", "validation.attribute.required", "newpassword.policy.heading"},
	}
}
