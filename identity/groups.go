package identity

import "encoding/json"

// ClaimGroups is the Cognito ID token claim listing the person's groups.
const ClaimGroups = "cognito:groups"

// Groups are the Cognito groups in the verified ID token's claims (cognito:groups), in token
// order; none when the claim is absent or not a list of strings (members that are not strings
// are skipped).
func (id Identity) Groups() []string {
	v, ok := id.Claims.Value(ClaimGroups)
	if !ok || len(v) == 0 || v[0] != '[' {
		return nil
	}
	var list []any
	if json.Unmarshal(v, &list) != nil {
		return nil
	}
	var out []string
	for _, g := range list {
		if s, ok := g.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
