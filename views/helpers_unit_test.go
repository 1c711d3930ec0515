package views

import (
	"testing"
	"time"
)

func TestGroupSecret(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"ABC", "ABC"},
		{"ABCD", "ABCD"},
		{"ABCDE", "ABCD E"},
		{"JBSWY3DPEHPK3PXP", "JBSW Y3DP EHPK 3PXP"},
	}
	for _, tt := range tests {
		if got := groupSecret(tt.in); got != tt.want {
			t.Errorf("groupSecret(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHumanizeAttribute(t *testing.T) {
	tests := []struct{ in, want string }{
		{"custom:cost_centre", "Cost centre"},
		{"custom:team", "Team"},
		{"dev:custom:x", "Dev:custom:x"},
		{"custom:ärger", "Ärger"},
		{"", ""},
		{"custom:", ""},
	}
	for _, tt := range tests {
		if got := humanizeAttribute(tt.in); got != tt.want {
			t.Errorf("humanizeAttribute(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAttributeInputs(t *testing.T) {
	p := testPage(t)
	tests := []struct {
		name, typ, autocomplete, label string
	}{
		{"email", "email", "email", "Email address"},
		{"phone_number", "tel", "tel", "Mobile phone number"},
		{"name", "text", "name", "Full name"},
		{"given_name", "text", "given-name", "First name"},
		{"family_name", "text", "family-name", "Last name"},
		{"birthdate", "date", "bday", "Date of birth"},
		{"middle_name", "text", "additional-name", "Middle name"},
		{"website", "url", "url", "Website"},
		{"custom:team", "text", "", "Team"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := attributeField(p, AttributeInput{Name: tt.name, Value: "v"}, nil)
			if f.inputType() != tt.typ || f.Autocomplete != tt.autocomplete || f.Label != tt.label {
				t.Errorf("got type %q autocomplete %q label %q, want %q %q %q", f.inputType(), f.Autocomplete, f.Label, tt.typ, tt.autocomplete, tt.label)
			}
			if f.Name != "userAttributes."+tt.name || f.Value != "v" || !f.Required {
				t.Errorf("got name %q value %q required %v", f.Name, f.Value, f.Required)
			}
		})
	}
}

// Every id the views build from a Cognito name must be in the catalog:
// T returns the id itself when it is missing.
func TestDynamicMessageIDsExist(t *testing.T) {
	p := testPage(t)
	for _, status := range []int{400, 403, 404, 405, 413, 429, 500, 502, 503} {
		m := ErrorPage{Status: status}
		if got := errorTitle(p, m); messageIDLike.MatchString(got) {
			t.Errorf("status %d title %q", status, got)
		}
		if got := errorMessage(p, m); messageIDLike.MatchString(got) {
			t.Errorf("status %d message %q", status, got)
		}
	}
	for _, medium := range []string{"SMS", "EMAIL"} {
		if got := mediumLabel(p, medium); messageIDLike.MatchString(got) {
			t.Errorf("medium %q", got)
		}
	}
}

func TestNewestFirst(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	in := []OutboxMessage{{Code: "a", SentAt: t0}, {Code: "c", SentAt: t0.Add(2 * time.Second)}, {Code: "b", SentAt: t0.Add(time.Second)}}
	got := newestFirst(in)
	if got[0].Code != "c" || got[1].Code != "b" || got[2].Code != "a" {
		t.Errorf("newestFirst order = %s%s%s, want cba", got[0].Code, got[1].Code, got[2].Code)
	}
	if in[0].Code != "a" || in[1].Code != "c" {
		t.Error("newestFirst changed its input")
	}
}
