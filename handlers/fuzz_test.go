package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/bridgekeeper/bridgekeeper/admin"
	"github.com/bridgekeeper/bridgekeeper/handlers"
	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
	"github.com/bridgekeeper/bridgekeeper/oidc"
	"github.com/bridgekeeper/bridgekeeper/views"
	"github.com/bridgekeeper/bridgekeeper/web"
)

// Go native fuzz targets for every /authorize parameter and every form field (issue 9,
// item 11): whatever a browser or an app sends, the answer is never a 5xx (a panic would be
// one too: the web server turns it into a 500). Each target builds the in-process site once;
// its seed corpus (testdata/fuzz/<target>, plus the f.Add seeds) runs as an ordinary test, and
// `make fuzz` runs every target in turn for FUZZTIME.

// fuzzSite is the in-process site with sign-up and the admin console on and the sign-in rate
// limit out of the way (so every input reaches the handlers); alice is an administrator.
func fuzzSite(f *testing.F) *site {
	f.Helper()
	s := newSite(f, func(su *siteSetup) {
		su.web.RateLimit.SignInPerIP = 1 << 30
		form, err := su.engine.SignUpForm(f.Context())
		if err != nil {
			f.Fatal(err)
		}
		su.deps.SignUp = &handlers.SignUpDeps{Service: su.engine, Form: form}
		su.extra = func(pages *handlers.Handlers, provider *oidc.Provider, wd *web.Deps) {
			svc, err := admin.New(admin.Config{UserPoolID: su.poolID}, admin.Deps{API: su.api, Store: su.store, Sessions: provider})
			if err != nil {
				f.Fatal(err)
			}
			wd.Admin = handlers.NewAdmin(pages, svc, handlers.AdminConfig{RecentSignIn: time.Hour})
			_, err = su.api.CreateGroup(f.Context(), &cip.CreateGroupInput{UserPoolId: aws.String(su.poolID), GroupName: aws.String(admin.DefaultGroup)})
			if err == nil {
				_, err = su.api.AdminAddUserToGroup(f.Context(), &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(su.poolID), GroupName: aws.String(admin.DefaultGroup), Username: aws.String("alice")})
			}
			if err != nil {
				f.Fatal(err)
			}
		}
	})
	return s
}

// snapshot is a browser's state to start every fuzz input from: its cookies and the hidden
// fields (the CSRF token) of the form it is on.
type snapshot struct {
	s       *site
	cookies []*http.Cookie
	hidden  url.Values
}

// snap records browser b's cookies and the form holding field on page.
func (s *site) snap(b *webclient.Client, page *webclient.Page, field string) snapshot {
	s.t.Helper()
	u, err := url.Parse(s.url)
	s.must(err)
	f, err := page.Form(field)
	if err != nil {
		s.t.Fatalf("%v\n%s", err, page.Text())
	}
	return snapshot{s: s, cookies: b.HTTP.Jar.Cookies(u), hidden: url.Values{"_csrf": f.Values["_csrf"]}}
}

// browser is a new browser in the snapshot's state.
func (sn snapshot) browser() *webclient.Client {
	b := webclient.New()
	u, _ := url.Parse(sn.s.url)
	b.HTTP.Jar.SetCookies(u, sn.cookies)
	return b
}

// post sends the snapshot's hidden fields and fields[i]=values[i] to path from a browser in
// the snapshot's state, and fails on a 5xx.
func (sn snapshot) post(t *testing.T, path string, fields []string, values ...string) {
	t.Helper()
	form := url.Values{}
	for k, v := range sn.hidden {
		form[k] = v
	}
	for i, name := range fields {
		form.Set(name, values[i])
	}
	page, err := sn.browser().PostForm(t.Context(), sn.s.url+path, form)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	noServerError(t, page, "POST "+path, form)
}

// noServerError fails the fuzz input when the answer was a 5xx.
func noServerError(t *testing.T, page *webclient.Page, what string, input url.Values) {
	t.Helper()
	if page.Status >= 500 {
		in := input.Encode()
		t.Fatalf("%s answered %d at %s for %q (%d bytes): %s", what, page.Status, page.URL.Path, in[:min(len(in), 400)], len(in), page.Text())
	}
}

// signedIn is alice signed in (an administrator), on her account page.
func (s *site) signedIn() (*webclient.Client, *webclient.Page) {
	b := s.browser()
	page := s.signIn(b, "alice", password)
	if page.URL.Path != handlers.PathAccount {
		s.t.Fatalf("alice's sign-in ended at %s: %s", page.URL.Path, page.Text())
	}
	return b, page
}

// authorizeParams are the parameters FuzzAuthorize varies, in its arguments' order.
var authorizeParams = []string{"client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge",
	"code_challenge_method", "prompt", "max_age", "login_hint", "ui_locales", "id_token_hint", "claims", "response_mode"}

// FuzzAuthorize varies every /authorize parameter, for a browser without a session (the
// request is parked in the flow cookie and the sign-in page shown) and for a signed-in one.
func FuzzAuthorize(f *testing.F) {
	s := fuzzSite(f)
	b, _ := s.signedIn()
	u, _ := url.Parse(s.url)
	signedIn := b.HTTP.Jar.Cookies(u)
	valid := []string{appID, appRedirect, "code", "openid email", "st", "n", strings.Repeat("a", 43), "S256", "", "", "alice", "de", "", "", ""}
	f.Add(false, valid[0], valid[1], valid[2], valid[3], valid[4], valid[5], valid[6], valid[7], valid[8], valid[9], valid[10], valid[11], valid[12], valid[13], valid[14])
	f.Add(true, valid[0], valid[1], valid[2], valid[3], valid[4], valid[5], valid[6], valid[7], "none", "0", valid[10], valid[11], valid[12], valid[13], "query")
	// The worst case that fits every bound: each field at its longest, in characters that
	// grow most when parked.
	lt := func(n int) string { return strings.Repeat("<", n) }
	f.Add(false, appID, appRedirect, "code", "openid email profile phone address offline_access groups", lt(512), lt(128), strings.Repeat("a", 43), "S256",
		"login consent select_account", "999999999999", lt(128), strings.Repeat("<", 64), "", `{"userinfo":{"email":null,"name":null},"id_token":{"email":null}}`, "query")
	f.Fuzz(func(t *testing.T, withSession bool, clientID, redirectURI, responseType, scope, state, nonce, challenge, method, prompt, maxAge, loginHint, uiLocales, idTokenHint, claims, responseMode string) {
		q := url.Values{}
		for i, v := range []string{clientID, redirectURI, responseType, scope, state, nonce, challenge, method, prompt, maxAge, loginHint, uiLocales, idTokenHint, claims, responseMode} {
			if v != "" {
				q.Set(authorizeParams[i], v)
			}
		}
		c := webclient.New()
		if withSession {
			c.HTTP.Jar.SetCookies(u, signedIn)
		}
		page, err := c.Get(t.Context(), s.url+oidc.PathAuthorize+"?"+q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		noServerError(t, page, "GET /authorize", q)
	})
}

// formFuzz is one form's fuzz target: the fields it varies and how to reach the form.
func formFuzz(f *testing.F, path string, fields []string, reach func(s *site) snapshot, seeds ...[]string) {
	s := fuzzSite(f)
	sn := reach(s)
	for _, seed := range seeds {
		for len(seed) < 4 {
			seed = append(seed, "")
		}
		f.Add(seed[0], seed[1], seed[2], seed[3])
	}
	f.Fuzz(func(t *testing.T, a, b, c, d string) {
		sn.post(t, path, fields, []string{a, b, c, d}[:len(fields)]...)
	})
}

// onPage reaches a form by opening path in a new browser.
func onPage(path, field string) func(s *site) snapshot {
	return func(s *site) snapshot {
		b := s.browser()
		return s.snap(b, s.get(b, path), field)
	}
}

// FuzzSignInPOST varies the sign-in form.
func FuzzSignInPOST(f *testing.F) {
	formFuzz(f, handlers.PathSignIn, []string{views.FieldUsername, views.FieldPassword, views.FieldRememberDevice},
		onPage(handlers.PathSignIn, views.FieldUsername),
		[]string{"alice", password, ""}, []string{"nobody", "x", "1"}, []string{strings.Repeat("é", 200), strings.Repeat("\x00", 300), "on"})
}

// FuzzStepPOST varies a sign-in step's form (dave's text-message code).
func FuzzStepPOST(f *testing.F) {
	formFuzz(f, handlers.PathStep, []string{views.FieldCode, views.FieldRememberDevice, views.FieldDeviceName, views.FieldMethod},
		func(s *site) snapshot {
			b := s.browser()
			return s.snap(b, s.signIn(b, "dave", password), views.FieldCode)
		},
		[]string{"123456", "1", "laptop", "SMS_MFA"}, []string{" 1 2 3 4 5 6 ", "", "", ""}, []string{strings.Repeat("9", 5000), "x", strings.Repeat("<", 300), "TOTP"})
}

// FuzzForgotPOST varies the forgot-password form.
func FuzzForgotPOST(f *testing.F) {
	formFuzz(f, handlers.PathForgot, []string{views.FieldUsername}, onPage(handlers.PathForgot, views.FieldUsername),
		[]string{"alice"}, []string{"nobody"}, []string{strings.Repeat("a", 129)})
}

// FuzzResetPOST varies the password-reset form (after a code was sent to alice).
func FuzzResetPOST(f *testing.F) {
	formFuzz(f, handlers.PathReset, []string{views.FieldCode, views.FieldPassword, views.FieldPasswordConfirm},
		func(s *site) snapshot {
			b := s.browser()
			page := s.submit(b, s.get(b, handlers.PathForgot), views.FieldUsername, map[string]string{views.FieldUsername: "alice"})
			return s.snap(b, page, views.FieldCode)
		},
		[]string{"123456", newPassword, newPassword}, []string{"12", "a", "b"}, []string{strings.Repeat("1", 300), strings.Repeat("p", 300), strings.Repeat("p", 300)})
}

// FuzzSignUpPOST varies the sign-up form.
func FuzzSignUpPOST(f *testing.F) {
	formFuzz(f, handlers.PathSignUp, []string{views.FieldUsername, views.FieldPassword, views.FieldPasswordConfirm, "userAttributes.email"},
		onPage(handlers.PathSignUp, views.FieldUsername),
		[]string{"nina", newPassword, newPassword, "nina@example.com"}, []string{"alice", "short", "other", "not an address"},
		[]string{strings.Repeat("n", 200), strings.Repeat("p", 300), "", strings.Repeat("@", 3000)})
}

// FuzzConfirmSignUpPOST varies the sign-up confirmation form and "Send a new code".
func FuzzConfirmSignUpPOST(f *testing.F) {
	s := fuzzSite(f)
	b := s.browser()
	page := s.submit(b, s.get(b, handlers.PathSignUp), views.FieldUsername, map[string]string{
		views.FieldUsername: "fuzzy", views.FieldPassword: newPassword, views.FieldPasswordConfirm: newPassword, "userAttributes.email": "fuzzy@example.com"})
	sn := s.snap(b, page, views.FieldCode)
	f.Add(false, "123456")
	f.Add(true, "")
	f.Add(false, strings.Repeat("7", 4000))
	f.Fuzz(func(t *testing.T, resend bool, code string) {
		if resend {
			sn.post(t, handlers.PathSignUpResend, []string{views.FieldCode}, code)
			return
		}
		sn.post(t, handlers.PathSignUpConfirm, []string{views.FieldCode}, code)
	})
}

// accountPaths are the account and admin forms FuzzAccountAndAdminPOST posts to; the admin
// paths take the fuzzed username.
var accountPaths = []string{
	handlers.PathAccountDeviceForget, handlers.PathAccountDevicesForgetAll, handlers.PathAccountPasskeyOptions,
	handlers.PathAccountPasskeys, handlers.PathAccountPasskeyDelete,
	"/admin/users/%s/reset-password", "/admin/users/%s/temporary-password", "/admin/users/%s/disable",
	"/admin/users/%s/enable", "/admin/users/%s/sign-out", "/admin/users/%s/reset-mfa", "/admin/users/%s/forget-devices",
	handlers.PathSignInResend, handlers.PathPasskeyOffer,
}

// FuzzAccountAndAdminPOST varies the signed-in person's account forms and an administrator's
// actions (alice, just signed in); sign-out is the last seed, as it ends the session.
func FuzzAccountAndAdminPOST(f *testing.F) {
	s := fuzzSite(f)
	b, page := s.signedIn()
	sn := s.snap(b, page, "")
	for i := range accountPaths {
		f.Add(uint8(i), "dave", "device-key", "{}")
	}
	f.Add(uint8(5), "../../signout", strings.Repeat("k", 3000), "")
	f.Add(uint8(7), "%2e%2e", "", strings.Repeat("{", 10000))
	f.Fuzz(func(t *testing.T, which uint8, username, key, body string) {
		path := accountPaths[int(which)%len(accountPaths)]
		path = strings.Replace(path, "%s", url.PathEscape(username), 1)
		sn.post(t, path, []string{views.FieldDeviceKey, views.FieldAdminKey, views.FieldCredential, views.FieldPasskeyID, views.FieldAdminUser},
			key, key, body, key, username)
	})
}

// endpointFuzz posts fuzzed fields to an OpenID endpoint as the app (basic auth with the
// fuzzed secret, or none) and fails on a 5xx.
func endpointFuzz(t *testing.T, s *site, path string, fields []string, secret string, values ...string) {
	form := url.Values{}
	for i, name := range fields {
		if values[i] != "" {
			form.Set(name, values[i])
		}
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.url+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if secret != "" {
		req.SetBasicAuth(appID, secret)
	}
	page, err := webclient.New().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	noServerError(t, page, "POST "+path, form)
}

// FuzzTokenPOST varies /token's parameters and the client secret.
func FuzzTokenPOST(f *testing.F) {
	s := fuzzSite(f)
	fields := []string{"grant_type", "code", "redirect_uri", "code_verifier", "refresh_token", "scope", "client_id"}
	f.Add(appSecret, "authorization_code", "abc", appRedirect, strings.Repeat("v", 43), "", "", "")
	f.Add(appSecret, "refresh_token", "", "", "", "gid.secret", "openid", "")
	f.Add("", "authorization_code", "", "", "", "", "", appID)
	f.Add("wrong", "password", strings.Repeat("c", 5000), "x", "y", "a.b.c", "openid openid", strings.Repeat("i", 500))
	f.Fuzz(func(t *testing.T, secret, grantType, code, redirectURI, verifier, refreshToken, scope, clientID string) {
		endpointFuzz(t, s, oidc.PathToken, fields, secret, grantType, code, redirectURI, verifier, refreshToken, scope, clientID)
	})
}

// FuzzRevokeAndIntrospectPOST varies /revoke's and /introspect's parameters.
func FuzzRevokeAndIntrospectPOST(f *testing.F) {
	s := fuzzSite(f)
	fields := []string{"token", "token_type_hint", "client_id"}
	f.Add(false, appSecret, "gid.secret", "refresh_token", "")
	f.Add(true, appSecret, "eyJhbGciOiJub25lIn0.e30.", "access_token", "")
	f.Add(true, "", strings.Repeat(".", 4000), "", appID)
	f.Fuzz(func(t *testing.T, introspect bool, secret, token, hint, clientID string) {
		path := oidc.PathRevoke
		if introspect {
			path = oidc.PathIntrospect
		}
		endpointFuzz(t, s, path, fields, secret, token, hint, clientID)
	})
}

// FuzzEndSession varies /end_session's parameters (GET and POST), for a signed-in browser.
func FuzzEndSession(f *testing.F) {
	s := fuzzSite(f)
	b, _ := s.signedIn()
	u, _ := url.Parse(s.url)
	signedIn := b.HTTP.Jar.Cookies(u)
	names := []string{"id_token_hint", "post_logout_redirect_uri", "state", "client_id", "ui_locales", "logout_hint"}
	f.Add(false, "", "https://app.example/signed-out", "st", appID, "de", "")
	f.Add(true, "a.b.c", "", strings.Repeat("<", 3000), "", "", "alice")
	f.Fuzz(func(t *testing.T, post bool, hint, redirect, state, clientID, uiLocales, logoutHint string) {
		q := url.Values{}
		for i, v := range []string{hint, redirect, state, clientID, uiLocales, logoutHint} {
			if v != "" {
				q.Set(names[i], v)
			}
		}
		c := webclient.New()
		c.HTTP.Jar.SetCookies(u, signedIn)
		var page *webclient.Page
		var err error
		if post {
			page, err = c.PostForm(t.Context(), s.url+oidc.PathEndSession, q)
		} else {
			page, err = c.Get(t.Context(), s.url+oidc.PathEndSession+"?"+q.Encode())
		}
		if err != nil {
			t.Fatal(err)
		}
		noServerError(t, page, "/end_session", q)
	})
}
