package views

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// physicalClassRE matches Tailwind classes tied to left or right, which do not mirror in
// right-to-left languages; the logical ones (ms-, me-, ps-, pe-, start-, end-, text-start,
// text-end, rounded-s, border-s, float-start, clear-start) do.
var physicalClassRE = regexp.MustCompile(`(?:^|[\s"':])(-?m[lr]-(?:[0-9.]+|auto|px)|p[lr]-(?:[0-9.]+|px)|-?left-[0-9]+|-?right-[0-9]+|text-left|text-right|rounded-[tb]?[lr](?:-[a-z0-9]+)?|border-[lr](?:-[0-9]+)?|float-left|float-right|clear-left|clear-right|space-x-[0-9]+|divide-x)\b`)

// TestLayoutMirrors: no template or stylesheet uses a left/right class, so pages in Arabic,
// Hebrew or Persian (dir="rtl") mirror.
func TestLayoutMirrors(t *testing.T) {
	for _, c := range []string{`class="mt-2 text-right"`, `class="pl-5"`, `focus:left-4`, `class="ml-auto"`, `class="clear-left !mt-1"`} {
		if !physicalClassRE.MatchString(c) {
			t.Errorf("the check misses %s", c)
		}
	}
	for _, c := range []string{`class="text-end ps-5 ms-auto"`, `class="clear-start"`, `class="leading-6"`, `class="mr"`} {
		if physicalClassRE.MatchString(c) {
			t.Errorf("the check flags %s", c)
		}
	}
	files, err := filepath.Glob("*.templ")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, filepath.Join("..", "static", "src", "input.css"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range physicalClassRE.FindAllSubmatch(b, -1) {
			t.Errorf("%s uses %q: use the logical class (start/end, ms/me, ps/pe) so right-to-left pages mirror", f, m[1])
		}
	}
}
