package config

import (
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"

	"gopkg.in/yaml.v3"
)

// Secret is a string that must never be printed: fmt, slog and JSON show
// "[redacted]" instead (an empty Secret prints as ""). Convert it with
// string(s) where the value is needed.
type Secret string

const redacted = "[redacted]"

// String returns "[redacted]" for a set secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString keeps %#v from printing the secret.
func (s Secret) GoString() string { return fmt.Sprintf("config.Secret(%q)", s.String()) }

// LogValue keeps slog from logging the secret.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText keeps encoders (JSON, YAML) from writing the secret.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// CookieKeyLen is the length, in bytes, of every cookie key.
const CookieKeyLen = 32

// decodeKey decodes a base64 key in any of the common alphabets, with or
// without padding.
func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("not base64")
}

// KeyBytes decodes the cookie keys, newest first. It fails on a key that is
// not 32 bytes of base64 (Validate reports the same problem with its path).
func (c Cookies) KeyBytes() ([][]byte, error) {
	out := make([][]byte, 0, len(c.Keys))
	for i, k := range c.Keys {
		b, err := decodeKey(string(k))
		if err != nil || len(b) != CookieKeyLen {
			return nil, fmt.Errorf("cookies.keys[%d] must be %d bytes of base64", i, CookieKeyLen)
		}
		out = append(out, b)
	}
	return out, nil
}

// ClaimMapping releases one pool attribute as a token claim.
type ClaimMapping struct {
	// Attribute is the attribute in the pool's ID token, e.g. custom:department.
	Attribute string
	// Claim is the claim name in Bridgekeeper's tokens, e.g. department.
	Claim string
	// Scope releases the claim (default profile).
	Scope string
	// Type converts the value: string (default), boolean, number or json.
	Type string
}

// ClaimMappings is written in YAML as a mapping from attribute to claim,
// either short (`custom:department: department`) or long
// (`custom:level: {claim: level, type: number, scope: profile}`). The order
// of the file is kept.
type ClaimMappings []ClaimMapping

// claimMappingKeys returns the keys of the long form.
func claimMappingKeys() []string { return []string{"claim", "scope", "type"} }

// UnmarshalYAML reads both forms. Unknown keys in the long form were already
// reported by the loader's schema check; they are rejected here as well.
func (m *ClaimMappings) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: claim_mappings must be a mapping from attribute to claim", n.Line)
	}
	out := make(ClaimMappings, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolveAlias(n.Content[i+1])
		cm := ClaimMapping{Attribute: k.Value}
		switch v.Kind {
		case yaml.ScalarNode:
			cm.Claim = v.Value
		case yaml.MappingNode:
			for j := 0; j+1 < len(v.Content); j += 2 {
				val := resolveAlias(v.Content[j+1])
				if val.Kind != yaml.ScalarNode {
					return fmt.Errorf("line %d: claim_mappings.%s.%s must be a single value", val.Line, k.Value, v.Content[j].Value)
				}
				switch v.Content[j].Value {
				case "claim":
					cm.Claim = val.Value
				case "scope":
					cm.Scope = val.Value
				case "type":
					cm.Type = val.Value
				default:
					return fmt.Errorf("line %d: claim_mappings.%s.%s is not a known setting", v.Content[j].Line, k.Value, v.Content[j].Value)
				}
			}
		default:
			return fmt.Errorf("line %d: claim_mappings.%s must be a claim name or a mapping", v.Line, k.Value)
		}
		out = append(out, cm)
	}
	*m = out
	return nil
}

// resolveAlias follows a YAML alias to the node it names.
func resolveAlias(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}
