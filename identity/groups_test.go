package identity

import (
	"slices"
	"testing"
)

func TestGroups(t *testing.T) {
	for _, tt := range []struct {
		claims map[string]any
		want   []string
	}{
		{nil, nil},
		{map[string]any{ClaimGroups: []any{"a", 7, "b"}}, []string{"a", "b"}},
		{map[string]any{ClaimGroups: []string{"a"}}, []string{"a"}},
		{map[string]any{ClaimGroups: "a"}, nil},
		{map[string]any{ClaimGroups: []any{}}, nil},
		{map[string]any{"email": "a@example.com"}, nil},
	} {
		c, err := ClaimsFromMap(tt.claims)
		if err != nil {
			t.Fatal(err)
		}
		if got := (Identity{Claims: c}).Groups(); !slices.Equal(got, tt.want) {
			t.Errorf("Groups() with %v = %v, want %v", tt.claims, got, tt.want)
		}
	}
}
