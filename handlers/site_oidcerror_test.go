package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/handlers"
	"github.com/bridgekeeper/bridgekeeper/i18n"
	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
	"github.com/bridgekeeper/bridgekeeper/oidc"
	"github.com/bridgekeeper/bridgekeeper/store"
)

// failingDeletes is a store whose deletes fail while down is set (reads still work), so a
// confirmed sign-out finds the session but cannot end it.
type failingDeletes struct {
	store.Store
	down *atomic.Bool
}

func (s failingDeletes) Delete(ctx context.Context, keys ...string) error {
	if s.down.Load() {
		return fmt.Errorf("test store delete: %w", store.ErrUnavailable)
	}
	return s.Store.Delete(ctx, keys...)
}

// TestSiteProviderErrorPagesSpeakTheLanguage: every page the OpenID provider shows instead of
// answering an app (an unknown app, a missing or unregistered return address, an unreadable
// request, a failed sign-out) comes in the person's language: the request's ui_locales (de) or
// the browser's Accept-Language (ar, right to left), with the page's status and no English.
func TestSiteProviderErrorPagesSpeakTheLanguage(t *testing.T) {
	var storeDown, deletesDown atomic.Bool
	s := newSite(t, func(su *siteSetup) {
		su.store = failingDeletes{Store: downStore{Store: su.store, down: &storeDown}, down: &deletesDown}
	})
	bundle, err := i18n.New()
	s.must(err)
	en := bundle.Localizer("en")
	const evil = "https://evil.example/callback"
	authorize := func(q url.Values) string { return oidc.PathAuthorize + "?" + q.Encode() }
	endSession := func(q url.Values) string { return oidc.PathEndSession + "?" + q.Encode() }

	type request struct {
		method, path, body string
		// signedIn runs the request in a browser signed in as alice; prepare runs before it.
		signedIn bool
		prepare  func(t *testing.T, c *webclient.Client) *http.Request
	}
	for _, tc := range []struct {
		name           string
		req            request
		status         int
		title, message oidc.MessageID
	}{
		{"unknown app", request{path: authorize(url.Values{"client_id": {"nope"}, "redirect_uri": {appRedirect}})},
			http.StatusBadRequest, oidc.MsgUnknownAppTitle, oidc.MsgUnknownSignInApp},
		{"no client_id", request{path: authorize(url.Values{"redirect_uri": {appRedirect}})},
			http.StatusBadRequest, oidc.MsgSignInRequestTitle, oidc.MsgNoClientID},
		{"no redirect_uri", request{path: authorize(url.Values{"client_id": {appID}})},
			http.StatusBadRequest, oidc.MsgSignInRequestTitle, oidc.MsgNoRedirectURI},
		{"unregistered redirect_uri", request{path: authorize(url.Values{"client_id": {appID}, "redirect_uri": {evil}})},
			http.StatusBadRequest, oidc.MsgSignInRequestTitle, oidc.MsgUnregisteredReturn},
		{"repeated client_id", request{path: authorize(url.Values{"client_id": {appID, appID}, "redirect_uri": {appRedirect}})},
			http.StatusBadRequest, oidc.MsgSignInRequestTitle, oidc.MsgSignInUnreadable},
		{"unreadable sign-in form", request{method: http.MethodPost, path: oidc.PathAuthorize, body: "client_id=%zz"},
			http.StatusBadRequest, oidc.MsgSignInRequestTitle, oidc.MsgSignInUnreadable},
		{"sign-out of an unknown app", request{path: endSession(url.Values{"client_id": {"nope"}})},
			http.StatusBadRequest, oidc.MsgSignOutRequestTitle, oidc.MsgUnknownSignOutApp},
		{"sign-out to an unregistered address", request{path: endSession(url.Values{"client_id": {appID}, "post_logout_redirect_uri": {evil}})},
			http.StatusBadRequest, oidc.MsgSignOutRequestTitle, oidc.MsgUnregisteredReturn},
		{"sign-out with a forged id_token_hint", request{path: endSession(url.Values{"id_token_hint": {"e30.e30.e30"}})},
			http.StatusBadRequest, oidc.MsgSignOutRequestTitle, oidc.MsgSignOutUnverified},
		{"sign-out repeating a parameter", request{path: endSession(url.Values{"state": {"a", "b"}})},
			http.StatusBadRequest, oidc.MsgSignOutRequestTitle, oidc.MsgSignOutUnreadable},
		{"unreadable sign-out form", request{method: http.MethodPost, path: oidc.PathEndSession, body: "state=%zz"},
			http.StatusBadRequest, oidc.MsgSignOutRequestTitle, oidc.MsgSignOutUnreadable},
		{"sign-out while the store cannot be read", request{path: endSession(url.Values{}), signedIn: true,
			prepare: func(*testing.T, *webclient.Client) *http.Request { storeDown.Store(true); return nil }},
			http.StatusInternalServerError, oidc.MsgSignOutFailedTitle, oidc.MsgUnavailable},
		{"confirmed sign-out the store cannot do", request{method: http.MethodPost, path: oidc.PathEndSession, signedIn: true,
			prepare: func(t *testing.T, c *webclient.Client) *http.Request {
				page := s.get(c, oidc.PathEndSession)
				form, err := page.Form("logout_confirm")
				if err != nil {
					t.Fatalf("no sign-out confirmation: %v\n%s", err, page.Text())
				}
				deletesDown.Store(true)
				return formRequest(t, s.url+form.Action.RequestURI(), form.Values)
			}},
			http.StatusInternalServerError, oidc.MsgSignOutFailedTitle, oidc.MsgUnavailable},
	} {
		for _, lang := range []struct{ tag, dir string }{{"de", "ltr"}, {"ar", "rtl"}} {
			t.Run(tc.name+"/"+lang.tag, func(t *testing.T) {
				defer storeDown.Store(false)
				defer deletesDown.Store(false)
				c := s.browser()
				if tc.req.signedIn {
					expect(t, s.signIn(c, "alice", password), handlers.PathAccount, http.StatusOK, "alice")
				}
				var req *http.Request
				if tc.req.prepare != nil {
					req = tc.req.prepare(t, c)
				}
				if req == nil {
					req = newRequest(t, tc.req.method, s.url+tc.req.path, tc.req.body)
				}
				// German through the request's ui_locales where it can be read (else the
				// browser's language); Arabic through Accept-Language.
				if lang.tag == "de" && tc.req.body == "" && req.Method == http.MethodGet {
					q := req.URL.Query()
					q.Set("ui_locales", "de")
					req.URL.RawQuery = q.Encode()
				} else {
					req.Header.Set("Accept-Language", lang.tag)
				}
				page, err := c.Do(req)
				s.must(err)
				loc := bundle.Localizer(lang.tag)
				if page.Status != tc.status {
					t.Fatalf("status %d, want %d: %s", page.Status, tc.status, page.Text())
				}
				if want := fmt.Sprintf(`<html lang="%s" dir="%s"`, lang.tag, lang.dir); !strings.Contains(page.Body, want) {
					t.Fatalf("the page is not %s: %.300s", want, page.Body)
				}
				title, msg := loc.T(string(tc.title)), loc.T(string(tc.message))
				if title == en.T(string(tc.title)) || msg == en.T(string(tc.message)) {
					t.Fatalf("%s has no %s translation", tc.title, lang.tag)
				}
				text := page.Text()
				for _, want := range []string{title, msg} {
					if !strings.Contains(text, want) {
						t.Errorf("the page does not say %q: %s", want, text)
					}
				}
				for _, english := range []string{en.T(string(tc.title)), en.T(string(tc.message))} {
					if strings.Contains(text, english) {
						t.Errorf("the %s page says %q in English: %s", lang.tag, english, text)
					}
				}
				if cc := page.Header.Get("Cache-Control"); cc != "no-store" {
					t.Errorf("Cache-Control %q, want no-store", cc)
				}
			})
		}
	}
}

// newRequest builds a request of the site; a body is sent as a form.
func newRequest(t *testing.T, method, target, body string) *http.Request {
	t.Helper()
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req
}

// formRequest is a POST of values to target as a form.
func formRequest(t *testing.T, target string, values url.Values) *http.Request {
	t.Helper()
	return newRequest(t, http.MethodPost, target, values.Encode())
}
