package config

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// checkSchema compares the YAML tree under n with the Go type t and reports,
// with YAML paths, every unknown or repeated key and every value of the wrong
// shape or type. It runs before decoding so that all such mistakes are
// reported at once and in plain words, instead of the decoder's first error.
func checkSchema(n *yaml.Node, t reflect.Type, path string, probs *Problems) {
	n = resolveAlias(n)
	if n == nil {
		return
	}
	if n.Kind == yaml.DocumentNode {
		for _, c := range n.Content {
			checkSchema(c, t, path, probs)
		}
		return
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return // an empty value keeps the default
	}
	bad := func(format string, args ...any) {
		*probs = append(*probs, Problem{Path: path, Message: fmt.Sprintf(format, args...), Line: n.Line})
	}
	switch {
	case t == reflect.TypeFor[ClaimMappings]():
		checkClaimMappings(n, path, probs)
	case t == reflect.TypeFor[time.Duration]():
		if n.Kind != yaml.ScalarNode {
			bad("must be a duration such as 15s or 2m")
			return
		}
		if tag := n.ShortTag(); tag == "!!int" || tag == "!!float" {
			bad("must be a duration with a unit, such as 15s or 2m (got %s)", n.Value)
			return
		}
		if _, err := time.ParseDuration(n.Value); err != nil {
			bad("must be a duration such as 15s or 2m (got %q)", n.Value)
		}
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			bad("must be a mapping of settings")
			return
		}
		fields := yamlFields(t)
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			kpath := joinPath(path, k.Value)
			f, ok := fields[k.Value]
			switch {
			case !ok:
				msg := "is not a known setting"
				if s := suggest(k.Value, fieldNames(fields)); s != "" {
					msg += fmt.Sprintf(" (did you mean %s?)", joinPath(path, s))
				}
				*probs = append(*probs, Problem{Path: kpath, Message: msg, Line: k.Line})
			case seen[k.Value]:
				*probs = append(*probs, Problem{Path: kpath, Message: "is set twice", Line: k.Line})
			default:
				seen[k.Value] = true
				checkSchema(n.Content[i+1], f.Type, kpath, probs)
			}
		}
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			bad("must be a list")
			return
		}
		for i, c := range n.Content {
			checkSchema(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i), probs)
		}
	case t.Kind() == reflect.String:
		if n.Kind != yaml.ScalarNode {
			bad("must be a single value, not a list or mapping")
		}
	case t.Kind() == reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			bad("must be true or false (got %s)", describe(n))
		}
	case t.Kind() == reflect.Int:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
			bad("must be a whole number (got %s)", describe(n))
		}
	default:
		bad("has a type the loader does not know (%s)", t)
	}
}

// checkClaimMappings checks both forms of a claim mapping.
func checkClaimMappings(n *yaml.Node, path string, probs *Problems) {
	if n.Kind != yaml.MappingNode {
		*probs = append(*probs, Problem{Path: path, Message: "must be a mapping from pool attribute to claim name", Line: n.Line})
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kpath := joinPath(path, n.Content[i].Value)
		v := resolveAlias(n.Content[i+1])
		switch v.Kind {
		case yaml.ScalarNode:
		case yaml.MappingNode:
			for j := 0; j+1 < len(v.Content); j += 2 {
				key := v.Content[j].Value
				if !slices.Contains(claimMappingKeys(), key) {
					msg := "is not a known setting"
					if s := suggest(key, claimMappingKeys()); s != "" {
						msg += fmt.Sprintf(" (did you mean %s?)", joinPath(kpath, s))
					}
					*probs = append(*probs, Problem{Path: joinPath(kpath, key), Message: msg, Line: v.Content[j].Line})
				} else if resolveAlias(v.Content[j+1]).Kind != yaml.ScalarNode {
					*probs = append(*probs, Problem{Path: joinPath(kpath, key), Message: "must be a single value", Line: v.Content[j].Line})
				}
			}
		default:
			*probs = append(*probs, Problem{Path: kpath, Message: "must be a claim name or a mapping with claim, scope and type", Line: v.Line})
		}
	}
}

// yamlFields maps the yaml tag names of struct type t to their fields.
func yamlFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			out[name] = f
		}
	}
	return out
}

// fieldNames lists the keys of fields, sorted.
func fieldNames(fields map[string]reflect.StructField) []string {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// describe shows a node's value for an error message.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		return fmt.Sprintf("%q", n.Value)
	}
}

// suggest returns the candidate closest to word when it is a likely typo
// (edit distance at most 2), or "".
func suggest(word string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := editDistance(word, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
