package i18n

import (
	"strings"
	"testing"
	"time"
)

// TestNumbersAndDates: numbers in messages and dates are written the way the page's language
// writes them; the plural form still follows the number.
func TestNumbersAndDates(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 18, 5, 9, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		lang, number, retry, date, dateTime string
	}{
		{"en", "1,500", "We've sent several codes already. Try again in 15 minutes.", "2026-12-01", "2026-12-01 17:05 UTC"},
		{"de", "1.500", "", "01.12.2026", "01.12.2026 17:05 UTC"},
		{"ar", "١٬٥٠٠", "", "٠١/١٢/٢٠٢٦", "٠١/١٢/٢٠٢٦ ١٧:٠٥ UTC"},
		{"ja", "1,500", "", "2026/12/01", "2026/12/01 17:05 UTC"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			l := b.Localizer(tt.lang)
			if got := l.Number(1500); got != tt.number {
				t.Errorf("Number(1500) = %q, want %q", got, tt.number)
			}
			if got := l.Date(at); got != tt.date {
				t.Errorf("Date = %q, want %q", got, tt.date)
			}
			if got := l.DateTime(at); got != tt.dateTime {
				t.Errorf("DateTime = %q, want %q", got, tt.dateTime)
			}
			if other := b.Localizer(tt.lang); other.printer == nil || other.printer != l.printer {
				t.Errorf("the language's number printer is made again for each Localizer")
			}
			// A number in a message: written in the language, its plural form chosen by it.
			one, many := l.T("limit.send.retry", map[string]any{"Count": 1}), l.T("limit.send.retry", map[string]any{"Count": 15})
			if tt.retry != "" && many != tt.retry {
				t.Errorf("limit.send.retry = %q, want %q", many, tt.retry)
			}
			if one == many || !strings.Contains(many, l.Number(15)) || !strings.Contains(one, l.Number(1)) {
				t.Errorf("limit.send.retry: 1 → %q, 15 → %q", one, many)
			}
		})
	}
	// The caller's data is not changed.
	data := map[string]any{"Count": 15}
	b.Localizer("ar").T("limit.send.retry", data)
	if data["Count"] != 15 {
		t.Errorf("T changed its data: %v", data)
	}
}
