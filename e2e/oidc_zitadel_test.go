package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
)

// zitadelOIDCVersion is the OpenID-certified zitadel/oidc whose relying party
// (pkg/client/rp) e2e/testdata/zitadel-rp uses.
const zitadelOIDCVersion = "v3.52.0"

// TestOIDCZitadelRP signs in through the real pages with zitadel/oidc's relying party, a
// fourth independent client (issue 9, item 15): discovery, authorization code with PKCE, the
// library's ID-token validation, userinfo, refresh-token rotation and RP-initiated logout.
// It is built in a scratch module of its own (newer go-jose and x/oauth2 than Bridgekeeper's),
// once, and cached.
func TestOIDCZitadelRP(t *testing.T) {
	started := time.Now()
	bin := sourceBinary(t, "zitadel-rp", "testdata/zitadel-rp/main.go", "github.com/zitadel/oidc/v3", zitadelOIDCVersion)
	t.Logf("zitadel-rp binary ready in %s", time.Since(started).Round(time.Millisecond))
	ctx := context.Background()
	rpAddr := fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(t))
	bk := startDemoWith(t, fmt.Sprintf(`oidc:
  clients:
    - id: zitadel-rp
      secret: zitadel-rp-secret-0123456789
      redirect_uris: [http://%s/callback]
      post_logout_redirect_uris: [http://%s/signed-out]
      scopes: [openid, email, profile, offline_access]
`, rpAddr, rpAddr))
	app := startBinary(t, bin, "-issuer", bk.BaseURL, "-client-id", "zitadel-rp", "-client-secret", "zitadel-rp-secret-0123456789", "-listen", rpAddr)

	// Code + PKCE through the real sign-in page; the library validates the ID token and calls
	// userinfo.
	c := newClient()
	noFollow := *c.HTTP
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := noFollow.Get(app.BaseURL + "/login")
	must(t, err)
	res.Body.Close()
	authorize, err := res.Location()
	must(t, err)
	if q := authorize.Query(); q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256" || q.Get("state") == "" {
		t.Fatalf("zitadel-rp's authorization request lacks PKCE or state: %s", authorize)
	}
	page, err := c.Get(ctx, authorize.String())
	must(t, err)
	if page.URL.Path != "/authorize" {
		t.Fatalf("zitadel-rp's /login ended at %s: %s", page.URL, page.Text())
	}
	signedIn := rpAnswer(t, submit(ctx, t, c, page, map[string]string{"username": "alice", "password": demoPassword}))
	if signedIn["sub"] == "" || signedIn["sub"] != signedIn["userinfo_sub"] || signedIn["email"] != "alice@example.com" ||
		signedIn["userinfo_email"] != "alice@example.com" || signedIn["refresh"] != true {
		t.Fatalf("after sign-in zitadel-rp saw %v", signedIn)
	}

	// Refresh: a new refresh token, and a new ID token for the same person, verified again.
	refreshed := rpAnswer(t, get(ctx, t, c, app.BaseURL+"/refresh"))
	if refreshed["rotated"] != true || refreshed["id_token"] != true || refreshed["sub"] != signedIn["sub"] {
		t.Fatalf("refresh through zitadel-rp: %v", refreshed)
	}

	// RP-initiated logout: the browser comes back to the app with its state, and Bridgekeeper's
	// session has ended (the account page asks to sign in, the family no longer refreshes).
	out := rpAnswer(t, get(ctx, t, c, app.BaseURL+"/logout"))
	if out["signed_out"] != true || out["state_ok"] != true {
		t.Fatalf("logout through zitadel-rp: %v", out)
	}
	if page := get(ctx, t, c, bk.BaseURL+"/account"); page.URL.Path == "/account" {
		t.Fatalf("still signed in at Bridgekeeper after the logout: %s", page.Text())
	}
	if page := get(ctx, t, c, app.BaseURL+"/refresh"); page.Status == http.StatusOK {
		t.Fatalf("the refresh token still works after the logout: %s", page.Body)
	}
}

// get fetches rawURL in browser c.
func get(ctx context.Context, t *testing.T, c *webclient.Client, rawURL string) *webclient.Page {
	t.Helper()
	page, err := c.Get(ctx, rawURL)
	must(t, err)
	return page
}

// rpAnswer reads one of zitadel-rp's JSON answers.
func rpAnswer(t *testing.T, page *webclient.Page) map[string]any {
	t.Helper()
	var v map[string]any
	if page.Status != http.StatusOK || json.Unmarshal([]byte(page.Body), &v) != nil {
		t.Fatalf("zitadel-rp at %s: %d %s", page.URL.Path, page.Status, page.Text())
	}
	return v
}
