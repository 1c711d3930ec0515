package handlers

import (
	"maps"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bridgekeeper/bridgekeeper/views"
)

// policySymbols are the characters Cognito counts as symbols in a password policy; a space
// counts too when it is neither the first nor the last character.
const policySymbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-"

// holds reports whether pw keeps the rule. The check is never stricter than Cognito's (letters
// and digits in any script count), so it refuses only what Cognito would; a rule it cannot
// check (a password history) holds, and Cognito itself enforces it.
func (r PolicyRule) holds(pw string) bool {
	switch r.ID {
	case "policy.min_length":
		n, _ := r.Data["Count"].(int)
		return utf8.RuneCountInString(pw) >= n
	case "policy.lowercase":
		return strings.ContainsFunc(pw, unicode.IsLower)
	case "policy.uppercase":
		return strings.ContainsFunc(pw, unicode.IsUpper)
	case "policy.number":
		return strings.ContainsFunc(pw, unicode.IsDigit)
	case "policy.symbol":
		inner := strings.Trim(pw, " ")
		return strings.ContainsAny(pw, policySymbols) || strings.Contains(inner, " ")
	}
	return true
}

// passwordRuleError names the first rule of policy that pw breaks ("Your password must:
// contain a number"), or returns "" when it keeps them all. Checked before Cognito is called,
// so a weak password costs neither a Cognito call nor a reset-code attempt.
func passwordRuleError(p views.Page, policy []PolicyRule, pw string) string {
	for _, r := range policy {
		if !r.holds(pw) {
			return r.brokenMessage(p)
		}
	}
	return ""
}

// brokenMessage says the password breaks rule r: "Your password must: contain a number".
func (r PolicyRule) brokenMessage(p views.Page) string {
	return p.T("newpassword.policy.heading") + " " + p.T(r.ID, r.Data)
}

// keptPasswords is what a new-password form shows again after an error: both typed passwords
// when neither is the problem (a wrong or expired code, a missing attribute), only the first
// when just the confirmation differs, nothing when the password itself is refused. They go only
// into that one response (Cache-Control: no-store), never into a cookie or the store.
func keptPasswords(errs views.FieldErrors, pw, confirm string) (string, string) {
	switch {
	case errs[views.FieldPassword] != "":
		return "", ""
	case errs[views.FieldPasswordConfirm] != "":
		return pw, ""
	}
	return pw, confirm
}

// withoutPasswords is form without the typed passwords (after Cognito refused the password).
func (f stepForm) withoutPasswords() stepForm {
	out := maps.Clone(f)
	delete(out, views.FieldPassword)
	delete(out, views.FieldPasswordConfirm)
	return out
}
