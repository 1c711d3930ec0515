package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/i18n"
)

// TestDemoBannerQuotesTheRememberLabel: the demo's banner names the "remember" checkbox by the
// label the code pages really show (the English catalog's code.remember_device).
func TestDemoBannerQuotesTheRememberLabel(t *testing.T) {
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	label, _, _ := strings.Cut(b.Localizer("en").T("code.remember_device"), ",")
	var out bytes.Buffer
	printDemo(&out, "http://127.0.0.1:8080", &demoSeed{}, false, "USER_SRP_AUTH")
	if !strings.Contains(out.String(), `"`+label+`"`) {
		t.Errorf("the banner does not quote the page's label %q:\n%s", label, out.String())
	}
}
