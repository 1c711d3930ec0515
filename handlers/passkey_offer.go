package handlers

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// The offer to add a passkey (choice-based sign-in with passkeys): after a password sign-in
// from an app, when the person has no passkey yet, a page offers to add one before going on to
// the app. The SSO session starts first; the app's parked request waits in its cookie and is
// answered (oidc.Provider.Resume) when the person adds a passkey or says "Not now". "Not now"
// is remembered in this browser (offerCookieName), so the offer does not come back; without
// JavaScript the page says a passkey needs it, and "Not now" still goes on to the app.

// PathPasskeyOffer shows the offer (GET) and takes its answer (POST).
const PathPasskeyOffer = "/signin/passkey-offer"

// offerCookieName remembers that this browser said "Not now" to the passkey offer.
const offerCookieName = "bk_passkey_offer"

// offerCookieMaxAge is how long a browser remembers "Not now".
const offerCookieMaxAge = 180 * 24 * time.Hour

func (cs *ChoiceSignIn) offerCookie() string {
	if cs.Secure {
		return "__Host-" + offerCookieName
	}
	return offerCookieName
}

// offerPasskey reports whether the sign-in s, which an app is waiting for, gets the offer: a
// password sign-in of someone without a passkey, in a browser that has not said "Not now".
func (h *Handlers) offerPasskey(c echo.Context, s *cognito.Success) bool {
	if !h.passkeysOn() || !slices.Contains(s.AMR, "pwd") {
		return false
	}
	if ck, err := c.Request().Cookie(h.d.Choice.offerCookie()); err == nil && ck.Value == views.PasskeyOfferNotNow {
		return false
	}
	keys, err := h.d.Choice.Passkeys.List(c.Request().Context(), s.AccessToken)
	if err != nil {
		h.logAccountError(c, "list passkeys for the offer", err)
		return false
	}
	return len(keys) == 0
}

// startPasskeyOffer starts the SSO session of s without answering the app yet, and shows the
// offer.
func (h *Handlers) startPasskeyOffer(c echo.Context, s *cognito.Success) error {
	w, r := c.Response(), c.Request()
	h.rememberFactor(w, s.AMR)
	if err := h.d.Provider.Login(w, r, nil, s.Identity, s.RefreshToken); err != nil {
		return h.internal(c, "finish sign-in", err)
	}
	h.saveFlow(w, r, flowState{PasskeyOffer: true})
	return c.Redirect(http.StatusSeeOther, PathPasskeyOffer)
}

// offerUnderWay reports whether this browser is between a sign-in and its app, at the offer.
func (h *Handlers) offerUnderWay(c echo.Context) bool {
	var f flowState
	if !h.passkeysOn() || !h.d.Cookies.loadFlow(c.Request(), &f) || !f.PasskeyOffer || h.parked(c) == nil {
		return false
	}
	_, err := h.d.Provider.CurrentSession(c.Request())
	return err == nil
}

func (h *Handlers) offerView(c echo.Context, errMsg string) error {
	status := http.StatusOK
	if errMsg != "" {
		status = http.StatusUnprocessableEntity
	}
	return render(c, status, views.PasskeyOfferPage(h.page(c), views.PasskeyOffer{Action: PathPasskeyOffer, OptionsURL: PathAccountPasskeyOptions, Error: errMsg}))
}

// PasskeyOfferGET shows the offer to add a passkey.
func (h *Handlers) PasskeyOfferGET(c echo.Context) error {
	if !h.offerUnderWay(c) {
		return h.Home(c)
	}
	return h.offerView(c, "")
}

// PasskeyOfferPOST registers the passkey the browser created, or remembers "Not now", and goes
// on to the app.
func (h *Handlers) PasskeyOfferPOST(c echo.Context) error {
	if !h.offerUnderWay(c) {
		return h.Home(c)
	}
	w, r := c.Response(), c.Request()
	if c.FormValue(views.FieldPasskeyOffer) == views.PasskeyOfferNotNow {
		http.SetCookie(w, &http.Cookie{
			Name: h.d.Choice.offerCookie(), Value: views.PasskeyOfferNotNow, Path: "/", MaxAge: int(offerCookieMaxAge / time.Second),
			Secure: h.d.Choice.Secure, HttpOnly: true, SameSite: http.SameSiteLaxMode,
		})
	} else if err := h.addOfferedPasskey(c); err != nil {
		return h.offerView(c, h.page(c).T(kindOf(err).MessageID()))
	}
	req := h.parked(c)
	h.d.Cookies.clear(w, flowCookieName)
	h.d.Cookies.clear(w, authzCookieName)
	if err := h.d.Provider.Resume(w, r, req); err != nil {
		return h.internal(c, "go on to the app", err)
	}
	return nil
}

// addOfferedPasskey registers the posted passkey with the person's access token.
func (h *Handlers) addOfferedPasskey(c echo.Context) error {
	cred := c.FormValue(views.FieldCredential)
	if cred == "" || len(cred) > maxCredentialForm {
		return &cognito.Error{Kind: cognito.InvalidParameter, Op: "register passkey", Err: errors.New("missing or too long credential")}
	}
	tok, err := h.d.AccessTokens.For(c.Request())
	if err == nil {
		err = h.d.Choice.Passkeys.CompleteRegistration(c.Request().Context(), tok, cred)
	}
	if err != nil {
		h.logAccountError(c, "register passkey from the offer", err)
	}
	return err
}
