package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/handlers"
)

// An app's sign-out request that cannot prove who sent it (no id_token_hint) asks the person on
// the product's own sign-out page, in their language; confirming signs them out and, with no
// address to return to, shows the signed-out page.
func TestSiteEndSessionAsksOnTheSignOutPage(t *testing.T) {
	s := newSite(t)
	c := s.browser()
	expect(t, s.signIn(c, "alice", password), handlers.PathAccount, http.StatusOK, "alice")

	page := s.get(c, "/end_session")
	expect(t, page, "/end_session", http.StatusOK, s.T("signout.title"), s.T("signout.stay"))
	// The app's ui_locales choose the page's language.
	if de := s.get(c, "/end_session?ui_locales=de"); !strings.Contains(de.Body, `lang="de"`) {
		t.Fatalf("ui_locales=de gave: %s", de.Body)
	}
	if !strings.Contains(page.Body, `<html lang="`) || !strings.Contains(page.Body, `/static/css/`) {
		t.Fatalf("the confirmation is not a product page: %s", page.Body)
	}
	form, err := page.Form("logout_confirm")
	s.must(err)
	if form.Action.Path != "/end_session" || form.Values.Get("logout_confirm") == "" {
		t.Fatalf("confirmation form: %s %v", form.Action, form.Values)
	}
	done, err := c.Submit(s.ctx, form, "", "")
	s.must(err)
	expect(t, done, "/end_session", http.StatusOK, s.T("signedout.title"))
	// The session is gone: the account page asks to sign in.
	expect(t, s.get(c, handlers.PathAccount), handlers.PathSignIn, http.StatusOK)
}
