// Package identity is who signed in and how: the one type the sign-in engine (cognito) hands to
// the OpenID provider (oidc), which keeps it in its sessions, codes and grants. It imports
// nothing of Bridgekeeper's, so both may import it without importing each other.
package identity

import (
	"slices"
	"time"
)

// Identity is a person who signed in. The JSON keys are short because the provider's stored
// records embed it.
type Identity struct {
	// Subject is the pool's immutable user id (Cognito "sub"); it becomes the "sub" of
	// Bridgekeeper's tokens.
	Subject string `json:"sub"`
	// Username is the pool's username (cognito:username).
	Username string `json:"usr,omitempty"`
	// Claims are the verified upstream ID token claims (email, email_verified, name,
	// phone_number, cognito:groups, custom:*, ...), one compact JSON object.
	Claims Claims `json:"cl,omitempty"`
	// AuthTime is when the person authenticated, in Unix seconds (the auth_time claim); zero
	// means now.
	AuthTime int64 `json:"at"`
	// AMR are the authentication methods used (RFC 8176), as NormalizeAMR leaves them.
	AMR []string `json:"amr,omitempty"`
}

// AuthenticatedAt is AuthTime as a time.
func (id Identity) AuthenticatedAt() time.Time { return time.Unix(id.AuthTime, 0) }

// RFC 8176 authentication method reference values Bridgekeeper reports.
const (
	AMRPassword = "pwd" // a password (SRP or plain)
	AMRSMS      = "sms" // a code sent by text message
	AMROTP      = "otp" // a one-time code: an authenticator app or email
	AMRSWK      = "swk" // a software-secured key: a remembered browser's device secret
	AMRMFA      = "mfa" // more than one kind of factor; added by NormalizeAMR
)

// factor maps an authentication method reference (RFC 8176) to its factor: something you know,
// have or are.
func factor(m string) string {
	switch m {
	case "pwd", "pin", "kba":
		return "know"
	case "otp", "sms", "tel", "swk", "hwk", "mca", "sc":
		return "have"
	case "face", "fpt", "iris", "retina", "vbm":
		return "are"
	}
	return ""
}

// NormalizeAMR is the one place "mfa" is decided: it drops empty and repeated values and adds
// "mfa" when factors of more than one kind (know, have, are) were used.
func NormalizeAMR(in []string) []string {
	var out []string
	kinds := map[string]bool{}
	for _, m := range in {
		if m == "" || slices.Contains(out, m) {
			continue
		}
		out = append(out, m)
		if f := factor(m); f != "" {
			kinds[f] = true
		}
	}
	if len(kinds) > 1 && !slices.Contains(out, AMRMFA) {
		out = append(out, AMRMFA)
	}
	return out
}
