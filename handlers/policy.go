package handlers

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// The pool's password policy drives every new-password form (sign-up, a new password on sign-in,
// a reset): the rules listed under the field and a check of the typed password against them
// before Cognito is called, so a weak password costs no Cognito call and names its rule. Cognito
// stays the judge: when it refuses a password all the same (the policy changed since it was
// read, or could not be read), the rule it names is shown (cognito.Error.Rule) and the policy is
// read again.

// PolicySource reads the pool's password policy. *cognito.Engine implements it.
type PolicySource interface {
	PasswordPolicy(ctx context.Context) (cognito.PasswordPolicy, error)
}

const (
	// policyLifetime is how long a policy read from the pool is used before it is read again: a
	// changed policy shows within minutes, and Cognito refuses what the old one allowed meanwhile.
	policyLifetime = 10 * time.Minute
	// policyRetry is how soon a policy that could not be read is tried again (the last one read,
	// or Deps.PasswordPolicy, is used meanwhile).
	policyRetry = 30 * time.Second
)

// PolicyRules phrases a pool's password policy as catalog rules.
func PolicyRules(pp cognito.PasswordPolicy) []PolicyRule {
	rules := []PolicyRule{{ID: ruleIDs[cognito.RuleMinLength], Data: map[string]any{"Count": pp.MinimumLength}}}
	for _, r := range []struct {
		on   bool
		rule cognito.PasswordRule
	}{{pp.RequireLowercase, cognito.RuleLowercase}, {pp.RequireUppercase, cognito.RuleUppercase}, {pp.RequireNumbers, cognito.RuleNumber}, {pp.RequireSymbols, cognito.RuleSymbol}} {
		if r.on {
			rules = append(rules, PolicyRule{ID: ruleIDs[r.rule]})
		}
	}
	if pp.History > 0 {
		rules = append(rules, PolicyRule{ID: "policy.not_reused", Data: map[string]any{"Count": pp.History}})
	}
	return rules
}

// DefaultPasswordPolicy is Cognito's default password policy.
func DefaultPasswordPolicy() []PolicyRule { return PolicyRules(cognito.DefaultPasswordPolicy()) }

// policyCache keeps the pool's password policy for policyLifetime. Without a source it is the
// configured policy (Deps.PasswordPolicy).
type policyCache struct {
	src PolicySource
	now func() time.Time
	log *slog.Logger

	mu      sync.Mutex
	rules   []PolicyRule // the last policy read, or the configured one until then
	until   time.Time    // when to read it again (zero: at once)
	reading bool         // one request is reading it; the others use the rules kept meanwhile
	// failing: the last read failed (and was logged as a warning; the next failures are logged
	// at debug level until a read succeeds, so a service without the permission is not noisy).
	failing bool
}

func newPolicyCache(src PolicySource, configured []PolicyRule, now func() time.Time, log *slog.Logger) *policyCache {
	return &policyCache{src: src, now: now, log: log, rules: configured}
}

// get is the policy, read from the pool when the one kept is too old. One request reads it, outside
// the lock, while the others go on with the rules kept (a slow pool never holds them up). A failed
// read is logged here and the policy kept is used.
func (c *policyCache) get(ctx context.Context) []PolicyRule {
	if c == nil {
		return DefaultPasswordPolicy()
	}
	if c.src == nil {
		return c.rules
	}
	c.mu.Lock()
	if c.reading || c.now().Before(c.until) {
		defer c.mu.Unlock()
		return c.rules
	}
	c.reading = true
	c.mu.Unlock()

	pp, err := c.src.PasswordPolicy(ctx)

	c.mu.Lock()
	defer c.mu.Unlock()
	c.reading = false
	now := c.now()
	if err != nil {
		level := slog.LevelWarn
		if c.failing {
			level = slog.LevelDebug
		}
		c.log.Log(ctx, level, "read the pool's password policy; using the last one known", "err", err)
		c.until, c.failing = now.Add(policyRetry), true
		return c.rules
	}
	c.rules, c.until, c.failing = PolicyRules(pp), now.Add(policyLifetime), false
	return c.rules
}

// forget makes the next get read the policy again: Cognito refused a password by a rule.
func (c *policyCache) forget() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.until = time.Time{}
}

// passwordPolicy is the pool's password policy for this request.
func (h *Handlers) passwordPolicy(ctx context.Context) []PolicyRule { return h.policy.get(ctx) }

// policyLines are the rules as the page lists them under the password field.
func policyLines(p views.Page, rules []PolicyRule) []string {
	lines := make([]string, 0, len(rules))
	for _, r := range rules {
		lines = append(lines, p.T(r.ID, r.Data))
	}
	return lines
}

// ruleIDs are the catalog rules of the rules Cognito names.
var ruleIDs = map[cognito.PasswordRule]string{
	cognito.RuleMinLength: "policy.min_length",
	cognito.RuleLowercase: "policy.lowercase",
	cognito.RuleUppercase: "policy.uppercase",
	cognito.RuleNumber:    "policy.number",
	cognito.RuleSymbol:    "policy.symbol",
}

// brokenRuleMessage says which rule Cognito refused pw by ("Your password must: contain a
// number"), in the words of rules (for the length), or "" when it cannot say: Cognito named no
// rule, or rules say pw keeps it (the length Cognito wants is not known then).
func brokenRuleMessage(p views.Page, rules []PolicyRule, rule cognito.PasswordRule, pw string) string {
	id, ok := ruleIDs[rule]
	if !ok {
		return ""
	}
	named := PolicyRule{ID: id}
	for _, r := range rules {
		if r.ID == id {
			named = r
		}
	}
	if id == "policy.min_length" && named.holds(pw) {
		return ""
	}
	return named.brokenMessage(p)
}

// passwordRefusal is refusal for Cognito's refusal of the new password pw: when Cognito names
// the rule pw breaks, the message names it (after reading the policy again, as the one kept let
// pw through).
func (h *Handlers) passwordRefusal(ctx context.Context, p views.Page, ce *cognito.Error, pw string, hasField func(string) bool) (string, views.FieldErrors) {
	general, errs := refusal(p, ce.Kind, hasField)
	if ce.Kind != cognito.InvalidPassword || ce.Rule == cognito.RuleUnknown {
		return general, errs
	}
	h.policy.forget()
	msg := brokenRuleMessage(p, h.passwordPolicy(ctx), ce.Rule, pw)
	switch {
	case msg == "":
	case errs[views.FieldPassword] != "":
		errs[views.FieldPassword] = msg
	default:
		general = msg
	}
	return general, errs
}
