// Package colour does the little colour arithmetic branding needs: parsing #rrggbb, WCAG 2
// contrast ratios, mixing, and the space-separated RGB triplets the stylesheet's custom
// properties hold.
package colour

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// RGB is an sRGB colour with 8 bits per channel.
type RGB struct{ R, G, B uint8 }

// White and the dark theme's card colour (the surfaces text sits on).
var (
	White    = RGB{255, 255, 255}
	DarkCard = RGB{15, 23, 42} // --bk-white in the dark theme (static/src/input.css)
)

// Parse reads a colour written #rrggbb (or #rgb), case-insensitively.
func Parse(s string) (RGB, error) {
	h, ok := strings.CutPrefix(strings.TrimSpace(s), "#")
	if ok && len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	if !ok || len(h) != 6 {
		return RGB{}, fmt.Errorf("%q is not a colour written #rrggbb", s)
	}
	n, err := strconv.ParseUint(h, 16, 32)
	if err != nil {
		return RGB{}, fmt.Errorf("%q is not a colour written #rrggbb", s)
	}
	return RGB{uint8(n >> 16), uint8(n >> 8), uint8(n)}, nil
}

// Hex writes c as #rrggbb.
func (c RGB) Hex() string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// Triplet writes c as "r g b", the form the stylesheet's --bk-* properties hold.
func (c RGB) Triplet() string { return fmt.Sprintf("%d %d %d", c.R, c.G, c.B) }

// Luminance is WCAG 2's relative luminance of c.
func (c RGB) Luminance() float64 {
	ch := func(v uint8) float64 {
		f := float64(v) / 255
		if f <= 0.03928 {
			return f / 12.92
		}
		return math.Pow((f+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(c.R) + 0.7152*ch(c.G) + 0.0722*ch(c.B)
}

// Contrast is WCAG 2's contrast ratio of a and b, from 1 to 21.
func Contrast(a, b RGB) float64 {
	la, lb := a.Luminance(), b.Luminance()
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// Mix returns c moved by t (0 to 1) towards other.
func (c RGB) Mix(other RGB, t float64) RGB {
	m := func(a, b uint8) uint8 { return uint8(math.Round(float64(a) + (float64(b)-float64(a))*t)) }
	return RGB{m(c.R, other.R), m(c.G, other.G), m(c.B, other.B)}
}

// AAText is WCAG AA's minimum contrast for normal text.
const AAText = 4.5

// Readable returns c moved towards toward in small steps until it has at least min contrast
// with bg (or reaches toward): a brand colour made legible on another background.
func (c RGB) Readable(bg, toward RGB, min float64) RGB {
	for t := 0.0; t <= 1; t += 0.05 {
		if m := c.Mix(toward, t); Contrast(m, bg) >= min {
			return m
		}
	}
	return toward
}
