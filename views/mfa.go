package views

import "slices"

// methodLabel is the friendly name of a Cognito MFA method.
func methodLabel(p Page, method string) string {
	switch method {
	case MethodSMS:
		return p.T("mfa.SMS_MFA.label")
	case MethodTOTP:
		return p.T("mfa.SOFTWARE_TOKEN_MFA.label")
	case MethodEmail:
		return p.T("mfa.EMAIL_OTP.label")
	default:
		return p.T("mfa.generic.label", map[string]any{"Method": method})
	}
}

// methodDescription explains a method on the "choose a method" page.
func methodDescription(p Page, method string) string {
	switch method {
	case MethodSMS:
		return p.T("mfa.SMS_MFA.description")
	case MethodTOTP:
		return p.T("mfa.SOFTWARE_TOKEN_MFA.description")
	case MethodEmail:
		return p.T("mfa.EMAIL_OTP.description")
	default:
		return ""
	}
}

// setupDescription explains a method on the "set up a method" page.
func setupDescription(p Page, method string) string {
	switch method {
	case MethodTOTP:
		return p.T("mfasetup.SOFTWARE_TOKEN_MFA.description")
	case MethodEmail:
		return p.T("mfasetup.EMAIL_OTP.description")
	default:
		return methodDescription(p, method)
	}
}

// containsMethod reports whether methods lists method.
func containsMethod(methods []string, method string) bool {
	return slices.Contains(methods, method)
}
