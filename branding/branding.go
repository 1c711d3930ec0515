// Package branding is a deployment's look (settings branding.*): the product name, its logo and
// favicon, primary and accent colours, footer links and an extra stylesheet. Load reads and
// checks the files once at start-up; the Brand then serves them from memory under PathPrefix,
// each at a URL versioned by its content, and writes the colours as CSS custom properties
// (theme.css), so no stylesheet is rebuilt for a brand.
package branding

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/bridgekeeper/bridgekeeper/config"
	"github.com/bridgekeeper/bridgekeeper/internal/colour"
)

// Paths the brand's files are served at (web/routes.go mounts them).
const (
	PathPrefix     = "/branding/"
	PathTheme      = PathPrefix + "theme.css"
	PathLogo       = PathPrefix + "logo"
	PathFavicon    = PathPrefix + "favicon"
	PathStylesheet = PathPrefix + "custom.css"
)

// Footer link kinds; each has a catalog label "footer.<kind>".
const (
	LinkTerms   = "terms"
	LinkPrivacy = "privacy"
	LinkSupport = "support"
)

// Link is one footer link.
type Link struct {
	// Kind is LinkTerms, LinkPrivacy or LinkSupport; the label is message "footer.<Kind>".
	Kind string
	URL  string
}

// asset is a file served from memory.
type asset struct {
	body        []byte
	contentType string
	version     string // the first bytes of the content's SHA-256, for cache busting
}

func newAsset(body []byte, contentType string) *asset {
	sum := sha256.Sum256(body)
	return &asset{body: body, contentType: contentType, version: hex.EncodeToString(sum[:6])}
}

// Brand is a loaded branding configuration. The zero value (and nil) is the built-in look.
type Brand struct {
	// ProductName replaces the catalog's app.name when set.
	ProductName string
	// Links are the footer links, in the order terms, privacy, support.
	Links []Link

	theme, logo, favicon, stylesheet *asset
}

// Load reads the files and derives the theme of a validated branding configuration.
func Load(c config.Branding) (*Brand, error) {
	b := &Brand{ProductName: c.ProductName}
	for _, l := range []Link{{LinkTerms, c.FooterLinks.Terms}, {LinkPrivacy, c.FooterLinks.Privacy}, {LinkSupport, c.FooterLinks.Support}} {
		if l.URL != "" {
			b.Links = append(b.Links, l)
		}
	}
	var err error
	if b.logo, err = loadFile("logo", c.Logo); err != nil {
		return nil, err
	}
	if b.favicon, err = loadFile("favicon", c.Favicon); err != nil {
		return nil, err
	}
	if b.stylesheet, err = loadFile("stylesheet", c.Stylesheet); err != nil {
		return nil, err
	}
	css, err := themeCSS(c.PrimaryColor, c.AccentColor)
	if err != nil {
		return nil, err
	}
	if css != nil {
		b.theme = newAsset(css, "text/css; charset=utf-8")
	}
	return b, nil
}

// loadFile reads one branding file ("" is none), with the checks check-config makes.
func loadFile(setting, path string) (*asset, error) {
	if path == "" {
		return nil, nil
	}
	typ := config.BrandFileType(setting, path)
	data, err := os.ReadFile(path)
	switch {
	case err != nil:
		return nil, fmt.Errorf("branding.%s: %w", setting, err)
	case typ == "", len(data) == 0, len(data) > config.MaxBrandFileSize, !config.SniffBrandFile(typ, data):
		return nil, fmt.Errorf("branding.%s: %s is not an accepted file (run check-config)", setting, path)
	}
	return newAsset(data, typ), nil
}

// themeCSS writes the brand's colours over the stylesheet's --bk-* custom properties, for the
// light and the dark theme. Hover and pressed shades are derived by mixing with black; the dark
// theme's accent is lightened until it reads at AA contrast on the dark card. nil means no
// colours are set.
func themeCSS(primaryHex, accentHex string) ([]byte, error) {
	if primaryHex == "" && accentHex == "" {
		return nil, nil
	}
	black := colour.RGB{}
	var light, dark []string
	set := func(list *[]string, name string, c colour.RGB) {
		*list = append(*list, fmt.Sprintf("--bk-%s: %s;", name, c.Triplet()))
	}
	if primaryHex != "" {
		p, err := colour.Parse(primaryHex)
		if err != nil {
			return nil, fmt.Errorf("branding.primary_color: %w", err)
		}
		for _, l := range []*[]string{&light, &dark} {
			set(l, "primary", p)
			set(l, "primary-hover", p.Mix(black, 0.15))
			set(l, "primary-active", p.Mix(black, 0.3))
		}
	}
	if accentHex != "" {
		a, err := colour.Parse(accentHex)
		if err != nil {
			return nil, fmt.Errorf("branding.accent_color: %w", err)
		}
		set(&light, "accent", a)
		set(&light, "accent-text", a.Readable(colour.White, black, colour.AAText))
		set(&light, "accent-strong", a.Mix(black, 0.4))
		set(&light, "accent-soft", a.Mix(colour.White, 0.92))
		set(&light, "accent-muted", a.Mix(colour.White, 0.5))
		da := a.Readable(colour.DarkCard, colour.White, colour.AAText)
		set(&dark, "accent", a.Readable(colour.DarkCard, colour.White, 3))
		set(&dark, "accent-text", da)
		set(&dark, "accent-strong", da.Mix(colour.White, 0.4))
		set(&dark, "accent-soft", a.Mix(colour.DarkCard, 0.8))
		set(&dark, "accent-muted", a.Mix(colour.DarkCard, 0.3))
	}
	var buf bytes.Buffer
	buf.WriteString("/* Bridgekeeper theme from branding.primary_color and branding.accent_color */\n")
	fmt.Fprintf(&buf, ":root {\n  %s\n}\n", strings.Join(light, "\n  "))
	fmt.Fprintf(&buf, "@media (prefers-color-scheme: dark) {\n  :root {\n    %s\n  }\n}\n", strings.Join(dark, "\n    "))
	return buf.Bytes(), nil
}

// url returns the versioned URL of an asset at path, or "" without one.
func (a *asset) url(path string) string {
	if a == nil {
		return ""
	}
	return path + "?v=" + a.version
}

// LogoURL is the versioned URL of the logo, "" for the built-in one.
func (b *Brand) LogoURL() string {
	if b == nil {
		return ""
	}
	return b.logo.url(PathLogo)
}

// FaviconURL is the versioned URL of the favicon, "" for the built-in one.
func (b *Brand) FaviconURL() string {
	if b == nil {
		return ""
	}
	return b.favicon.url(PathFavicon)
}

// Stylesheets are the URLs of the brand's stylesheets, to load after the built one: the theme,
// then the extra stylesheet.
func (b *Brand) Stylesheets() []string {
	if b == nil {
		return nil
	}
	var out []string
	for _, u := range []string{b.theme.url(PathTheme), b.stylesheet.url(PathStylesheet)} {
		if u != "" {
			out = append(out, u)
		}
	}
	return out
}

// ThemeGET serves theme.css.
func (b *Brand) ThemeGET(w http.ResponseWriter, r *http.Request) { b.theme.serve(w, r) }

// LogoGET serves the logo.
func (b *Brand) LogoGET(w http.ResponseWriter, r *http.Request) { b.logo.serve(w, r) }

// FaviconGET serves the favicon.
func (b *Brand) FaviconGET(w http.ResponseWriter, r *http.Request) { b.favicon.serve(w, r) }

// StylesheetGET serves the extra stylesheet.
func (b *Brand) StylesheetGET(w http.ResponseWriter, r *http.Request) { b.stylesheet.serve(w, r) }

// serve writes the asset, cached for a year when the URL names its current version; a missing
// asset is a 404. An SVG may not run script or load anything, even when opened on its own.
func (a *asset) serve(w http.ResponseWriter, r *http.Request) {
	if a == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	if a.contentType == "image/svg+xml" {
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	}
	if r.URL.Query().Get("v") == a.version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("ETag", `"`+a.version+`"`)
	if r.Header.Get("If-None-Match") == `"`+a.version+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(a.body)
}
