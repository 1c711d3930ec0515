package views

import "testing"

// langOnly is a Translator that only knows its language.
type langOnly string

func (l langOnly) T(id string, _ ...map[string]any) string { return id }
func (l langOnly) Lang() string                            { return string(l) }

// TestPageDir: right-to-left languages (Arabic, Hebrew, Persian, with or without a region)
// get dir="rtl"; everything else, region tags and scripts included, "ltr".
func TestPageDir(t *testing.T) {
	for _, tc := range []struct{ lang, want string }{
		{"ar", "rtl"}, {"he", "rtl"}, {"fa", "rtl"}, {"he-IL", "rtl"}, {"fa-IR", "rtl"}, {"AR-eg", "rtl"},
		{"en", "ltr"}, {"de", "ltr"}, {"pt-BR", "ltr"}, {"zh-TW", "ltr"}, {"ja", "ltr"}, {"hu", "ltr"}, {"", "ltr"},
	} {
		if got := (Page{L: langOnly(tc.lang)}).Dir(); got != tc.want {
			t.Errorf("Dir() for %q = %q, want %q", tc.lang, got, tc.want)
		}
	}
}
