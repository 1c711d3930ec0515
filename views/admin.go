package views

import (
	"strings"
	"time"
)

// Form fields of the admin console.
const (
	FieldAdminQuery = "q"
	FieldAdminField = "field"
	FieldAdminPage  = "page"
	FieldAdminActor = "actor"
	FieldAdminUser  = "user"
	FieldAdminKey   = "device"
)

// AdminNav links the console's sections.
type AdminNav struct {
	UsersURL, AuditURL string
	// Admin is the signed-in administrator's username.
	Admin string
}

// AdminUsers is the search page with one page of users.
type AdminUsers struct {
	Nav AdminNav
	// Action is where the search form is sent (GET).
	Action string
	// Field is the searched attribute (username, email or phone_number); Query its prefix.
	Field, Query string
	// Fields are the attributes one can search by.
	Fields []string
	Users  []AdminUserRow
	// NextURL is the next page; FirstURL the first one when this is a later page.
	NextURL, FirstURL string
	// Error explains a search Cognito refused.
	Error string
}

// AdminUserRow is one user in the search results.
type AdminUserRow struct {
	URL, Username, Email, Phone, Status string
	Enabled                             bool
}

// AdminUser is the user page.
type AdminUser struct {
	Nav AdminNav
	// Notice confirms an action just done.
	Notice                       string
	Username, Subject, Status    string
	Enabled                      bool
	Email, Phone                 string
	EmailVerified, PhoneVerified bool
	MFAMethods                   []string
	PreferredMFA                 string
	Groups                       []string
	Created, Modified            time.Time
	DeviceTracking               bool
	Devices                      []AdminDevice
	SessionsKnown                bool
	Sessions                     []AdminSession
	Actions                      []AdminActionLink
	AuditURL                     string
}

// AdminDevice is one remembered device.
type AdminDevice struct {
	Key, Name         string
	Created, LastUsed time.Time
}

// AdminSession is one of the person's Bridgekeeper sessions.
type AdminSession struct {
	Started, AuthTime time.Time
	Methods           string
	Apps              []string
}

// AdminActionLink is a link from the user page to an action's confirmation page.
type AdminActionLink struct {
	Action, URL string
	// Danger marks destructive actions.
	Danger bool
}

// AdminConfirm is an action's confirmation page: what will happen, and the button.
type AdminConfirm struct {
	Nav AdminNav
	// Action is one of the admin actions ("disable", "reset-password", …).
	Action   string
	Username string
	// PostURL is where the form posts; empty hides the form (the action cannot be done, see
	// Blocked).
	PostURL string
	// BackURL returns to the user page.
	BackURL string
	// Blocked explains why the action cannot be done as asked; AlternativeURL offers another.
	Blocked        string
	AlternativeURL string
	// Details are extra sentences (what MFA reset means for this pool, which devices).
	Details []string
	// Error is why the last attempt failed.
	Error string
}

// AdminTemporaryPassword shows a generated temporary password, once.
type AdminTemporaryPassword struct {
	Nav      AdminNav
	Username string
	Password string
	BackURL  string
}

// AdminAudit is the audit page.
type AdminAudit struct {
	Nav AdminNav
	// Action is where the filter form is sent (GET).
	Action string
	// Actor and User are the filters.
	Actor, User string
	Entries     []AdminAuditEntry
}

// AdminAuditEntry is one audit entry.
type AdminAuditEntry struct {
	At                                           time.Time
	Actor, Via, Action, Target, Result, Code, ID string
}

// adminActionTitle is an action's name, as a button and a heading.
func adminActionTitle(p Page, action string) string {
	switch action {
	case "reset-password":
		return p.T("admin.action.reset-password")
	case "temporary-password":
		return p.T("admin.action.temporary-password")
	case "disable":
		return p.T("admin.action.disable")
	case "enable":
		return p.T("admin.action.enable")
	case "sign-out":
		return p.T("admin.action.sign-out")
	case "reset-mfa":
		return p.T("admin.action.reset-mfa")
	case "forget-devices":
		return p.T("admin.action.forget-devices")
	case "console":
		return p.T("admin.action.console")
	}
	return action
}

// adminActionWhat says exactly what an action will do to username.
func adminActionWhat(p Page, action, username string) string {
	d := map[string]any{"Name": username}
	switch action {
	case "reset-password":
		return p.T("admin.confirm.reset-password", d)
	case "temporary-password":
		return p.T("admin.confirm.temporary-password", d)
	case "disable":
		return p.T("admin.confirm.disable", d)
	case "enable":
		return p.T("admin.confirm.enable", d)
	case "sign-out":
		return p.T("admin.confirm.sign-out", d)
	case "reset-mfa":
		return p.T("admin.confirm.reset-mfa", d)
	case "forget-devices":
		return p.T("admin.confirm.forget-devices", d)
	}
	return ""
}

// adminFieldLabel names a searchable attribute.
func adminFieldLabel(p Page, field string) string {
	switch field {
	case "email":
		return p.T("admin.field.email")
	case "phone_number":
		return p.T("admin.field.phone_number")
	}
	return p.T("admin.field.username")
}

// adminResultLabel names an audit result.
func adminResultLabel(p Page, result string) string {
	switch result {
	case "ok":
		return p.T("admin.result.ok")
	case "refused":
		return p.T("admin.result.refused")
	}
	return p.T("admin.result.failed")
}

func yesNo(p Page, b bool) string {
	if b {
		return p.T("admin.yes")
	}
	return p.T("admin.no")
}

func listOrNone(p Page, items []string) string {
	if len(items) == 0 {
		return p.T("admin.none")
	}
	return strings.Join(items, ", ")
}

// optionalTime formats t, or "—" for the zero time.
func optionalTime(p Page, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return timeText(p, t)
}

// nonEmpty is s as a one-item list, or an empty list.
func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
