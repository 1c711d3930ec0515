package config

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/bridgekeeper/bridgekeeper/i18n"
	"github.com/bridgekeeper/bridgekeeper/internal/colour"
)

// Limits of the branding settings.
const (
	// MaxBrandFileSize bounds the logo, favicon and stylesheet (they are held in memory).
	MaxBrandFileSize = 512 << 10
	maxBrandNameLen  = 64
)

// Image types accepted for the logo and the favicon, by file extension, with the media type
// content sniffing must find (SVG is text, so it is checked by its root element).
var (
	logoTypes    = map[string]string{".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}
	faviconTypes = map[string]string{".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon"}
)

// resolveFiles makes the branding files relative to dir (the configuration file's folder).
func (b *Branding) resolveFiles(dir string) {
	for _, f := range []*string{&b.Logo, &b.Favicon, &b.Stylesheet, &b.MessagesDir} {
		if *f != "" && !filepath.IsAbs(*f) {
			*f = filepath.Join(dir, *f)
		}
	}
}

// BrandFileType returns the media type of a branding file by its extension, or "" when the
// extension is not one the setting accepts. setting is "logo", "favicon" or "stylesheet".
func BrandFileType(setting, path string) string {
	ext := strings.ToLower(filepath.Ext(path))
	switch setting {
	case "logo":
		return logoTypes[ext]
	case "favicon":
		return faviconTypes[ext]
	case "stylesheet":
		if ext == ".css" {
			return "text/css; charset=utf-8"
		}
	}
	return ""
}

func (c *Config) validateBranding(p *Problems) {
	b := c.Branding
	brandName(p, "branding.product_name", b.ProductName)
	brandName(p, "branding.authenticator_issuer", b.AuthenticatorIssuer)
	if strings.Contains(b.AuthenticatorIssuer, ":") {
		p.add("branding.authenticator_issuer", "must not contain a colon (authenticator apps read it as the separator of issuer and account)")
	}
	brandFile(p, "logo", b.Logo, "an SVG, PNG, JPEG or WebP image")
	brandFile(p, "favicon", b.Favicon, "an SVG, PNG or ICO image")
	brandFile(p, "stylesheet", b.Stylesheet, "a .css file")
	if b.MessagesDir != "" {
		if err := i18n.CheckOverrides(b.MessagesDir); err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				p.add("branding.messages_dir", "%s", line)
			}
		}
	}
	brandColour(p, "branding.primary_color", b.PrimaryColor, "white button text on it")
	brandColour(p, "branding.accent_color", b.AccentColor, "it as link text on white")
	for _, l := range []struct{ key, url string }{{"terms", b.FooterLinks.Terms}, {"privacy", b.FooterLinks.Privacy}, {"support", b.FooterLinks.Support}} {
		if l.url == "" {
			continue
		}
		path := "branding.footer_links." + l.key
		u, err := url.Parse(l.url)
		switch {
		case err != nil || (u.Scheme != "https" && u.Scheme != "http" && u.Scheme != "mailto"):
			p.add(path, "must be an https:// or mailto: URL (got %q)", l.url)
		case u.Scheme == "http" && !IsLoopbackHost(u.Hostname()):
			p.add(path, "must use https unless it points at localhost")
		case u.Scheme != "mailto" && u.Host == "":
			p.add(path, "must be an absolute URL (got %q)", l.url)
		case u.Scheme == "mailto" && u.Opaque == "":
			p.add(path, "must name an address, e.g. mailto:help@example.com")
		}
	}
}

// brandName checks a short display name.
func brandName(p *Problems, path, name string) {
	switch {
	case name == "":
	case len(name) > maxBrandNameLen:
		p.add(path, "must be at most %d bytes long (got %d)", maxBrandNameLen, len(name))
	case strings.TrimSpace(name) != name:
		p.add(path, "must not start or end with spaces")
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		p.add(path, "must not contain control characters")
	}
}

// brandFile checks that a branding file exists, is small enough and is of an accepted type.
func brandFile(p *Problems, setting, path, what string) {
	if path == "" {
		return
	}
	key := "branding." + setting
	want := BrandFileType(setting, path)
	if want == "" {
		p.add(key, "must be %s (got %q)", what, filepath.Base(path))
		return
	}
	data, err := os.ReadFile(path)
	switch {
	case err != nil:
		p.add(key, "cannot be read: %v", err)
		return
	case len(data) == 0:
		p.add(key, "is empty")
		return
	case len(data) > MaxBrandFileSize:
		p.add(key, "is %d KiB; at most %d KiB", len(data)>>10, MaxBrandFileSize>>10)
		return
	}
	if !SniffBrandFile(want, data) {
		p.add(key, "does not hold what its name says (%s expected)", want)
	}
}

// SniffBrandFile reports whether data looks like a file of media type want.
func SniffBrandFile(want string, data []byte) bool {
	switch {
	case want == "image/svg+xml":
		head := strings.ToLower(string(data[:min(len(data), 1024)]))
		return strings.Contains(head, "<svg")
	case strings.HasPrefix(want, "text/css"):
		return !slices.Contains(data, 0)
	default:
		return http.DetectContentType(data) == want
	}
}

// brandColour checks a #rrggbb colour and its contrast for the use named in what.
func brandColour(p *Problems, path, value, what string) {
	if value == "" {
		return
	}
	c, err := colour.Parse(value)
	if err != nil {
		p.add(path, "must be a colour written #rrggbb (got %q)", value)
		return
	}
	if r := colour.Contrast(c, colour.White); r < colour.AAText {
		p.add(path, "is too light: %s has a contrast of %.2f:1 with white, and %s needs %.1f:1 (WCAG AA)", c.Hex(), r, what, colour.AAText)
	}
}

// Branding is how the pages present the deployment. Every setting is optional; files are read
// at start-up, relative to the configuration file.
type Branding struct {
	// ProductName replaces "Bridgekeeper" in the header, titles and footer.
	ProductName string `yaml:"product_name"`
	// Logo is an image file (SVG, PNG, JPEG or WebP) shown in the header.
	Logo string `yaml:"logo"`
	// Favicon is an image file (SVG, PNG or ICO) for the browser tab.
	Favicon string `yaml:"favicon"`
	// PrimaryColor (#rrggbb) fills buttons; white text on it needs 4.5:1.
	PrimaryColor string `yaml:"primary_color"`
	// AccentColor (#rrggbb) colours links and focus rings; it needs 4.5:1 on white (the dark
	// theme derives a lighter shade).
	AccentColor string `yaml:"accent_color"`
	// FooterLinks are shown in every page's footer.
	FooterLinks FooterLinks `yaml:"footer_links"`
	// AuthenticatorIssuer is the name authenticator apps show next to the account (the TOTP
	// issuer). Default: product_name, else "Bridgekeeper".
	AuthenticatorIssuer string `yaml:"authenticator_issuer"`
	// Stylesheet is an extra CSS file loaded after the built one.
	Stylesheet string `yaml:"stylesheet"`
	// MessagesDir is a folder of text overrides: files named active.<lang>.toml that replace
	// any message of that language's catalog (i18n.CheckOverrides says what is accepted).
	MessagesDir string `yaml:"messages_dir"`
}

// FooterLinks are the footer's links; each is an https URL (or mailto:).
type FooterLinks struct {
	Terms   string `yaml:"terms"`
	Privacy string `yaml:"privacy"`
	Support string `yaml:"support"`
}
