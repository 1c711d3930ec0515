// Package static holds the files browsers fetch as they are: the built
// stylesheet, the small scripts some pages use, and images. They are embedded
// in the binary.
//
// The stylesheet is generated: edit static/src/input.css or the templates,
// then rebuild it with
//
//	npx tailwindcss -c tailwind.config.js -i static/src/input.css -o static/css/app.css --minify
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"strings"
)

// FS holds css/, js/ and img/, with paths such as "css/app.css". Serve it
// under a prefix (e.g. /static/) and build URLs with a Manifest.
//
//go:embed css js img
var FS embed.FS

// Manifest gives versioned URLs for the files in FS, so they can be cached
// for a long time: the query string changes whenever the content does.
// It is immutable after NewManifest and safe for concurrent use.
type Manifest struct {
	prefix   string
	versions map[string]string
}

// NewManifest hashes every file in fsys (use FS) and serves URLs under prefix,
// such as "/static/".
func NewManifest(fsys fs.FS, prefix string) (*Manifest, error) {
	if !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	m := &Manifest{prefix: prefix, versions: map[string]string{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		m.versions[name] = hex.EncodeToString(sum[:])[:12]
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static: hash files: %w", err)
	}
	return m, nil
}

// URL returns the URL of name ("css/app.css"), with "?v=<content hash>"
// when the file exists.
func (m *Manifest) URL(name string) string {
	name = strings.TrimPrefix(name, "/")
	if v, ok := m.versions[name]; ok {
		return m.prefix + name + "?v=" + v
	}
	return m.prefix + name
}
