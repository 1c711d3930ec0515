package i18n

import (
	"testing"
)

// localized is T through go-i18n's Localize, as T was for every call before the catalogs kept
// each message's text (messages.plain): T with data, here none, still goes that way.
func localized(l *Localizer, id string) string {
	return l.T(id, map[string]any{})
}

// TestPlainTextIsLocalize: T without data gives, in every language and for every English id
// (plus one no catalog has), exactly what go-i18n's Localize gives, templated messages
// included ("<no value>" where a field is missing, as before), and a message the language
// lacks in English.
func TestPlainTextIsLocalize(t *testing.T) {
	b := newBundle(t)
	ids := []string{"no.such.message"}
	for id := range catalogIDs(t, DefaultLanguage) {
		ids = append(ids, id)
	}
	for _, lang := range b.Languages() {
		l := b.Localizer(lang)
		if l.Lang() != lang {
			t.Fatalf("Localizer(%s) is %s", lang, l.Lang())
		}
		for _, id := range ids {
			if got, want := l.T(id), localized(l, id); got != want {
				t.Errorf("%s: T(%q) = %q, Localize gives %q", lang, id, got, want)
			}
			if got, want := l.T(id, nil), localized(l, id); got != want {
				t.Errorf("%s: T(%q, nil) = %q, Localize gives %q", lang, id, got, want)
			}
		}
	}
}

// TestPlainTextFollowsOverrides: a text override replaces the kept text too, and a language
// lacking an id shows English's (here an override-only catalog file replacing one id).
func TestPlainTextFollowsOverrides(t *testing.T) {
	dir := overrideDir(t, map[string]string{
		"active.de.toml": `"signin.title" = "Anmelden bei Northwind"`,
		"active.en.toml": `"signin.submit" = "Log in"`,
	})
	b, err := NewWithOverrides(dir)
	if err != nil {
		t.Fatal(err)
	}
	de, en := b.Localizer("de"), b.Localizer("en")
	for _, tc := range []struct{ got, want string }{
		{de.T("signin.title"), "Anmelden bei Northwind"},
		{de.T("signin.submit"), "Anmelden"},
		{en.T("signin.submit"), "Log in"},
		{en.T("signin.title"), newBundle(t).Localizer("en").T("signin.title")},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestPlainTextFallsBackToEnglish: an id a language's catalog lacks comes from English.
func TestPlainTextFallsBackToEnglish(t *testing.T) {
	b := newBundle(t)
	de := b.Localizer("de")
	de.loc = &messages{loc: de.loc.loc, plain: map[string]string{}} // a German catalog with no text kept
	if got, want := de.T("signin.title"), b.Localizer("en").T("signin.title"); got != want {
		t.Errorf("T(signin.title) without the German text = %q, want English %q", got, want)
	}
}
