package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// accountNotices are the notices the account page shows after a redirect, by the value of its
// notice parameter; anything else shows none.
func accountNotices() map[string]string {
	return map[string]string{"passkey_added": "account.passkeys.added", "passkey_deleted": "account.passkeys.deleted"}
}

func accountNotice(p views.Page, key string) string {
	if id, ok := accountNotices()[key]; ok {
		return p.T(id)
	}
	return ""
}

// accountRedirect sends the browser back to the account page with a notice.
func accountRedirect(c echo.Context, notice string) error {
	return c.Redirect(http.StatusSeeOther, PathAccount+"?"+url.Values{"notice": {notice}}.Encode())
}

// passkeysOn reports whether the account page manages passkeys.
func (h *Handlers) passkeysOn() bool {
	return h.d.Choice != nil && h.d.Choice.Passkeys != nil && h.d.AccessTokens != nil
}

// accountPasskeys is the account page's passkey section (nil when passkeys are off). amr is how
// the person signed in: after a password, and with no passkey yet, the page offers one.
func (h *Handlers) accountPasskeys(c echo.Context, p views.Page, amr []string) *views.AccountPasskeys {
	if !h.passkeysOn() {
		return nil
	}
	m := &views.AccountPasskeys{AddAction: PathAccountPasskeys, OptionsURL: PathAccountPasskeyOptions, DeleteAction: PathAccountPasskeyDelete}
	keys, err := h.listPasskeys(c)
	if err != nil {
		m.Error = p.T(kindOf(err).MessageID())
		return m
	}
	for _, k := range keys {
		m.List = append(m.List, views.PasskeyItem{ID: k.ID, Name: k.Name, Created: k.Created})
	}
	m.Offer = len(keys) == 0 && slices.Contains(amr, "pwd")
	return m
}

func (h *Handlers) listPasskeys(c echo.Context) ([]cognito.Passkey, error) {
	tok, err := h.d.AccessTokens.For(c.Request())
	if err != nil {
		h.logAccountError(c, "access token for passkeys", err)
		return nil, err
	}
	keys, err := h.d.Choice.Passkeys.List(c.Request().Context(), tok)
	if err != nil {
		h.logAccountError(c, "list passkeys", err)
	}
	return keys, err
}

// kindOf is the engine error kind of err (Internal for anything else).
func kindOf(err error) cognito.Kind {
	var ce *cognito.Error
	if errors.As(err, &ce) {
		return ce.Kind
	}
	return cognito.Internal
}

func (h *Handlers) logAccountError(c echo.Context, what string, err error) {
	var ce *cognito.Error
	if errors.As(err, &ce) {
		h.logEngineError(c, what, ce)
		return
	}
	h.d.Logger.ErrorContext(c.Request().Context(), what, "err", err)
}

// AccountPasskeyOptionsPOST gives passkey.js the creation options of a new passkey, as JSON.
func (h *Handlers) AccountPasskeyOptionsPOST(c echo.Context) error {
	p := h.page(c)
	if _, err := h.d.Provider.CurrentSession(c.Request()); err != nil || !h.passkeysOn() {
		return c.JSON(http.StatusUnauthorized, passkeyReply{Redirect: PathSignIn})
	}
	tok, err := h.d.AccessTokens.For(c.Request())
	if err != nil {
		h.logAccountError(c, "access token for passkeys", err)
		return c.JSON(http.StatusBadGateway, passkeyReply{Error: p.T(kindOf(err).MessageID())})
	}
	options, err := h.d.Choice.Passkeys.StartRegistration(c.Request().Context(), tok)
	if err != nil {
		h.logAccountError(c, "start passkey registration", err)
		return c.JSON(statusFor(c, &cognito.Error{Kind: kindOf(err)}), passkeyReply{Error: p.T(kindOf(err).MessageID())})
	}
	if !h.checkRelyingParty(c, options, "rp", "id") {
		return c.JSON(http.StatusUnprocessableEntity, passkeyReply{Error: p.T(cognito.PasskeyUnavailable.MessageID())})
	}
	return c.JSON(http.StatusOK, passkeyReply{Options: json.RawMessage(options)})
}

// AccountPasskeyPOST registers the passkey the browser created.
func (h *Handlers) AccountPasskeyPOST(c echo.Context) error {
	return h.passkeyChange(c, "register passkey", "passkey_added", func(tok, value string) error {
		return h.d.Choice.Passkeys.CompleteRegistration(c.Request().Context(), tok, value)
	}, views.FieldCredential, maxCredentialForm)
}

// AccountPasskeyDeletePOST deletes one of the person's passkeys.
func (h *Handlers) AccountPasskeyDeletePOST(c echo.Context) error {
	return h.passkeyChange(c, "delete passkey", "passkey_deleted", func(tok, value string) error {
		return h.d.Choice.Passkeys.Delete(c.Request().Context(), tok, value)
	}, views.FieldPasskeyID, maxPasskeyID)
}

// maxPasskeyID bounds a posted credential id (WebAuthn allows 1,023 bytes, base64url longer).
const maxPasskeyID = 1400

// passkeyChange runs one change of the person's passkeys with the form field named field and
// returns to the account page, which shows the notice or, on failure, the error.
func (h *Handlers) passkeyChange(c echo.Context, what, notice string, change func(tok, value string) error, field string, maxLen int) error {
	s, err := h.d.Provider.CurrentSession(c.Request())
	if err != nil || !h.passkeysOn() {
		return c.Redirect(http.StatusSeeOther, PathSignIn)
	}
	p := h.page(c)
	value := c.FormValue(field)
	fail := func(err error) error {
		m := views.Account{Username: s.Username, SignOutAction: PathSignOut, Passkeys: h.accountPasskeys(c, p, nil)}
		m.Email = s.Claims.String("email")
		m.Passkeys.Error = p.T(kindOf(err).MessageID())
		return render(c, statusFor(c, &cognito.Error{Kind: kindOf(err)}), views.AccountPage(p, m))
	}
	if value == "" || len(value) > maxLen {
		return fail(&cognito.Error{Kind: cognito.InvalidParameter, Op: what, Err: errors.New("missing or too long " + field)})
	}
	tok, err := h.d.AccessTokens.For(c.Request())
	if err != nil {
		h.logAccountError(c, "access token for passkeys", err)
		return fail(err)
	}
	if err := change(tok, value); err != nil {
		h.logAccountError(c, what, err)
		return fail(err)
	}
	return accountRedirect(c, notice)
}
