package e2e

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestDemoAppAndSSOCookie (issue 9, item 12): the demo app's callback answers a bad code with its
// own error page, never a 500; and the demo's SSO cookie lives as long as the documented
// oidc.sso_session_ttl default, 12 hours.
func TestDemoAppAndSSOCookie(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	ctx := context.Background()
	c := newClient()
	var callback *url.URL
	c.HTTP.CheckRedirect = func(req *http.Request, _ []*http.Request) error {
		if req.URL.Path == "/demo/app/callback" && callback == nil {
			callback = req.URL
			return http.ErrUseLastResponse
		}
		return nil
	}
	page, err := c.Get(ctx, p.BaseURL+"/demo/app/login")
	must(t, err)
	// Sign in; the provider's redirect to the callback is stopped to replace the code.
	signInOnPage(ctx, t, c, page, "alice", demoPassword)
	if callback == nil {
		t.Fatal("the sign-in did not redirect to the demo app's callback")
	}
	u, _ := url.Parse(p.BaseURL)
	var sso *http.Cookie
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if strings.HasSuffix(ck.Name, "bk_sso") {
			sso = ck
		}
	}
	if sso == nil {
		t.Fatal("no SSO cookie after sign-in")
	}
	q := callback.Query()
	q.Set("code", "not-a-real-code")
	callback.RawQuery = q.Encode()
	c.HTTP.CheckRedirect = nil
	page, err = c.Get(ctx, callback.String())
	must(t, err)
	if page.Status >= 500 || page.URL.Path != "/demo/app" || !strings.Contains(page.Text(), "invalid_grant") {
		t.Fatalf("a bad code at the callback: %s (%d): %s", page.URL.Path, page.Status, page.Text())
	}
	// The cookie jar hides Max-Age; ask the server for a fresh SSO cookie and read the header.
	res := ssoSetCookie(ctx, t, p.BaseURL)
	if !strings.Contains(res, "Max-Age=43200") {
		t.Fatalf("SSO cookie %q, want Max-Age=43200 (12h)", res)
	}
}

// ssoSetCookie signs alice in without following redirects and returns the SSO Set-Cookie header.
func ssoSetCookie(ctx context.Context, t *testing.T, base string) string {
	t.Helper()
	c := newClient()
	page, err := c.Get(ctx, base+"/signin")
	must(t, err)
	form, err := page.Form("password")
	must(t, err)
	must(t, form.Set("username", "alice"))
	must(t, form.Set("password", demoPassword))
	var found string
	c.HTTP.CheckRedirect = func(req *http.Request, _ []*http.Request) error {
		if req.Response == nil {
			return nil
		}
		for _, h := range req.Response.Header.Values("Set-Cookie") {
			if strings.Contains(h, "bk_sso=") {
				found = h
			}
		}
		return nil
	}
	_, err = c.Submit(ctx, form, "", "")
	must(t, err)
	return found
}
