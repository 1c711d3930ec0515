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
	} {
		if got := (Identity{Claims: tt.claims}).Groups(); !slices.Equal(got, tt.want) {
			t.Errorf("Groups() with %v = %v, want %v", tt.claims, got, tt.want)
		}
	}
}
