package oidc

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/i18n"
)

// TestPageTextsAreInTheCatalog: every text the provider shows a person is a message of the
// English catalog with the same English as the table, so the pages (which look the ids up) and the
// plain-text default renderer (which uses the table) say the same thing.
func TestPageTextsAreInTheCatalog(t *testing.T) {
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	en := bundle.Localizer("en")
	seen := map[MessageID]bool{}
	for _, pt := range pageTexts() {
		if seen[pt.id] {
			t.Errorf("%s is twice in the table", pt.id)
		}
		seen[pt.id] = true
		if got := en.T(string(pt.id)); got != pt.english {
			t.Errorf("%s: the English catalog says %q, the table %q", pt.id, got, pt.english)
		}
		if got := pt.id.English(); got != pt.english {
			t.Errorf("%s.English() = %q, want %q", pt.id, got, pt.english)
		}
	}
	if got := MessageID("no.such.id").English(); got != "no.such.id" {
		t.Errorf("an unknown id's English is %q, want the id", got)
	}
}

// TestPageTextsComeFromTheTable walks the package's code: every MessageID constant is in the
// table, and every ErrorPage's title and message is a name (a constant of messages.go or a
// variable holding one), never a literal sentence at the call site.
func TestPageTextsComeFromTheTable(t *testing.T) {
	inTable := map[string]bool{}
	for _, pt := range pageTexts() {
		inTable[string(pt.id)] = true
	}
	consts := stringConsts(t, "messages.go", "MessageID")
	for name, id := range consts {
		if !inTable[id] {
			t.Errorf("%s (%q) has no English in pageTexts", name, id)
		}
	}
	if len(consts) != len(inTable) {
		t.Errorf("messages.go has %d MessageID constants and the table %d entries", len(consts), len(inTable))
	}
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	pages := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "messages.go" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if fn, ok := n.Fun.(*ast.Ident); ok && fn.Name == "MessageID" {
					t.Errorf("%s: converts a string to a MessageID", fset.Position(n.Pos()))
				}
			case *ast.CompositeLit:
				if typ, ok := n.Type.(*ast.Ident); ok && typ.Name == "ErrorPage" {
					pages++
					for _, el := range n.Elts {
						kv, ok := el.(*ast.KeyValueExpr)
						if !ok {
							t.Errorf("%s: an ErrorPage without field names", fset.Position(n.Pos()))
							continue
						}
						if k := kv.Key.(*ast.Ident).Name; k == "Title" || k == "Message" {
							if _, ok := kv.Value.(*ast.Ident); !ok {
								t.Errorf("%s: ErrorPage.%s is not a MessageID constant", fset.Position(kv.Value.Pos()), k)
							}
						}
					}
				}
			}
			return true
		})
	}
	if pages < 5 {
		t.Fatalf("found %d ErrorPages; the walk missed them", pages)
	}
}

// TestEndSessionRefusalPages: each sign-out request the provider refuses gets its own page (the
// default renderer: the table's English), among them a hint for one app with client_id naming
// another, and none of them signs the person out.
func TestEndSessionRefusalPages(t *testing.T) {
	e := newEnv(t)
	tok := signedIn(t, e)
	for _, tc := range []struct {
		name   string
		params url.Values
		msg    MessageID
	}{
		{"two apps", url.Values{"id_token_hint": {tok.raw}, "client_id": {"app2"}}, MsgSignOutTwoApps},
		{"unknown app", url.Values{"client_id": {"nobody"}}, MsgUnknownSignOutApp},
		{"forged hint", url.Values{"id_token_hint": {"a.b.c"}}, MsgSignOutUnverified},
		{"repeated parameter", url.Values{"state": {"1", "2"}}, MsgSignOutUnreadable},
		{"unregistered address", url.Values{"client_id": {"app"}, "post_logout_redirect_uri": {"https://evil.example/"}}, MsgUnregisteredReturn},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.endSession(tc.params)
			wantErrorPage(t, res)
			if want := MsgSignOutRequestTitle.English() + "\n\n" + tc.msg.English() + "\n"; res.body != want {
				t.Fatalf("page %q, want %q", res.body, want)
			}
		})
	}
	wantStillSignedIn(t, e)
}
