package views

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/bridgekeeper/bridgekeeper/i18n"
)

// allLanguages is the picker's list of every catalog language, by its own name.
func allLanguages(t *testing.T, b *i18n.Bundle) []Language {
	t.Helper()
	var list []Language
	for _, tag := range b.Languages() {
		list = append(list, Language{Tag: tag, Name: b.LanguageName(tag)})
	}
	if len(list) < 2 {
		t.Fatalf("only %d languages: the picker is not shown", len(list))
	}
	return list
}

// TestLanguagesRenderedOnceAreTheLivePicker: the picker's options rendered once (NewLanguages)
// are byte for byte the options rendered per request, in every language (ar and he right to
// left, ja, zh-TW, sr-Latn among them), and so is the sign-in page holding them (en, ar, ja);
// exactly the page's language is selected; a page language that is no choice selects none.
func TestLanguagesRenderedOnceAreTheLivePicker(t *testing.T) {
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	list := allLanguages(t, b)
	kept, live := NewLanguages(list), &Languages{list: list}
	if len(kept.options) != len(list) {
		t.Fatalf("NewLanguages rendered %d option lists for %d languages", len(kept.options), len(list))
	}
	page := func(lang string, l *Languages) Page {
		return Page{L: b.Localizer(lang), CSRF: testCSRF, Assets: fakeAssets{}, HomeURL: "/",
			Picker: LanguagePicker{Action: "/language", Return: "/signin?a=1&b=2", Languages: l}}
	}
	for _, lang := range b.Languages() {
		got, doc := render(t, kept.optionsFor(lang))
		if want, _ := render(t, languageOptions(list, lang)); got != want {
			t.Errorf("%s: the options rendered once differ from the live ones:\n%s\nwant\n%s", lang, got, want)
		}
		var selected []string
		options := 0
		walk(doc, func(n *html.Node) {
			if n.Data != "option" {
				return
			}
			options++
			if _, ok := attr(n, "selected"); ok {
				v, _ := attr(n, "value")
				selected = append(selected, v)
			}
		})
		if options != len(list) || len(selected) != 1 || selected[0] != lang {
			t.Errorf("%s: %d options, selected %v; want %d, only %s", lang, options, selected, len(list), lang)
		}
	}
	for _, lang := range []string{"en", "ar", "ja"} {
		got, _ := render(t, SignInPage(page(lang, kept), SignIn{Action: "/signin", Username: "ana"}))
		want, _ := render(t, SignInPage(page(lang, live), SignIn{Action: "/signin", Username: "ana"}))
		if got != want {
			t.Errorf("%s: the page with the options rendered once differs from the live one:\n%s\nwant\n%s", lang, got, want)
		}
	}
	none, _ := render(t, kept.optionsFor("xx"))
	if strings.Contains(none, "selected") || strings.Count(none, "<option") != len(list) {
		t.Errorf("options for a language that is no choice: %s", none)
	}
	if (*Languages)(nil).Len() != 0 || NewLanguages(list[:1]).Len() != 1 {
		t.Error("Len is wrong")
	}
	if one, _ := render(t, SignInPage(page("en", NewLanguages(list[:1])), SignIn{Action: "/signin"})); strings.Contains(one, "language-picker") {
		t.Error("a picker with one language is shown")
	}
}
