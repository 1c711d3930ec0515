package views

import (
	"context"
	"io"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/i18n"
	"github.com/bridgekeeper/bridgekeeper/static"
)

// BenchmarkSignInPage renders the sign-in page as GET /authorize answers it: the real catalog and
// asset manifest, every language in the picker, an app named above the form; rendered
// (SignInPage) and written from the kept page (SignInPages).
func BenchmarkSignInPage(b *testing.B) {
	bundle, err := i18n.New()
	if err != nil {
		b.Fatal(err)
	}
	assets, err := static.NewManifest(static.FS, StaticPrefix)
	if err != nil {
		b.Fatal(err)
	}
	var langs []Language
	for _, t := range bundle.Languages() {
		langs = append(langs, Language{Tag: t, Name: bundle.LanguageName(t)})
	}
	choices := NewLanguages(langs)
	m := SignIn{Action: "/signin", ForgotPasswordURL: "/forgot"}
	pages := NewSignInPages("/signin")
	for _, kept := range []bool{false, true} {
		for _, lang := range []string{"en", "de", "ar", "ja"} {
			name := lang
			if kept {
				name += "/kept"
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					p := Page{
						L: bundle.Localizer(lang), CSRF: "csrf-token-0123456789abcdef", Assets: assets, HomeURL: "/",
						Picker: LanguagePicker{Action: "/language", Return: "/signin", Languages: choices}, App: "Demo app",
					}
					c := SignInPage(p, m)
					if kept {
						c = pages.Page(p, m)
					}
					if err := c.Render(context.Background(), io.Discard); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
