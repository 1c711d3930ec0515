package handlers

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/admin"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// Each action has a confirmation page (GET) that says exactly what will happen and a POST that
// does it. Routes: PathAdmin + PathAdminUser + "/" + action, behind RequireAdmin and
// RequireRecentSignIn.

// AdminUserResetPasswordGET confirms forcing a password reset by code.
func (a *Admin) AdminUserResetPasswordGET(c echo.Context) error {
	return a.confirm(c, admin.ActionResetPassword)
}

// AdminUserResetPasswordPOST forces a password reset by code.
func (a *Admin) AdminUserResetPasswordPOST(c echo.Context) error {
	return a.perform(c, admin.ActionResetPassword)
}

// AdminUserTemporaryPasswordGET confirms setting a temporary password.
func (a *Admin) AdminUserTemporaryPasswordGET(c echo.Context) error {
	return a.confirm(c, admin.ActionTemporaryPassword)
}

// AdminUserTemporaryPasswordPOST sets a temporary password and shows it once.
func (a *Admin) AdminUserTemporaryPasswordPOST(c echo.Context) error {
	return a.perform(c, admin.ActionTemporaryPassword)
}

// AdminUserDisableGET confirms disabling the account.
func (a *Admin) AdminUserDisableGET(c echo.Context) error { return a.confirm(c, admin.ActionDisable) }

// AdminUserDisablePOST disables the account and ends its sessions.
func (a *Admin) AdminUserDisablePOST(c echo.Context) error { return a.perform(c, admin.ActionDisable) }

// AdminUserEnableGET confirms enabling the account.
func (a *Admin) AdminUserEnableGET(c echo.Context) error { return a.confirm(c, admin.ActionEnable) }

// AdminUserEnablePOST enables the account.
func (a *Admin) AdminUserEnablePOST(c echo.Context) error { return a.perform(c, admin.ActionEnable) }

// AdminUserSignOutGET confirms signing the user out everywhere.
func (a *Admin) AdminUserSignOutGET(c echo.Context) error { return a.confirm(c, admin.ActionSignOut) }

// AdminUserSignOutPOST signs the user out everywhere.
func (a *Admin) AdminUserSignOutPOST(c echo.Context) error { return a.perform(c, admin.ActionSignOut) }

// AdminUserResetMFAGET confirms turning the user's MFA off.
func (a *Admin) AdminUserResetMFAGET(c echo.Context) error { return a.confirm(c, admin.ActionResetMFA) }

// AdminUserResetMFAPOST turns the user's MFA off.
func (a *Admin) AdminUserResetMFAPOST(c echo.Context) error {
	return a.perform(c, admin.ActionResetMFA)
}

// AdminUserForgetDevicesGET confirms forgetting the user's remembered devices.
func (a *Admin) AdminUserForgetDevicesGET(c echo.Context) error {
	return a.confirm(c, admin.ActionForgetDevices)
}

// AdminUserForgetDevicesPOST forgets the user's remembered devices.
func (a *Admin) AdminUserForgetDevicesPOST(c echo.Context) error {
	return a.perform(c, admin.ActionForgetDevices)
}

// confirm renders an action's confirmation page.
func (a *Admin) confirm(c echo.Context, action admin.Action) error {
	m, err := a.confirmation(c, action)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.AdminConfirmPage(a.h.page(c), m))
}

// confirmation builds the confirmation page: what will happen to this user in this pool, or why
// it cannot.
func (a *Admin) confirmation(c echo.Context, action admin.Action) (views.AdminConfirm, error) {
	name, err := username(c)
	if err != nil {
		return views.AdminConfirm{}, err
	}
	ctx := c.Request().Context()
	u, err := a.svc.User(ctx, name)
	if err != nil {
		return views.AdminConfirm{}, a.adminFailed(c, "admin: confirm", err)
	}
	p := a.h.page(c)
	who := map[string]any{"Name": u.Username}
	m := views.AdminConfirm{
		Nav: a.nav(c), Action: string(action), Username: u.Username,
		PostURL: adminActionURL(u.Username, action), BackURL: adminUserURL(u.Username),
	}
	switch action {
	case admin.ActionResetPassword:
		if !u.CanReceiveCode() {
			m.PostURL = ""
			m.Blocked = p.T("admin.confirm.no_delivery", who)
			m.AlternativeURL = adminActionURL(u.Username, admin.ActionTemporaryPassword)
		}
	case admin.ActionResetMFA:
		pool, err := a.svc.Pool(ctx)
		if err != nil {
			return views.AdminConfirm{}, a.adminFailed(c, "admin: describe pool", err)
		}
		switch pool.MFA {
		case "ON":
			m.Details = append(m.Details, p.T("admin.confirm.mfa_required", who))
		case "OPTIONAL":
			m.Details = append(m.Details, p.T("admin.confirm.mfa_optional", who))
		default:
			m.Details = append(m.Details, p.T("admin.confirm.mfa_off"))
		}
	case admin.ActionForgetDevices:
		if len(u.Devices) == 0 {
			m.PostURL = ""
			m.Blocked = p.T("admin.confirm.no_devices", who)
		}
	}
	return m, nil
}

// perform does an action, then shows the user page with a notice (post/redirect/get), or the
// temporary password, once.
func (a *Admin) perform(c echo.Context, action admin.Action) error {
	name, err := username(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	actor := a.actor(c, a.session(c))
	run := map[admin.Action]func(ctx context.Context, actor admin.Actor, username string) (admin.Result, error){
		admin.ActionResetPassword:     a.svc.ResetPassword,
		admin.ActionTemporaryPassword: a.svc.SetTemporaryPassword,
		admin.ActionDisable:           a.svc.Disable,
		admin.ActionEnable:            a.svc.Enable,
		admin.ActionSignOut:           a.svc.SignOut,
		admin.ActionResetMFA:          a.svc.ResetMFA,
		admin.ActionForgetDevices: func(ctx context.Context, actor admin.Actor, username string) (admin.Result, error) {
			return a.svc.ForgetDevices(ctx, actor, username, "")
		},
	}[action]
	res, err := run(ctx, actor, name)
	switch {
	case errors.Is(err, admin.ErrNotFound):
		return echo.ErrNotFound
	case err != nil:
		// The confirmation page again, saying that nothing was done (the service logged and
		// audited the failure).
		m, cerr := a.confirmation(c, action)
		if cerr != nil {
			return cerr
		}
		p := a.h.page(c)
		status := http.StatusBadGateway
		if errors.Is(err, admin.ErrInvalid) {
			status = http.StatusUnprocessableEntity
		}
		if m.Blocked == "" {
			m.Error = p.T("admin.error.failed", map[string]any{"RequestID": actor.RequestID})
		}
		return render(c, status, views.AdminConfirmPage(p, m))
	case action == admin.ActionTemporaryPassword:
		return render(c, http.StatusOK, views.AdminTemporaryPasswordPage(a.h.page(c), views.AdminTemporaryPassword{
			Nav: a.nav(c), Username: name, Password: res.TemporaryPassword, BackURL: adminUserURL(name),
		}))
	}
	return c.Redirect(http.StatusSeeOther, adminUserURL(name)+"?done="+string(action))
}
