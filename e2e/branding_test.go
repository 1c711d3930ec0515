package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
)

// TestDemoSecondBrand: `demo --config examples/brand/brand.yaml` shows the second brand: its
// name in the header, title and footer, its logo, favicon, theme and extra stylesheet served
// from /branding/ with their types, its footer links, and its authenticator issuer in the
// otpauth:// URI of the authenticator setup.
func TestDemoSecondBrand(t *testing.T) {
	root := testenv.RepoRoot(t)
	p := start(t, "demo", "--listen", "127.0.0.1:0", "--mfa-required", "--config", filepath.Join(root, "examples", "brand", "brand.yaml"))
	ctx := context.Background()
	c := newClient()
	page, err := c.Get(ctx, p.BaseURL+"/signin")
	must(t, err)
	if !strings.Contains(page.Body, "<title>Sign in · Northwind Login</title>") {
		t.Error("the title does not name the brand")
	}
	// The brand's text override (branding.messages_dir) replaces the English heading.
	if !strings.Contains(page.Text(), "Sign in to Northwind") || strings.Contains(page.Text(), "Sign in to your account") {
		t.Errorf("the brand's messages_dir override is not shown: %s", page.Text())
	}
	if !strings.Contains(page.Text(), "Secure sign-in by Northwind Login") || strings.Contains(page.Text(), "Bridgekeeper") {
		t.Errorf("the page does not carry the brand's name only: %s", page.Text())
	}
	for _, link := range []string{"https://northwind.example/terms", "https://northwind.example/privacy", "mailto:help@northwind.example"} {
		if !strings.Contains(page.Body, `href="`+link+`"`) {
			t.Errorf("footer link %s missing", link)
		}
	}
	logo, err := os.ReadFile(filepath.Join(root, "examples", "brand", "logo.svg"))
	must(t, err)
	for _, tc := range []struct {
		path, typ, body string
	}{
		{"/branding/logo", "image/svg+xml", string(logo)},
		{"/branding/favicon", "image/svg+xml", string(logo)},
		{"/branding/theme.css", "text/css; charset=utf-8", "--bk-primary: 15 118 110;"},
		{"/branding/custom.css", "text/css; charset=utf-8", "border-top"},
	} {
		if !strings.Contains(page.Body, tc.path+"?v=") {
			t.Errorf("the page does not use %s", tc.path)
		}
		res, err := c.Get(ctx, p.BaseURL+tc.path)
		must(t, err)
		if res.Status != http.StatusOK || res.Header.Get("Content-Type") != tc.typ || !strings.Contains(res.Body, tc.body) {
			t.Errorf("GET %s: %d %q, body %.80q", tc.path, res.Status, res.Header.Get("Content-Type"), res.Body)
		}
	}

	// Browsers that ask for /favicon.ico get the brand's favicon too.
	fav, err := c.Get(ctx, p.BaseURL+"/favicon.ico")
	must(t, err)
	if fav.URL.Path != "/branding/favicon" || fav.Body != string(logo) {
		t.Errorf("/favicon.ico ends at %s, not the brand's favicon", fav.URL)
	}

	page = signIn(ctx, t, c, p.BaseURL, "grace", demoPassword)
	page = submit(ctx, t, c, page, nil, "method", "SOFTWARE_TOKEN_MFA")
	if uri := otpauthURI(t, page); uri.Query().Get("issuer") != "Northwind" || uri.Path != "/Northwind:grace" {
		t.Errorf("otpauth URI %s does not name branding.authenticator_issuer", uri)
	}
}
