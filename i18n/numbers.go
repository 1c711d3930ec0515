package i18n

import (
	"strconv"
	"time"

	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// Numbers and dates a person reads are written the way their language writes them: whole numbers
// in messages ("Try again in {{.Count}} minutes") with the language's digits and grouping
// (golang.org/x/text: "1,500", "1.500", "١٬٥٠٠"), and dates in the short numeric form the catalog
// gives for the language (DateID: "2026-12-01", "01.12.2026", "2026/12/01"), with the time of day
// in 24 hours and UTC, as the service knows no one's time zone.

// DateID is the catalog message that lays out a date from {{.Year}}, {{.Month}} and {{.Day}}
// (four and two digits).
const DateID = "format.date"

// numbers is data with each whole number written in the language (the plural form is chosen
// from the number itself). data is not changed.
func (l *Localizer) numbers(data map[string]any) map[string]any {
	var out map[string]any
	for k, v := range data {
		var n int64
		switch v := v.(type) {
		case int:
			n = int64(v)
		case int64:
			n = v
		case int32:
			n = int64(v)
		default:
			continue
		}
		if out == nil {
			out = make(map[string]any, len(data))
			for k, v := range data {
				out[k] = v
			}
		}
		out[k] = l.Number(n)
	}
	if out == nil {
		return data
	}
	return out
}

// numberPrinter formats numbers in the language (nil for a nil Localizer).
func (l *Localizer) numberPrinter() *message.Printer {
	if l == nil {
		return nil
	}
	return l.printer
}

// Number writes n with the language's digits and grouping.
func (l *Localizer) Number(n int64) string {
	p := l.numberPrinter()
	if p == nil {
		return strconv.FormatInt(n, 10)
	}
	return p.Sprint(number.Decimal(n))
}

// digits writes n with the language's digits, at least width of them, without grouping.
func (l *Localizer) digits(n, width int) string {
	p := l.numberPrinter()
	if p == nil {
		s := strconv.Itoa(n)
		for len(s) < width {
			s = "0" + s
		}
		return s
	}
	return p.Sprint(number.Decimal(n, number.NoSeparator(), number.MinIntegerDigits(width)))
}

// Date writes t's date (in UTC) in the language's short numeric form (DateID).
func (l *Localizer) Date(t time.Time) string {
	t = t.UTC()
	return l.T(DateID, map[string]any{"Year": l.digits(t.Year(), 4), "Month": l.digits(int(t.Month()), 2), "Day": l.digits(t.Day(), 2)})
}

// DateTime writes t (in UTC) as its date (Date) and its time of day: "2026-12-01 18:05 UTC".
func (l *Localizer) DateTime(t time.Time) string {
	t = t.UTC()
	return l.Date(t) + " " + l.digits(t.Hour(), 2) + ":" + l.digits(t.Minute(), 2) + " UTC"
}
