package handlers

import (
	"testing"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/i18n"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// TestBrokenRuleMessage names the rule Cognito refused a password by, in the page's language,
// with the length from the policy; no rule when Cognito named none or the policy's length is
// already met (so the length Cognito wants is not known).
func TestBrokenRuleMessage(t *testing.T) {
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	en, de := views.Page{L: bundle.Localizer("en")}, views.Page{L: bundle.Localizer("de")}
	policy := PolicyRules(cognito.PasswordPolicy{MinimumLength: 12, RequireNumbers: true})
	tests := []struct {
		name string
		p    views.Page
		rule cognito.PasswordRule
		pw   string
		want string
	}{
		{"length from the policy", en, cognito.RuleMinLength, "Short1", "Your password must: be at least 12 characters long"},
		{"length in German", de, cognito.RuleMinLength, "Short1", de.T("newpassword.policy.heading") + " " + de.T("policy.min_length", map[string]any{"Count": 12})},
		{"length the policy says is met", en, cognito.RuleMinLength, "Long-enough-password1", ""},
		{"a rule the policy lists", en, cognito.RuleNumber, "Long-enough-password", "Your password must: contain a number"},
		{"a rule the policy does not list", en, cognito.RuleUppercase, "long-enough-password1", "Your password must: contain a capital letter"},
		{"lowercase", en, cognito.RuleLowercase, "LONG-ENOUGH-PASSWORD1", "Your password must: contain a lowercase letter"},
		{"symbol", en, cognito.RuleSymbol, "Longenoughpassword1", "Your password must: contain a symbol, such as ! or %"},
		{"no rule named", en, cognito.RuleUnknown, "x", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := brokenRuleMessage(tt.p, policy, tt.rule, tt.pw); got != tt.want {
				t.Fatalf("brokenRuleMessage = %q, want %q", got, tt.want)
			}
		})
	}
	if de.T("policy.number") == en.T("policy.number") {
		t.Fatal("the German catalog should have its own words for the rules")
	}
}
