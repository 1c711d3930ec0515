package oidc

import (
	"testing"

	"github.com/bridgekeeper/bridgekeeper/i18n"
)

// TestPageTextsAreInTheCatalog: every text the provider shows a person is a message of the
// English catalog with the same English as the table, so the pages (which look the ids up) and the
// plain-text default renderer (which uses the table) say the same thing.
func TestPageTextsAreInTheCatalog(t *testing.T) {
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	en := bundle.Localizer("en")
	seen := map[MessageID]bool{}
	for _, pt := range pageTexts() {
		if seen[pt.id] {
			t.Errorf("%s is twice in the table", pt.id)
		}
		seen[pt.id] = true
		if got := en.T(string(pt.id)); got != pt.english {
			t.Errorf("%s: the English catalog says %q, the table %q", pt.id, got, pt.english)
		}
		if got := pt.id.English(); got != pt.english {
			t.Errorf("%s.English() = %q, want %q", pt.id, got, pt.english)
		}
	}
	if got := MessageID("no.such.id").English(); got != "no.such.id" {
		t.Errorf("an unknown id's English is %q, want the id", got)
	}
}
