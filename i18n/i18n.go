// Package i18n holds Bridgekeeper's message catalogs and picks the language a
// person reads them in.
//
// Every sentence a person sees lives in locales/active.<lang>.toml, keyed by a
// dotted message id such as "signin.title" or "error.CodeMismatch". English is
// the complete reference catalog; other languages may be partial and fall back
// to English message by message.
//
//	bundle, err := i18n.New()
//	loc := bundle.Localizer(r.Header.Get("Accept-Language"), uiLocales)
//	loc.T("signin.title")                                     // "Sign in"
//	loc.T("signin.signed_in_as", map[string]any{"Name": "ana"}) // uses {{.Name}}
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// locales holds the catalogs, one file per language: active.<tag>.toml.
//
//go:embed locales/*.toml
var locales embed.FS

// DefaultLanguage is the language of the complete catalog and the fallback for
// every message missing in another language.
const DefaultLanguage = "en"

// LanguageNameID is the message naming each catalog's language in itself ("Deutsch"), as the
// language picker lists it.
const LanguageNameID = "language.name"

// Bundle is the set of loaded catalogs. It is safe for concurrent use and is
// meant to be built once at start-up and shared.
type Bundle struct {
	bundle  *goi18n.Bundle
	tags    []language.Tag // supported languages, DefaultLanguage first
	matcher language.Matcher
	// printers format numbers in each language's digits and grouping (numbers.go).
	printers map[string]*message.Printer
}

// New loads every embedded catalog. It fails if a catalog does not parse.
func New() (*Bundle, error) {
	return newFromFS(locales, "locales")
}

// newFromFS loads every active.*.toml file in dir of fsys.
func newFromFS(fsys fs.FS, dir string) (*Bundle, error) {
	def := language.Make(DefaultLanguage)
	b := goi18n.NewBundle(def)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)

	names, err := fs.Glob(fsys, path.Join(dir, "active.*.toml"))
	if err != nil {
		return nil, fmt.Errorf("i18n: list catalogs: %w", err)
	}
	hasDefault := false
	var others []language.Tag
	for _, name := range names {
		mf, err := b.LoadMessageFileFS(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("i18n: load catalog %s: %w", name, err)
		}
		if mf.Tag == def {
			hasDefault = true
			continue
		}
		others = append(others, mf.Tag)
	}
	if !hasDefault {
		return nil, fmt.Errorf("i18n: no %s catalog in %s", DefaultLanguage, dir)
	}
	sort.Slice(others, func(i, j int) bool { return others[i].String() < others[j].String() })
	tags := append([]language.Tag{def}, others...)
	return &Bundle{bundle: b, tags: tags, matcher: language.NewMatcher(tags), printers: printers(tags)}, nil
}

// Languages lists the supported language tags, the default language first.
func (b *Bundle) Languages() []string {
	out := make([]string, len(b.tags))
	for i, t := range b.tags {
		out[i] = t.String()
	}
	return out
}

// Localizer picks the best supported language for one request. uiLocales
// (the OpenID Connect ui_locales parameter: space-separated tags, most
// preferred first) come before acceptLanguage (an HTTP Accept-Language header
// value) in the order of preference. Unparsable entries are skipped; when
// nothing supported is asked for, the default language is used.
func (b *Bundle) Localizer(acceptLanguage string, uiLocales ...string) *Localizer {
	var wanted []language.Tag
	for _, ui := range uiLocales {
		for _, f := range strings.Fields(ui) {
			if t, err := language.Parse(f); err == nil {
				wanted = append(wanted, t)
			}
		}
	}
	if acceptLanguage != "" {
		if tags, _, err := language.ParseAcceptLanguage(acceptLanguage); err == nil {
			wanted = append(wanted, tags...)
		}
	}
	tag := b.tags[0]
	if len(wanted) > 0 {
		if _, i, conf := b.matcher.Match(wanted...); conf != language.No {
			tag = b.tags[i]
		}
	}
	return &Localizer{loc: goi18n.NewLocalizer(b.bundle, tag.String()), lang: tag.String(), printer: b.printers[tag.String()]}
}

// Localizer translates message ids into one language. A nil *Localizer is
// valid and returns message ids unchanged.
type Localizer struct {
	loc     *goi18n.Localizer
	lang    string
	printer *message.Printer
}

// T returns the message with the given id in the localizer's language,
// falling back to English when the language lacks it, and to the id itself
// when no catalog has it (so gaps are visible, never a panic). data, if given,
// fills the message's template fields ({{.Name}}); a "Count" entry also
// selects the plural form.
func (l *Localizer) T(id string, data ...map[string]any) string {
	if l == nil || l.loc == nil {
		return id
	}
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	if len(data) > 0 && data[0] != nil {
		cfg.TemplateData = l.numbers(data[0])
		if n, ok := data[0]["Count"]; ok {
			cfg.PluralCount = n
		}
	}
	// A message found only in the fallback language comes back with a
	// MessageNotFoundErr and the English text: the text is what we want.
	out, err := l.loc.Localize(cfg)
	if out == "" && err != nil {
		return id
	}
	return out
}

// Lang is the BCP 47 tag of the selected language, for the html lang attribute.
func (l *Localizer) Lang() string {
	if l == nil || l.lang == "" {
		return DefaultLanguage
	}
	return l.lang
}
