package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/handlers"
	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
	"github.com/bridgekeeper/bridgekeeper/oidc"
)

// appName names the test app on the pages (oidc.ClientNames, as the wiring does).
const appName = "Example Notes"

func withAppName(s *siteSetup) {
	s.deps.AppName = oidc.ClientNames([]oidc.Client{{ID: appID, Name: appName}})
}

// csrfCookie is the browser's CSRF cookie for the site ("" when it has none).
func (s *site) csrfCookie(c *webclient.Client) string {
	u, err := url.Parse(s.url)
	s.must(err)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "bk_csrf" {
			return ck.Value
		}
	}
	return ""
}

// The sign-in page GET /authorize answers with is GET /signin's, in full: the app's name and
// ui_locales, the CSRF token and its cookie, the language picker (back to /signin, where the
// request is parked), no caching; and signing in from it reaches the app with a code.
func TestSiteAuthorizeShowsSignInPage(t *testing.T) {
	s := newSite(t, withAppName)
	const verifier = "page-verifier-0123456789-0123456789-0123456789"
	c := s.browser()
	page := s.get(c, authorizeURL(verifier, "st-page", "ui_locales", "de"))
	expect(t, page, oidc.PathAuthorize, http.StatusOK, "Anmelden", appName)
	if got := page.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
	form, err := page.Form("username")
	s.must(err)
	if form.Action.Path != handlers.PathSignIn || form.Values.Get("_csrf") == "" || form.Values.Get("_csrf") != s.csrfCookie(c) {
		t.Fatalf("sign-in form posts to %s with token %q (cookie %q)", form.Action.Path, form.Values.Get("_csrf"), s.csrfCookie(c))
	}
	picker, err := page.Form("lang")
	s.must(err)
	if got := picker.Values.Get("return"); got != handlers.PathSignIn {
		t.Errorf("the language picker returns to %q, want %s", got, handlers.PathSignIn)
	}
	signInForApp(t, s, c, page, "alice", "st-page", verifier)

	// What GET /signin shows is the same page (one rendering path), the request id aside.
	c = s.browser()
	a := s.get(c, authorizeURL(verifier, "st-same"))
	b := s.get(c, handlers.PathSignIn)
	norm := func(p *webclient.Page) string {
		return strings.ReplaceAll(p.Body, `value="/signin"`, "")
	}
	if b.URL.Path != handlers.PathSignIn || norm(a) != norm(b) {
		t.Errorf("the /authorize page differs from /signin:\n%s\n---\n%s", a.Body, b.Body)
	}
}

// signInForApp signs in as username (no MFA) from page and checks the app gets a code for state
// that it can redeem.
func signInForApp(t *testing.T, s *site, c *webclient.Client, page *webclient.Page, username, state, verifier string) {
	t.Helper()
	page = s.submit(c, page, "username", map[string]string{"username": username, "password": password})
	appGotCode(t, s, page, state, verifier)
}

// appGotCode checks that page is the redirect to the app with a code for state, and redeems it.
func appGotCode(t *testing.T, s *site, page *webclient.Page, state, verifier string) {
	t.Helper()
	loc, err := url.Parse(page.Header.Get("Location"))
	s.must(err)
	if page.Status != http.StatusSeeOther || loc.Scheme+"://"+loc.Host+loc.Path != appRedirect || loc.Query().Get("state") != state || loc.Query().Get("code") == "" {
		t.Fatalf("not back at the app with a code: %d %s: %s", page.Status, loc, page.Text())
	}
	if status, body := s.redeem(loc.Query().Get("code"), verifier); status != http.StatusOK || body["id_token"] == nil {
		t.Fatalf("redeem: %d %v", status, body)
	}
}

// Reload and Back: the same request again shows the form again (reload) or the step under way
// (Back from the code page); a new request starts over; signing in from each reaches the app.
func TestSiteAuthorizeReloadAndBack(t *testing.T) {
	s := newSite(t)
	const verifier = "back-verifier-0123456789-0123456789-0123456789"
	authz := authorizeURL(verifier, "st-back")

	t.Run("reload", func(t *testing.T) {
		c := s.browser()
		s.get(c, authz)
		page := s.get(c, authz)
		expect(t, page, oidc.PathAuthorize, http.StatusOK, s.T("signin.heading"))
		signInForApp(t, s, c, page, "alice", "st-back", verifier)
	})

	t.Run("back from the code step", func(t *testing.T) {
		c := s.browser()
		before := s.sent()
		page := s.submit(c, s.get(c, authz), "username", map[string]string{"username": "dave", "password": password})
		expect(t, page, handlers.PathStep, http.StatusOK, s.T("code.sms.title"))
		code := s.smsCode(daveNumber, before)
		back := s.get(c, authz) // Back with a bfcache miss re-requests /authorize
		expect(t, back, handlers.PathStep, http.StatusOK, s.T("code.sms.title"))
		if s.sent() != before+1 {
			t.Errorf("Back sent another code (%d messages, want %d)", s.sent(), before+1)
		}
		appGotCode(t, s, s.submit(c, back, "code", map[string]string{"code": code}), "st-back", verifier)
	})

	t.Run("a new request starts over", func(t *testing.T) {
		c := s.browser()
		page := s.submit(c, s.get(c, authz), "username", map[string]string{"username": "dave", "password": password})
		expect(t, page, handlers.PathStep, http.StatusOK)
		other := "other-verifier-0123456789-0123456789-0123456789"
		page = s.get(c, authorizeURL(other, "st-new", "login_hint", "alice"))
		expect(t, page, oidc.PathAuthorize, http.StatusOK, s.T("signin.heading"))
		if got := fieldValue(page, "username"); got != "alice" {
			t.Errorf("username = %q, want the new request's login_hint", got)
		}
		signInForApp(t, s, c, page, "alice", "st-new", other)
	})

	t.Run("a new request without a hint deletes the step, a fresh browser has none to delete", func(t *testing.T) {
		c := s.browser()
		first := s.get(c, authz)
		if got := flowCookieSet(first); got != "" {
			t.Errorf("a fresh browser's /authorize sets the flow cookie: %s", got)
		}
		page := s.submit(c, first, "username", map[string]string{"username": "dave", "password": password})
		expect(t, page, handlers.PathStep, http.StatusOK)
		other := "hintless-verifier-0123456789-0123456789-0123456"
		page = s.get(c, authorizeURL(other, "st-hintless"))
		expect(t, page, oidc.PathAuthorize, http.StatusOK, s.T("signin.heading"))
		if got := flowCookieSet(page); !strings.Contains(got, "Max-Age=0") {
			t.Errorf("the flow cookie of the step under way is not deleted: %q", got)
		}
		if got := fieldValue(page, "username"); got != "" {
			t.Errorf("username = %q, want none", got)
		}
		signInForApp(t, s, c, page, "alice", "st-hintless", other)
	})
}

// flowCookieSet is the answer's Set-Cookie of the flow cookie ("" when it sets none).
func flowCookieSet(p *webclient.Page) string {
	for _, sc := range p.Header.Values("Set-Cookie") {
		if strings.HasPrefix(sc, "bk_flow=") {
			return sc
		}
	}
	return ""
}

// The language picker on the /authorize page keeps the app's request: the page comes back in the
// chosen language at /signin, and signing in there reaches the app.
func TestSiteAuthorizeLanguageSwitch(t *testing.T) {
	s := newSite(t, withAppName)
	const verifier = "lang-verifier-0123456789-0123456789-0123456789"
	c := s.browser()
	page := s.get(c, authorizeURL(verifier, "st-lang"))
	picker, err := page.Form("lang")
	s.must(err)
	s.must(picker.Set("lang", "fr"))
	page, err = c.Submit(s.ctx, picker, "", "")
	s.must(err)
	expect(t, page, handlers.PathSignIn, http.StatusOK, "Se connecter", appName)
	signInForApp(t, s, c, page, "alice", "st-lang", verifier)
}

// An old /authorize form whose CSRF cookie was replaced meanwhile gets the friendly CSRF page
// (403), and a POST /authorize, which the CSRF check does not see, is sent to /signin for its
// form instead of being answered with one.
func TestSiteAuthorizeCSRF(t *testing.T) {
	s := newSite(t)
	const verifier = "csrf-verifier-0123456789-0123456789-0123456789"
	c := s.browser()
	page := s.get(c, authorizeURL(verifier, "st-csrf"))
	old := s.csrfCookie(c)
	u, err := url.Parse(s.url)
	s.must(err)
	c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "bk_csrf", Value: strings.Repeat("x", len(old)), Path: "/"}})
	refused := s.submit(c, page, "username", map[string]string{"username": "alice", "password": password})
	expect(t, refused, handlers.PathSignIn, http.StatusForbidden, s.T("error.CSRF"))

	q, err := url.Parse(authorizeURL(verifier, "st-post"))
	s.must(err)
	posted, err := c.PostForm(s.ctx, s.url+oidc.PathAuthorize, q.Query())
	s.must(err)
	expect(t, posted, handlers.PathSignIn, http.StatusOK, s.T("signin.heading"))
	signInForApp(t, s, c, posted, "alice", "st-post", verifier)
}
