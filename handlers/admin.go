package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/admin"
	"github.com/bridgekeeper/bridgekeeper/identity"
	"github.com/bridgekeeper/bridgekeeper/oidc"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// Admin console paths. web/routes.go mounts the console under PathAdmin; the others are
// relative to it.
const (
	PathAdmin = "/admin"
	// PathAdminAudit is the audit list.
	PathAdminAudit = "/audit"
	// PathAdminUser is one user's page; PathAdminUser + "/" + action is an action's
	// confirmation page (GET) and the action itself (POST).
	PathAdminUser = "/users/:username"
)

// AdminService is what the console needs from the admin service. *admin.Service implements it.
type AdminService interface {
	ListUsers(ctx context.Context, q admin.Search) (admin.Page, error)
	User(ctx context.Context, username string) (*admin.User, error)
	Pool(ctx context.Context) (admin.Pool, error)
	IsAdmin(ctx context.Context, username string, tokenGroups []string) (bool, error)
	Refused(ctx context.Context, actor admin.Actor, action admin.Action, target string)
	Audit(ctx context.Context, f admin.AuditFilter) ([]admin.Entry, error)
	ResetPassword(ctx context.Context, actor admin.Actor, username string) (admin.Result, error)
	SetTemporaryPassword(ctx context.Context, actor admin.Actor, username string) (admin.Result, error)
	Disable(ctx context.Context, actor admin.Actor, username string) (admin.Result, error)
	Enable(ctx context.Context, actor admin.Actor, username string) (admin.Result, error)
	SignOut(ctx context.Context, actor admin.Actor, username string) (admin.Result, error)
	ResetMFA(ctx context.Context, actor admin.Actor, username string) (admin.Result, error)
	ForgetDevices(ctx context.Context, actor admin.Actor, username, key string) (admin.Result, error)
}

// AdminConfig are the console's settings (the admin section of the configuration).
type AdminConfig struct {
	// RecentSignIn is how recent a sign-in must be for an action (admin.recent_sign_in).
	RecentSignIn time.Duration
	// RequireMFA demands "mfa" in the sign-in's methods for an action (admin.require_mfa).
	RequireMFA bool
}

// Admin serves the admin console: search, user pages, confirmation pages, actions and audit.
type Admin struct {
	h   *Handlers
	svc AdminService
	cfg AdminConfig
}

// NewAdmin returns the console, rendering with h's pages.
func NewAdmin(h *Handlers, svc AdminService, cfg AdminConfig) *Admin {
	return &Admin{h: h, svc: svc, cfg: cfg}
}

// adminSessionKey holds the administrator's session in the echo context (set by RequireAdmin).
const adminSessionKey = "bridgekeeper.admin.session"

// Limits on what the console's forms and links carry.
const (
	maxSearchToken = 4096
	maxAuditFilter = 128
	auditPageSize  = 200
)

// RequireAdmin lets administrators through. Without a session the browser signs in and comes
// back to the /admin page it asked for; a signed-in person who is not an administrator gets a
// 403 page, and the attempt is audited.
func (a *Admin) RequireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		s, err := a.h.d.Provider.CurrentSession(r)
		if err != nil {
			if !errors.Is(err, oidc.ErrNoSession) {
				return a.h.internal(c, "admin: read session", err)
			}
			back := r.URL.Path
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				back = r.URL.RequestURI()
			}
			a.h.parkReturn(c.Response(), r, back, false, "", "")
			return nil
		}
		ok, err := a.svc.IsAdmin(r.Context(), s.Username, s.Groups())
		if err != nil {
			return a.h.internal(c, "admin: check groups", err)
		}
		if !ok {
			action, target := actionOf(r.URL.Path)
			a.svc.Refused(r.Context(), a.actor(c, s), action, target)
			return a.forbidden(c, "admin.forbidden")
		}
		c.Set(adminSessionKey, s)
		return next(c)
	}
}

// RequireRecentSignIn guards every action: the administrator's sign-in must be at most
// RecentSignIn old and, with RequireMFA, have used MFA. Otherwise the browser signs in again in
// full (no remembered-device shortcut) and comes back to the same confirmation page. A fresh
// sign-in without MFA gets a 403 page that says MFA is needed.
func (a *Admin) RequireRecentSignIn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		s := a.session(c)
		if s == nil {
			return a.forbidden(c, "admin.forbidden")
		}
		age := a.h.d.Now().Sub(s.AuthenticatedAt())
		mfa := !a.cfg.RequireMFA || slices.Contains(s.AMR, identity.AMRMFA)
		switch {
		case age <= a.cfg.RecentSignIn && mfa:
			return next(c)
		case age <= time.Minute && !mfa:
			// Just signed in, and without MFA: signing in again would not help.
			return a.forbidden(c, "admin.mfa_needed")
		}
		a.h.parkReturn(c.Response(), c.Request(), c.Request().URL.Path, true, s.Username, "admin.reauth")
		return nil
	}
}

func (a *Admin) session(c echo.Context) *oidc.Session {
	s, _ := c.Get(adminSessionKey).(*oidc.Session)
	return s
}

func (a *Admin) actor(c echo.Context, s *oidc.Session) admin.Actor {
	return admin.Actor{Name: s.Username, Via: "console", RequestID: c.Response().Header().Get(echo.HeaderXRequestID)}
}

// forbidden renders the 403 page with message id msg.
func (a *Admin) forbidden(c echo.Context, msg string) error {
	p := a.h.page(c)
	return render(c, http.StatusForbidden, views.ErrorPageView(p, views.ErrorPage{
		Status: http.StatusForbidden, Message: p.T(msg), StartOverURL: PathAccount,
		RequestID: c.Response().Header().Get(echo.HeaderXRequestID),
	}))
}

// actionOf names what a request to an /admin path attempts, for the audit of refused attempts.
func actionOf(path string) (admin.Action, string) {
	rest, ok := strings.CutPrefix(path, PathAdmin+"/users/")
	if !ok {
		return admin.ActionConsole, ""
	}
	user, action, _ := strings.Cut(rest, "/")
	user, _ = url.PathUnescape(user)
	if len(user) > maxUsername {
		user = user[:maxUsername]
	}
	if action == "" || len(action) > 32 {
		return admin.ActionConsole, user
	}
	return admin.Action(action), user
}

// nav is the console's navigation for this request.
func (a *Admin) nav(c echo.Context) views.AdminNav {
	n := views.AdminNav{UsersURL: PathAdmin, AuditURL: PathAdmin + PathAdminAudit}
	if s := a.session(c); s != nil {
		n.Admin = s.Username
	}
	return n
}

// adminUserURL is a user's page.
func adminUserURL(username string) string {
	return PathAdmin + "/users/" + url.PathEscape(username)
}

// adminActionURL is an action's confirmation page (and where it posts).
func adminActionURL(username string, action admin.Action) string {
	return adminUserURL(username) + "/" + string(action)
}

// username reads the :username path parameter: no such user (404) unless it can be a Cognito
// username, whose pattern is [\p{L}\p{M}\p{S}\p{N}\p{P}]+ (no spaces or control characters;
// Cognito would refuse the call with a validation error).
func username(c echo.Context) (string, error) {
	u, err := url.PathUnescape(c.Param("username"))
	if err != nil || u == "" || len(u) > maxUsername || !utf8.ValidString(u) || strings.IndexFunc(u, notUsernameRune) >= 0 {
		return "", echo.ErrNotFound
	}
	return u, nil
}

// notUsernameRune reports a character Cognito's username pattern does not allow.
func notUsernameRune(r rune) bool {
	return !unicode.In(r, unicode.L, unicode.M, unicode.S, unicode.N, unicode.P)
}

// adminFailed logs an error of the user pool once and shows the error page.
func (a *Admin) adminFailed(c echo.Context, what string, err error) error {
	if errors.Is(err, admin.ErrNotFound) {
		return echo.ErrNotFound
	}
	a.h.d.Logger.ErrorContext(c.Request().Context(), what, "err", err)
	return echo.NewHTTPError(http.StatusBadGateway).SetInternal(err)
}

// AdminUsersGET searches users, a page at a time.
func (a *Admin) AdminUsersGET(c echo.Context) error {
	p := a.h.page(c)
	field := c.QueryParam(views.FieldAdminField)
	if !slices.Contains(admin.SearchFields, field) {
		field = admin.SearchFields[0]
	}
	q := strings.TrimSpace(c.QueryParam(views.FieldAdminQuery))
	token := c.QueryParam(views.FieldAdminPage)
	m := views.AdminUsers{Nav: a.nav(c), Action: PathAdmin, Field: field, Query: q, Fields: admin.SearchFields}
	if len(token) > maxSearchToken {
		return echo.ErrBadRequest
	}
	page, err := a.svc.ListUsers(c.Request().Context(), admin.Search{Field: field, Prefix: q, Token: token})
	if errors.Is(err, admin.ErrInvalid) {
		m.Error = p.T("admin.error.search")
		return render(c, http.StatusBadRequest, views.AdminUsersPage(p, m))
	}
	if err != nil {
		return a.adminFailed(c, "admin: list users", err)
	}
	for _, u := range page.Users {
		m.Users = append(m.Users, views.AdminUserRow{
			URL: adminUserURL(u.Username), Username: u.Username, Email: u.Email, Phone: u.Phone, Status: u.Status, Enabled: u.Enabled,
		})
	}
	search := url.Values{views.FieldAdminField: {field}, views.FieldAdminQuery: {q}}
	if page.Next != "" {
		next := url.Values{views.FieldAdminField: {field}, views.FieldAdminQuery: {q}, views.FieldAdminPage: {page.Next}}
		m.NextURL = PathAdmin + "?" + next.Encode()
	}
	if token != "" {
		m.FirstURL = PathAdmin + "?" + search.Encode()
	}
	return render(c, http.StatusOK, views.AdminUsersPage(p, m))
}

// doneMessage is the notice after an action, by action.
var doneMessage = map[admin.Action]string{
	admin.ActionResetPassword: "admin.done.reset-password",
	admin.ActionDisable:       "admin.done.disable",
	admin.ActionEnable:        "admin.done.enable",
	admin.ActionSignOut:       "admin.done.sign-out",
	admin.ActionResetMFA:      "admin.done.reset-mfa",
	admin.ActionForgetDevices: "admin.done.forget-devices",
}

// AdminUserGET shows one account, its sessions and devices, and links to the actions.
func (a *Admin) AdminUserGET(c echo.Context) error {
	name, err := username(c)
	if err != nil {
		return err
	}
	u, err := a.svc.User(c.Request().Context(), name)
	if err != nil {
		return a.adminFailed(c, "admin: show user", err)
	}
	p := a.h.page(c)
	m := views.AdminUser{
		Nav: a.nav(c), Username: u.Username, Subject: u.Subject, Status: u.Status, Enabled: u.Enabled,
		Email: u.Email, Phone: u.Phone, EmailVerified: u.EmailVerified, PhoneVerified: u.PhoneVerified,
		MFAMethods: u.MFAMethods, PreferredMFA: u.PreferredMFA, Groups: u.Groups, Created: u.Created, Modified: u.Modified,
		DeviceTracking: u.DeviceTracking, SessionsKnown: u.SessionsKnown,
		AuditURL: PathAdmin + PathAdminAudit + "?" + url.Values{views.FieldAdminUser: {u.Username}}.Encode(),
	}
	if id, ok := doneMessage[admin.Action(c.QueryParam("done"))]; ok {
		m.Notice = p.T(id)
	}
	for _, d := range u.Devices {
		m.Devices = append(m.Devices, views.AdminDevice{Key: d.Key, Name: d.Name, Created: d.Created, LastUsed: d.LastUsed})
	}
	for _, s := range u.Sessions {
		m.Sessions = append(m.Sessions, views.AdminSession{Started: s.Started, AuthTime: s.AuthTime, Methods: strings.Join(s.AMR, ", "), Apps: s.Apps})
	}
	link := func(action admin.Action, danger bool) {
		m.Actions = append(m.Actions, views.AdminActionLink{Action: string(action), URL: adminActionURL(u.Username, action), Danger: danger})
	}
	link(admin.ActionResetPassword, true)
	link(admin.ActionTemporaryPassword, true)
	if u.Enabled {
		link(admin.ActionDisable, true)
	} else {
		link(admin.ActionEnable, false)
	}
	link(admin.ActionSignOut, true)
	link(admin.ActionResetMFA, true)
	if len(u.Devices) > 0 {
		link(admin.ActionForgetDevices, true)
	}
	return render(c, http.StatusOK, views.AdminUserPage(p, m))
}

// AdminAuditGET lists recent admin actions, filtered by administrator and by user.
func (a *Admin) AdminAuditGET(c echo.Context) error {
	actor := strings.TrimSpace(c.QueryParam(views.FieldAdminActor))
	user := strings.TrimSpace(c.QueryParam(views.FieldAdminUser))
	if len(actor) > maxAuditFilter || len(user) > maxAuditFilter {
		return echo.ErrBadRequest
	}
	entries, err := a.svc.Audit(c.Request().Context(), admin.AuditFilter{Actor: actor, Target: user, Limit: auditPageSize})
	if err != nil {
		return a.adminFailed(c, "admin: read audit", err)
	}
	m := views.AdminAudit{Nav: a.nav(c), Action: PathAdmin + PathAdminAudit, Actor: actor, User: user}
	for _, e := range entries {
		m.Entries = append(m.Entries, views.AdminAuditEntry{
			At: e.At, Actor: e.Actor, Via: e.Via, Action: string(e.Action), Target: e.Target, Result: e.Result, Code: e.Code, ID: e.ID,
		})
	}
	return render(c, http.StatusOK, views.AdminAuditPage(a.h.page(c), m))
}
