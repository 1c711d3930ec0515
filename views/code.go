package views

// codeDigits is the expected code length: 6 to 8, 6 by default.
func codeDigits(n int) int {
	if n < 6 || n > 8 {
		return 6
	}
	return n
}

// codeTitle is the heading of a code page.
func codeTitle(p Page, k CodeKind) string {
	switch k {
	case CodeEmail:
		return p.T("code.email.title")
	case CodeTOTP:
		return p.T("code.totp.title")
	default:
		return p.T("code.sms.title")
	}
}

// codeIntro says where the code was sent.
func codeIntro(p Page, m CodeEntry) string {
	digits := map[string]any{"Digits": codeDigits(m.Digits), "Destination": m.Destination, "Device": m.DeviceName}
	switch m.Kind {
	case CodeEmail:
		if m.Destination == "" {
			return p.T("code.email.intro_nodest")
		}
		return p.T("code.email.intro", digits)
	case CodeTOTP:
		if m.DeviceName == "" {
			return p.T("code.totp.intro", digits)
		}
		return p.T("code.totp.intro_device", digits)
	default:
		if m.Destination == "" {
			return p.T("code.sms.intro_nodest")
		}
		return p.T("code.sms.intro", digits)
	}
}
