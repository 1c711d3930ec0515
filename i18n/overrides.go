package i18n

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"golang.org/x/text/language"
)

// OverrideFilePattern is how a text-override file in branding.messages_dir is named: like the
// built-in catalogs, active.<lang>.toml ("active.de.toml"), one per language.
const OverrideFilePattern = "active.<lang>.toml"

// maxOverrideFile bounds one override file (it is read into memory at start-up).
const maxOverrideFile = 1 << 20

// placeholderRE finds template fields such as {{.Name}}.
var placeholderRE = regexp.MustCompile(`\{\{\s*\.([A-Za-z0-9_]+)\s*\}\}`)

// placeholders lists the distinct template fields of a message text, sorted.
func placeholders(s string) []string {
	var out []string
	for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	slices.Sort(out)
	return out
}

// override is one checked override file.
type override struct {
	name string // file name, active.<lang>.toml
	lang string // <lang>
	data []byte
}

// NewWithOverrides is New followed by the deployment's text overrides from dir (the setting
// branding.messages_dir; "" for none): each file replaces messages of its language. It fails,
// naming every problem, when CheckOverrides does.
func NewWithOverrides(dir string) (*Bundle, error) {
	if dir == "" {
		return New()
	}
	b, err := newFromFS(locales, "locales")
	if err != nil {
		return nil, err
	}
	files, err := b.checkOverrides(dir)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		tag, _ := language.Parse(f.lang) // checkOverrides parsed it
		c := b.catalogs[tag]
		c.sources = append(c.sources, source{name: f.name, data: func() ([]byte, error) { return f.data, nil }})
	}
	return b, b.loadEarly() // the overridden languages too, so their errors show now
}

// CheckOverrides validates the text-override files in dir without loading them: every file must
// be named active.<lang>.toml for a language Bridgekeeper has, parse as TOML, and hold only
// message ids the English catalog has, with no template field the English message lacks. The
// error names each problem with its file.
func CheckOverrides(dir string) error {
	b, err := New()
	if err != nil {
		return err
	}
	_, err = b.checkOverrides(dir)
	return err
}

func (b *Bundle) checkOverrides(dir string) ([]override, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot be read: %w", err)
	}
	english, err := englishFields()
	if err != nil {
		return nil, err
	}
	var (
		problems []error
		files    []override
	)
	bad := func(name, format string, args ...any) {
		problems = append(problems, fmt.Errorf("%s: "+format, append([]any{name}, args...)...))
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		lang, ok := strings.CutSuffix(strings.TrimPrefix(name, "active."), ".toml")
		if !strings.HasPrefix(name, "active.") || !ok || lang == "" {
			bad(name, "is not named %s", OverrideFilePattern)
			continue
		}
		if !b.has(lang) {
			bad(name, "unknown language %q (Bridgekeeper has %s)", lang, strings.Join(b.Languages(), ", "))
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		switch {
		case err != nil:
			bad(name, "cannot be read: %v", err)
			continue
		case len(data) > maxOverrideFile:
			bad(name, "is %d KiB; at most %d KiB", len(data)>>10, maxOverrideFile>>10)
			continue
		}
		var msgs map[string]any
		if err := toml.Unmarshal(data, &msgs); err != nil {
			bad(name, "is not valid TOML: %v", err)
			continue
		}
		ids := make([]string, 0, len(msgs))
		for id := range msgs {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			want, known := english[id]
			if !known {
				bad(name, "unknown message id %q", id)
				continue
			}
			texts, ok := messageTexts(msgs[id])
			if !ok {
				bad(name, "%q must be a text or a table of plural forms", id)
				continue
			}
			for _, text := range texts {
				for _, f := range placeholders(text) {
					if !slices.Contains(want, f) {
						bad(name, "%q uses {{.%s}}, which the English message lacks", id, f)
					}
				}
			}
		}
		files = append(files, override{name: path.Base(name), lang: lang, data: data})
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	return files, nil
}

// has reports whether the bundle has a catalog for the language tag lang, written as its file
// name writes it ("pt-BR").
func (b *Bundle) has(lang string) bool {
	t, err := language.Parse(lang)
	if err != nil {
		return false
	}
	return slices.Contains(b.tags, t)
}

// englishFields maps every English message id to the template fields its forms use.
func englishFields() (map[string][]string, error) {
	raw, err := locales.ReadFile(path.Join("locales", "active."+DefaultLanguage+".toml"))
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	var msgs map[string]any
	if err := toml.Unmarshal(raw, &msgs); err != nil {
		return nil, fmt.Errorf("i18n: English catalog: %w", err)
	}
	out := make(map[string][]string, len(msgs))
	for id, v := range msgs {
		texts, _ := messageTexts(v)
		var fields []string
		for _, t := range texts {
			for _, f := range placeholders(t) {
				if !slices.Contains(fields, f) {
					fields = append(fields, f)
				}
			}
		}
		out[id] = fields
	}
	return out, nil
}

// messageTexts are a catalog value's texts: the text itself, or each plural form's.
func messageTexts(v any) ([]string, bool) {
	switch m := v.(type) {
	case string:
		return []string{m}, true
	case map[string]any:
		var out []string
		for _, f := range m {
			s, ok := f.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, len(out) > 0
	}
	return nil, false
}
