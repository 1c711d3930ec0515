package config

import "time"

// Limits bounds guessing and message bombing per username (docs/security.md): each count is
// kept per username and client address, with UsernameCeiling times as many per username across
// all addresses, shared through the store.
type Limits struct {
	// PasswordAttempts wrong passwords per username and address are free; each further one
	// doubles a wait that starts at one second, up to MaxDelay (default 5, like Cognito).
	PasswordAttempts int `yaml:"password_attempts"`
	// MFACodeAttempts wrong MFA codes per username and address, across sign-ins, are free; each
	// further one doubles a wait that starts at one minute, up to MaxDelay (default 10).
	MFACodeAttempts int `yaml:"mfa_code_attempts"`
	// ResetCodeAttempts wrong password-reset (and sign-up confirmation) codes per username and address are forwarded to
	// Cognito; after that none until a new code is sent, or for an hour (default 5).
	ResetCodeAttempts int `yaml:"reset_code_attempts"`
	// ClientAuthAttempts failed client authentications per client id and address at /token,
	// /revoke and /introspect are free; each further one doubles a wait that starts at one
	// second, up to MaxDelay (default 10).
	ClientAuthAttempts int `yaml:"client_auth_attempts"`
	// CodeSends is how many reset codes (and sign-up's new codes) one username, and one
	// address, may have sent per Window; beyond it nothing is sent (default 3).
	CodeSends int `yaml:"code_sends"`
	// CodesPerSession is how many authorization codes one SSO session may get per Window;
	// beyond it the app gets temporarily_unavailable (default 60).
	CodesPerSession int `yaml:"codes_per_session"`
	// LiveGrants is how many refresh-token families one person may hold at one app; a new one
	// revokes the least recently used beyond it (default 20).
	LiveGrants int `yaml:"live_grants"`
	// Window is how long failures and sends are remembered (default 15m).
	Window time.Duration `yaml:"window"`
	// MaxDelay is the longest wait a password or MFA limit imposes (default 15m).
	MaxDelay time.Duration `yaml:"max_delay"`
	// UsernameCeiling multiplies the free attempts for one username across all addresses
	// (default 3).
	UsernameCeiling int `yaml:"username_ceiling"`
	// TrackedUsernames is how many usernames per limit and window get counters of their own;
	// beyond it new usernames are limited only per address, so invented usernames cannot fill
	// the store (default 10000).
	TrackedUsernames int `yaml:"tracked_usernames"`
}

// DefaultLimits are the limits' defaults.
func DefaultLimits() Limits {
	return Limits{
		PasswordAttempts: 5, MFACodeAttempts: 10, ResetCodeAttempts: 5, ClientAuthAttempts: 10, CodeSends: 3,
		CodesPerSession: 60, LiveGrants: 20,
		Window: 15 * time.Minute, MaxDelay: 15 * time.Minute, UsernameCeiling: 3, TrackedUsernames: 10000,
	}
}

func (c *Config) validateLimits(p *Problems) {
	l := c.Limits
	for _, f := range []struct {
		path string
		n    int
	}{
		{"limits.password_attempts", l.PasswordAttempts}, {"limits.mfa_code_attempts", l.MFACodeAttempts},
		{"limits.reset_code_attempts", l.ResetCodeAttempts}, {"limits.client_auth_attempts", l.ClientAuthAttempts},
		{"limits.code_sends", l.CodeSends}, {"limits.codes_per_session", l.CodesPerSession},
		{"limits.live_grants", l.LiveGrants},
		{"limits.username_ceiling", l.UsernameCeiling}, {"limits.tracked_usernames", l.TrackedUsernames},
	} {
		if f.n < 1 {
			p.add(f.path, "must be at least 1 (got %d)", f.n)
		}
	}
	positive(p, "limits.window", l.Window)
	positive(p, "limits.max_delay", l.MaxDelay)
}
