package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/BurntSushi/toml"
)

func newBundle(t *testing.T) *Bundle {
	t.Helper()
	b, err := New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return b
}

func TestLanguages(t *testing.T) {
	got := newBundle(t).Languages()
	if len(got) < 2 || got[0] != "en" {
		t.Fatalf("Languages() = %v, want en first and at least one more", got)
	}
	if !contains(got, "de") {
		t.Errorf("Languages() = %v, want de among them", got)
	}
}

func TestLocalizerSelectsLanguage(t *testing.T) {
	b := newBundle(t)
	tests := []struct {
		name      string
		accept    string
		uiLocales []string
		want      string
	}{
		{"no preference", "", nil, "en"},
		{"german first", "de-DE,de;q=0.9,en;q=0.8", nil, "de"},
		{"english first", "en-US,en;q=0.9,de;q=0.8", nil, "en"},
		{"swiss german", "de-CH", nil, "de"},
		{"unsupported language", "sw-KE,sw;q=0.9", nil, "en"},
		{"unsupported then german", "sw-KE,de;q=0.5", nil, "de"},
		{"wildcard", "*", nil, "en"},
		{"garbage header", ";;;q=x,,", nil, "en"},
		{"ui_locales wins over header", "en", []string{"de"}, "de"},
		{"ui_locales list, first supported wins", "en", []string{"sw de"}, "de"},
		{"ui_locales unsupported falls back to header", "de", []string{"sw"}, "de"},
		{"ui_locales garbage falls back to header", "de", []string{"%%%"}, "de"},
		{"empty ui_locales", "de", []string{""}, "de"},
		{"brazilian portuguese", "pt-BR,pt;q=0.9", nil, "pt-BR"},
		{"portuguese without region", "pt", nil, "pt-BR"},
		{"ui_locales pt-BR", "en", []string{"pt-BR"}, "pt-BR"},
		{"taiwan chinese", "zh-TW,zh;q=0.8", nil, "zh-TW"},
		{"traditional script", "zh-Hant", nil, "zh-TW"},
		{"hong kong chinese is traditional", "zh-HK", nil, "zh-TW"},
		{"ui_locales zh-TW over simplified header", "zh-CN", []string{"zh-TW"}, "zh-TW"},
		{"mainland chinese", "zh-CN", nil, "zh-CN"},
		{"chinese without region", "zh", nil, "zh-CN"},
		{"simplified script", "zh-Hans-SG", nil, "zh-CN"},
		{"hebrew with region", "he-IL,he;q=0.9,en;q=0.5", nil, "he"},
		{"ui_locales hebrew", "en", []string{"he"}, "he"},
		{"legacy hebrew code", "iw", nil, "he"},
		{"persian with region", "fa-IR", nil, "fa"},
		{"legacy indonesian code", "in", nil, "id"},
		{"norwegian macrolanguage", "no", nil, "nb"},
		{"nynorsk falls back to bokmål", "nn-NO", nil, "nb"},
		{"czech with region", "cs-CZ,cs;q=0.9,en;q=0.5", nil, "cs"},
		{"moldovan romanian", "ro-MD", nil, "ro"},
		{"serbian defaults to cyrillic", "sr-RS,sr;q=0.9", nil, "sr"},
		{"serbian in latin script", "sr-Latn-RS", nil, "sr-Latn"},
		{"montenegrin serbian is latin", "sr-ME", nil, "sr-Latn"},
		{"ui_locales serbian latin over cyrillic header", "sr", []string{"sr-Latn"}, "sr-Latn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := b.Localizer(tt.accept, tt.uiLocales...).Lang(); got != tt.want {
				t.Errorf("Localizer(%q, %q).Lang() = %q, want %q", tt.accept, tt.uiLocales, got, tt.want)
			}
		})
	}
}

func TestT(t *testing.T) {
	b := newBundle(t)
	en := b.Localizer("en")
	de := b.Localizer("de")
	tests := []struct {
		name string
		loc  *Localizer
		id   string
		data map[string]any
		want string
	}{
		{"english message", en, "signin.title", nil, "Sign in"},
		{"german message", de, "signin.title", nil, "Anmelden"},
		{"german outbox", de, "outbox.title", nil, "Demo-Postausgang"},
		{"count one", en, "policy.min_length", map[string]any{"Count": 1}, "be at least 1 character long"},
		{"unknown id returns id", en, "no.such.message", nil, "no.such.message"},
		{"unknown id in german returns id", de, "no.such.message", nil, "no.such.message"},
		{"template data", en, "account.signed_in_as", map[string]any{"Name": "ana"}, "Signed in as ana"},
		{"template data in german", de, "account.signed_in_as", map[string]any{"Name": "ana"}, "Angemeldet als ana"},
		{"count", en, "policy.min_length", map[string]any{"Count": 12}, "be at least 12 characters long"},
		{"bad count type returns id", en, "policy.min_length", map[string]any{"Count": []int{1}}, "policy.min_length"},
		{"data is not re-parsed as a template", en, "account.signed_in_as", map[string]any{"Name": "{{.Name}}<b>"}, "Signed in as {{.Name}}<b>"},
		{"nil localizer returns id", nil, "signin.title", nil, "signin.title"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			if tt.data != nil {
				got = tt.loc.T(tt.id, tt.data)
			} else {
				got = tt.loc.T(tt.id)
			}
			if got != tt.want {
				t.Errorf("T(%q) = %q, want %q", tt.id, got, tt.want)
			}
		})
	}
	var nilLoc *Localizer
	if got := nilLoc.Lang(); got != "en" {
		t.Errorf("nil Localizer Lang() = %q, want en", got)
	}
}

func TestNewFromFSErrors(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
	}{
		{"no english catalog", fstest.MapFS{"l/active.de.toml": {Data: []byte(`"a" = "b"`)}}},
		{"broken toml", fstest.MapFS{"l/active.en.toml": {Data: []byte(`"a" = `)}}},
		{"no catalogs", fstest.MapFS{"l/readme.txt": {Data: []byte(`x`)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := newFromFS(tt.fsys, "l"); err == nil {
				t.Error("newFromFS succeeded, want an error")
			}
		})
	}
}

// catalogIDs reads the message ids of one catalog file directly.
func catalogIDs(t *testing.T, lang string) map[string]bool {
	t.Helper()
	raw, err := fs.ReadFile(locales, "locales/active."+lang+".toml")
	if err != nil {
		t.Fatalf("read %s catalog: %v", lang, err)
	}
	var m map[string]any
	if err := toml.Unmarshal(raw, &m); err != nil {
		t.Fatalf("parse %s catalog: %v", lang, err)
	}
	ids := map[string]bool{}
	for id := range m {
		ids[id] = true
	}
	return ids
}

func TestOtherLanguagesOnlyUseEnglishIDs(t *testing.T) {
	en := catalogIDs(t, "en")
	for _, lang := range newBundle(t).Languages()[1:] {
		for id := range catalogIDs(t, lang) {
			if !en[id] {
				t.Errorf("%s catalog has %q, which the English catalog lacks", lang, id)
			}
		}
	}
}

// messageCall finds literal message ids passed to a T method: p.T("id") or
// loc.T("id", data).
var messageCall = regexp.MustCompile(`\bT\("([^"]+)"`)

func TestEveryIDUsedInViewsExists(t *testing.T) {
	en := catalogIDs(t, "en")
	files, err := filepath.Glob(filepath.Join("..", "views", "*"))
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, f := range files {
		if !strings.HasSuffix(f, ".templ") && !(strings.HasSuffix(f, ".go") && !strings.HasSuffix(f, "_templ.go")) {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range messageCall.FindAllStringSubmatch(string(src), -1) {
			found++
			if !en[m[1]] {
				t.Errorf("%s uses message %q, missing from active.en.toml", filepath.Base(f), m[1])
			}
		}
	}
	if found < 50 {
		t.Errorf("found only %d message ids in views; is the scan broken?", found)
	}
}

func TestSignInErrorMessagesExist(t *testing.T) {
	en := catalogIDs(t, "en")
	want := []string{
		"error.NotAuthorized.WrongCredentials", "error.NotAuthorized.UserDisabled",
		"error.NotAuthorized.PasswordAttemptsExceeded", "error.NotAuthorized.TempPasswordExpired",
		"error.SessionExpired", "error.CodeMismatch", "error.ExpiredCode", "error.InvalidPassword",
		"error.PasswordHistory", "error.LimitExceeded", "error.TooManyFailedAttempts",
		"error.TooManyRequests", "error.EnableSoftwareTokenMFA", "error.CodeDeliveryFailure",
		"error.InvalidParameter", "error.UserNotConfirmed", "error.PasswordResetRequired",
		"error.Internal", "error.CSRF", "error.NotFound", "error.BadRequest",
	}
	for _, id := range want {
		if !en[id] {
			t.Errorf("English catalog lacks %q", id)
		}
	}
	loc := newBundle(t).Localizer("en")
	if got, want := loc.T("error.SessionExpired"), "Your sign-in took too long, so we started again. Please re-enter your password."; got != want {
		t.Errorf("error.SessionExpired = %q, want %q", got, want)
	}
}

func TestCatalogMessagesAreNotEmpty(t *testing.T) {
	b := newBundle(t)
	for _, lang := range b.Languages() {
		loc := b.Localizer(lang)
		ids := catalogIDs(t, lang)
		keys := make([]string, 0, len(ids))
		for id := range ids {
			keys = append(keys, id)
		}
		sort.Strings(keys)
		for _, id := range keys {
			if got := loc.T(id, map[string]any{"Count": 2}); got == "" || got == id {
				t.Errorf("%s: T(%q) = %q, want a sentence", lang, id, got)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
