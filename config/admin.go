package config

import (
	"fmt"
	"strings"
	"time"
)

// Defaults of the admin section.
const (
	DefaultAdminGroup        = "bridgekeeper-admins"
	DefaultAdminRecentSignIn = 15 * time.Minute
)

// Admin configures the admin console (/admin) and the `bridgekeeper admin` command line.
type Admin struct {
	// Groups are the Cognito groups whose members are administrators (default
	// [bridgekeeper-admins]).
	Groups []string `yaml:"groups"`
	// RecentSignIn is how recent an administrator's sign-in must be for an action in the
	// console; older sessions sign in again first (default 15m).
	RecentSignIn time.Duration `yaml:"recent_sign_in"`
	// RequireMFA demands "mfa" in that sign-in's methods (default true).
	RequireMFA bool `yaml:"require_mfa"`
}

// DefaultAdmin is the admin section's defaults.
func DefaultAdmin() Admin {
	return Admin{Groups: []string{DefaultAdminGroup}, RecentSignIn: DefaultAdminRecentSignIn, RequireMFA: true}
}

// ValidateAdmin checks the admin section.
func (c *Config) ValidateAdmin(p *Problems) {
	if len(c.Admin.Groups) == 0 {
		p.add("admin.groups", "must name at least one Cognito group (default %s)", DefaultAdminGroup)
	}
	for i, g := range c.Admin.Groups {
		// Cognito group names: 1–128 characters, no whitespace-only names.
		if strings.TrimSpace(g) == "" || len(g) > 128 || strings.ContainsAny(g, "\n\r") {
			p.add(fmt.Sprintf("admin.groups[%d]", i), "must be a Cognito group name of 1 to 128 characters (got %q)", g)
		}
	}
	positive(p, "admin.recent_sign_in", c.Admin.RecentSignIn)
	if c.Admin.RecentSignIn > c.OIDC.SSOSessionTTL && c.OIDC.SSOSessionTTL > 0 {
		p.add("admin.recent_sign_in", "must not be longer than oidc.sso_session_ttl (%s)", c.OIDC.SSOSessionTTL)
	}
}
