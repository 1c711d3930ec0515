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
	"strings"
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
}

// T returns the message for id in the page's language (see Translator.T).
func (p Page) T(id string, data ...map[string]any) string {
	if p.L == nil {
		return id
	}
	return p.L.T(id, data...)
}

// Lang returns the language tag for <html lang>, "en" by default.
func (p Page) Lang() string {
	if p.L == nil || p.L.Lang() == "" {
		return "en"
	}
	return p.L.Lang()
}

// Asset returns the URL of a static file such as "css/app.css".
func (p Page) Asset(name string) string {
	if p.Assets == nil {
		return StaticPrefix + strings.TrimPrefix(name, "/")
	}
	return p.Assets.URL(name)
}
