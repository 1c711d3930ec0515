package views

import (
	"strings"
	"testing"
	"time"
)

// TestDatesInThePageLanguage: the admin audit and the account's passkeys show their dates in the
// page's language (and the machine-readable <time datetime> stays RFC 3339).
func TestDatesInThePageLanguage(t *testing.T) {
	at := time.Date(2026, 3, 4, 9, 7, 0, 0, time.UTC)
	for _, tt := range []struct{ lang, dateTime, date string }{
		{"en", "2026-03-04 09:07 UTC", "2026-03-04"},
		{"de", "04.03.2026 09:07 UTC", "04.03.2026"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			p := testPage(t, tt.lang)
			out, _ := render(t, AdminAuditPage(p, AdminAudit{Entries: []AdminAuditEntry{{At: at, Actor: "admin", Action: "disable", Target: "ana", Result: "ok"}}}))
			if !strings.Contains(out, `<time datetime="2026-03-04T09:07:00Z">`+tt.dateTime+`</time>`) {
				t.Errorf("the audit entry's time is not %q: %s", tt.dateTime, out)
			}
			if got := p.Date(at); got != tt.date {
				t.Errorf("Date = %q, want %q", got, tt.date)
			}
		})
	}
}
