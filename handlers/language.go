package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/i18n"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// The language picker: a GET form on every page (no JavaScript needed) whose choice is kept in
// a cookie for a year and comes before ui_locales and Accept-Language.
const (
	// PathLanguage takes the picker's form: ?lang=<tag>&return=<local path>.
	PathLanguage = "/language"
	// langCookieName holds the chosen language tag (not a secret: plain, but HttpOnly).
	langCookieName = "bk_lang"
	langCookieAge  = 365 * 24 * 60 * 60
	// maxReturnLen bounds the page the picker returns to.
	maxReturnLen = 1024
)

// languageChoices lists the catalog's languages by their own names ("Deutsch", "日本語",
// "Português (Brasil)": each catalog's i18n.LanguageNameID), sorted by tag, for the picker.
func languageChoices(b *i18n.Bundle) []views.Language {
	tags := b.Languages()
	out := make([]views.Language, 0, len(tags))
	for _, t := range tags {
		out = append(out, views.Language{Tag: t, Name: b.LanguageName(t)})
	}
	slices.SortFunc(out, func(a, b views.Language) int { return strings.Compare(a.Tag, b.Tag) })
	return out
}

// chosenLanguage is the language in the picker's cookie, if it is one of the catalog's.
func (h *Handlers) chosenLanguage(r *http.Request) string {
	ck, err := r.Cookie(h.d.Cookies.name(langCookieName))
	if err != nil || !slices.Contains(h.d.Bundle.Languages(), ck.Value) {
		return ""
	}
	return ck.Value
}

// LanguageGET remembers the language chosen in the picker and goes back to the page it was
// chosen on. An unknown language is a 400; a return address that is not a path on this site is
// replaced by the home page (no open redirect).
func (h *Handlers) LanguageGET(c echo.Context) error {
	lang := c.QueryParam("lang")
	if !slices.Contains(h.d.Bundle.Languages(), lang) {
		return echo.NewHTTPError(http.StatusBadRequest, "unknown language")
	}
	http.SetCookie(c.Response(), &http.Cookie{
		Name: h.d.Cookies.name(langCookieName), Value: lang, Path: "/", MaxAge: langCookieAge,
		Secure: h.d.Cookies.secure, HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
	return c.Redirect(http.StatusSeeOther, localReturn(c.QueryParam("return")))
}

// localReturn is ret when it is a path on this site ("/signin/step?x=1"), else PathHome.
func localReturn(ret string) string {
	u, err := url.Parse(ret)
	switch {
	case err != nil, len(ret) > maxReturnLen, u.Scheme != "", u.Host != "", u.User != nil,
		!strings.HasPrefix(ret, "/"), strings.HasPrefix(ret, "//"), strings.ContainsAny(ret, "\\\r\n\t"):
		return PathHome
	}
	return u.RequestURI()
}

// pickerReturn is the page the language picker brings the person back to: this page, or for a
// form post the page's address without its body (every posting page also answers GET).
func pickerReturn(r *http.Request) string {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return localReturn(r.URL.RequestURI())
	}
	return localReturn(r.URL.Path)
}
