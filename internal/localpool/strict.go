package localpool

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Malformed requests are answered as Cognito answers them: a body that is not JSON, or a member
// of the wrong JSON type, is a SerializationException with the service framework's wording (never
// Go's decoder text); a member that breaks its constraint in the API model is an
// InvalidParameterException "N validation error(s) detected: …". Values are never echoed (most of
// these members are sensitive in the API model), so neither the answer nor a log holds them.

// Messages of Cognito's service framework for a member of the wrong JSON type, word for word.
const (
	msgStructureNotExpected = "Start of structure or map found where not expected."
	msgListNotExpected      = "Start of list found where not expected"
	msgUnexpectedFieldType  = "Unexpected field type"
)

// memberRule is one top-level string member's constraint from the Cognito API model.
type memberRule struct {
	min, max int
	pattern  *regexp.Regexp
	// patternText is the pattern as Cognito prints it in the message.
	patternText string
}

func rule(min, max int, pattern string) memberRule {
	r := memberRule{min: min, max: max, patternText: pattern}
	if pattern != "" {
		r.pattern = regexp.MustCompile("^(?:" + pattern + ")$")
	}
	return r
}

// memberRules are the constraints of the members Bridgekeeper sends, by JSON name.
var memberRules = map[string]memberRule{
	"ClientId":         rule(1, 128, `[\w+]+`),
	"Username":         rule(1, 128, `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`),
	"Session":          rule(20, 2048, ""),
	"ConfirmationCode": rule(1, 2048, `[\S]+`),
	"Password":         rule(0, 256, ""),
	"SecretHash":       rule(1, 128, `[\w+=/]+`),
	"AccessToken":      rule(0, 0, `[A-Za-z0-9-_=.]+`),
	"UserCode":         rule(6, 6, `[0-9]+`),
	"UserPoolId":       rule(1, 55, `[\w-]+_[0-9a-zA-Z]+`),
}

// requiredMembers are the members each operation cannot do without (the SDK checks these before
// sending; other clients may not).
var requiredMembers = map[string][]string{
	"InitiateAuth":           {"AuthFlow", "ClientId"},
	"RespondToAuthChallenge": {"ChallengeName", "ClientId"},
	"ForgotPassword":         {"ClientId", "Username"},
	"ConfirmForgotPassword":  {"ClientId", "ConfirmationCode", "Password", "Username"},
	"RevokeToken":            {"ClientId", "Token"},
	"GetUser":                {"AccessToken"},
	"GlobalSignOut":          {"AccessToken"},
	"VerifySoftwareToken":    {"UserCode"},
}

// checkRequest answers a body Cognito would refuse before looking at it, or nil.
func checkRequest(op string, body []byte) *apiError {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return serializationError(err)
	}
	var problems []string
	for _, name := range requiredMembers[op] {
		if v, ok := top[name]; !ok || string(v) == "null" {
			problems = append(problems, fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null", lowerFirst(name)))
		}
	}
	names := make([]string, 0, len(top))
	for name := range top {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		r, ok := memberRules[name]
		if !ok {
			continue
		}
		var v string
		if err := json.Unmarshal(top[name], &v); err != nil {
			if string(top[name]) == "null" {
				continue
			}
			return serializationError(err)
		}
		problems = append(problems, r.check(lowerFirst(name), v)...)
	}
	switch len(problems) {
	case 0:
		return nil
	case 1:
		return errf("InvalidParameterException", "1 validation error detected: %s", problems[0])
	}
	return errf("InvalidParameterException", "%d validation errors detected: %s", len(problems), strings.Join(problems, "; "))
}

func (r memberRule) check(name, v string) []string {
	var out []string
	n := utf8.RuneCountInString(v)
	if n < r.min {
		out = append(out, fmt.Sprintf("Value at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d", name, r.min))
	}
	if r.max > 0 && n > r.max {
		out = append(out, fmt.Sprintf("Value at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", name, r.max))
	}
	if r.pattern != nil && v != "" && !r.pattern.MatchString(v) {
		out = append(out, fmt.Sprintf("Value at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", name, r.patternText))
	}
	return out
}

// serializationError turns a JSON decoding failure into Cognito's SerializationException.
func serializationError(err error) *apiError {
	msg := ""
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		switch te.Value {
		case "object":
			msg = msgStructureNotExpected
		case "array":
			msg = msgListNotExpected
		default:
			msg = msgUnexpectedFieldType
		}
	}
	return &apiError{Code: "SerializationException", Message: msg, Status: http.StatusBadRequest}
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
