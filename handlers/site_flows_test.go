package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/handlers"
	"github.com/bridgekeeper/bridgekeeper/oidc"
)

// StartLogin: an app's request is parked and /authorize answers with the sign-in page, with the
// app's login_hint as the username; an unknown client is shown the provider's error page.
func TestSiteStartLogin(t *testing.T) {
	s := newSite(t)
	c := s.browser()
	page := s.get(c, authorizeURL("verifier-0123456789-0123456789-0123456789", "st1", "login_hint", "alice"))
	expect(t, page, oidc.PathAuthorize, http.StatusOK)
	if got := fieldValue(page, "username"); got != "alice" {
		t.Errorf("username field = %q, want the login_hint", got)
	}
	// A second request without a hint starts afresh: no username is carried over.
	page = s.get(c, authorizeURL("verifier-0123456789-0123456789-0123456789", "st2"))
	if got := fieldValue(page, "username"); got != "" {
		t.Errorf("username field = %q after a request without login_hint", got)
	}
	// A hint longer than a username is ignored, not echoed.
	page = s.get(c, authorizeURL("verifier-0123456789-0123456789-0123456789", "st3", "login_hint", strings.Repeat("a", 200)))
	if got := fieldValue(page, "username"); got != "" {
		t.Errorf("an over-long login_hint was put in the username field")
	}

	bad := s.get(s.browser(), strings.Replace(authorizeURL("v", "s"), "client_id="+appID, "client_id=nobody", 1))
	if bad.Status != http.StatusBadRequest || bad.URL.Path != "/authorize" || len(bad.Find("input", "name", "username")) != 0 {
		t.Fatalf("unknown client: %s (%d): %s", bad.URL.Path, bad.Status, bad.Text())
	}
}

// SignInPOST: every way the form can be wrong, each with its message and status, what was typed
// kept except the password; then a good sign-in.
func TestSiteSignInPOST(t *testing.T) {
	s := newSite(t)
	tests := []struct {
		name, username, password string
		status                   int
		want                     string
		keepUsername             bool
	}{
		{"nothing typed", "", "", http.StatusUnprocessableEntity, s.T("validation.username.required"), false},
		{"no password", "alice", "", http.StatusUnprocessableEntity, s.T("validation.password.required"), true},
		{"username too long", strings.Repeat("u", 129), password, http.StatusUnprocessableEntity, s.T("validation.username.required"), false},
		{"wrong password", "alice", "Wrong-Passw0rd!", http.StatusUnauthorized, s.T("error.NotAuthorized.WrongCredentials"), true},
		{"unknown user looks the same", "nobody", "Wrong-Passw0rd!", http.StatusUnauthorized, s.T("error.NotAuthorized.WrongCredentials"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := s.signIn(s.browser(), tt.username, tt.password)
			expect(t, page, handlers.PathSignIn, tt.status, tt.want)
			if got := fieldValue(page, "username"); (got == tt.username) != tt.keepUsername && tt.username != "" {
				t.Errorf("username field = %q (keep: %v)", got, tt.keepUsername)
			}
			if fieldValue(page, "password") != "" || tt.password != "" && strings.Contains(page.Body, tt.password) {
				t.Error("the page echoes the password")
			}
		})
	}
	t.Run("no CSRF token", func(t *testing.T) {
		c := s.browser()
		s.get(c, handlers.PathSignIn) // has the CSRF cookie, but the post lacks the token
		page, err := c.PostForm(s.ctx, s.url+handlers.PathSignIn, url.Values{"username": {"alice"}, "password": {password}})
		s.must(err)
		expect(t, page, handlers.PathSignIn, http.StatusForbidden, s.T("error.CSRF"))
	})
	t.Run("good password", func(t *testing.T) {
		expect(t, s.signIn(s.browser(), "alice", password), handlers.PathAccount, http.StatusOK, "alice")
	})
}

// StepPOST's error paths: a malformed code is refused before Cognito, a wrong code keeps the
// step, an expired Cognito session restarts the sign-in with the username kept, and a post
// without a sign-in under way explains that it expired.
func TestSiteStepPOSTErrors(t *testing.T) {
	s := newSite(t)
	c := s.browser()
	before := s.sent()
	page := s.signIn(c, "dave", password)
	expect(t, page, handlers.PathStep, http.StatusOK, s.T("code.sms.title"))
	code := s.smsCode(daveNumber, before)

	page = s.submit(c, page, "code", map[string]string{"code": "12"})
	expect(t, page, handlers.PathStep, http.StatusUnprocessableEntity, s.T("code.sms.title"))
	if len(page.Find("input", "aria-invalid", "true")) == 0 {
		t.Errorf("the malformed code is not marked invalid: %s", page.Body)
	}
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	page = s.submit(c, page, "code", map[string]string{"code": wrong})
	expect(t, page, handlers.PathStep, http.StatusUnprocessableEntity, s.T("code.sms.title"), s.T("error.CodeMismatch"))
	if fieldValue(page, "code") != "" {
		t.Error("the wrong code is kept in the field")
	}
	// A reload shows the same step (post/redirect/get), and the right code still works.
	page = s.get(c, handlers.PathStep)
	expect(t, page, handlers.PathStep, http.StatusOK, s.T("code.sms.title"))
	expect(t, s.submit(c, page, "code", map[string]string{"code": code}), handlers.PathAccount, http.StatusOK, "dave")

	// Cognito's session expires (3 minutes in the local pool, as in Cognito).
	c = s.browser()
	page = s.signIn(c, "dave", password)
	expect(t, page, handlers.PathStep, http.StatusOK)
	s.clock.Advance(4 * time.Minute)
	page = s.submit(c, page, "code", map[string]string{"code": "123456"})
	expect(t, page, handlers.PathSignIn, http.StatusOK, s.T("error.SessionExpired"))
	if got := fieldValue(page, "username"); got != "dave" {
		t.Errorf("username after the restart = %q, want dave", got)
	}

	// No sign-in under way (the flow cookie is gone): the post explains and restarts.
	fresh := s.browser()
	signin := s.get(fresh, handlers.PathSignIn)
	f, err := signin.Form("username")
	s.must(err)
	page, err = fresh.PostForm(s.ctx, s.url+handlers.PathStep, url.Values{"_csrf": f.Values["_csrf"], "code": {"123456"}})
	s.must(err)
	expect(t, page, handlers.PathSignIn, http.StatusOK, s.T("error.SessionExpired"))
}

// finish: a sign-in an app asked for goes back to the app with a code the app can redeem; one
// nobody asked for lands on the account page.
func TestSiteFinish(t *testing.T) {
	s := newSite(t)
	c := s.browser()
	verifier := "finish-verifier-0123456789-0123456789-0123456789"
	page := s.get(c, authorizeURL(verifier, "state-42"))
	page = s.submit(c, page, "username", map[string]string{"username": "alice", "password": password})
	if page.Status != http.StatusSeeOther {
		t.Fatalf("sign-in for the app: %d %s: %s", page.Status, page.URL, page.Text())
	}
	loc, err := url.Parse(page.Header.Get("Location"))
	s.must(err)
	if loc.Scheme+"://"+loc.Host+loc.Path != appRedirect || loc.Query().Get("state") != "state-42" || loc.Query().Get("code") == "" {
		t.Fatalf("redirect to the app: %s", loc)
	}
	status, body := s.redeem(loc.Query().Get("code"), verifier)
	if status != http.StatusOK || body["id_token"] == nil || body["access_token"] == nil {
		t.Fatalf("redeem: %d %v", status, body)
	}
	// The browser is signed in (SSO): home is the account page.
	expect(t, s.get(c, handlers.PathHome), handlers.PathAccount, http.StatusOK, "alice")
	expect(t, s.signIn(s.browser(), "alice", password), handlers.PathAccount, http.StatusOK, "alice")
}

// Recovery: forgot → code by email → wrong code, mismatched passwords → the new password, then
// sign-in with it. An unknown username looks exactly like a known one.
func TestSiteRecovery(t *testing.T) {
	s := newSite(t)
	c := s.browser()
	before := s.sent()
	page := s.submit(c, s.get(c, handlers.PathForgot), "username", map[string]string{"username": "alice"})
	expect(t, page, handlers.PathReset, http.StatusOK)
	code := s.smsCode("alice@example.com", before)

	other := s.browser()
	unknown := s.submit(other, s.get(other, handlers.PathForgot), "username", map[string]string{"username": "nobod"})
	expect(t, unknown, handlers.PathReset, http.StatusOK)
	// The same page for both: where the code went is never shown (it would tell who has an account).
	if strings.Contains(page.Text(), "a***@e***") || strings.ReplaceAll(page.Text(), "alice", "X") != strings.ReplaceAll(unknown.Text(), "nobod", "X") {
		t.Fatalf("the reset pages differ:\n%s\n%s", page.Text(), unknown.Text())
	}

	page = s.submit(c, page, "code", map[string]string{"code": code, "password": newPassword, "password_confirm": "Other-Passw0rd!"})
	expect(t, page, handlers.PathReset, http.StatusUnprocessableEntity, s.T("validation.password.mismatch"))
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	page = s.submit(c, page, "code", map[string]string{"code": wrong, "password": newPassword, "password_confirm": newPassword})
	expect(t, page, handlers.PathReset, http.StatusUnprocessableEntity, s.T("error.CodeMismatch"))
	page = s.submit(c, page, "code", map[string]string{"code": code, "password": newPassword, "password_confirm": newPassword})
	expect(t, page, handlers.PathSignIn, http.StatusOK, s.T("notice.password_reset"))
	if got := fieldValue(page, "username"); got != "alice" {
		t.Errorf("username after the reset = %q", got)
	}
	expect(t, s.submit(c, page, "username", map[string]string{"password": newPassword}), handlers.PathAccount, http.StatusOK, "alice")
	expect(t, s.signIn(s.browser(), "alice", password), handlers.PathSignIn, http.StatusUnauthorized)
}

// Log once: a failed sign-in writes exactly two lines, the access log and the handler's one
// line about the engine error; the same when the pool itself fails (then at warn level with
// the cause, and the page asks to try again in a moment).
func TestSiteFailedSignInLogsOnce(t *testing.T) {
	s := newSite(t)
	page := s.signIn(s.browser(), "alice", "Wrong-Passw0rd!")
	expect(t, page, handlers.PathSignIn, http.StatusUnauthorized)
	got := s.logLines(page.Header.Get("X-Request-Id"))
	if strings.Join(got, ",") != "start sign-in,request" {
		t.Errorf("one failed sign-in logged %d lines %q, want the handler's and the access log's", len(got), got)
	}

	s.poolDown.Store(true)
	page = s.signIn(s.browser(), "alice", password)
	expect(t, page, handlers.PathSignIn, http.StatusServiceUnavailable, s.T("error.Unavailable"))
	id := page.Header.Get("X-Request-Id")
	got = s.logLines(id)
	if strings.Join(got, ",") != "start sign-in,request" {
		t.Errorf("a sign-in the pool failed logged %d lines %q, want the handler's and the access log's", len(got), got)
	}
	for _, line := range s.logs.Lines() {
		if strings.Contains(line, id) && strings.Contains(line, `"msg":"start sign-in"`) &&
			(!strings.Contains(line, `"level":"WARN"`) || !strings.Contains(line, "the pool is down")) {
			t.Errorf("the pool's failure is not logged at warn level with its cause: %s", line)
		}
	}
}

// Decode once: a request opens each sign-in cookie at most once, however often the page needs
// the parked request (its ui_locales).
func TestSiteCookieDecodesPerRequest(t *testing.T) {
	s := newSite(t)
	c := s.browser()
	page := s.get(c, authorizeURL("decode-verifier-0123456789-0123456789-0123456789", "st"))
	page = s.submit(c, page, "username", map[string]string{"username": "dave", "password": password})
	expect(t, page, handlers.PathStep, http.StatusOK)
	for _, tt := range []struct {
		name   string
		values map[string]string
		status int
	}{
		{"malformed code", map[string]string{"code": "12"}, http.StatusUnprocessableEntity},
		{"wrong code", map[string]string{"code": "000001"}, http.StatusUnprocessableEntity},
	} {
		f, err := page.Form("code")
		s.must(err)
		for k, v := range tt.values {
			f.Values.Set(k, v)
		}
		before := s.decodes.Load()
		page, err = c.Submit(s.ctx, f, "", "")
		s.must(err)
		if page.Status != tt.status {
			t.Fatalf("%s: status %d: %s", tt.name, page.Status, page.Text())
		}
		// The flow cookie and the authorization cookie, once each.
		if n := s.decodes.Load() - before; n != 2 {
			t.Errorf("%s: a failed step POST opened %d cookies, want 2 (flow and authorization, once each)", tt.name, n)
		}
	}
	// The same for a failed reset POST, with the app's request still parked.
	page = s.submit(c, s.get(c, handlers.PathForgot), "username", map[string]string{"username": "alice"})
	expect(t, page, handlers.PathReset, http.StatusOK)
	before := s.decodes.Load()
	page = s.submit(c, page, "code", map[string]string{"code": "123456", "password": newPassword, "password_confirm": "Other-Passw0rd!"})
	expect(t, page, handlers.PathReset, http.StatusUnprocessableEntity)
	if n := s.decodes.Load() - before; n != 2 {
		t.Errorf("a failed reset POST opened %d cookies, want 2 (flow and authorization, once each)", n)
	}
}
