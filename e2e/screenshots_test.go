package e2e

import (
	"bytes"
	"context"
	"flag"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
)

// updateScreenshots makes TestScreenshots write the README's screenshots (make screenshots).
var updateScreenshots = flag.Bool("update-screenshots", false, "write docs/screenshots/ and docs/screenshot-signin.png from the current pages")

// screenshotWidth and screenshotHeight are the size of every README screenshot.
const screenshotWidth, screenshotHeight = 900, 800

// screenshot is one README screenshot: the sign-in page in a colour scheme and a language, of
// the default demo or of the example brand (examples/brand).
type screenshot struct {
	file  string // under docs/screenshots/
	brand bool
	theme string // prefers-color-scheme
	lang  string
	dir   string // the page's writing direction (html dir), waited for before the picture
}

var screenshots = []screenshot{
	{file: "signin-light.png", theme: "light", lang: "en", dir: "ltr"},
	{file: "signin-dark.png", theme: "dark", lang: "en", dir: "ltr"},
	{file: "signin-rtl-arabic.png", theme: "light", lang: "ar", dir: "rtl"},
	{file: "signin-custom-brand.png", brand: true, theme: "light", lang: "en", dir: "ltr"},
}

// TestScreenshots renders the README's screenshots of the sign-in page in headless Chromium
// (light, dark, Arabic, the example brand) and checks that each shows what its name says: a
// light or dark page background, dir="rtl" in Arabic (TestBrowserRightToLeft checks the mirrored
// layout), the brand's primary colour on the button. With -update-screenshots (make
// screenshots) it writes them to docs/, so they stay those of the current pages; the light one
// is also docs/screenshot-signin.png, the README's first picture.
func TestScreenshots(t *testing.T) {
	root := testenv.RepoRoot(t)
	plain := start(t, "demo", "--listen", "127.0.0.1:0")
	brand := start(t, "demo", "--listen", "127.0.0.1:0", "--config", filepath.Join(root, "examples", "brand", "brand.yaml"))
	ctx := testenv.Chromium(t)
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(screenshotWidth, screenshotHeight)))
	for _, s := range screenshots {
		base := plain.BaseURL
		if s.brand {
			base = brand.BaseURL
		}
		img, raw := captureSignIn(ctx, t, base, s)
		bg := luminance(img.At(2, 2))
		switch {
		case s.theme == "dark" && bg > 0.2, s.theme == "light" && bg < 0.8:
			t.Errorf("%s: the page background's luminance is %.2f in the %s theme", s.file, bg, s.theme)
		}
		if s.brand {
			// #0f766e, the example brand's primary_color, fills the submit button.
			if !hasColor(img, color.RGBA{0x0f, 0x76, 0x6e, 0xff}) {
				t.Errorf("%s: no pixel has the brand's primary colour #0f766e", s.file)
			}
		}
		if *updateScreenshots {
			for _, p := range screenshotPaths(root, s) {
				must(t, os.WriteFile(p, raw, 0o644))
				t.Logf("wrote %s", p)
			}
		}
	}
}

// captureSignIn opens the sign-in page of base in s's language and theme, checks its writing
// direction, and returns the viewport's screenshot (decoded and as PNG bytes).
func captureSignIn(ctx context.Context, t *testing.T, base string, s screenshot) (image.Image, []byte) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: s.theme}},
	}); err != nil {
		t.Fatalf("%s: Emulation.setEmulatedMedia: %v", s.file, err)
	}
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(base+"/language?lang="+s.lang+"&return=/signin"),
		chromedp.WaitVisible(`html[dir="`+s.dir+`"][lang="`+s.lang+`"] .card h1`),
	))
	// The blinking caret of the autofocused field would make every picture different.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.activeElement.blur(), true`)); err != nil {
		t.Fatalf("%s: blur: %v", s.file, err)
	}
	raw, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	must(t, err)
	img, err := png.Decode(bytes.NewReader(raw))
	must(t, err)
	if b := img.Bounds(); b.Dx() != screenshotWidth || b.Dy() != screenshotHeight {
		t.Fatalf("%s: the screenshot is %dx%d, want %dx%d", s.file, b.Dx(), b.Dy(), screenshotWidth, screenshotHeight)
	}
	return img, raw
}

// screenshotPaths are the files s is written to.
func screenshotPaths(root string, s screenshot) []string {
	paths := []string{filepath.Join(root, "docs", "screenshots", s.file)}
	if s.file == "signin-light.png" {
		paths = append(paths, filepath.Join(root, "docs", "screenshot-signin.png"))
	}
	return paths
}

// luminance is a colour's relative luminance, 0 (black) to 1 (white), close enough for telling
// a light page from a dark one.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xffff
}

// hasColor reports whether some pixel of img is want (to within rounding).
func hasColor(img image.Image, want color.RGBA) bool {
	near := func(a uint32, b uint8) bool { d := int(a>>8) - int(b); return d >= -2 && d <= 2 }
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y += 2 {
		for x := bounds.Min.X; x < bounds.Max.X; x += 2 {
			r, g, b, _ := img.At(x, y).RGBA()
			if near(r, want.R) && near(g, want.G) && near(b, want.B) {
				return true
			}
		}
	}
	return false
}
