package compare

import (
	"context"
	"crypto/rand"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Dex as a peer: the newest version the Go module proxy serves (the commit ab64ed77 and
// every tag after v2.13.0 are refused by it; Dex's module path has no /v2, so its v2 tags are
// "+incompatible" and only this 2018 one is listed). Its dependencies were pinned by glide to
// commits the proxy does not serve, so dex.go.mod.txt pins tagged versions that build
// (grpc v1.26.0 for etcd 3.3's client, client_golang v0.8.0 for cmd/dex's process collector),
// and dex-crdb.go.txt stands in for the one cockroach-go function its SQL storage calls.
const (
	dexModule  = "github.com/dexidp/dex"
	dexVersion = "v2.13.0+incompatible"
	dexCommand = dexModule + "/cmd/dex"
)

var (
	//go:embed dex.go.mod.txt
	dexGoMod []byte
	//go:embed dex-crdb.go.txt
	dexCRDB []byte
)

// providerDex names Dex's variant.
const providerDex = "dex"

var dexReadyRE = regexp.MustCompile(`listening \(http\) on`)

// dexBuild is Dex built under the cache: the binary and its web frontend (templates, themes).
type dexBuild struct{ bin, web string }

// buildDex builds Dex in a scratch module under cache (from the Go module proxy, once).
func buildDex(ctx context.Context, cache string) (dexBuild, error) {
	dir := filepath.Join(cache, "dex-"+strings.TrimSuffix(dexVersion, "+incompatible"))
	b := dexBuild{bin: filepath.Join(dir, "dex")}
	if _, err := os.Stat(b.bin); err != nil {
		if err := os.MkdirAll(filepath.Join(dir, "crdb", "crdb"), 0o755); err != nil {
			return b, err
		}
		for name, data := range map[string][]byte{
			"go.mod":               dexGoMod,
			"crdb/go.mod":          []byte("module github.com/cockroachdb/cockroach-go\n\ngo 1.24\n"),
			"crdb/crdb/execute.go": dexCRDB,
		} {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				return b, err
			}
		}
		if _, err := goIn(ctx, dir, "build", "-mod=mod", "-o", b.bin, dexCommand); err != nil {
			return b, err
		}
	}
	modDir, err := goIn(ctx, dir, "list", "-mod=mod", "-m", "-f", "{{.Dir}}", dexModule)
	b.web = filepath.Join(strings.TrimSpace(modDir), "web")
	return b, err
}

// startDex runs Dex with its memory storage, one static client and its mock password connector
// (a plain comparison with the configured password), the approval screen skipped; with every
// thread at timer slack slack when it is not 0. Dex v2.13.0 signs RS256 only, and its access
// token is opaque: one JWT per sign-in.
func startDex(ctx context.Context, b dexBuild, dir string, slack time.Duration) ([]*Variant, []*proc, error) {
	port, err := freePort()
	if err != nil {
		return nil, nil, err
	}
	issuer := fmt.Sprintf("http://127.0.0.1:%d/dex", port)
	secret := rand.Text()
	config := "issuer: " + issuer + "\n" +
		"storage: {type: memory}\n" +
		"web: {http: '127.0.0.1:" + strconv.Itoa(port) + "'}\n" +
		"frontend: {dir: " + strconv.Quote(b.web) + "}\n" +
		"logger: {level: info, format: json}\n" +
		"oauth2: {skipApprovalScreen: true}\n" +
		"staticClients:\n" +
		"- {id: bench-rs256, name: bench, secret: " + secret + ", redirectURIs: ['" + benchRedirect + "']}\n" +
		"connectors:\n" +
		"- {type: mockPassword, id: mock, name: Mock, config: {username: " + benchUser + ", password: " + strconv.Quote(benchPassword) + "}}\n"
	path := filepath.Join(dir, scratchName("dex"+slackTag(slack))+".yaml")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		return nil, nil, err
	}
	p, _, err := startProcSlack(ctx, slack, "Dex"+slackTag(slack), nil, dir, dexReadyRE, b.bin, "serve", path)
	if err != nil {
		return nil, nil, err
	}
	return []*Variant{{
		Provider: providerDex, Slack: slack, Alg: AlgRS256, Flow: flowPeer,
		Issuer: issuer, ClientID: "bench-rs256", ClientSecret: secret, RedirectURI: benchRedirect,
		Scope: benchScope, Username: benchUser, Password: benchPassword, UserField: "login",
		procs: []*proc{p},
	}}, []*proc{p}, nil
}
