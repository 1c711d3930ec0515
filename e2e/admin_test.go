package e2e

import (
	"context"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

var (
	adminCLIRE    = regexp.MustCompile(`Admin CLI: +(\S.*\S)\s*\n`)
	adminSecretRE = regexp.MustCompile(`\badmin\b.*?secret[: ]+([A-Z2-7]{16,})`)
)

// TestDemoPrintsRunnableAdminCLI runs the admin command line the demo prints, exactly as printed.
func TestDemoPrintsRunnableAdminCLI(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	m := adminCLIRE.FindStringSubmatch(p.Stdout())
	if m == nil || adminSecretRE.FindStringSubmatch(p.Stdout()) == nil {
		t.Fatalf("the demo printed no admin CLI line or no admin TOTP secret:\n%s", p.Stdout())
	}
	argv := strings.Fields(m[1])
	out, err := exec.CommandContext(context.Background(), argv[0], argv[1:]...).Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", m[1], err, out)
	}
	for _, want := range []string{"admin ", "alice ", "user01 ", "user45 "} {
		if !strings.Contains(string(out), want) {
			t.Errorf("list-users output lacks %q:\n%s", want, out)
		}
	}
}
