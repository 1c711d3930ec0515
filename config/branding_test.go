package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidateBranding(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	svg := write("logo.svg", `<svg xmlns="http://www.w3.org/2000/svg"/>`)
	png := write("logo.png", "\x89PNG\r\n\x1a\n0000")
	fakePNG := write("fake.png", "<svg/>")
	css := write("extra.css", ".card{}")
	big := write("big.svg", "<svg>"+strings.Repeat(" ", MaxBrandFileSize)+"</svg>")
	messages, badMessages := filepath.Join(dir, "messages"), filepath.Join(dir, "bad-messages")
	for d, body := range map[string]string{messages: `"signin.heading" = "Sign in to Acme"`, badMessages: `"signin.headline" = "x"`} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "active.en.toml"), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		b    Branding
		want []string
	}{
		{"all valid", Branding{ProductName: "Acme", Logo: svg, Favicon: png, PrimaryColor: "#0f766e", AccentColor: "#0E7490", Stylesheet: css, AuthenticatorIssuer: "Acme",
			FooterLinks: FooterLinks{Terms: "https://acme.example/terms", Privacy: "http://localhost/privacy", Support: "mailto:help@acme.example"}, MessagesDir: messages}, nil},
		{"messages_dir with an unknown id", Branding{MessagesDir: badMessages}, []string{`branding.messages_dir active.en.toml: unknown message id "signin.headline"`}},
		{"messages_dir missing", Branding{MessagesDir: filepath.Join(dir, "none")}, []string{"branding.messages_dir cannot be read"}},
		{"name too long", Branding{ProductName: strings.Repeat("x", 65)}, []string{"branding.product_name must be at most 64 bytes long (got 65)"}},
		{"name with newline", Branding{ProductName: "A\nB"}, []string{"branding.product_name must not contain control characters"}},
		{"issuer with colon", Branding{AuthenticatorIssuer: "Acme:Login"}, []string{"branding.authenticator_issuer must not contain a colon"}},
		{"logo missing", Branding{Logo: filepath.Join(dir, "none.svg")}, []string{"branding.logo cannot be read"}},
		{"logo wrong type", Branding{Logo: css}, []string{`branding.logo must be an SVG, PNG, JPEG or WebP image (got "extra.css")`}},
		{"logo content lies", Branding{Logo: fakePNG}, []string{"branding.logo does not hold what its name says (image/png expected)"}},
		{"logo too big", Branding{Logo: big}, []string{"branding.logo is 512 KiB; at most 512 KiB"}},
		{"favicon jpeg", Branding{Favicon: filepath.Join(dir, "f.jpg")}, []string{"branding.favicon must be an SVG, PNG or ICO image"}},
		{"stylesheet not css", Branding{Stylesheet: svg}, []string{"branding.stylesheet must be a .css file"}},
		{"bad colour", Branding{PrimaryColor: "teal"}, []string{`branding.primary_color must be a colour written #rrggbb (got "teal")`}},
		{"light primary", Branding{PrimaryColor: "#5eead4"}, []string{"branding.primary_color is too light: #5eead4 has a contrast of 1.48:1 with white"}},
		{"light accent", Branding{AccentColor: "#888888"}, []string{"branding.accent_color is too light"}},
		{"footer http", Branding{FooterLinks: FooterLinks{Terms: "http://acme.example/terms"}}, []string{"branding.footer_links.terms must use https unless it points at localhost"}},
		{"footer javascript", Branding{FooterLinks: FooterLinks{Privacy: "javascript:alert(1)"}}, []string{"branding.footer_links.privacy must be an https:// or mailto: URL"}},
		{"footer relative", Branding{FooterLinks: FooterLinks{Support: "https:///help"}}, []string{"branding.footer_links.support must be an absolute URL"}},
		{"footer empty mailto", Branding{FooterLinks: FooterLinks{Support: "mailto:"}}, []string{"branding.footer_links.support must name an address"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := validConfig(t, t.TempDir())
			c.Branding = tc.b
			probs := c.Validate()
			var got []string
			for _, p := range probs {
				if strings.HasPrefix(p.Path, "branding") {
					got = append(got, p.String())
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("problems %q, want %q", got, tc.want)
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("problem %q does not contain %q", got[i], w)
				}
			}
		})
	}
}

func TestLoadResolvesBrandingFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bk.yaml")
	if err := os.WriteFile(path, []byte("branding:\n  logo: img/logo.svg\n  stylesheet: /abs/x.css\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Branding.Logo != filepath.Join(dir, "img", "logo.svg") || cfg.Branding.Stylesheet != "/abs/x.css" {
		t.Errorf("logo %q, stylesheet %q", cfg.Branding.Logo, cfg.Branding.Stylesheet)
	}
}
