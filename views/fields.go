package views

import (
	"strings"

	"github.com/a-h/templ"
)

// Problem is one entry of an error summary.
type Problem struct {
	// Message is the localised sentence.
	Message string
	// FieldID is the id of the input the problem belongs to; empty for a
	// problem with the whole form.
	FieldID string
}

// field describes one labelled input for inputField.
type field struct {
	ID           string
	Name         string
	Type         string // "text" when empty
	Label        string
	Value        string
	Autocomplete string
	Help         string
	Error        string
	Class        string
	Required     bool
	Optional     bool // adds "(optional)" to the label
	Autofocus    bool
	Attrs        templ.Attributes
	// DescribedBy are ids of further text describing the input (such as a
	// password policy), read before its help and error.
	DescribedBy []string
}

func (f field) inputType() string {
	if f.Type == "" {
		return "text"
	}
	return f.Type
}

// describedBy lists the ids of the help and error texts for aria-describedby.
func (f field) describedBy() string {
	ids := append([]string(nil), f.DescribedBy...)
	if f.Help != "" {
		ids = append(ids, f.ID+"-help")
	}
	if f.Error != "" {
		ids = append(ids, f.ID+"-error")
	}
	return strings.Join(ids, " ")
}

// inputID turns a form field name into a safe, readable element id.
func inputID(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteRune('-')
		}
	}
	return b.String()
}

// problems builds an error summary: the general error first, then the field
// errors in the order of the form's fields (names).
func problems(general string, errs FieldErrors, names ...string) []Problem {
	var out []Problem
	if general != "" {
		out = append(out, Problem{Message: general})
	}
	for _, n := range names {
		if msg := errs[n]; msg != "" {
			out = append(out, Problem{Message: msg, FieldID: inputID(n)})
		}
	}
	return out
}

// hasProblems reports whether the page starts with an error summary (which
// then takes focus instead of the first input).
func hasProblems(general string, errs FieldErrors) bool {
	if general != "" {
		return true
	}
	for _, msg := range errs {
		if msg != "" {
			return true
		}
	}
	return false
}

// newPasswordFieldNames lists the new-password form's fields in page order.
func newPasswordFieldNames(m NewPassword) []string {
	names := []string{FieldPassword, FieldPasswordConfirm}
	for _, a := range m.Attributes {
		names = append(names, AttributeFieldName(a.Name))
	}
	return names
}

// policyIDs returns the id of the password policy list when there is one.
func policyIDs(hasPolicy bool) []string {
	if !hasPolicy {
		return nil
	}
	return []string{"password-policy"}
}
