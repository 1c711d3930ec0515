package compare

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fakeBridgekeeper answers `localpool` and `serve` as bridgekeeper does on its first line, then
// waits to be stopped, so startBridgekeeper can be watched starting processes.
const fakeBridgekeeper = `#!/bin/sh
case "$1" in
localpool) echo '{"endpoint":"http://127.0.0.1:1","pools":[{"id":"p","issuer":"http://127.0.0.1:1","clients":[{"id":"c","secret":"s"}]}]}' ;;
serve) echo 'listening on http://127.0.0.1:1' ;;
esac
exec sleep 600
`

// TestStartBridgekeeperEnv checks that serve (and only serve: the local pool stands in for
// Cognito) runs with the tuning's extra environment, and that the variants are named by it.
func TestStartBridgekeeperEnv(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bridgekeeper")
	if err := os.WriteFile(bin, []byte(fakeBridgekeeper), 0o700); err != nil {
		t.Fatal(err)
	}
	env := []string{"GOMAXPROCS=1"}
	name := envProvider(env)
	variants, procs, err := startBridgekeeper(t.Context(), name, bin, dir, []string{FlowPassword}, serveTuning{env: env})
	defer func() {
		for _, p := range procs {
			p.stop()
		}
	}()
	if err != nil {
		t.Fatal(err)
	}
	if len(procs) != 2 || len(variants) != 2 {
		t.Fatalf("%d processes and %d variants, want 2 (local pool, serve) and 2 (one per algorithm)", len(procs), len(variants))
	}
	for i, want := range []bool{false, true} { // the local pool, serve
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", procs[i].cmd.Process.Pid))
		if err != nil {
			t.Fatal(err)
		}
		if got := slices.Contains(strings.Split(string(raw), "\x00"), env[0]); got != want {
			t.Errorf("%s: %s in its environment %v, want %v", procs[i].name, env[0], got, want)
		}
	}
	if got, want := variants[0].Name(), "bridgekeeper[GOMAXPROCS=1] ES256 USER_PASSWORD_AUTH"; got != want {
		t.Errorf("variant %q, want %q", got, want)
	}
}
