// Package views holds every page a person sees, as templ components.
//
// Components take two arguments: a Page (what every page needs: the
// translator, the CSRF token, asset URLs) and a view model (what this page
// shows, filled by a handler). Views contain no logic beyond presentation:
// every sentence comes from the message catalog through Page.T, every form
// action and link comes from the view model, and every POST form carries the
// CSRF token in a hidden field named csrf.FormField.
//
// Text in view models (errors, notices, policy lines) is already localised by
// the handler; message ids are looked up only for the page's fixed wording.
//
// Rendering: views.SignInPage(page, model).Render(ctx, w).
package views

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/a-h/templ"
)

// Translator turns message ids into sentences in one language.
// *i18n.Localizer implements it.
type Translator interface {
	// T returns the message for id, filled with data; the id itself if unknown.
	T(id string, data ...map[string]any) string
	// Lang is the BCP 47 tag of the language, for <html lang>.
	Lang() string
}

// Assets gives the public URL of a static file, with a cache-busting version.
// static.Manifest implements it.
type Assets interface {
	// URL returns the URL of name, a path inside the static file system
	// such as "css/app.css".
	URL(name string) string
}

// StaticPrefix is where static files are served when Page.Assets is nil.
const StaticPrefix = "/static/"

// Page is what every page needs besides its own view model.
type Page struct {
	// L translates the page's wording. Required; a nil L shows message ids.
	L Translator
	// CSRF is the token put into every POST form as csrf.FormField.
	CSRF string
	// Assets resolves static file URLs. Nil serves them from StaticPrefix
	// without a version.
	Assets Assets
	// HomeURL is where the product name in the header links to. Empty
	// renders the name without a link.
	HomeURL string
	// Brand is the deployment's branding; the zero value is the built-in look.
	Brand Brand
	// Picker is the language picker in the footer; it is shown with two or more languages.
	Picker LanguagePicker
	// Refresh, when set, is the URL the page moves on to at once (a meta refresh).
	Refresh string
	// App is the name of the app the sign-in is for ("Sign in to continue to <App>" above the
	// page); empty when no app asked.
	App string
}

// LanguagePicker is a GET form choosing the page's language, which works without JavaScript.
type LanguagePicker struct {
	// Action is where the form goes (?lang=<tag>&return=<Return>).
	Action string
	// Return is the page to come back to.
	Return string
	// Languages are the choices (NewLanguages).
	Languages *Languages
}

// Languages are the language picker's choices, with their <option> elements rendered once for
// each choice being the page's language: the picker is on every page and only its selected
// option changes. Immutable once made, so one value serves every request.
type Languages struct {
	list []Language
	// options are the rendered <option> elements (languageOptions), by the selected tag.
	options map[string]string
}

// NewLanguages renders the picker's options for list, once for each language selected.
func NewLanguages(list []Language) *Languages {
	l := &Languages{list: slices.Clone(list), options: make(map[string]string, len(list))}
	for _, sel := range l.list {
		var b strings.Builder
		if languageOptions(l.list, sel.Tag).Render(context.Background(), &b) == nil {
			l.options[sel.Tag] = b.String()
		}
	}
	return l
}

// Len is the number of choices (0 for nil).
func (l *Languages) Len() int {
	if l == nil {
		return 0
	}
	return len(l.list)
}

// optionsFor is the <option> elements with selected chosen: rendered in NewLanguages, or now
// for a language that is not a choice (then none is selected).
func (l *Languages) optionsFor(selected string) templ.Component {
	if s, ok := l.options[selected]; ok {
		return templ.Raw(s)
	}
	return languageOptions(l.list, selected)
}

// Language is one choice of the picker.
type Language struct {
	// Tag is the BCP 47 tag ("pt-BR").
	Tag string
	// Name is the language's name in itself ("Português").
	Name string
}

// Brand is how the layout presents the deployment (settings branding.*).
type Brand struct {
	// ProductName replaces the catalog's app.name when set.
	ProductName string
	// LogoURL and FaviconURL replace the built-in images when set.
	LogoURL, FaviconURL string
	// Stylesheets are loaded after the built stylesheet (the theme, an extra stylesheet).
	Stylesheets []string
	// Links are the footer links.
	Links []FooterLink
}

// FooterLink is one link in the footer: its label's message id and its URL.
type FooterLink struct {
	LabelID string
	URL     string
}

// ProductName is the name of the service: the brand's, else the catalog's app.name.
func (p Page) ProductName() string {
	if p.Brand.ProductName != "" {
		return p.Brand.ProductName
	}
	return p.T("app.name")
}

// LogoURL is the URL of the header's logo.
func (p Page) LogoURL() string {
	if p.Brand.LogoURL != "" {
		return p.Brand.LogoURL
	}
	return p.Asset("img/logo.svg")
}

// FaviconURL is the URL of the favicon.
func (p Page) FaviconURL() string {
	if p.Brand.FaviconURL != "" {
		return p.Brand.FaviconURL
	}
	return p.Asset("img/favicon.svg")
}

// T returns the message for id in the page's language (see Translator.T).
func (p Page) T(id string, data ...map[string]any) string {
	if p.L == nil {
		return id
	}
	return p.L.T(id, data...)
}

// dateWriter writes dates in the page's language; *i18n.Localizer is one.
type dateWriter interface {
	Date(t time.Time) string
	DateTime(t time.Time) string
}

// Date writes t's date in the page's language ("2026-12-01", "01.12.2026"); ISO 8601 without a
// translator that knows how.
func (p Page) Date(t time.Time) string {
	if d, ok := p.L.(dateWriter); ok {
		return d.Date(t)
	}
	return t.UTC().Format("2006-01-02")
}

// DateTime writes t's date and time of day (UTC) in the page's language ("2026-12-01 18:05 UTC").
func (p Page) DateTime(t time.Time) string {
	if d, ok := p.L.(dateWriter); ok {
		return d.DateTime(t)
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// Lang returns the language tag for <html lang>, "en" by default.
func (p Page) Lang() string {
	if p.L == nil || p.L.Lang() == "" {
		return "en"
	}
	return p.L.Lang()
}

// Dir is the page's writing direction for <html dir>: "rtl" for Arabic, Hebrew, Persian and
// the other right-to-left languages, else "ltr". The stylesheet uses logical properties (start
// and end, not left and right), so the layout mirrors with it.
func (p Page) Dir() string {
	base, _, _ := strings.Cut(strings.ToLower(p.Lang()), "-")
	switch base {
	case "ar", "he", "fa", "ur", "ps", "yi", "dv", "ckb", "sd", "ug":
		return "rtl"
	}
	return "ltr"
}

// Asset returns the URL of a static file such as "css/app.css".
func (p Page) Asset(name string) string {
	if p.Assets == nil {
		return StaticPrefix + strings.TrimPrefix(name, "/")
	}
	return p.Assets.URL(name)
}
