package oidc

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/bridgekeeper/bridgekeeper/identity"
)

// Scopes the provider understands.
const (
	scopeOpenID        = "openid"
	scopeProfile       = "profile"
	scopeEmail         = "email"
	scopePhone         = "phone"
	scopeAddress       = "address"
	scopeGroups        = "groups"
	scopeOfflineAccess = "offline_access"
)

// scopeClaims lists the claims a standard scope releases (OpenID Connect
// Core §5.4), plus "groups" (from cognito:groups).
func scopeClaims(scope string) []string {
	switch scope {
	case scopeProfile:
		return []string{"name", "family_name", "given_name", "middle_name", "nickname", "preferred_username",
			"profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at"}
	case scopeEmail:
		return []string{"email", "email_verified"}
	case scopePhone:
		return []string{"phone_number", "phone_number_verified"}
	case scopeAddress:
		return []string{"address"}
	case scopeGroups:
		return []string{"groups"}
	}
	return nil
}

// claimScopes are the scopes that release user claims.
func claimScopes() []string {
	return []string{scopeProfile, scopeEmail, scopePhone, scopeAddress, scopeGroups}
}

// protocolClaims are the claims the provider itself puts in ID tokens.
func protocolClaims() []string {
	return []string{"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "amr", "sid"}
}

// supportedScopes lists the scopes the provider supports, in a stable order;
// claim mappings may add scopes of their own.
func supportedScopes(mappings []ClaimMapping) []string {
	out := []string{scopeOpenID, scopeProfile, scopeEmail, scopePhone, scopeAddress, scopeGroups, scopeOfflineAccess}
	for _, m := range mappings {
		if s := mappingScope(m); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// mappingScope is the scope a claim mapping is released under.
func mappingScope(m ClaimMapping) string {
	if m.Scope == "" {
		return scopeProfile
	}
	return m.Scope
}

// claimScope returns the scope that releases claim, if any.
func (p *Provider) claimScope(claim string) (string, bool) {
	for _, scope := range claimScopes() {
		if slices.Contains(scopeClaims(scope), claim) {
			return scope, true
		}
	}
	for _, m := range p.cfg.ClaimMappings {
		if m.Claim == claim {
			return mappingScope(m), true
		}
	}
	return "", false
}

// supportedClaims lists every claim the provider can issue, for discovery.
func (p *Provider) supportedClaims() []string {
	out := protocolClaims()
	for _, scope := range claimScopes() {
		out = append(out, scopeClaims(scope)...)
	}
	for _, m := range p.cfg.ClaimMappings {
		if !slices.Contains(out, m.Claim) {
			out = append(out, m.Claim)
		}
	}
	return out
}

// userClaims builds the person's claims released by scopes and by the
// individually requested claim names (the claims request parameter), from
// the upstream identity. sub is always included.
func (p *Provider) userClaims(subject, username string, upstream map[string]any, scopes, requested []string) map[string]any {
	out := map[string]any{"sub": subject}
	want := map[string]bool{}
	for _, s := range scopes {
		for _, c := range scopeClaims(s) {
			want[c] = true
		}
		for _, m := range p.cfg.ClaimMappings {
			if mappingScope(m) == s {
				want[m.Claim] = true
			}
		}
	}
	for _, c := range requested {
		want[c] = true
	}
	for c := range want {
		if v, ok := p.claimValue(c, username, upstream); ok {
			out[c] = v
		}
	}
	return out
}

// claimValue derives one released claim from the upstream identity,
// normalising the types Cognito uses (string booleans, string timestamps,
// address as a string).
func (p *Provider) claimValue(claim, username string, upstream map[string]any) (any, bool) {
	for _, m := range p.cfg.ClaimMappings {
		if m.Claim == claim {
			v, ok := upstream[m.Attribute]
			if !ok {
				return nil, false
			}
			return convertClaim(v, m.Type)
		}
	}
	switch claim {
	case "groups":
		return stringList(upstream[identity.ClaimGroups])
	case "email_verified", "phone_number_verified":
		return convertClaim(upstream[claim], "boolean")
	case "updated_at":
		return convertClaim(upstream[claim], "number")
	case "address":
		switch a := upstream[claim].(type) {
		case map[string]any:
			return a, len(a) > 0
		case string:
			var obj map[string]any
			if strings.HasPrefix(strings.TrimSpace(a), "{") && json.Unmarshal([]byte(a), &obj) == nil {
				return obj, true
			}
			return map[string]any{"formatted": a}, a != ""
		}
		return nil, false
	case "preferred_username":
		if v, ok := upstream[claim].(string); ok && v != "" {
			return v, true
		}
		return username, username != ""
	}
	v, ok := upstream[claim]
	if !ok || v == nil || v == "" {
		return nil, false
	}
	return v, true
}

// convertClaim converts a value to the mapping type: "boolean", "number",
// "json" or "string" (default: unchanged).
func convertClaim(v any, typ string) (any, bool) {
	if v == nil {
		return nil, false
	}
	s, isString := v.(string)
	switch typ {
	case "boolean":
		if b, ok := v.(bool); ok {
			return b, true
		}
		if b, err := strconv.ParseBool(s); isString && err == nil {
			return b, true
		}
		return nil, false
	case "number":
		switch n := v.(type) {
		case float64, int, int64, json.Number:
			return n, true
		}
		if i, err := strconv.ParseInt(s, 10, 64); isString && err == nil {
			return i, true
		}
		if f, err := strconv.ParseFloat(s, 64); isString && err == nil {
			return f, true
		}
		return nil, false
	case "json":
		if !isString {
			return v, true
		}
		var out any
		if json.Unmarshal([]byte(s), &out) != nil {
			return nil, false
		}
		return out, true
	default:
		if isString && s == "" {
			return nil, false
		}
		return v, true
	}
}

// stringList turns a list claim ([]any, []string or a single string) into []string.
func stringList(v any) ([]string, bool) {
	switch l := v.(type) {
	case []string:
		return l, len(l) > 0
	case []any:
		out := make([]string, 0, len(l))
		for _, e := range l {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out, len(out) > 0
	case string:
		if l == "" {
			return nil, false
		}
		return []string{l}, true
	}
	return nil, false
}
