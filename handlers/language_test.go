package handlers

import "testing"

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

func TestLanguageChoicesNameThemselves(t *testing.T) {
	got := languageChoices([]string{"en", "de", "ja", "pt-BR"})
	want := map[string]string{"de": "Deutsch", "en": "English", "ja": "日本語", "pt-BR": "português"}
	if len(got) != len(want) {
		t.Fatalf("%d choices", len(got))
	}
	for i, l := range got {
		if want[l.Tag] == "" || l.Name == "" || (i > 0 && got[i-1].Tag > l.Tag) {
			t.Errorf("choice %d = %+v", i, l)
		}
		if l.Tag != "pt-BR" && l.Name != want[l.Tag] {
			t.Errorf("%s is named %q, want %q", l.Tag, l.Name, want[l.Tag])
		}
	}
}
