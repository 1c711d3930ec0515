package localpool

import "time"

// Cognito's lockout, as its developer guide describes it: after five failed sign-in attempts the
// user is locked out for one second, and each further failure doubles the lockout (2^(n-5)
// seconds for n failures) up to about 15 minutes. Attempts during a lockout are refused with
// "Password attempts exceeded" and do not lengthen it. The count resets after a successful
// sign-in once a lockout has passed, or after 15 minutes without any attempt. No administrator
// is ever needed. Wrong MFA codes count like wrong passwords, across sessions.
const (
	lockoutFreeFailures = 5
	lockoutMax          = 15 * time.Minute
	lockoutIdleReset    = 15 * time.Minute
)

func errAttemptsExceeded() *apiError {
	return errf("NotAuthorizedException", "Password attempts exceeded")
}

// lockedOut reports whether u is locked out now, forgetting old failures first, and counts the
// attempt for the idle reset. Callers hold s.mu.
func (s *Server) lockedOut(u *user) bool {
	now := s.opts.Now()
	if u.failures > 0 && now.Sub(u.lastAttempt) >= lockoutIdleReset {
		u.failures, u.lockedUntil = 0, time.Time{}
	}
	u.lastAttempt = now
	return now.Before(u.lockedUntil)
}

// failed counts a wrong password or code and starts or lengthens the lockout. Callers hold s.mu.
func (s *Server) failed(u *user) {
	now := s.opts.Now()
	u.failures++
	u.lastAttempt = now
	if u.failures >= lockoutFreeFailures {
		d := lockoutMax
		if shift := u.failures - lockoutFreeFailures; shift < 11 {
			d = min(time.Duration(1<<shift)*time.Second, lockoutMax)
		}
		u.lockedUntil = now.Add(d)
	}
}

// succeeded ends the failure count after a right password or code. Callers hold s.mu.
func (s *Server) succeeded(u *user) {
	u.failures, u.lockedUntil = 0, time.Time{}
}
