package i18n

import (
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// builtIDs are the English ids the code makes rather than names, with the file that makes them
// and the expression there: the test checks the expression is still in the file.
var builtIDs = []struct {
	ids        []string
	file, expr string
}{
	{[]string{"footer.terms", "footer.privacy", "footer.support"}, "cmd/bridgekeeper/wire.go", `"footer." + l.Kind`}, // branding's link kinds
}

// templString finds the double-quoted strings of a templ file.
var templString = regexp.MustCompile(`"([^"\\\n]*)"`)

// TestEveryEnglishIDIsUsed: every English message id is named by a string literal of the
// program's Go code (comments and tests do not count) or templ files, or made by one of
// builtIDs, so the catalogs (41 languages) carry no message nothing shows.
func TestEveryEnglishIDIsUsed(t *testing.T) {
	literals := map[string]bool{}
	root := ".."
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == "node_modules" || name == "testdata" || strings.HasPrefix(name, ".") && path != root {
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		isGo := strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") && !strings.HasSuffix(name, "_templ.go")
		if !isGo && !strings.HasSuffix(name, ".templ") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if !isGo {
			for _, m := range templString.FindAllSubmatch(src, -1) {
				literals[string(m[1])] = true
			}
			return nil
		}
		var s scanner.Scanner
		fset := token.NewFileSet()
		s.Init(fset.AddFile(path, -1, len(src)), src, func(pos token.Position, msg string) { t.Errorf("%s: %s", pos, msg) }, 0)
		for {
			_, tok, lit := s.Scan()
			if tok == token.EOF {
				return nil
			}
			if tok == token.STRING {
				if v, err := strconv.Unquote(lit); err == nil {
					literals[v] = true
				}
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(literals) < 1000 {
		t.Fatalf("found only %d string literals; is the scan broken?", len(literals))
	}
	for _, b := range builtIDs {
		src, err := os.ReadFile(filepath.Join(root, b.file))
		if err != nil || !strings.Contains(string(src), b.expr) {
			t.Errorf("%s no longer makes message ids with %s (%v): update builtIDs", b.file, b.expr, err)
		}
	}
	for _, b := range builtIDs {
		for _, id := range b.ids {
			literals[id] = true
		}
	}
	for id := range catalogIDs(t, DefaultLanguage) {
		if !literals[id] {
			t.Errorf("message %q of active.en.toml is used nowhere: remove it from every catalog", id)
		}
	}
}
