package views

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"rsc.io/qr"
)

// qrQuietZone is the blank margin around a QR code, in modules (the
// standard asks for 4).
const qrQuietZone = 4

// QRSVG draws data as a QR code (error correction level M) in an inline
// SVG: one module per user unit, a white background including the quiet
// zone, and the dark modules as a single path. It scales with CSS; the
// caller gives it an accessible name (the SVG itself is aria-hidden).
func QRSVG(data string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		svg, err := qrSVG(data)
		if err != nil {
			return err
		}
		_, err = io.WriteString(w, svg)
		return err
	})
}

// qrSVG renders the SVG markup. Its only variable parts are numbers.
func qrSVG(data string) (string, error) {
	code, err := qr.Encode(data, qr.M)
	if err != nil {
		return "", fmt.Errorf("views: encode QR code: %w", err)
	}
	n := code.Size + 2*qrQuietZone
	var b strings.Builder
	dim := strconv.Itoa(n)
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + dim + ` ` + dim +
		`" width="` + strconv.Itoa(n*4) + `" height="` + strconv.Itoa(n*4) +
		`" shape-rendering="crispEdges" aria-hidden="true" focusable="false" class="h-auto w-full">`)
	b.WriteString(`<rect width="` + dim + `" height="` + dim + `" fill="#fff"/>`)
	b.WriteString(`<path fill="#000" d="`)
	for y := 0; y < code.Size; y++ {
		for x := 0; x < code.Size; {
			if !code.Black(x, y) {
				x++
				continue
			}
			run := 1
			for x+run < code.Size && code.Black(x+run, y) {
				run++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x+qrQuietZone, y+qrQuietZone, run, run)
			x += run
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}
