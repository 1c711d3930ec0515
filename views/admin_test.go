package views

import (
	"testing"
	"time"

	"github.com/a-h/templ"
)

// adminCases are the admin console's pages for TestPages.
func adminCases() []pageCase {
	nav := AdminNav{UsersURL: "/admin", AuditURL: "/admin/audit", Admin: "root"}
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	return []pageCase{
		{
			name: "admin users",
			page: func(p Page) templ.Component {
				return AdminUsersPage(p, AdminUsers{
					Nav: nav, Action: "/admin", Field: "email", Query: "al", Fields: []string{"username", "email", "phone_number"},
					Users:   []AdminUserRow{{URL: "/admin/users/alice", Username: "alice", Email: "alice@example.com", Status: "CONFIRMED", Enabled: true}},
					NextURL: "/admin?page=x", FirstURL: "/admin?q=al",
				})
			},
			wants: []want{
				{sel: "form[role=search]", attrs: map[string]string{"method": "get", "action": "/admin"}},
				{sel: "label[for=q]", text: "Starts with"},
				{sel: "input#q", attrs: map[string]string{"name": "q", "type": "search", "value": "al", "autocomplete": "off"}},
				{sel: "option[selected]", attrs: map[string]string{"value": "email"}, text: "Email address"},
				{sel: "a[href=/admin/users/alice]", text: "alice"},
				{sel: "a[rel=next]", attrs: map[string]string{"href": "/admin?page=x"}, text: "Next page"},
				{sel: "nav[aria-label]", text: "Users", attrs: map[string]string{"aria-label": "Admin console"}},
			},
		},
		{
			name: "admin users, bad search",
			page: func(p Page) templ.Component {
				return AdminUsersPage(p, AdminUsers{Nav: nav, Action: "/admin", Fields: []string{"username"}, Error: "That search cannot be done."})
			},
			alert:  true,
			wants:  []want{{sel: "div[role=alert]", text: "That search cannot be done."}},
			absent: []string{"table", "a[rel=next]"},
		},
		{
			name: "admin user",
			page: func(p Page) templ.Component {
				return AdminUserPage(p, AdminUser{
					Nav: nav, Notice: "Done: signed out everywhere.", Username: "alice", Status: "CONFIRMED", Enabled: true,
					Email: "alice@example.com", EmailVerified: true, Groups: []string{"staff"}, Created: at, SessionsKnown: true,
					Sessions: []AdminSession{{Started: at, AuthTime: at, Methods: "pwd", Apps: []string{"Wiki"}}},
					Actions:  []AdminActionLink{{Action: "disable", URL: "/admin/users/alice/disable", Danger: true}},
					AuditURL: "/admin/audit?user=alice",
				})
			},
			wants: []want{
				{sel: "h1", text: "alice"},
				{sel: "div[role=status]", text: "signed out everywhere"},
				{sel: "dd", text: "alice@example.com (verified: Yes)"},
				{sel: "a[href=/admin/users/alice/disable]", text: "Disable"},
				{sel: "td", text: "Wiki"},
				{sel: "a[href=/admin/audit?user=alice]", text: "Audit entries"},
			},
			absent: []string{"form[method=post]"},
		},
		{
			name: "admin confirm",
			page: func(p Page) templ.Component {
				return AdminConfirmPage(p, AdminConfirm{Nav: nav, Action: "reset-mfa", Username: "carol", PostURL: "/admin/users/carol/reset-mfa", BackURL: "/admin/users/carol", Details: []string{"MFA is optional."}})
			},
			wants: []want{
				{sel: "h1", text: "Reset MFA"},
				{sel: "p", text: "Every MFA method of carol is turned off."},
				{sel: "form[method=post]", attrs: map[string]string{"action": "/admin/users/carol/reset-mfa"}},
				{sel: "input[name=_csrf]", attrs: map[string]string{"type": "hidden", "value": testCSRF}},
				{sel: "button[type=submit]", text: "Reset MFA"},
				{sel: "a[href=/admin/users/carol]", text: "Cancel"},
			},
		},
		{
			name: "admin confirm, blocked",
			page: func(p Page) templ.Component {
				return AdminConfirmPage(p, AdminConfirm{Nav: nav, Action: "reset-password", Username: "bob", BackURL: "/admin/users/bob", Blocked: "bob has no verified email", AlternativeURL: "/admin/users/bob/temporary-password"})
			},
			wants: []want{
				{sel: "div[role=status]", text: "no verified email"},
				{sel: "a[href=/admin/users/bob/temporary-password]", text: "Set a temporary password"},
			},
			absent: []string{"form[method=post]"},
		},
		{
			name: "admin temporary password",
			page: func(p Page) templ.Component {
				return AdminTemporaryPasswordPage(p, AdminTemporaryPassword{Nav: nav, Username: "bob", Password: "Xy7-abcDEF234567", BackURL: "/admin/users/bob"})
			},
			wants: []want{{sel: "code#temporary-password", text: "Xy7-abcDEF234567"}, {sel: "p", text: "shown only this once"}},
		},
		{
			name: "admin audit",
			page: func(p Page) templ.Component {
				return AdminAuditPage(p, AdminAudit{Nav: nav, Action: "/admin/audit", User: "alice", Entries: []AdminAuditEntry{
					{At: at, Actor: "root", Via: "console", Action: "disable", Target: "alice", Result: "ok"},
					{At: at, Actor: "mallory", Via: "console", Action: "console", Result: "refused"},
				}})
			},
			wants: []want{
				{sel: "input#user", attrs: map[string]string{"value": "alice", "name": "user"}},
				{sel: "td", text: "Disable"},
				{sel: "td", text: "Refused"},
			},
		},
	}
}

func TestAdminDynamicMessagesExist(t *testing.T) {
	p := testPage(t)
	for _, a := range []string{"reset-password", "temporary-password", "disable", "enable", "sign-out", "reset-mfa", "forget-devices", "console"} {
		if got := adminActionTitle(p, a); messageIDLike.MatchString(got) || got == a {
			t.Errorf("action %s title %q", a, got)
		}
		if a == "console" {
			continue
		}
		if got := adminActionWhat(p, a, "x"); got == "" || messageIDLike.MatchString(got) {
			t.Errorf("action %s description %q", a, got)
		}
	}
	for _, r := range []string{"ok", "failed", "refused"} {
		if got := adminResultLabel(p, r); messageIDLike.MatchString(got) {
			t.Errorf("result %s label %q", r, got)
		}
	}
	for _, f := range []string{"username", "email", "phone_number"} {
		if got := adminFieldLabel(p, f); messageIDLike.MatchString(got) {
			t.Errorf("field %s label %q", f, got)
		}
	}
}
