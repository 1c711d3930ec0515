package localpool

import (
	"encoding/base64"
	"net/http"
	"sort"
	"strings"
)

// The operations the admin console and CLI use, as Cognito documents them: ListUsers with its
// limit, pagination and filter grammar, and AdminResetUserPassword's delivery rule.

// maxListUsers is the largest Limit ListUsers accepts (and its default).
const maxListUsers = 60

// searchable are the attributes a ListUsers filter may name. Custom attributes are not
// searchable in Cognito.
var searchable = map[string]bool{
	"username": true, "email": true, "phone_number": true, "name": true, "given_name": true,
	"family_name": true, "preferred_username": true, "cognito:user_status": true, "status": true, "sub": true,
}

func (s *Server) listUsers(r *http.Request, body []byte) (any, error) {
	var in struct {
		UserPoolId, Filter, PaginationToken string
		Limit                               *int
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	limit := maxListUsers
	if in.Limit != nil {
		switch {
		case *in.Limit > maxListUsers:
			return nil, errf("InvalidParameterException", "1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to %d", *in.Limit, maxListUsers)
		case *in.Limit < 0:
			return nil, errf("InvalidParameterException", "1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 0", *in.Limit)
		case *in.Limit > 0:
			limit = *in.Limit
		}
	}
	match := func(*user) bool { return true }
	if strings.TrimSpace(in.Filter) != "" {
		name, value, prefix, err := parseFilter(in.Filter)
		if err != nil {
			return nil, err
		}
		match = func(u *user) bool {
			v := userValue(u, name)
			if prefix {
				return strings.HasPrefix(v, value)
			}
			return v == value
		}
	}
	after := ""
	if in.PaginationToken != "" {
		raw, err := base64.RawURLEncoding.DecodeString(in.PaginationToken)
		if err != nil || len(raw) == 0 {
			return nil, errf("InvalidParameterException", "Invalid pagination token.")
		}
		after = string(raw)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.pool(in.UserPoolId)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(p.users))
	for n := range p.users {
		if n > after {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	users := []map[string]any{}
	out := map[string]any{}
	for _, n := range names {
		if !match(p.users[n]) {
			continue
		}
		if len(users) == limit {
			out["PaginationToken"] = base64.RawURLEncoding.EncodeToString([]byte(users[len(users)-1]["Username"].(string)))
			break
		}
		users = append(users, userType(p.users[n]))
	}
	out["Users"] = users
	return out, nil
}

// userValue is what a filter on name compares: the username, the user's status, whether the
// account is enabled, or an attribute.
func userValue(u *user, name string) string {
	switch name {
	case "username":
		return u.username
	case "sub":
		return u.sub
	case "cognito:user_status":
		return u.status
	case "status":
		if u.enabled {
			return "Enabled"
		}
		return "Disabled"
	}
	return u.attrs[name]
}

// parseFilter reads Cognito's filter grammar: one attribute, `=` (exact) or `^=` (prefix), and a
// double-quoted value in which a backslash escapes the next character.
func parseFilter(f string) (name, value string, prefix bool, err error) {
	bad := errf("InvalidParameterException", "Error while parsing filter.")
	f = strings.TrimSpace(f)
	i := strings.IndexAny(f, "^= ")
	if i <= 0 {
		return "", "", false, bad
	}
	name, rest := f[:i], strings.TrimLeft(f[i:], " ")
	switch {
	case strings.HasPrefix(rest, "^="):
		prefix, rest = true, rest[2:]
	case strings.HasPrefix(rest, "="):
		rest = rest[1:]
	default:
		return "", "", false, bad
	}
	rest = strings.TrimLeft(rest, " ")
	if len(rest) < 2 || rest[0] != '"' {
		return "", "", false, bad
	}
	var b strings.Builder
	closed := false
	for j := 1; j < len(rest); j++ {
		c := rest[j]
		if c == '\\' && j+1 < len(rest) {
			j++
			b.WriteByte(rest[j])
			continue
		}
		if c == '"' {
			if strings.TrimSpace(rest[j+1:]) != "" {
				return "", "", false, bad
			}
			closed = true
			break
		}
		b.WriteByte(c)
	}
	if !closed {
		return "", "", false, bad
	}
	if !searchable[name] {
		return "", "", false, errf("InvalidParameterException", "Invalid search attribute: %s", name)
	}
	return name, b.String(), prefix, nil
}

// hasVerifiedContact reports whether u has a verified email address or phone number, the only
// places Cognito sends a password-reset code to.
func hasVerifiedContact(u *user) bool {
	to, _ := recoveryDestination(u)
	return to != ""
}

// adminResetUserPassword sets RESET_REQUIRED and, as Cognito does, sends a code only when the
// user has a verified email address or phone number; otherwise the user can never receive one
// and only AdminSetUserPassword helps.
func (s *Server) adminResetUserPassword(r *http.Request, body []byte) (any, error) {
	return s.adminUserOp(body, func(_ *pool, u *user) {
		u.status = "RESET_REQUIRED"
		if hasVerifiedContact(u) {
			s.sendResetCode(u)
		}
	})
}
