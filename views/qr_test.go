package views

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var (
	qrViewBox = regexp.MustCompile(`viewBox="0 0 (\d+) (\d+)"`)
	qrRun     = regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`)
)

type qrModule struct{ x, y int }

// parseQR returns the side of the SVG in modules and its dark modules.
func parseQR(t *testing.T, svg string) (int, map[qrModule]bool) {
	t.Helper()
	m := qrViewBox.FindStringSubmatch(svg)
	if m == nil || m[1] != m[2] {
		t.Fatalf("no square viewBox in %.80q", svg)
	}
	side, _ := strconv.Atoi(m[1])
	dark := map[qrModule]bool{}
	for _, r := range qrRun.FindAllStringSubmatch(svg, -1) {
		x, _ := strconv.Atoi(r[1])
		y, _ := strconv.Atoi(r[2])
		w, _ := strconv.Atoi(r[3])
		back, _ := strconv.Atoi(r[4])
		if w != back || w < 1 {
			t.Fatalf("malformed run %q", r[0])
		}
		for i := 0; i < w; i++ {
			dark[qrModule{x + i, y}] = true
		}
	}
	return side, dark
}

func TestQRSVG(t *testing.T) {
	inputs := []string{
		"hello",
		"otpauth://totp/Bridgekeeper:ana?secret=JBSWY3DPEHPK3PXP&issuer=Bridgekeeper",
		"otpauth://totp/Bridgekeeper:someone.with.a.long.name%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Bridgekeeper&algorithm=SHA1&digits=6&period=30",
	}
	seen := map[string]string{}
	for _, in := range inputs {
		t.Run(in, func(t *testing.T) {
			svg, err := qrSVG(in)
			if err != nil {
				t.Fatalf("qrSVG: %v", err)
			}
			side, dark := parseQR(t, svg)
			size := side - 2*qrQuietZone
			// QR versions 1–40 are 21 + 4(v-1) modules wide.
			if size < 21 || size > 177 || (size-21)%4 != 0 {
				t.Fatalf("symbol is %d modules wide, not a QR size", size)
			}
			for m := range dark {
				if m.x < qrQuietZone || m.y < qrQuietZone || m.x >= side-qrQuietZone || m.y >= side-qrQuietZone {
					t.Fatalf("dark module %v inside the %d-module quiet zone", m, qrQuietZone)
				}
			}
			// Finder patterns: 7×7 squares with a dark ring, light ring, 3×3 core,
			// in the top-left, top-right and bottom-left corners.
			for _, corner := range []qrModule{{0, 0}, {size - 7, 0}, {0, size - 7}} {
				for dy := 0; dy < 7; dy++ {
					for dx := 0; dx < 7; dx++ {
						ring := dx == 0 || dy == 0 || dx == 6 || dy == 6
						core := dx >= 2 && dx <= 4 && dy >= 2 && dy <= 4
						at := qrModule{qrQuietZone + corner.x + dx, qrQuietZone + corner.y + dy}
						if dark[at] != (ring || core) {
							t.Fatalf("finder pattern at %v wrong at %v: dark=%v", corner, at, dark[at])
						}
					}
				}
			}
			if !strings.Contains(svg, `<rect width="`+strconv.Itoa(side)+`" height="`+strconv.Itoa(side)+`" fill="#fff"/>`) {
				t.Error("no white background covering the quiet zone")
			}
			if !strings.Contains(svg, `aria-hidden="true"`) {
				t.Error("SVG is not hidden from assistive technology")
			}
			again, _ := qrSVG(in)
			if again != svg {
				t.Error("same input gave a different SVG")
			}
			for other, otherSVG := range seen {
				if otherSVG == svg {
					t.Errorf("inputs %q and %q gave the same SVG", in, other)
				}
			}
			seen[in] = svg

			var buf bytes.Buffer
			if err := QRSVG(in).Render(context.Background(), &buf); err != nil {
				t.Fatalf("QRSVG render: %v", err)
			}
			if buf.String() != svg {
				t.Error("QRSVG component output differs from qrSVG")
			}
		})
	}
}

func TestQRSVGTooLong(t *testing.T) {
	var buf bytes.Buffer
	if err := QRSVG(strings.Repeat("x", 5000)).Render(context.Background(), &buf); err == nil {
		t.Error("rendering a QR code too large to encode succeeded, want an error")
	}
}
