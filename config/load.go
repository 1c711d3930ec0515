package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// EnvOverride is an environment variable that, when set and not empty,
// replaces a setting from the file. They exist so secrets can stay out of the
// file entirely.
type EnvOverride struct {
	// Name is the environment variable, e.g. BRIDGEKEEPER_STORE_URL.
	Name string
	// Path is the setting it replaces, e.g. store.url.
	Path string
	// Help says how the value is written.
	Help string
	set  func(c *Config, v string)
}

// EnvOverrides lists every environment override, in the order applied.
func EnvOverrides() []EnvOverride {
	return []EnvOverride{
		{Name: "BRIDGEKEEPER_LISTEN", Path: "listen", Help: "host:port to listen on",
			set: func(c *Config, v string) { c.Listen = v }},
		{Name: "BRIDGEKEEPER_PUBLIC_URL", Path: "public_url", Help: "the public URL (the OpenID Connect issuer)",
			set: func(c *Config, v string) { c.PublicURL = v }},
		{Name: "BRIDGEKEEPER_LOG_LEVEL", Path: "log.level", Help: "debug, info, warn or error",
			set: func(c *Config, v string) { c.Log.Level = v }},
		{Name: "BRIDGEKEEPER_LOG_FORMAT", Path: "log.format", Help: "json or text",
			set: func(c *Config, v string) { c.Log.Format = v }},
		{Name: "BRIDGEKEEPER_POOL_CLIENT_SECRET", Path: "pool.client_secret", Help: "the Cognito app client secret",
			set: func(c *Config, v string) { c.Pool.ClientSecret = Secret(v) }},
		{Name: "BRIDGEKEEPER_COOKIE_KEYS", Path: "cookies.keys", Help: "comma-separated base64 32-byte keys, newest first",
			set: func(c *Config, v string) {
				c.Cookies.Keys = nil
				for k := range strings.SplitSeq(v, ",") {
					if k = strings.TrimSpace(k); k != "" {
						c.Cookies.Keys = append(c.Cookies.Keys, Secret(k))
					}
				}
			}},
		{Name: "BRIDGEKEEPER_STORE_URL", Path: "store.url", Help: "memory:// or redis://… (may hold a password)",
			set: func(c *Config, v string) { c.Store.URL = Secret(v) }},
	}
}

// maxFileSize bounds the configuration file; a real one is a few kilobytes.
const maxFileSize = 1 << 20

// Load reads the YAML file at path, expands ${NAME} and ${NAME:-default} in
// its values with getenv, decodes it strictly (an unknown key is an error),
// applies the environment overrides (EnvOverrides) and fills in defaults and
// derived values (the pool's region from its id; key files relative to the
// file's folder). Problems it can name by path come back as Problems (use
// errors.As). Load does not validate values: call Validate.
func Load(path string, getenv func(string) string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read configuration %s: %w", path, err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("read configuration %s: larger than %d bytes", path, maxFileSize)
	}
	cfg, err := Parse(data, getenv)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	for i, k := range cfg.OIDC.SigningKeys {
		if k.File != "" && !filepath.IsAbs(k.File) {
			cfg.OIDC.SigningKeys[i].File = filepath.Join(dir, k.File)
		}
	}
	cfg.Branding.resolveFiles(dir)
	return cfg, nil
}

// Parse is Load for YAML already in memory; relative key file paths stay
// relative to the working directory.
func Parse(data []byte, getenv func(string) string) (*Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	cfg := Default()
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("configuration is not valid YAML: %w", err)
	}
	if len(root.Content) > 0 {
		if doc := root.Content[0]; doc.Kind != yaml.MappingNode && doc.ShortTag() != "!!null" {
			return nil, Problems{{Message: "the configuration must be a mapping of settings", Line: doc.Line}}
		}
		var probs Problems
		expandTree(&root, "", getenv, &probs)
		// Check the shape too, so unknown keys are reported with unset
		// variables; a value that failed to expand is reported once.
		failed := map[string]bool{}
		for _, p := range probs {
			failed[p.Path] = true
		}
		var shape Problems
		checkSchema(&root, reflect.TypeFor[Config](), "", &shape)
		for _, p := range shape {
			if !failed[p.Path] {
				probs = append(probs, p)
			}
		}
		if len(probs) > 0 {
			return nil, probs
		}
		// Re-encode the expanded tree and decode it strictly, so the
		// decoder itself also rejects anything the schema check missed.
		expanded, err := yaml.Marshal(&root)
		if err != nil {
			return nil, fmt.Errorf("re-encode configuration: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(expanded))
		dec.KnownFields(true)
		if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("decode configuration: %w", err)
		}
	}
	for _, o := range EnvOverrides() {
		if v := getenv(o.Name); v != "" {
			o.set(cfg, v)
		}
	}
	if cfg.Pool.Region == "" {
		cfg.Pool.Region = RegionFromPoolID(cfg.Pool.UserPoolID)
	}
	return cfg, nil
}

// regionPattern matches AWS region names such as eu-west-1 or us-gov-west-1.
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// RegionFromPoolID returns the region a Cognito pool id starts with
// ("eu-west-1" for "eu-west-1_AbC123"), or "" when it starts with none.
func RegionFromPoolID(id string) string {
	region, _, ok := strings.Cut(id, "_")
	if !ok || !regionPattern.MatchString(region) {
		return ""
	}
	return region
}
