package i18n

import (
	"sync"
	"testing"
	"testing/fstest"
)

// TestCatalogsLoadOnFirstUse: building a bundle parses English only; a language is parsed when
// a localizer first asks for it. Here the second catalog is TOML but not a message file (a
// message that is neither a text nor a table of forms), which New accepts because nothing has
// parsed it, and the language then reads English.
func TestCatalogsLoadOnFirstUse(t *testing.T) {
	fsys := fstest.MapFS{}
	for lang, body := range map[string]string{
		"en": `"language.name" = "English"
"hello" = "Hello"`,
		"de": `"language.name" = "Deutsch"
"hello" = "Hallo"`,
		"fr": `"language.name" = "Français"
"hello" = [1, 2]`,
	} {
		fsys["l/active."+lang+".toml"] = &fstest.MapFile{Data: []byte(body)}
	}
	b, err := newFromFS(fsys, "l")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.loadEarly(); err != nil {
		t.Fatalf("English did not load: %v", err)
	}
	if got := b.LanguageName("fr"); got != "Français" {
		t.Errorf("LanguageName(fr) = %q", got)
	}
	if _, err := b.catalogs[b.tags[2]].localizer(); err == nil {
		t.Fatal("the broken French catalog parsed: the test shows nothing")
	}
	for lang, want := range map[string]string{"de": "Hallo", "fr": "Hello", "en": "Hello"} {
		if got := b.Localizer(lang).T("hello"); got != want {
			t.Errorf("%s: T(hello) = %q, want %q", lang, got, want)
		}
	}
}

// TestEveryCatalogLoads: every embedded catalog parses into messages (Localizer would silently
// fall back to English for one that does not).
func TestEveryCatalogLoads(t *testing.T) {
	b := newBundle(t)
	for _, tag := range b.tags {
		if _, err := b.catalogs[tag].localizer(); err != nil {
			t.Errorf("%s: %v", tag, err)
		}
	}
}

// TestLanguageNamesAreTheCatalogs: LanguageName, read without parsing the catalogs, says what
// each catalog's own LanguageNameID message says.
func TestLanguageNamesAreTheCatalogs(t *testing.T) {
	b := newBundle(t)
	for _, lang := range b.Languages() {
		if got, want := b.LanguageName(lang), b.Localizer("", lang).T(LanguageNameID); got != want || got == LanguageNameID {
			t.Errorf("LanguageName(%s) = %q, the catalog says %q", lang, got, want)
		}
	}
	if got := b.LanguageName("xx"); got != "English" {
		t.Errorf("LanguageName of an unknown language = %q, want English's", got)
	}
}

// TestFirstUseIsSafeConcurrently: many requests in a language nobody has used yet load it once
// (run with -race).
func TestFirstUseIsSafeConcurrently(t *testing.T) {
	want := newBundle(t).Localizer("de").T("signin.title") // loaded in a bundle of its own
	b := newBundle(t)
	var wg sync.WaitGroup
	got := make([]string, 16)
	for i := range got {
		wg.Go(func() { got[i] = b.Localizer("de-DE,de;q=0.9").T("signin.title") })
	}
	wg.Wait()
	for i, g := range got {
		if g != want || g == "" {
			t.Errorf("request %d: %q, want %q", i, g, want)
		}
	}
}
