package static

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

func TestFSHoldsTheAssets(t *testing.T) {
	for _, name := range []string{"css/app.css", "js/copy.js", "img/favicon.svg", "img/logo.svg"} {
		b, err := fs.ReadFile(FS, name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(b) == 0 {
			t.Errorf("%s is empty", name)
		}
	}
	if _, err := fs.Stat(FS, "src/input.css"); err == nil {
		t.Error("the stylesheet source should not be embedded")
	}
	css, err := fs.ReadFile(FS, "css/app.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, class := range []string{".btn-primary", ".card", ".input", ".sr-only", ".focus-ring"} {
		if !strings.Contains(string(css), class) {
			t.Errorf("app.css lacks %s; rebuild it", class)
		}
	}
}

func TestManifestURL(t *testing.T) {
	fsys := fstest.MapFS{
		"css/app.css": {Data: []byte("body{}")},
		"js/copy.js":  {Data: []byte("// v1")},
	}
	m, err := NewManifest(fsys, "/static")
	if err != nil {
		t.Fatal(err)
	}
	versioned := regexp.MustCompile(`^/static/css/app\.css\?v=[0-9a-f]{12}$`)
	css := m.URL("css/app.css")
	if !versioned.MatchString(css) {
		t.Errorf("URL(css/app.css) = %q, want /static/css/app.css?v=<12 hex>", css)
	}
	if got := m.URL("/css/app.css"); got != css {
		t.Errorf("leading slash: got %q, want %q", got, css)
	}
	if got := m.URL("img/missing.svg"); got != "/static/img/missing.svg" {
		t.Errorf("missing file: got %q", got)
	}

	fsys["css/app.css"] = &fstest.MapFile{Data: []byte("body{color:red}")}
	m2, err := NewManifest(fsys, "/static/")
	if err != nil {
		t.Fatal(err)
	}
	if got := m2.URL("css/app.css"); got == css || !versioned.MatchString(got) {
		t.Errorf("changed content gave %q, want a new version (old %q)", got, css)
	}
	if m.URL("js/copy.js") != m2.URL("js/copy.js") {
		t.Error("unchanged file changed version")
	}
}

func TestManifestOverEmbeddedFS(t *testing.T) {
	m, err := NewManifest(FS, "/static/")
	if err != nil {
		t.Fatal(err)
	}
	if got := m.URL("css/app.css"); !strings.HasPrefix(got, "/static/css/app.css?v=") {
		t.Errorf("URL = %q", got)
	}
}
