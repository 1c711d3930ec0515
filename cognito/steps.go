package cognito

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bridgekeeper/bridgekeeper/identity"
)

// RFC 8176 authentication method reference values the engine reports.
const (
	amrPassword = identity.AMRPassword
	amrSMS      = identity.AMRSMS
	amrOTP      = identity.AMROTP
	amrMFA      = identity.AMRMFA
)

// OTPAuthURI builds the otpauth:// URI authenticator apps read from a QR code, in Google's Key
// URI format: otpauth://totp/<issuer>:<account>?secret=<secret>&issuer=<issuer>. The issuer and
// account are percent-encoded (spaces as %20, colons as %3A so the label's separator stays
// unique).
func OTPAuthURI(issuer, account, secret string) string {
	label := escapeOTP(issuer) + ":" + escapeOTP(account)
	return "otpauth://totp/" + label + "?secret=" + escapeOTP(secret) + "&issuer=" + escapeOTP(issuer)
}

// escapeOTP percent-encodes s for any part of an otpauth URI: everything but unreserved
// characters and a few sub-delimiters apps read back unchanged.
func escapeOTP(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == '@', c == '!', c == '*', c == '\'', c == '(', c == ')':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// missingRequired returns the required attributes (a JSON array of "userAttributes.x") the user
// has no value for: a required attribute that already has a value cannot be set again.
func missingRequired(requiredJSON string, have map[string]string) []string {
	var out []string
	for _, r := range jsonList(requiredJSON) {
		name := strings.TrimPrefix(r, "userAttributes.")
		if name == "" || have[name] != "" || slices.Contains(out, name) {
			continue
		}
		out = append(out, name)
	}
	return out
}

// stringMap parses Cognito's userAttributes JSON object; values that are not strings are
// rendered as JSON. Absent or malformed input gives an empty map.
func stringMap(s string) map[string]string {
	raw := map[string]json.RawMessage{}
	_ = json.Unmarshal([]byte(s), &raw) // absent or malformed: nothing is known to be set
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		var str string
		if json.Unmarshal(v, &str) == nil {
			out[k] = str
		} else if string(v) != "null" {
			out[k] = string(v)
		}
	}
	return out
}

// methods parses a JSON array of MFA method names and keeps the known ones, once each, in
// Cognito's order.
func methods(listJSON string, known ...string) []string {
	var out []string
	for _, m := range jsonList(listJSON) {
		if slices.Contains(known, m) && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

// jsonList parses a JSON array of strings; anything else gives nil.
func jsonList(s string) []string {
	var out []string
	if json.Unmarshal([]byte(s), &out) != nil {
		return nil
	}
	return out
}

// jsonLen is the length of list's JSON encoding.
func jsonLen(list []string) int {
	b, _ := json.Marshal(list) // a slice of strings always marshals
	return len(b)
}

// clip shortens s to at most n bytes without splitting a character.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// withMethods returns amr with more appended, each once, and "mfa" as identity.NormalizeAMR
// (the one place it is decided) adds it.
func withMethods(amr []string, more ...string) []string {
	return identity.NormalizeAMR(append(slices.Clone(amr), more...))
}

// NormalizeCode is the one rule for one-time codes: it drops the spaces and dashes people
// paste or type into codes ("123 456", "123-456"), turns the digits of any script into ASCII
// ("١٢٣٤٥٦" from an Arabic keyboard, full-width "１２３４５６"; the pages show codes' lengths
// in the page's own digits), and reports whether what is left is exactly digits ASCII digits,
// the length the step asks for.
func NormalizeCode(code string, digits int) (string, bool) {
	code = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' || r == '\u2010' || r == '\u2013' {
			return -1
		}
		if d, ok := digitValue(r); ok {
			return '0' + d
		}
		return r
	}, code)
	if len(code) != digits {
		return code, false
	}
	for _, c := range code {
		if c < '0' || c > '9' {
			return code, false
		}
	}
	return code, true
}

// digitValue is the value of a decimal digit of any script (Unicode category Nd). Each range of
// the Nd table starts at a zero and runs in whole sets of ten, so the value is the distance from
// the range's start, modulo ten.
func digitValue(r rune) (rune, bool) {
	if r >= '0' && r <= '9' {
		return r - '0', true
	}
	if !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	for _, rg := range unicode.Nd.R16 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi {
			return (r - lo) % 10, true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi {
			return (r - lo) % 10, true
		}
	}
	return 0, false
}
