package main

import (
	"strings"
	"testing"
	"time"
)

// The demo brings its own pool, so a configuration file's pool section is ignored, except
// pool.call_timeout: it applies, and a bad one is an error named by its YAML path.
func TestDemoConfigTakesOnlyThePoolCallTimeout(t *testing.T) {
	for _, tt := range []struct {
		yaml    string
		want    time.Duration
		wantErr string
	}{
		{yaml: "pool: {call_timeout: 2s}\n", want: 2 * time.Second},
		{yaml: "pool: {user_pool_id: nonsense, call_timeout: 3s}\n", want: 3 * time.Second},
		{yaml: "log: {level: warn}\n", want: 10 * time.Second},
		{yaml: "pool: {call_timeout: 0s}\n", wantErr: "pool.call_timeout"},
	} {
		cfg, err := demoConfigFile(writeConfig(t, tt.yaml), env(nil))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: err = %v, want one naming %s", tt.yaml, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tt.yaml, err)
		}
		var ac appConfig
		if err := applyDemoConfig(&ac, cfg, env(nil)); err != nil {
			t.Fatalf("%q: %v", tt.yaml, err)
		}
		if ac.Pool.CallTimeout != tt.want || ac.Pool.UserPoolID != "" {
			t.Errorf("%q: the demo's pool call timeout = %v (pool id %q), want %v and no pool id", tt.yaml, ac.Pool.CallTimeout, ac.Pool.UserPoolID, tt.want)
		}
	}
}
