package identity

// ClaimGroups is the Cognito ID token claim listing the person's groups.
const ClaimGroups = "cognito:groups"

// Groups are the Cognito groups in the verified ID token's claims (cognito:groups), in token
// order; none when the claim is absent or not a list of strings.
func (id Identity) Groups() []string {
	var out []string
	switch v := id.Claims[ClaimGroups].(type) {
	case []string:
		out = append(out, v...)
	case []any:
		for _, g := range v {
			if s, ok := g.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}
