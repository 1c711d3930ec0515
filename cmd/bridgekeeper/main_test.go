package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/oidc"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	key := filepath.Join(dir, "signing.pem")
	// The PEM content is checked by serve, not by check-config beyond the file existing.
	if err := os.WriteFile(key, []byte("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, []byte(`public_url: https://login.example.com
pool: {user_pool_id: eu-west-1_AbCdEf123, client_id: abc123}
cookies: {keys: ["${COOKIE_KEY}"]}
oidc: {signing_keys: [{file: signing.pem}]}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte(`public_url: http://login.example.com
pool: {client_id: abc123, auth_flow: MAGIC}
cookies: {keys: [c2hvcnQ=]}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"COOKIE_KEY": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}
	getenv := func(k string) string { return env[k] }

	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string
		wantStderr []string
	}{
		{"version", []string{"version"}, 0, []string{"bridgekeeper "}, nil},
		{"no command", nil, 2, nil, []string{"Usage:"}},
		{"unknown command", []string{"frobnicate"}, 2, nil, []string{`unknown command "frobnicate"`}},
		{"check-config ok", []string{"check-config", good}, 0, []string{"ok"}, nil},
		{"check-config names every problem", []string{"check-config", bad}, 1, nil, []string{
			"pool.user_pool_id", "public_url", "cookies.keys[0]", "pool.auth_flow",
		}},
		{"check-config missing file", []string{"check-config", filepath.Join(dir, "nope.yaml")}, 1, nil, []string{"nope.yaml"}},
		{"serve with a bad file fails before listening", []string{"serve", "--config", bad}, 1, nil, []string{"pool.user_pool_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr, getenv)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, stdout.String(), stderr.String())
			}
			for _, w := range tt.wantStdout {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout %q lacks %q", stdout.String(), w)
				}
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr %q lacks %q", stderr.String(), w)
				}
			}
		})
	}
}

func TestFormActions(t *testing.T) {
	got := formActions(clientsForTest())
	want := []string{"https://app.example.com", "http://127.0.0.1:*", "http://[::1]:*"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("formActions = %v, want %v", got, want)
	}
}

func clientsForTest() []oidc.Client {
	return []oidc.Client{
		{ID: "app", RedirectURIs: []string{"https://app.example.com/cb", "https://app.example.com/other"}},
		{ID: "cli", Public: true, RedirectURIs: []string{"http://127.0.0.1/callback"}},
	}
}
