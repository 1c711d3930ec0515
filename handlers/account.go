package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/views"
)

// AccountGET shows who is signed in, or sends the person to sign in.
func (h *Handlers) AccountGET(c echo.Context) error {
	s, err := h.d.Provider.CurrentSession(c.Request())
	if err != nil {
		return c.Redirect(http.StatusSeeOther, PathSignIn)
	}
	p := h.page(c)
	email := s.Claims.String("email")
	m := views.Account{
		Username:      s.Username,
		Email:         email,
		SignOutAction: PathSignOut,
		Notice:        accountNotice(p, c.QueryParam("notice")),
		Passkeys:      h.accountPasskeys(c, p, s.AMR),
	}
	if h.devicesOn() {
		m.DevicesURL = PathAccountDevices
	}
	return render(c, http.StatusOK, views.AccountPage(p, m))
}

// SignOutGET asks the signed-in person to confirm signing out (the form posts to SignOutPOST);
// without a session there is nothing to sign out of, and the signed-out page says so.
func (h *Handlers) SignOutGET(c echo.Context) error {
	s, err := h.d.Provider.CurrentSession(c.Request())
	if err != nil {
		return c.Redirect(http.StatusSeeOther, PathSignedOut)
	}
	return render(c, http.StatusOK, views.SignOutConfirmPage(h.page(c), views.SignOutConfirm{Action: PathSignOut, Username: s.Username, StayURL: PathAccount}))
}

// SignOutPOST ends the browser's session (and what was issued under it) and confirms it.
func (h *Handlers) SignOutPOST(c echo.Context) error {
	if err := h.d.Provider.Logout(c.Response(), c.Request()); err != nil {
		return h.internal(c, "sign out", err)
	}
	h.d.Cookies.clear(c.Response(), flowCookieName)
	h.d.Cookies.clear(c.Response(), authzCookieName)
	return c.Redirect(http.StatusSeeOther, PathSignedOut)
}

// SignedOutGET confirms that the person is signed out.
func (h *Handlers) SignedOutGET(c echo.Context) error {
	return render(c, http.StatusOK, views.SignedOutPage(h.page(c), views.SignedOut{SignInURL: PathSignIn}))
}
