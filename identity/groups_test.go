package identity

import (
	"slices"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// Groups reads every shape of cognito:groups as the table says (oidc's groups claim and the
// admin console's gate run the same table through their uses).
func TestGroups(t *testing.T) {
	for _, tt := range testutil.GroupsClaimCases() {
		claims := "{}"
		if tt.Value != "" {
			claims = `{"email":"a@example.com","` + ClaimGroups + `":` + tt.Value + `}`
		}
		c, err := NewClaims([]byte(claims))
		if err != nil {
			t.Fatalf("%s: %v", tt.Name, err)
		}
		if got := (Identity{Claims: c}).Groups(); !slices.Equal(got, tt.Want) || (got == nil) != (tt.Want == nil) {
			t.Errorf("%s: Groups() of %s = %q, want %q", tt.Name, claims, got, tt.Want)
		}
	}
}
