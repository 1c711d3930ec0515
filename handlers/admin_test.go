package handlers

import (
	"os"
	"regexp"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/admin"
)

func TestReturnPathAllowed(t *testing.T) {
	for _, tt := range []struct {
		path string
		ok   bool
	}{
		{"/admin", true}, {"/admin/users/alice", true}, {"/admin?field=email&q=a", true}, {"/admin/users/a%40b/disable", true},
		{"/", false}, {"/account", false}, {"/administrator", false}, {"//evil.example/admin", false},
		{"/admin//evil.example", false}, {"/admin/../account", false}, {"https://evil.example/admin", false},
		{"/admin\\evil", false}, {"/admin/\r\nSet-Cookie: x", false}, {"", false},
	} {
		if got := returnPathAllowed(tt.path); got != tt.ok {
			t.Errorf("returnPathAllowed(%q) = %t, want %t", tt.path, got, tt.ok)
		}
	}
}

func TestActionOf(t *testing.T) {
	for _, tt := range []struct {
		path, action, target string
	}{
		{"/admin", "console", ""}, {"/admin/audit", "console", ""}, {"/admin/users/bob", "console", "bob"},
		{"/admin/users/bob/disable", "disable", "bob"}, {"/admin/users/a%40b/reset-mfa", "reset-mfa", "a@b"},
	} {
		a, target := actionOf(tt.path)
		if string(a) != tt.action || target != tt.target {
			t.Errorf("actionOf(%q) = %s %q, want %s %q", tt.path, a, target, tt.action, tt.target)
		}
	}
}

// TestAdminMessagesExist checks the catalog ids the console's handlers use.
func TestAdminMessagesExist(t *testing.T) {
	ids, _ := catalogIDs(t)
	for _, a := range []admin.Action{admin.ActionResetPassword, admin.ActionDisable, admin.ActionEnable, admin.ActionSignOut, admin.ActionResetMFA, admin.ActionForgetDevices} {
		if id, ok := doneMessage[a]; !ok || !ids[id] {
			t.Errorf("no done message for %s (%q)", a, id)
		}
	}
	for _, f := range []string{"admin.go", "admin_actions.go", "returnto.go"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`"(admin\.[a-z_.-]+)"`).FindAllStringSubmatch(string(src), -1) {
			if !ids[m[1]] {
				t.Errorf("%s uses %q, missing from the catalog", f, m[1])
			}
		}
	}
}
