package branding

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/config"
	"github.com/bridgekeeper/bridgekeeper/internal/colour"
)

func TestZeroBrandIsTheBuiltInLook(t *testing.T) {
	b, err := Load(config.Branding{})
	if err != nil {
		t.Fatal(err)
	}
	if b.LogoURL() != "" || b.FaviconURL() != "" || len(b.Stylesheets()) != 0 || len(b.Links) != 0 {
		t.Errorf("an empty branding changes the look: %+v", b)
	}
	rec := httptest.NewRecorder()
	b.LogoGET(rec, httptest.NewRequest(http.MethodGet, PathLogo, nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("GET %s without a logo: %d", PathLogo, rec.Code)
	}
}

func TestServeFiles(t *testing.T) {
	dir := t.TempDir()
	logo := filepath.Join(dir, "logo.svg")
	if err := os.WriteFile(logo, []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := Load(config.Branding{Logo: logo, FooterLinks: config.FooterLinks{Support: "mailto:x@example.com", Terms: "https://t.example"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Links) != 2 || b.Links[0].Kind != LinkTerms || b.Links[1].Kind != LinkSupport {
		t.Errorf("links %+v", b.Links)
	}
	u := b.LogoURL()
	if !strings.HasPrefix(u, PathLogo+"?v=") {
		t.Fatalf("logo URL %q", u)
	}
	for _, tc := range []struct {
		url, cache string
		ifNone     bool
		status     int
	}{
		{u, "public, max-age=31536000, immutable", false, http.StatusOK},
		{PathLogo, "no-cache", false, http.StatusOK},
		{u, "public, max-age=31536000, immutable", true, http.StatusNotModified},
	} {
		req := httptest.NewRequest(http.MethodGet, tc.url, nil)
		if tc.ifNone {
			req.Header.Set("If-None-Match", `"`+strings.TrimPrefix(u, PathLogo+"?v=")+`"`)
		}
		rec := httptest.NewRecorder()
		b.LogoGET(rec, req)
		h := rec.Header()
		if rec.Code != tc.status || h.Get("Cache-Control") != tc.cache || h.Get("Content-Type") != "image/svg+xml" ||
			!strings.Contains(h.Get("Content-Security-Policy"), "sandbox") || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: %d %v", tc.url, rec.Code, h)
		}
	}
	if _, err := Load(config.Branding{Logo: filepath.Join(dir, "absent.svg")}); err == nil {
		t.Error("a missing logo loaded")
	}
}

var propRE = regexp.MustCompile(`--bk-([a-z-]+): (\d+) (\d+) (\d+);`)

// themeProps parses the light and dark custom properties of a theme.
func themeProps(t *testing.T, css string) (light, dark map[string]colour.RGB) {
	t.Helper()
	lightCSS, darkCSS, ok := strings.Cut(css, "@media (prefers-color-scheme: dark)")
	if !ok {
		t.Fatalf("no dark section:\n%s", css)
	}
	parse := func(s string) map[string]colour.RGB {
		out := map[string]colour.RGB{}
		for _, m := range propRE.FindAllStringSubmatch(s, -1) {
			n := func(i int) uint8 { v, _ := strconv.Atoi(m[i]); return uint8(v) }
			out[m[1]] = colour.RGB{R: n(2), G: n(3), B: n(4)}
		}
		return out
	}
	return parse(lightCSS), parse(darkCSS)
}

// TestThemeContrast: for brand colours check-config accepts, the theme keeps AA contrast in both
// themes: white on the buttons, link text on the light and the dark card.
func TestThemeContrast(t *testing.T) {
	for _, tc := range []struct{ primary, accent string }{
		{"#0f766e", "#0e7490"}, {"#1d4ed8", "#1e3a8a"}, {"#b91c1c", "#7c2d12"}, {"#000000", "#000000"}, {"#4f46e5", "#4338ca"},
	} {
		css, err := themeCSS(tc.primary, tc.accent)
		if err != nil {
			t.Fatal(err)
		}
		light, dark := themeProps(t, string(css))
		for theme, props := range map[string]map[string]colour.RGB{"light": light, "dark": dark} {
			card := colour.White
			if theme == "dark" {
				card = colour.DarkCard
			}
			checks := []struct {
				name   string
				a, b   colour.RGB
				needed float64
			}{
				{"white on primary", colour.White, props["primary"], colour.AAText},
				{"white on primary-hover", colour.White, props["primary-hover"], colour.AAText},
				{"link text on the card", props["accent-text"], card, colour.AAText},
				{"link hover on the card", props["accent-strong"], card, colour.AAText},
				{"focus ring on the card", props["accent"], card, 3},
			}
			for _, c := range checks {
				if r := colour.Contrast(c.a, c.b); r < c.needed {
					t.Errorf("%s/%s %s (%s): %s contrast %.2f < %.1f", tc.primary, tc.accent, theme, c.name, c.a.Hex(), r, c.needed)
				}
			}
		}
	}
	if css, _ := themeCSS("", ""); css != nil {
		t.Error("a theme without colours")
	}
}
