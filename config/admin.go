package config

import (
	"fmt"
	"strings"
)

// Defaults of the admin section.
const (
	DefaultAdminGroup = "bridgekeeper-admins"
)

// Admin configures the admin console (/admin) and the `bridgekeeper admin` command line.
type Admin struct {
	// Groups are the Cognito groups whose members are administrators (default
	// [bridgekeeper-admins]).
	Groups []string `yaml:"groups"`
}

// DefaultAdmin is the admin section's defaults.
func DefaultAdmin() Admin {
	return Admin{Groups: []string{DefaultAdminGroup}}
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
}
