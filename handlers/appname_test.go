package handlers

import (
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/oidc"
)

func TestAppName(t *testing.T) {
	names := map[string]string{"demo": "Demo app", "long": strings.Repeat("é", 100), "spaced": "  Spaced  "}
	h := &Handlers{d: Deps{AppName: func(id string) (string, bool) { n, ok := names[id]; return n, ok }}}
	for _, tc := range []struct {
		name   string
		parked *oidc.AuthRequest
		want   string
	}{
		{"no app asked", nil, ""},
		{"a registered app", &oidc.AuthRequest{ClientID: "demo"}, "Demo app"},
		{"an unknown client", &oidc.AuthRequest{ClientID: "gone"}, ""},
		{"trimmed", &oidc.AuthRequest{ClientID: "spaced"}, "Spaced"},
		{"bounded in characters", &oidc.AuthRequest{ClientID: "long"}, strings.Repeat("é", maxAppName-1) + "…"},
	} {
		if got := h.appName(tc.parked); got != tc.want {
			t.Errorf("%s: appName = %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := (&Handlers{}).appName(&oidc.AuthRequest{ClientID: "demo"}); got != "" {
		t.Errorf("without AppName: %q", got)
	}
}
