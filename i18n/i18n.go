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
	"sync"

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

// Bundle is the set of catalogs. It is safe for concurrent use and is meant to be built once at
// start-up and shared. English (and every language a deployment overrides) is parsed when the
// bundle is built; every other catalog on first use, so a process keeps in memory only the
// languages its visitors read.
type Bundle struct {
	catalogs map[language.Tag]*catalog
	tags     []language.Tag // supported languages, DefaultLanguage first
	matcher  language.Matcher
	names    map[string]string // each language's own name (LanguageNameID), by tag
}

// catalog is one language's messages: the embedded file and any override files, parsed once.
type catalog struct {
	tag     language.Tag
	sources []source
	// localizer parses the sources on its first call (sync.OnceValues) and returns the messages
	// of this language alone; English fallback is Localizer's.
	localizer func() (*messages, error)
	// printer writes numbers in the language, made on its first call (sync.OnceValue) and
	// shared by every Localizer of the language (a message.Printer is not changed by use).
	printer func() *message.Printer
}

// messages is one language's parsed catalog. It is immutable once parsed.
type messages struct {
	loc *goi18n.Localizer
	// plain is, for each message id the language has, what its Localize gives without template
	// data, worked out once when the catalog is parsed: T without data is then one map lookup,
	// where go-i18n matches the language and runs the message's template on every call. An id
	// whose Localize fails with nothing to show is left out (T falls back as Localize would).
	plain map[string]string
}

// source is one catalog file: its name (active.<tag>.toml, which names the language) and content.
type source struct {
	name string
	data func() ([]byte, error)
}

// New lists every embedded catalog and loads the English one. It fails if a catalog does not
// parse as TOML or there is no English catalog.
func New() (*Bundle, error) {
	b, err := newFromFS(locales, "locales")
	if err != nil {
		return nil, err
	}
	return b, b.loadEarly()
}

// newFromFS lists every active.*.toml file in dir of fsys, reading each once for its language's
// name (which also checks it is TOML); nothing is parsed into messages yet.
func newFromFS(fsys fs.FS, dir string) (*Bundle, error) {
	def := language.Make(DefaultLanguage)
	names, err := fs.Glob(fsys, path.Join(dir, "active.*.toml"))
	if err != nil {
		return nil, fmt.Errorf("i18n: list catalogs: %w", err)
	}
	b := &Bundle{catalogs: map[language.Tag]*catalog{}, names: map[string]string{}}
	var others []language.Tag
	for _, name := range names {
		lang := strings.TrimSuffix(strings.TrimPrefix(path.Base(name), "active."), ".toml")
		tag, err := language.Parse(lang)
		if err != nil {
			return nil, fmt.Errorf("i18n: catalog %s: %w", name, err)
		}
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("i18n: read catalog %s: %w", name, err)
		}
		var head struct {
			Name string `toml:"language.name"`
		}
		if err := toml.Unmarshal(raw, &head); err != nil {
			return nil, fmt.Errorf("i18n: load catalog %s: %w", name, err)
		}
		if head.Name != "" {
			b.names[tag.String()] = strings.Clone(head.Name) // not a view of the whole file
		}
		c := &catalog{tag: tag, sources: []source{{name: name, data: func() ([]byte, error) { return fs.ReadFile(fsys, name) }}}}
		c.localizer = sync.OnceValues(c.parse)
		c.printer = sync.OnceValue(func() *message.Printer { return message.NewPrinter(tag) })
		b.catalogs[tag] = c
		if tag != def {
			others = append(others, tag)
		}
	}
	if b.catalogs[def] == nil {
		return nil, fmt.Errorf("i18n: no %s catalog in %s", DefaultLanguage, dir)
	}
	sort.Slice(others, func(i, j int) bool { return others[i].String() < others[j].String() })
	b.tags = append([]language.Tag{def}, others...)
	b.matcher = language.NewMatcher(b.tags)
	return b, nil
}

// loadEarly parses English and every catalog with more than its embedded file (overrides), so
// their errors show at start.
func (b *Bundle) loadEarly() error {
	for _, t := range b.tags {
		if c := b.catalogs[t]; t == b.tags[0] || len(c.sources) > 1 {
			if _, err := c.localizer(); err != nil {
				return err
			}
		}
	}
	return nil
}

// parse reads the catalog's sources, in order (later ones replace messages of earlier ones).
func (c *catalog) parse() (*messages, error) {
	b := goi18n.NewBundle(c.tag)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	var ids []string
	for _, src := range c.sources {
		raw, err := src.data()
		if err != nil {
			return nil, fmt.Errorf("i18n: read catalog %s: %w", src.name, err)
		}
		mf, err := b.ParseMessageFileBytes(raw, src.name)
		if err != nil {
			return nil, fmt.Errorf("i18n: load catalog %s: %w", src.name, err)
		}
		if mf.Tag != c.tag {
			return nil, fmt.Errorf("i18n: catalog %s is for %s, not %s", src.name, mf.Tag, c.tag)
		}
		for _, m := range mf.Messages {
			ids = append(ids, m.ID)
		}
	}
	m := &messages{loc: goi18n.NewLocalizer(b, c.tag.String()), plain: make(map[string]string, len(ids))}
	for _, id := range ids {
		if out, err := m.loc.Localize(&goi18n.LocalizeConfig{MessageID: id}); out != "" || err == nil {
			m.plain[id] = out
		}
	}
	return m, nil
}

// LanguageName is the language's name in itself ("Deutsch"): the catalog's LanguageNameID
// message, English's when the catalog lacks it. It parses no catalog.
func (b *Bundle) LanguageName(tag string) string {
	if n, ok := b.names[tag]; ok {
		return n
	}
	return b.names[DefaultLanguage]
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
	// English loaded in New; another catalog that fails to load (the tests load every one)
	// leaves its language in English.
	english, _ := b.catalogs[b.tags[0]].localizer()
	l := &Localizer{fallback: english, lang: tag.String(), printer: b.catalogs[tag].printer()}
	if tag != b.tags[0] {
		l.loc, _ = b.catalogs[tag].localizer()
	}
	return l
}

// Localizer translates message ids into one language. A nil *Localizer is
// valid and returns message ids unchanged.
type Localizer struct {
	loc      *messages // the language's own messages; nil for English
	fallback *messages // English
	lang     string
	printer  *message.Printer // numbers in the language
}

// T returns the message with the given id in the localizer's language,
// falling back to English when the language lacks it, and to the id itself
// when no catalog has it (so gaps are visible, never a panic). data, if given,
// fills the message's template fields ({{.Name}}); a "Count" entry also
// selects the plural form.
func (l *Localizer) T(id string, data ...map[string]any) string {
	if l == nil || l.fallback == nil {
		return id
	}
	if len(data) == 0 || data[0] == nil {
		return l.plain(id)
	}
	cfg := &goi18n.LocalizeConfig{MessageID: id, TemplateData: l.numbers(data[0])}
	if n, ok := data[0]["Count"]; ok {
		cfg.PluralCount = n
	}
	// A message the language lacks comes from English.
	if l.loc != nil {
		if out, err := l.loc.loc.Localize(cfg); out != "" || err == nil {
			return out
		}
	}
	out, err := l.fallback.loc.Localize(cfg)
	if out == "" && err != nil {
		return id
	}
	return out
}

// plain is T without data: the language's message, else English's, else the id.
func (l *Localizer) plain(id string) string {
	if l.loc != nil {
		if out, ok := l.loc.plain[id]; ok {
			return out
		}
	}
	if out, ok := l.fallback.plain[id]; ok {
		return out
	}
	return id
}

// Lang is the BCP 47 tag of the selected language, for the html lang attribute.
func (l *Localizer) Lang() string {
	if l == nil || l.lang == "" {
		return DefaultLanguage
	}
	return l.lang
}
