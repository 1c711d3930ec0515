package views

import (
	"slices"
	"time"
)

// newestFirst returns the messages sorted by time, newest first, leaving the
// caller's slice untouched.
func newestFirst(msgs []OutboxMessage) []OutboxMessage {
	out := slices.Clone(msgs)
	slices.SortStableFunc(out, func(a, b OutboxMessage) int { return b.SentAt.Compare(a.SentAt) })
	return out
}

// timeAttr formats a time for <time datetime>.
func timeAttr(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// timeText formats a time for reading, in the page's language (Page.DateTime).
func timeText(p Page, t time.Time) string { return p.DateTime(t) }

// mediumLabel names a delivery medium.
func mediumLabel(p Page, medium string) string {
	switch medium {
	case "SMS":
		return p.T("outbox.medium.SMS")
	case "EMAIL":
		return p.T("outbox.medium.EMAIL")
	default:
		return medium
	}
}
