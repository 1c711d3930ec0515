package handlers

import (
	"testing"

	"github.com/bridgekeeper/bridgekeeper/i18n"
)

func TestLocalReturn(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/signin", "/signin"},
		{"/signin/step?x=1&y=2", "/signin/step?x=1&y=2"},
		{"", PathHome},
		{"https://evil.example/", PathHome},
		{"//evil.example/x", PathHome},
		{"/\\evil.example", PathHome},
		{"javascript:alert(1)", PathHome},
		{"signin", PathHome},
		{"/a\r\nSet-Cookie: x=1", PathHome},
		{"/" + string(make([]byte, maxReturnLen)), PathHome},
	}
	for _, tc := range tests {
		if got := localReturn(tc.in); got != tc.want {
			t.Errorf("localReturn(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestLanguageChoicesNameThemselves: the picker lists every catalog by its tag, each named in
// its own language from its own catalog (never English's "English" as a fallback).
func TestLanguageChoicesNameThemselves(t *testing.T) {
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	got := languageChoices(b)
	if len(got) != len(b.Languages()) {
		t.Fatalf("%d choices for %d languages", len(got), len(b.Languages()))
	}
	want := map[string]string{"de": "Deutsch", "en": "English", "ar": "العربية", "ja": "日本語", "pt-BR": "Português (Brasil)", "zh-CN": "简体中文", "zh-TW": "繁體中文", "he": "עברית"}
	names := map[string]string{}
	for i, l := range got {
		if i > 0 && got[i-1].Tag >= l.Tag {
			t.Errorf("choice %d (%s) is not sorted by tag after %s", i, l.Tag, got[i-1].Tag)
		}
		if l.Name == "" || l.Name == i18n.LanguageNameID || (l.Tag != i18n.DefaultLanguage && l.Name == "English") {
			t.Errorf("%s is named %q", l.Tag, l.Name)
		}
		if other, dup := names[l.Name]; dup {
			t.Errorf("%s and %s are both named %q", other, l.Tag, l.Name)
		}
		names[l.Name] = l.Tag
		if w, ok := want[l.Tag]; ok && l.Name != w {
			t.Errorf("%s is named %q, want %q", l.Tag, l.Name, w)
		}
	}
}
