package oidc

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// stringConsts reads the string constants of type typeName from file: name → value.
func stringConsts(t *testing.T, file, typeName string) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			if typ, ok := vs.Type.(*ast.Ident); !ok || typ.Name != typeName {
				continue
			}
			for i, name := range vs.Names {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					t.Fatalf("%s: %s is not a plain string literal", file, name.Name)
				}
				text, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				out[name.Name] = text
			}
		}
	}
	return out
}

// descriptionTable reads the description constants from descriptions.go: name → text.
func descriptionTable(t *testing.T) map[string]string {
	t.Helper()
	table := stringConsts(t, "descriptions.go", "description")
	if len(table) < 40 {
		t.Fatalf("descriptions.go has %d descriptions; the table cannot be read", len(table))
	}
	return table
}

// rfc6749Char reports whether c may appear in an error_description (RFC 6749 §4.1.2.1, §5.2:
// %x20-21 / %x23-5B / %x5D-7E, so no double quote and no backslash).
func rfc6749Char(c byte) bool {
	return c >= 0x20 && c <= 0x21 || c >= 0x23 && c <= 0x5B || c >= 0x5D && c <= 0x7E
}

func TestDescriptions(t *testing.T) {
	table := descriptionTable(t)
	seen := map[string]string{}
	for name, text := range table {
		t.Run(name, func(t *testing.T) {
			if text == "" || strings.TrimSpace(text) != text {
				t.Errorf("%q is empty or has surrounding spaces", text)
			}
			for i := 0; i < len(text); i++ {
				if !rfc6749Char(text[i]) {
					t.Errorf("%q has %q at %d, outside RFC 6749's error_description characters", text, text[i], i)
				}
			}
			if strings.HasSuffix(text, ".") {
				t.Errorf("%q ends with a full stop; the descriptions do not", text)
			}
			// Lower-case, unless the first word is an acronym (PKCE).
			first, _, _ := strings.Cut(text, " ")
			if unicode.IsUpper(rune(text[0])) && strings.ToUpper(first) != first {
				t.Errorf("%q starts with a capital letter; the descriptions are lower-case", text)
			}
		})
		if other, dup := seen[text]; dup {
			t.Errorf("%s and %s are the same text %q: keep one", name, other, text)
		}
		seen[text] = name
	}
}

// TestDescriptionsComeFromTheTable walks the package's code: every description given to an
// error is a constant of descriptions.go (never a literal at the call site, never built from
// input), and nothing converts other strings to a description.
func TestDescriptionsComeFromTheTable(t *testing.T) {
	table := descriptionTable(t)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	uses := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "descriptions.go" {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		check := func(e ast.Expr) {
			uses++
			id, ok := e.(*ast.Ident)
			if ok && (table[id.Name] != "" || id.Name == "desc") {
				return
			}
			t.Errorf("%s: an error description that is not a constant of descriptions.go: %s", fset.Position(e.Pos()), src[fset.Position(e.Pos()).Offset:fset.Position(e.End()).Offset])
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if fn, ok := n.Fun.(*ast.Ident); ok {
					switch {
					case (fn.Name == "newError" || fn.Name == "fail") && len(n.Args) == 2:
						check(n.Args[1])
					case fn.Name == "description":
						t.Errorf("%s: converts a string to a description", fset.Position(n.Pos()))
					}
				}
			case *ast.CompositeLit:
				if typ, ok := n.Type.(*ast.Ident); ok && typ.Name == "oauthError" {
					for _, el := range n.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok {
							if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "desc" {
								check(kv.Value)
							}
						}
					}
				}
			case *ast.AssignStmt:
				for i, lhs := range n.Lhs {
					if sel, ok := lhs.(*ast.SelectorExpr); ok && sel.Sel.Name == "desc" && i < len(n.Rhs) {
						check(n.Rhs[i])
					}
				}
			}
			return true
		})
	}
	if uses < 40 {
		t.Fatalf("found %d uses of descriptions; the walk missed the call sites", uses)
	}
}
