package i18n

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// overrideDir writes files (name → content) into a fresh directory.
func overrideDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestOverridesReplaceMessages(t *testing.T) {
	dir := overrideDir(t, map[string]string{
		"active.de.toml": `"signin.title" = "Anmelden bei Northwind"` + "\n" + `"account.signed_in_as" = "Angemeldet: {{.Name}}"`,
		"active.en.toml": `"signin.title" = "Log in to Northwind"`,
		".DS_Store":      "ignored",
	})
	if err := CheckOverrides(dir); err != nil {
		t.Fatalf("CheckOverrides: %v", err)
	}
	b, err := NewWithOverrides(dir)
	if err != nil {
		t.Fatal(err)
	}
	de, en, fr := b.Localizer("de"), b.Localizer("en"), b.Localizer("fr")
	for _, tc := range []struct{ got, want string }{
		{de.T("signin.title"), "Anmelden bei Northwind"},
		{de.T("account.signed_in_as", map[string]any{"Name": "ana"}), "Angemeldet: ana"},
		{en.T("signin.title"), "Log in to Northwind"},
		{fr.T("signin.title"), "Connexion"}, // untouched languages keep their catalog
		{de.T("signin.submit"), "Anmelden"}, // untouched ids too
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestOverridesAreChecked(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"unknown id", map[string]string{"active.de.toml": `"signin.titel" = "x"`}, []string{`active.de.toml: unknown message id "signin.titel"`}},
		{"unknown language", map[string]string{"active.xx.toml": `"signin.title" = "x"`}, []string{`active.xx.toml: unknown language "xx"`}},
		{"a placeholder English lacks", map[string]string{"active.fr.toml": `"signin.title" = "Bonjour {{.Name}}"`}, []string{`active.fr.toml: "signin.title" uses {{.Name}}, which the English message lacks`}},
		{"not an override file", map[string]string{"de.toml": `"signin.title" = "x"`}, []string{"de.toml: is not named active.<lang>.toml"}},
		{"bad TOML", map[string]string{"active.de.toml": `"signin.title" = `}, []string{"active.de.toml: is not valid TOML"}},
		{"not a text", map[string]string{"active.de.toml": `"signin.title" = 3`}, []string{`active.de.toml: "signin.title" must be a text`}},
		{"every problem named", map[string]string{"active.de.toml": `"nope" = "x"`, "active.zz.toml": ""}, []string{`unknown message id "nope"`, `unknown language "zz"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := overrideDir(t, tc.files)
			err := CheckOverrides(dir)
			if err == nil {
				t.Fatal("CheckOverrides accepted it")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if _, err := NewWithOverrides(dir); err == nil {
				t.Error("NewWithOverrides loaded it")
			}
		})
	}
	if err := CheckOverrides(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing directory passes")
	}
}
