package i18n

import (
	"strings"
	"testing"
)

// serbianLatin maps the Serbian Cyrillic alphabet onto Gaj's Latin alphabet, letter for letter.
var serbianLatin = strings.NewReplacer(
	"А", "A", "Б", "B", "В", "V", "Г", "G", "Д", "D", "Ђ", "Đ", "Е", "E", "Ж", "Ž", "З", "Z", "И", "I",
	"Ј", "J", "К", "K", "Л", "L", "Љ", "Lj", "М", "M", "Н", "N", "Њ", "Nj", "О", "O", "П", "P", "Р", "R",
	"С", "S", "Т", "T", "Ћ", "Ć", "У", "U", "Ф", "F", "Х", "H", "Ц", "C", "Ч", "Č", "Џ", "Dž", "Ш", "Š",
	"а", "a", "б", "b", "в", "v", "г", "g", "д", "d", "ђ", "đ", "е", "e", "ж", "ž", "з", "z", "и", "i",
	"ј", "j", "к", "k", "л", "l", "љ", "lj", "м", "m", "н", "n", "њ", "nj", "о", "o", "п", "p", "р", "r",
	"с", "s", "т", "t", "ћ", "ć", "у", "u", "ф", "f", "х", "h", "ц", "c", "ч", "č", "џ", "dž", "ш", "š",
)

// TestSerbianScriptsAgree: the Latin-script Serbian catalog is the Cyrillic one transliterated, so a
// message added or changed in one is added or changed in the other. Only the language's own name
// (shown in the picker) differs.
func TestSerbianScriptsAgree(t *testing.T) {
	cyr := rawCatalog(t, "locales/active.sr.toml")
	lat := rawCatalog(t, "locales/active.sr-Latn.toml")
	for id, cv := range cyr {
		if id == LanguageNameID {
			continue
		}
		lv, ok := lat[id]
		if !ok {
			continue // TestEveryLocaleIsComplete names it
		}
		cf, lf := forms(cv), forms(lv)
		for form, text := range cf {
			if want := serbianLatin.Replace(text); lf[form] != want {
				t.Errorf("%s (%s): sr-Latn has %q, the transliteration of sr is %q", id, form, lf[form], want)
			}
		}
	}
	if cyr[LanguageNameID] == lat[LanguageNameID] {
		t.Errorf("both Serbian catalogs call themselves %q in the picker", cyr[LanguageNameID])
	}
}
