package views

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/a-h/templ"
)

// AttributeFieldName is the form field name of a user attribute on the
// new-password page: Cognito's own response key, "userAttributes.<name>".
func AttributeFieldName(name string) string {
	return "userAttributes." + name
}

// attributeSpec says how to ask for one Cognito user attribute: the catalog
// ids of its label and help, and the input type and autocomplete token.
type attributeSpec struct {
	LabelID      string // empty: generic label built from the name
	HelpID       string
	Type         string
	Autocomplete string
}

// attributeSpecs covers Cognito's standard attributes.
func attributeSpecFor(name string) attributeSpec {
	switch name {
	case "name":
		return attributeSpec{LabelID: "attr.name", Autocomplete: "name"}
	case "given_name":
		return attributeSpec{LabelID: "attr.given_name", Autocomplete: "given-name"}
	case "family_name":
		return attributeSpec{LabelID: "attr.family_name", Autocomplete: "family-name"}
	case "middle_name":
		return attributeSpec{LabelID: "attr.middle_name", Autocomplete: "additional-name"}
	case "nickname":
		return attributeSpec{LabelID: "attr.nickname", Autocomplete: "nickname"}
	case "preferred_username":
		return attributeSpec{LabelID: "attr.preferred_username", Autocomplete: "username"}
	case "email":
		return attributeSpec{LabelID: "attr.email", Type: "email", Autocomplete: "email"}
	case "phone_number":
		return attributeSpec{LabelID: "attr.phone_number", HelpID: "attr.phone_number.help", Type: "tel", Autocomplete: "tel"}
	case "birthdate":
		return attributeSpec{LabelID: "attr.birthdate", HelpID: "attr.birthdate.help", Type: "date", Autocomplete: "bday"}
	case "gender":
		return attributeSpec{LabelID: "attr.gender", Autocomplete: "sex"}
	case "address":
		return attributeSpec{LabelID: "attr.address", Autocomplete: "street-address"}
	case "locale":
		return attributeSpec{LabelID: "attr.locale", HelpID: "attr.locale.help", Autocomplete: "language"}
	case "zoneinfo":
		return attributeSpec{LabelID: "attr.zoneinfo", HelpID: "attr.zoneinfo.help", Autocomplete: "off"}
	case "website":
		return attributeSpec{LabelID: "attr.website", Type: "url", Autocomplete: "url"}
	case "profile":
		return attributeSpec{LabelID: "attr.profile", Type: "url", Autocomplete: "url"}
	case "picture":
		return attributeSpec{LabelID: "attr.picture", Type: "url", Autocomplete: "photo"}
	default:
		return attributeSpec{}
	}
}

// AttributeLabel is the localised label of a user attribute ("Full name" for name).
func AttributeLabel(p Page, name string) string {
	if spec := attributeSpecFor(name); spec.LabelID != "" {
		return p.T(spec.LabelID)
	}
	human := humanizeAttribute(name)
	if human == "" {
		human = name
	}
	return p.T("attr.generic", map[string]any{"Name": human})
}

// attributeField builds the input for one missing required attribute.
func attributeField(p Page, a AttributeInput, errs FieldErrors) field {
	spec := attributeSpecFor(a.Name)
	label := AttributeLabel(p, a.Name)
	help := ""
	if spec.HelpID != "" {
		help = p.T(spec.HelpID)
	}
	name := AttributeFieldName(a.Name)
	f := field{
		ID:           inputID(name),
		Name:         name,
		Type:         spec.Type,
		Label:        label,
		Value:        a.Value,
		Autocomplete: spec.Autocomplete,
		Help:         help,
		Error:        errs[name],
		Required:     true,
	}
	switch spec.Autocomplete {
	case "name", "given-name", "family-name", "additional-name", "nickname", "street-address":
		f.Attrs = templ.Attributes{"autocapitalize": "words"}
	}
	return f
}

// humanizeAttribute makes a readable label from an attribute name without a
// catalog entry: "custom:cost_centre" → "Cost centre".
func humanizeAttribute(name string) string {
	name = strings.TrimPrefix(name, "custom:")
	name = strings.NewReplacer("_", " ", "-", " ", ".", " ").Replace(name)
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	r, size := utf8.DecodeRuneInString(name)
	return string(unicode.ToUpper(r)) + name[size:]
}
