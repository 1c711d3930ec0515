package views

import (
	"strings"

	"github.com/a-h/templ"
)

// groupSecret splits a TOTP secret into groups of four for reading aloud
// and typing: "JBSW Y3DP EHPK 3PXP".
func groupSecret(secret string) string {
	var b strings.Builder
	for i, r := range []rune(secret) {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// otpauthURL returns the URI as a link target only if it is an otpauth URI
// (templ would otherwise replace the unknown scheme).
func otpauthURL(uri string) (templ.SafeURL, bool) {
	if !strings.HasPrefix(strings.ToLower(uri), "otpauth://") {
		return "", false
	}
	return templ.SafeURL(uri), true
}
