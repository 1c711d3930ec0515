package i18n

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// rawCatalog reads one catalog file: each id's text, or its plural forms.
func rawCatalog(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := fs.ReadFile(locales, name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := toml.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// forms returns a message's texts by plural category ("" for a plain message).
func forms(v any) map[string]string {
	switch m := v.(type) {
	case string:
		return map[string]string{"": m}
	case map[string]any:
		out := map[string]string{}
		for k, s := range m {
			out[k] = fmt.Sprint(s)
		}
		return out
	}
	return nil
}

// TestEveryLocaleIsComplete: every catalog has exactly English's message ids, every message
// uses the same placeholders as English, and every plural message (a table in English) has
// exactly the CLDR plural categories of its language. `make i18n-missing` lists the gaps.
func TestEveryLocaleIsComplete(t *testing.T) {
	names, err := fs.Glob(locales, "locales/active.*.toml")
	if err != nil {
		t.Fatal(err)
	}
	en := rawCatalog(t, "locales/active."+DefaultLanguage+".toml")
	for _, name := range names {
		lang := strings.TrimSuffix(strings.TrimPrefix(path.Base(name), "active."), ".toml")
		if lang == DefaultLanguage {
			continue
		}
		t.Run(lang, func(t *testing.T) {
			cat := rawCatalog(t, name)
			want := pluralCategories(language.Make(lang))
			for id, ev := range en {
				v, ok := cat[id]
				if !ok {
					t.Errorf("lacks %s", id)
					continue
				}
				enForms, got := forms(ev), forms(v)
				wantPH := placeholders(enForms[firstKey(enForms)])
				if _, plain := enForms[""]; !plain {
					var have []string
					for k := range got {
						have = append(have, k)
					}
					slices.Sort(have)
					if !slices.Equal(have, want) {
						t.Errorf("%s has plural forms %v, want CLDR's %v for %s", id, have, want, lang)
					}
				} else if _, plain := got[""]; !plain {
					t.Errorf("%s is a plural table, but English's is a plain message", id)
				}
				for form, text := range got {
					if ph := placeholders(text); !slices.Equal(ph, wantPH) {
						t.Errorf("%s (%s) uses placeholders %v, English %v", id, form, ph, wantPH)
					}
				}
			}
			for id := range cat {
				if _, ok := en[id]; !ok {
					t.Errorf("has %s, which English lacks", id)
				}
			}
		})
	}
}

func firstKey(m map[string]string) string {
	for _, k := range []string{"", "other", "one"} {
		if _, ok := m[k]; ok {
			return k
		}
	}
	return ""
}

// pluralCategories are the CLDR cardinal plural categories of a language that counts (whole
// numbers, and 1.5) can reach: "one" and "other" in German, four in Polish, "other" in Japanese.
func pluralCategories(tag language.Tag) []string {
	names := map[plural.Form]string{plural.Zero: "zero", plural.One: "one", plural.Two: "two", plural.Few: "few", plural.Many: "many", plural.Other: "other"}
	seen := map[string]bool{}
	for n := 0; n <= 1000; n++ {
		seen[names[plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)]] = true
	}
	seen[names[plural.Cardinal.MatchPlural(tag, 1000000, 0, 0, 0, 0)]] = true
	seen[names[plural.Cardinal.MatchPlural(tag, 1, 1, 1, 5, 5)]] = true
	var out []string
	for f := range seen {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

func TestPluralCategories(t *testing.T) {
	for lang, want := range map[string][]string{"de": {"one", "other"}, "ja": {"other"}, "pl": {"few", "many", "one", "other"}, "ar": {"few", "many", "one", "other", "two", "zero"}} {
		if got := pluralCategories(language.Make(lang)); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", lang, got, want)
		}
	}
}
