package i18n

import (
	"slices"
	"testing"
	"testing/fstest"
)

func TestCoverage(t *testing.T) {
	fsys := fstest.MapFS{
		"l/active.en.toml": {Data: []byte(`"a" = "A"` + "\n" + `"b" = "B"` + "\n")},
		"l/active.de.toml": {Data: []byte(`"a" = "A"` + "\n" + `"z" = "Z"` + "\n")},
	}
	cov, err := coverageFS(fsys, "l")
	if err != nil {
		t.Fatal(err)
	}
	if len(cov) != 1 || cov[0].Lang != "de" || cov[0].Total != 2 || !slices.Equal(cov[0].Missing, []string{"b"}) || !slices.Equal(cov[0].Extra, []string{"z"}) {
		t.Errorf("coverage %+v", cov)
	}
	if _, err := CatalogCoverage(); err != nil {
		t.Errorf("embedded catalogs: %v", err)
	}
}
