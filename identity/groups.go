package identity

import (
	"bytes"
	"encoding/json"
	"slices"
)

// ClaimGroups is the Cognito ID token claim listing the person's groups.
const ClaimGroups = "cognito:groups"

// Groups are the Cognito groups in the verified ID token's claims (cognito:groups), as
// GroupsOf reads them. It is the one reader: the admin console's gate and the groups claim
// Bridgekeeper releases both take the groups from here.
func (id Identity) Groups() []string {
	v, _ := id.Claims.Value(ClaimGroups)
	return GroupsOf(v)
}

// GroupsOf reads a cognito:groups value (nil: absent): a JSON list of group names in token
// order, skipping members that are not strings and empty names; one string is a list of that
// one name (as RFC 7519 reads a single-valued "aud"). Anything else (null, a number, a
// boolean, an object, "") is no groups. Names are kept exactly (no trimming, no case folding,
// no splitting).
func GroupsOf(v json.RawMessage) []string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return nil
	}
	switch v[0] {
	case '"':
		var s string
		if json.Unmarshal(v, &s) != nil || s == "" {
			return nil
		}
		return []string{s}
	case '[':
		var names []string // the usual shape: a list of strings (a null in it would read as "")
		if bytes.Contains(v, []byte("null")) || json.Unmarshal(v, &names) != nil {
			var list []any
			if json.Unmarshal(v, &list) != nil {
				return nil
			}
			names = make([]string, 0, len(list))
			for _, g := range list {
				if s, ok := g.(string); ok {
					names = append(names, s)
				}
			}
		}
		names = slices.DeleteFunc(names, func(s string) bool { return s == "" })
		if len(names) == 0 {
			return nil
		}
		return names
	}
	return nil
}
