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

// releasedClaims appends to dst, each once, the claims that scopes and the individually
// requested claim names (the claims request parameter) release: each scope's standard claims
// and then its mappings', in scope order, then the requested ones.
func (p *Provider) releasedClaims(dst, scopes, requested []string) []string {
	add := func(out []string, c string) []string {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
		return out
	}
	for _, s := range scopes {
		for _, c := range scopeClaims(s) {
			dst = add(dst, c)
		}
		for _, m := range p.cfg.ClaimMappings {
			if mappingScope(m) == s {
				dst = add(dst, m.Claim)
			}
		}
	}
	for _, c := range requested {
		dst = add(dst, c)
	}
	return dst
}

// appendUserClaims adds sub and the person's claims released by scopes and requested, taken
// from the upstream claims (never a protocol claim: the token adds those itself).
func (p *Provider) appendUserClaims(o *jsonObject, subject, username string, claims identity.Claims, scopes, requested []string) {
	var upstream claimValues = claims.Indexed() // made an interface value once, not per claim
	var released [32]string                     // every standard claim and a few mappings
	o.str("sub", subject)
	for _, c := range p.releasedClaims(released[:0], scopes, requested) {
		if slices.Contains(protocolClaims(), c) {
			continue
		}
		if v, ok := p.claimJSON(c, username, upstream); ok {
			o.raw(c, v)
		}
	}
}

// claimJSON derives one released claim from the upstream claims, as JSON, normalising the
// types Cognito uses (string booleans, string timestamps, address as a string). A value that
// needs no conversion is copied as it is.
func (p *Provider) claimJSON(claim, username string, upstream claimValues) ([]byte, bool) {
	for _, m := range p.cfg.ClaimMappings {
		if m.Claim == claim {
			v, ok := upstream.Value(m.Attribute)
			if !ok {
				return nil, false
			}
			return convertRaw(v, m.Type)
		}
	}
	v, ok := upstream.Value(claim)
	switch claim {
	case "groups":
		groups, ok := p.groups(upstream)
		if !ok {
			return nil, false
		}
		return encodeValue(groups)
	case "email_verified", "phone_number_verified":
		return convertRaw(v, "boolean")
	case "updated_at":
		return convertRaw(v, "number")
	case "address":
		var a any
		if !ok || json.Unmarshal(v, &a) != nil {
			return nil, false
		}
		switch a := a.(type) {
		case map[string]any:
			return v, len(a) > 0
		case string:
			var obj map[string]any
			if strings.HasPrefix(strings.TrimSpace(a), "{") && json.Unmarshal([]byte(a), &obj) == nil {
				return encodeValue(obj)
			}
			if a == "" {
				return nil, false
			}
			return encodeValue(map[string]any{"formatted": a})
		}
		return nil, false
	case "preferred_username":
		if ok && len(v) > 2 && v[0] == '"' {
			return v, true
		}
		if username == "" {
			return nil, false
		}
		return appendJSONString(nil, username), true
	}
	return convertRaw(v, "")
}

// claimValues are upstream claims to take values from (identity.Claims or Indexed).
type claimValues interface {
	Value(name string) (json.RawMessage, bool)
}

// groups are the person's Cognito groups, read by identity.GroupsOf (the reader the admin
// console's gate uses too), if any.
func (p *Provider) groups(upstream claimValues) ([]string, bool) {
	v, _ := upstream.Value(identity.ClaimGroups)
	groups := identity.GroupsOf(v)
	return groups, len(groups) > 0
}

// convertRaw is convertClaim for a JSON value (nil: absent), copying the value as it is when
// it has the wanted type already.
func convertRaw(v []byte, typ string) ([]byte, bool) {
	if len(v) == 0 || string(v) == "null" {
		return nil, false
	}
	switch typ {
	case "boolean":
		if string(v) == "true" || string(v) == "false" {
			return v, true
		}
	case "number":
		if v[0] == '-' || (v[0] >= '0' && v[0] <= '9') {
			return v, true
		}
	case "json":
		if v[0] != '"' {
			return v, true
		}
	default:
		return v, string(v) != `""`
	}
	var decoded any
	if json.Unmarshal(v, &decoded) != nil {
		return nil, false
	}
	out, ok := convertClaim(decoded, typ)
	if !ok {
		return nil, false
	}
	return encodeValue(out)
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
