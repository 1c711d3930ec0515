package i18n

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// languageCount finds the README's "complete for N languages".
var languageCount = regexp.MustCompile(`complete for (\d+) languages`)

// TestReadmeListsEveryLanguage: the README's languages paragraph (the one list of languages in
// the docs) names every catalog by its tag and gives their true number.
func TestReadmeListsEveryLanguage(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := strings.Join(strings.Fields(string(raw)), " ")
	langs := newBundle(t).Languages()
	m := languageCount.FindStringSubmatch(readme)
	if m == nil {
		t.Fatal(`README lacks "complete for N languages"`)
	}
	if want := fmt.Sprint(len(langs)); m[1] != want {
		t.Errorf("README says %s languages; there are %s catalogs", m[1], want)
	}
	for _, lang := range langs {
		if !strings.Contains(readme, "(`"+lang+"`") {
			t.Errorf("README's language list lacks (`%s`", lang)
		}
	}
}
