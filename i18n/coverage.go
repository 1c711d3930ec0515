package i18n

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// Coverage is how one catalog compares with the English one.
type Coverage struct {
	// Lang is the catalog's language tag.
	Lang string
	// Total is the number of English message ids.
	Total int
	// Missing are the English ids the catalog lacks; Extra the ids English lacks. Both sorted.
	Missing, Extra []string
}

// CatalogCoverage compares every embedded catalog with the English one (make i18n-missing).
func CatalogCoverage() ([]Coverage, error) {
	return coverageFS(locales, "locales")
}

func coverageFS(fsys fs.FS, dir string) ([]Coverage, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "active.*.toml"))
	if err != nil {
		return nil, err
	}
	ids := map[string]map[string]bool{}
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := toml.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", name, err)
		}
		lang := strings.TrimSuffix(strings.TrimPrefix(path.Base(name), "active."), ".toml")
		ids[lang] = map[string]bool{}
		for id := range m {
			ids[lang][id] = true
		}
	}
	en := ids[DefaultLanguage]
	var out []Coverage
	for lang, have := range ids {
		if lang == DefaultLanguage {
			continue
		}
		c := Coverage{Lang: lang, Total: len(en)}
		for id := range en {
			if !have[id] {
				c.Missing = append(c.Missing, id)
			}
		}
		for id := range have {
			if !en[id] {
				c.Extra = append(c.Extra, id)
			}
		}
		slices.Sort(c.Missing)
		slices.Sort(c.Extra)
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Coverage) int { return strings.Compare(a.Lang, b.Lang) })
	return out, nil
}
