package handlers

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"testing"
	"time"

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

// TestFreshSignInSkipsRememberedDevices: the return cookie RequireRecentSignIn leaves demands a
// full sign-in, so no remembered device is offered; a plain return (RequireAdmin) does not.
func TestFreshSignInSkipsRememberedDevices(t *testing.T) {
	j := newJar(t, true, time.Now)
	h := &Handlers{d: Deps{Cookies: j, Logger: slog.New(slog.DiscardHandler)}}
	for _, tt := range []struct {
		cookie *returnState
		fresh  bool
	}{{nil, false}, {&returnState{Path: "/admin"}, false}, {&returnState{Path: "/admin/users/a/disable", Fresh: true}, true}} {
		r := httptest.NewRequest(http.MethodGet, "/signin", nil)
		if tt.cookie != nil {
			r.AddCookie(setCookie(t, j, returnCookieName, tt.cookie))
		}
		if got := h.FreshSignInRequired(r); got != tt.fresh {
			t.Errorf("FreshSignInRequired with %+v = %t", tt.cookie, got)
		}
		if tt.fresh && h.browserDevice(r, "a") != nil {
			t.Error("a fresh sign-in was offered a remembered device")
		}
		rec := httptest.NewRecorder()
		rs, ok := h.takeReturn(rec, r)
		if ok != (tt.cookie != nil) || (ok && rs.Path != tt.cookie.Path) {
			t.Errorf("takeReturn with %+v = %+v %t", tt.cookie, rs, ok)
		}
	}
}
