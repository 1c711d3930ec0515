package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"
)

// TestAuthorizeHintsReachThePages: login_hint pre-fills the username and ui_locales picks the
// page language on the sign-in page an app sends people to.
func TestAuthorizeHintsReachThePages(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	q := url.Values{
		"client_id": {"demo-cli"}, "redirect_uri": {"http://127.0.0.1:54321/callback"}, "response_type": {"code"},
		"scope": {"openid"}, "state": {"s"}, "code_challenge": {strings.Repeat("a", 43)}, "code_challenge_method": {"S256"},
		"login_hint": {"carol"}, "ui_locales": {"de"},
	}
	page, err := newClient().Get(context.Background(), p.BaseURL+"/authorize?"+q.Encode())
	must(t, err)
	if page.URL.Path != "/authorize" {
		t.Fatalf("authorize ended at %s: %s", page.URL.Path, page.Text())
	}
	if n := len(page.Find("input", "value", "carol")); n != 1 {
		t.Errorf("login_hint did not pre-fill the username: %s", page.Body)
	}
	if html := page.Find("html", "lang", "de"); len(html) != 1 {
		t.Errorf("ui_locales=de did not pick German: %s", page.Text())
	}
}
