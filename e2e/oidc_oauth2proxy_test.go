package e2e

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
	"github.com/bridgekeeper/bridgekeeper/oidc"
)

const oauth2ProxyVersion = "v7.15.3"

// oauth2ProxyBinary builds oauth2-proxy from its module at a pinned version (cached; see
// moduleBinary).
func oauth2ProxyBinary(t *testing.T) string {
	t.Helper()
	const mod = "github.com/oauth2-proxy/oauth2-proxy/v7"
	return moduleBinary(t, "oauth2-proxy", mod, mod, oauth2ProxyVersion)
}

// seededPool is a running local user pool and its app client.
type seededPool struct {
	Endpoint, PoolID, ClientID, ClientSecret string
}

// startSeededPool starts an in-process local user pool seeded through the AWS SDK with one user,
// alice, and an app client with a secret for SRP, as a deployment's pool would be.
func startSeededPool(ctx context.Context, t *testing.T) seededPool {
	t.Helper()
	pool := localpool.New(localpool.Options{})
	srv := httptest.NewServer(pool.Handler())
	t.Cleanup(srv.Close)
	creds := credentials.NewStaticCredentialsProvider("e2e", "e2e", "")
	api, err := cognito.NewAPI(ctx, cognito.Config{Region: "us-east-1", Endpoint: srv.URL, StaticCredentials: &creds})
	must(t, err)
	created, err := api.CreateUserPool(ctx, &cip.CreateUserPoolInput{
		PoolName: aws.String("oauth2-proxy-e2e"),
		Schema: []types.SchemaAttributeType{
			{Name: aws.String("email"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)},
		},
	})
	must(t, err)
	poolID := aws.ToString(created.UserPool.Id)
	client, err := api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(poolID), ClientName: aws.String("bridgekeeper"), GenerateSecret: true,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	must(t, err)
	_, err = api.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: aws.String(poolID), Username: aws.String("alice"), TemporaryPassword: aws.String(demoPassword),
		MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{
			{Name: aws.String("email"), Value: aws.String("alice@example.com")},
			{Name: aws.String("email_verified"), Value: aws.String("true")},
		},
	})
	must(t, err)
	_, err = api.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: aws.String(poolID), Username: aws.String("alice"), Password: aws.String(demoPassword), Permanent: true,
	})
	must(t, err)
	return seededPool{
		Endpoint: srv.URL, PoolID: poolID,
		ClientID: aws.ToString(client.UserPoolClient.ClientId), ClientSecret: aws.ToString(client.UserPoolClient.ClientSecret),
	}
}

// writeOIDCServeConfig writes a bridgekeeper.yaml listening on port, with the pool and one
// confidential OpenID client.
func writeOIDCServeConfig(t *testing.T, port int, pool seededPool, clientID, clientSecret, redirectURI string) string {
	t.Helper()
	dir := t.TempDir()
	keyFile, cookieKey := serveKeys(t, dir, oidc.RS256)
	cfg := fmt.Sprintf(`listen: 127.0.0.1:%[1]d
public_url: http://127.0.0.1:%[1]d
log: {level: debug, format: json}
pool:
  region: us-east-1
  user_pool_id: %[2]s
  client_id: %[3]s
  client_secret: %[4]s
  endpoint: %[5]s
  issuer: %[5]s/%[2]s
  jwks_url: %[5]s/%[2]s/.well-known/jwks.json
  auth_flow: USER_SRP_AUTH
cookies:
  keys: [%[6]s]
  secure: false
store:
  url: memory://
oidc:
  signing_keys: [{file: %[7]s}]
  clients:
    - id: %[8]s
      name: Protected app
      secret: %[9]s
      redirect_uris: [%[10]s]
      scopes: [openid, profile, email]
`, port, pool.PoolID, pool.ClientID, pool.ClientSecret, pool.Endpoint,
		cookieKey, keyFile, clientID, clientSecret, redirectURI)
	path := filepath.Join(dir, "bridgekeeper.yaml")
	must(t, os.WriteFile(path, []byte(cfg), 0o600))
	return path
}

// waitReady polls url until it answers 200, the process exits or a minute passes.
func waitReady(ctx context.Context, t *testing.T, url string, exited <-chan struct{}, logs func() string) {
	t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(time.Minute)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		must(t, err)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-exited:
			t.Fatalf("the process exited before %s answered\n%s", url, logs())
		case <-deadline:
			t.Fatalf("%s did not answer within a minute\n%s", url, logs())
		case <-tick.C:
		}
	}
}

// TestOIDCOAuth2Proxy puts oauth2-proxy, a widely deployed OpenID Connect relying party, in front
// of an upstream app with bridgekeeper serve as its provider, and browses through it.
func TestOIDCOAuth2Proxy(t *testing.T) {
	proxyBin := oauth2ProxyBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "hello from upstream\nX-Forwarded-Email: %s\n", r.Header.Get("X-Forwarded-Email"))
	}))
	t.Cleanup(upstream.Close)

	pool := startSeededPool(ctx, t)
	bkPort, proxyPort := testenv.FreePort(t), testenv.FreePort(t)
	proxyURL := fmt.Sprintf("http://127.0.0.1:%d", proxyPort)
	const clientID, clientSecret = "oauth2-proxy", "oauth2-proxy-client-secret"
	cfg := writeOIDCServeConfig(t, bkPort, pool, clientID, clientSecret, proxyURL+"/oauth2/callback")
	p := start(t, "serve", "--config", cfg)
	if want := fmt.Sprintf("http://127.0.0.1:%d", bkPort); p.BaseURL != want {
		t.Fatalf("bridgekeeper listens at %s, want %s", p.BaseURL, want)
	}

	cookieSecret := make([]byte, 16)
	_, err := rand.Read(cookieSecret)
	must(t, err)
	var proxyLogs testutil.Buffer
	cmd := exec.Command(proxyBin,
		"--provider=oidc",
		"--oidc-issuer-url="+p.BaseURL,
		"--client-id="+clientID,
		"--client-secret="+clientSecret,
		"--redirect-url="+proxyURL+"/oauth2/callback",
		"--upstream="+upstream.URL+"/",
		fmt.Sprintf("--http-address=127.0.0.1:%d", proxyPort),
		"--cookie-secret="+fmt.Sprintf("%x", cookieSecret), // 32 characters
		"--cookie-secure=false",
		"--email-domain=*",
		"--insecure-oidc-allow-unverified-email",
		"--skip-provider-button",
		"--code-challenge-method=S256",
	)
	cmd.Stdout, cmd.Stderr = &proxyLogs, &proxyLogs
	must(t, cmd.Start())
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("oauth2-proxy output (last 4000 bytes):\n%s", tail(proxyLogs.String(), 4000))
		}
	})
	waitReady(ctx, t, proxyURL+"/ping", exited, proxyLogs.String)

	// Without a session the proxy does not let anyone through.
	c := newClient()
	page, err := c.Get(ctx, proxyURL+"/")
	must(t, err)
	if strings.Contains(page.Body, "hello from upstream") {
		t.Fatal("the proxy served the upstream without a sign-in")
	}
	page = signInOnPage(ctx, t, c, page, "alice", demoPassword)
	if page.Status != http.StatusOK || page.URL.Host != fmt.Sprintf("127.0.0.1:%d", proxyPort) || page.URL.Path != "/" {
		t.Fatalf("after sign-in the browser is at %s (%d): %s", page.URL, page.Status, tail(page.Body, 2000))
	}
	if !strings.Contains(page.Body, "hello from upstream") || !strings.Contains(page.Body, "X-Forwarded-Email: alice@example.com") {
		t.Fatalf("upstream answer = %q", page.Body)
	}

	// The proxy's session cookie now lets the browser through without the provider.
	page, err = c.Get(ctx, proxyURL+"/again")
	must(t, err)
	if page.URL.Host != fmt.Sprintf("127.0.0.1:%d", proxyPort) || !strings.Contains(page.Body, "X-Forwarded-Email: alice@example.com") {
		t.Fatalf("second request: %s: %q", page.URL, page.Body)
	}
	if logs := p.Logs(); strings.Contains(logs, clientSecret) || strings.Contains(logs, demoPassword) {
		t.Error("bridgekeeper's logs contain a secret")
	}
}
