// Package docs_test checks that the documentation names tests that exist.
package docs_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// testRef is a test named in the docs as `package.TestName` or `package.TestName/subtest`
// (a subtest's name as go test prints it, spaces as underscores), or without the package
// (`TestName`, as in a list after a qualified one): then some package must have the function.
var testRef = regexp.MustCompile("`(?:([a-z][a-z0-9]*)\\.)?((?:Test|Fuzz|Benchmark)[A-Za-z0-9_]*)(/[^`]+)?`")

// testFiles is what the repository's test files declare, per package directory name: the test
// functions, and the string literals (subtest names, spaces as underscores).
type testFiles struct {
	funcs, literals map[string]map[string]bool
}

func readTests(t *testing.T, root string) testFiles {
	t.Helper()
	tf := testFiles{funcs: map[string]map[string]bool{}, literals: map[string]map[string]bool{}}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		pkg := filepath.Base(filepath.Dir(path))
		if tf.funcs[pkg] == nil {
			tf.funcs[pkg], tf.literals[pkg] = map[string]bool{}, map[string]bool{}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				if n.Recv == nil {
					tf.funcs[pkg][n.Name.Name] = true
				}
			case *ast.BasicLit:
				if s, err := strconv.Unquote(n.Value); err == nil && n.Kind == token.STRING {
					tf.literals[pkg][strings.ReplaceAll(s, " ", "_")] = true
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tf
}

// TestDocsNameTestsThatExist: every test the docs name as holding a promise exists (its function,
// and a subtest named by a literal), so docs/security.md's limits cannot cite a test that was
// renamed or never written.
func TestDocsNameTestsThatExist(t *testing.T) {
	tf := readTests(t, "..")
	docs, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range docs {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		refs := testRef.FindAllStringSubmatch(string(b), -1)
		if doc == "security.md" && len(refs) < 20 {
			t.Fatalf("%s names only %d tests; is the pattern still right?", doc, len(refs))
		}
		for _, m := range refs {
			pkg, fn, sub := m[1], m[2], strings.TrimPrefix(m[3], "/")
			if pkg == "" {
				if !tf.anyPackageHas(fn) {
					t.Errorf("%s names %s: no package has such a test function", doc, m[0])
				}
				continue
			}
			switch {
			case !tf.funcs[pkg][fn]:
				t.Errorf("%s names %s.%s: no such test function in a package directory %q", doc, pkg, fn, pkg)
			case sub != "" && !tf.literals[pkg][sub]:
				t.Errorf("%s names %s.%s/%s: no subtest of that name", doc, pkg, fn, sub)
			}
		}
	}
}

// anyPackageHas reports whether some package directory has test function fn.
func (tf testFiles) anyPackageHas(fn string) bool {
	for _, funcs := range tf.funcs {
		if funcs[fn] {
			return true
		}
	}
	return false
}
