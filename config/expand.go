package config

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// expand replaces ${NAME} and ${NAME:-default} in s with values from getenv.
// "$${" stands for a literal "${". A ${NAME} whose variable is unset or empty
// is an error (write ${NAME:-} to allow an empty value). Any other "$" is
// left alone, so bcrypt hashes and passwords with "$" need no escaping.
func expand(s string, getenv func(string) string) (string, error) {
	if !strings.Contains(s, "${") {
		return s, nil
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		if i > 0 && s[i-1] == '$' { // "$${" is an escaped "${"
			b.WriteString(s[:i-1])
			b.WriteString("${")
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return "", fmt.Errorf("has a ${ without a closing }")
		}
		expr := s[i+2 : i+end]
		s = s[i+end+1:]
		name, def, hasDef := strings.Cut(expr, ":-")
		if !validEnvName(name) {
			return "", fmt.Errorf("has ${%s}, which is not a valid environment variable name", name)
		}
		v := getenv(name)
		switch {
		case v != "":
		case hasDef:
			v = def
		default:
			return "", fmt.Errorf("uses ${%s}, but the environment variable %s is not set", name, name)
		}
		b.WriteString(v)
	}
}

// validEnvName reports whether name looks like a POSIX environment variable name.
func validEnvName(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// expandTree expands every scalar value (not mapping keys) in the tree under
// n, reporting each failure with its YAML path. A plain scalar whose text
// changed gets its type re-resolved, so `port: ${PORT}` can fill a number or
// `public: ${PUBLIC}` a boolean; an expansion resolving to null stays a
// string. Quoted scalars always stay strings.
func expandTree(n *yaml.Node, path string, getenv func(string) string, probs *Problems) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			expandTree(c, path, getenv, probs)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			expandTree(n.Content[i+1], joinPath(path, n.Content[i].Value), getenv, probs)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			expandTree(c, fmt.Sprintf("%s[%d]", path, i), getenv, probs)
		}
	case yaml.ScalarNode:
		v, err := expand(n.Value, getenv)
		if err != nil {
			*probs = append(*probs, Problem{Path: path, Message: err.Error(), Line: n.Line})
			return
		}
		if v == n.Value {
			return
		}
		n.Value = v
		if n.Style&(yaml.TaggedStyle|yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
			n.Tag = ""
			if n.ShortTag() == "!!null" {
				n.Tag = "!!str"
			}
		}
	}
}

// joinPath appends a mapping key to a YAML path.
func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
