package views

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/bridgekeeper/bridgekeeper/i18n"
	"golang.org/x/net/html"
)

const testCSRF = "csrf-token-123"

// fakeAssets versions every URL the same way, so tests can see it was used.
type fakeAssets struct{}

func (fakeAssets) URL(name string) string { return "/assets/" + name + "?v=test" }

// testPage is a Page with the real English (or given) catalog.
func testPage(t *testing.T, acceptLanguage ...string) Page {
	t.Helper()
	b, err := i18n.New()
	if err != nil {
		t.Fatalf("i18n.New: %v", err)
	}
	al := "en"
	if len(acceptLanguage) > 0 {
		al = acceptLanguage[0]
	}
	return Page{L: b.Localizer(al), CSRF: testCSRF, Assets: fakeAssets{}, HomeURL: "/home"}
}

// render renders c and parses the result.
func render(t *testing.T, c templ.Component) (string, *html.Node) {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	doc, err := html.Parse(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatalf("parse rendered HTML: %v", err)
	}
	return buf.String(), doc
}

// walk calls f for every element node.
func walk(n *html.Node, f func(*html.Node)) {
	if n.Type == html.ElementNode {
		f(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// A selector part is a tiny CSS-like selector: tag, #id and [key=value] /
// [key] clauses, e.g. `input[name=code]`, `#username`, `button[value=EMAIL_OTP]`.
// Values cannot contain spaces or "]".
var selectorPart = regexp.MustCompile(`^([a-z0-9]*)((?:#[^\[\s]+)?)((?:\[[^\]]+\])*)$`)
var selectorAttr = regexp.MustCompile(`\[([^=\]]+)(?:=([^\]]*))?\]`)

func matches(n *html.Node, sel string) bool {
	m := selectorPart.FindStringSubmatch(sel)
	if m == nil {
		panic("bad selector " + sel)
	}
	if m[1] != "" && n.Data != m[1] {
		return false
	}
	if m[2] != "" {
		if id, _ := attr(n, "id"); id != m[2][1:] {
			return false
		}
	}
	for _, a := range selectorAttr.FindAllStringSubmatch(m[3], -1) {
		v, ok := attr(n, a[1])
		if !ok {
			return false
		}
		if strings.Contains(a[0], "=") && v != a[2] {
			return false
		}
	}
	return true
}

// findAll returns the elements matching sel, which may be a descendant
// chain such as `form[action=/x] input[name=code]`.
func findAll(root *html.Node, sel string) []*html.Node {
	parts := strings.Fields(sel)
	var out []*html.Node
	walk(root, func(n *html.Node) {
		if !matches(n, parts[len(parts)-1]) {
			return
		}
		rest := parts[:len(parts)-1]
		for a := n.Parent; a != nil && len(rest) > 0; a = a.Parent {
			if a.Type == html.ElementNode && matches(a, rest[len(rest)-1]) {
				rest = rest[:len(rest)-1]
			}
		}
		if len(rest) == 0 {
			out = append(out, n)
		}
	})
	return out
}

func findOne(t *testing.T, root *html.Node, sel string) *html.Node {
	t.Helper()
	all := findAll(root, sel)
	if len(all) != 1 {
		t.Fatalf("found %d elements matching %q, want 1", len(all), sel)
	}
	return all[0]
}

// text is the visible text of n, whitespace collapsed.
func text(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// messageIDLike matches text that looks like an untranslated message id.
var messageIDLike = regexp.MustCompile(`\b(app|layout|summary|form|common|signin|newpassword|policy|attr|code|selectmfa|mfa|mfasetup|totpsetup|emailsetup|account|signedout|errorpage|error|validation|notice|outbox|demo|delivery|forgot|reset|confirm|custom)\.[A-Za-z0-9_]+`)

// checkDocument asserts what every page must get right: language, title,
// stylesheet, skip link, no inline script or style, CSRF on every POST form,
// labels bound to inputs, ARIA references that resolve, unique ids, and no
// untranslated message ids.
func checkDocument(t *testing.T, raw string, doc *html.Node, lang string) {
	t.Helper()
	htmlEl := findOne(t, doc, "html")
	if got, _ := attr(htmlEl, "lang"); got != lang {
		t.Errorf("html lang = %q, want %q", got, lang)
	}
	if title := text(findOne(t, doc, "title")); !strings.HasSuffix(title, "· Bridgekeeper") || len(title) < len("x · Bridgekeeper") {
		t.Errorf("title = %q, want \"<page> · Bridgekeeper\"", title)
	}
	css := findOne(t, doc, "link[rel=stylesheet]")
	if href, _ := attr(css, "href"); href != "/assets/css/app.css?v=test" {
		t.Errorf("stylesheet href = %q, want the versioned asset URL", href)
	}
	skip := findOne(t, doc, "a[href=#main]")
	if text(skip) == "" {
		t.Error("skip link has no text")
	}
	findOne(t, doc, "main#main")

	ids := map[string]*html.Node{}
	walk(doc, func(n *html.Node) {
		if id, ok := attr(n, "id"); ok {
			if ids[id] != nil {
				t.Errorf("duplicate id %q", id)
			}
			ids[id] = n
		}
	})

	walk(doc, func(n *html.Node) {
		for _, a := range n.Attr {
			if a.Key == "style" {
				t.Errorf("<%s> has an inline style attribute", n.Data)
			}
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("<%s> has an inline event handler %s", n.Data, a.Key)
			}
			if strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
				t.Errorf("<%s %s> is a javascript: URL", n.Data, a.Key)
			}
		}
		switch n.Data {
		case "style":
			t.Error("page has a <style> element")
		case "script":
			if src, _ := attr(n, "src"); src == "" || n.FirstChild != nil {
				t.Error("page has an inline <script>")
			}
		case "form":
			if m, _ := attr(n, "method"); m == "post" {
				var csrf []*html.Node
				walk(n, func(c *html.Node) {
					if matches(c, "input[type=hidden][name=_csrf]") {
						csrf = append(csrf, c)
					}
				})
				if len(csrf) != 1 {
					t.Errorf("POST form has %d _csrf fields, want 1", len(csrf))
				} else if v, _ := attr(csrf[0], "value"); v != testCSRF {
					t.Errorf("_csrf value = %q, want %q", v, testCSRF)
				}
			}
			if _, ok := attr(n, "action"); !ok {
				t.Error("form without an action")
			}
		case "label":
			for_, ok := attr(n, "for")
			if !ok {
				t.Errorf("label %q is not bound to an input", text(n))
				break
			}
			target := ids[for_]
			if target == nil || (target.Data != "input" && target.Data != "select" && target.Data != "textarea") {
				t.Errorf("label for=%q does not point at an input", for_)
			}
		case "input", "select", "textarea":
			typ, _ := attr(n, "type")
			if _, hidden := attr(n, "hidden"); typ == "hidden" || typ == "submit" || hidden {
				break // not shown (a hidden account name for password managers), so no label
			}
			id, _ := attr(n, "id")
			labelled := false
			walk(doc, func(l *html.Node) {
				if f, _ := attr(l, "for"); l.Data == "label" && f == id && id != "" {
					labelled = true
				}
			})
			if !labelled {
				t.Errorf("input %q has no label", id)
			}
		case "a":
			if href, _ := attr(n, "href"); strings.HasPrefix(href, "#") && ids[href[1:]] == nil {
				t.Errorf("link to %q, which is not on the page", href)
			}
		}
		for _, key := range []string{"aria-describedby", "aria-labelledby"} {
			if v, ok := attr(n, key); ok {
				for _, ref := range strings.Fields(v) {
					if ids[ref] == nil {
						t.Errorf("<%s %s=%q>: no element with id %q", n.Data, key, v, ref)
					}
				}
			}
		}
	})

	var shown []string
	var texts func(*html.Node)
	texts = func(n *html.Node) {
		if n.Type == html.TextNode {
			shown = append(shown, n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			texts(c)
		}
	}
	texts(doc)
	walk(doc, func(n *html.Node) {
		for _, key := range []string{"aria-label", "data-copied-message", "alt"} {
			if v, ok := attr(n, key); ok {
				shown = append(shown, v)
			}
		}
	})
	for _, s := range shown {
		if m := messageIDLike.FindString(s); m != "" {
			t.Errorf("page shows %q, which looks like an untranslated message id", m)
		}
	}
	if !strings.HasPrefix(raw, "<!doctype html>") {
		t.Errorf("page does not start with a doctype: %.40q", raw)
	}
}
