package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/oidc"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// Remembered browsers: after a sign-in that Cognito issued a new device for, the handlers
// confirm the device (remembered when the person ticked "Remember this browser") and keep it in
// the device cookie; the next sign-in with that username presents it, and the engine proves it
// on the server. The account page links to the person's remembered browsers, which the pool
// lists and forgets with their access token (AccessTokens: obtained server-side from the SSO
// session's stored refresh token, never sent to the browser).

// DeviceManager is the part of the sign-in engine that remembers browsers. *cognito.Engine
// implements it.
type DeviceManager interface {
	RememberDevice(ctx context.Context, accessToken string, nd cognito.NewDevice, name string, remember bool) (cognito.Device, error)
	ListDevices(ctx context.Context, accessToken string) ([]cognito.DeviceInfo, error)
	ForgetDevice(ctx context.Context, accessToken, key string) error
}

// devicesOn reports whether this deployment remembers browsers.
func (h *Handlers) devicesOn() bool {
	return h.d.Devices != nil && h.d.DeviceJar != nil && h.d.AccessTokens != nil
}

// browserDevice is this browser's remembered device for username, or nil. A sign-in the admin
// console demanded (FreshSignInRequired) takes no remembered-device shortcut.
func (h *Handlers) browserDevice(r *http.Request, username string) *cognito.Device {
	if find := h.browserDevices(r); find != nil {
		return find(username)
	}
	return nil
}

// browserDevices finds this browser's remembered devices by real username, for a sign-in that
// learns the real username from Cognito (the person may type an alias); nil when none may be
// used.
func (h *Handlers) browserDevices(r *http.Request) cognito.DeviceLookup {
	if !h.devicesOn() || h.FreshSignInRequired(r) {
		return nil
	}
	return func(username string) *cognito.Device { return h.d.DeviceJar.device(r, username) }
}

// keepNewDevice confirms the device Cognito issued with the sign-in s, remembered when the
// person ticked the box, and keeps it in the device cookie. A failure is logged and the sign-in
// goes on: the browser is simply not remembered.
func (h *Handlers) keepNewDevice(c echo.Context, s *cognito.Success) {
	if !h.devicesOn() || s.NewDevice == nil {
		return
	}
	r := c.Request()
	remember := c.FormValue(views.FieldRememberDevice) == "1"
	dev, err := h.d.Devices.RememberDevice(r.Context(), s.AccessToken, *s.NewDevice, deviceLabel(r.UserAgent()), remember)
	if err == nil {
		err = h.d.DeviceJar.put(c.Response(), r, s.Username, dev)
	}
	if err != nil {
		h.d.Logger.WarnContext(r.Context(), "remember browser", "err", err)
	}
}

// deviceLabel names a browser for the account page from its User-Agent: browser and system.
func deviceLabel(ua string) string {
	browser := "Browser"
	for _, b := range []struct{ token, name string }{{"Edg/", "Edge"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"}} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	for _, s := range []struct{ token, name string }{{"Android", "Android"}, {"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Windows", "Windows"}, {"Mac OS", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"}} {
		if strings.Contains(ua, s.token) {
			return browser + " on " + s.name
		}
	}
	return browser
}

// AccountDevicesGET lists the person's remembered browsers, with buttons that forget them.
func (h *Handlers) AccountDevicesGET(c echo.Context) error {
	if !h.devicesOn() {
		return h.errorPage(c, http.StatusNotFound, "error.NotFound")
	}
	token, err := h.d.AccessTokens.For(c.Request())
	if errors.Is(err, oidc.ErrNoSession) {
		return c.Redirect(http.StatusSeeOther, PathSignIn)
	}
	p := h.page(c)
	m := views.AccountDevices{ForgetAction: PathAccountDeviceForget, ForgetAllAction: PathAccountDevicesForgetAll, BackURL: PathAccount}
	r := c.Request()
	var list []cognito.DeviceInfo
	if err == nil {
		list, err = h.d.Devices.ListDevices(r.Context(), token)
	}
	if err != nil {
		h.d.Logger.WarnContext(r.Context(), "list remembered browsers", "err", err)
		m.Error = p.T("account.devices.error")
		return render(c, http.StatusBadGateway, views.AccountDevicesPage(p, m))
	}
	mine := map[string]bool{}
	for _, d := range h.d.DeviceJar.records(r) {
		mine[d.Key] = true
	}
	for _, d := range list {
		item := views.DeviceItem{Key: d.Key, Name: d.Name, Remembered: d.Remembered, ThisBrowser: mine[d.Key]}
		if item.Name == "" {
			item.Name = p.T("account.devices.unnamed")
		}
		if !d.LastUsed.IsZero() {
			item.LastUsed = p.DateTime(d.LastUsed)
		}
		m.Items = append(m.Items, item)
	}
	return render(c, http.StatusOK, views.AccountDevicesPage(p, m))
}

// AccountDeviceForgetPOST forgets one of the person's remembered browsers.
func (h *Handlers) AccountDeviceForgetPOST(c echo.Context) error {
	key := strings.TrimSpace(c.FormValue(views.FieldDeviceKey))
	if key == "" || len(key) > cognito.MaxDeviceKey {
		return h.errorPage(c, http.StatusBadRequest, "error.BadRequest")
	}
	return h.forgetDevices(c, func([]cognito.DeviceInfo) []string { return []string{key} })
}

// AccountDevicesForgetAllPOST forgets every remembered browser of the person.
func (h *Handlers) AccountDevicesForgetAllPOST(c echo.Context) error {
	return h.forgetDevices(c, func(list []cognito.DeviceInfo) []string {
		keys := make([]string, 0, len(list))
		for _, d := range list {
			keys = append(keys, d.Key)
		}
		return keys
	})
}

// forgetDevices forgets the devices pick chooses from the person's list, drops this browser's
// record of any of them, and shows the list again.
func (h *Handlers) forgetDevices(c echo.Context, pick func([]cognito.DeviceInfo) []string) error {
	if !h.devicesOn() {
		return h.errorPage(c, http.StatusNotFound, "error.NotFound")
	}
	token, err := h.d.AccessTokens.For(c.Request())
	if errors.Is(err, oidc.ErrNoSession) {
		return c.Redirect(http.StatusSeeOther, PathSignIn)
	}
	ctx := c.Request().Context()
	var list []cognito.DeviceInfo
	if err == nil {
		list, err = h.d.Devices.ListDevices(ctx, token)
	}
	for _, key := range pick(list) {
		if err != nil {
			break
		}
		err = h.d.Devices.ForgetDevice(ctx, token, key)
		if err == nil {
			err = h.d.DeviceJar.drop(c.Response(), c.Request(), key)
		}
	}
	if err != nil {
		var ce *cognito.Error
		if errors.As(err, &ce) {
			h.logEngineError(c, "forget browser", ce)
		} else {
			h.d.Logger.WarnContext(ctx, "forget browser", "err", err)
		}
		return h.errorPage(c, http.StatusBadGateway, "account.devices.error")
	}
	return c.Redirect(http.StatusSeeOther, PathAccountDevices)
}

// errorPage shows the error page with the catalog message msgID and a way back to the account.
func (h *Handlers) errorPage(c echo.Context, status int, msgID string) error {
	p := h.page(c)
	return render(c, status, views.ErrorPageView(p, views.ErrorPage{
		Status: status, Message: p.T(msgID), StartOverURL: PathAccount, RequestID: c.Response().Header().Get(echo.HeaderXRequestID),
	}))
}
