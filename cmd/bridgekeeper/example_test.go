package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
	"github.com/bridgekeeper/bridgekeeper/internal/sdkhttp"
	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
)

// TestServeFromExampleConfig copies config/example.yaml, fills its variables and keys, points its
// pool at the local pool and serves from it: every key the file sets does what it says, checked
// through a sign-in of its client "wiki" and a token redemption.
//
// Changed from the file, and why: the pool's ids and endpoints (a local pool, not eu-west-1's),
// listen and public_url (a free loopback port over http) and therefore cookies.secure: false.
func TestServeFromExampleConfig(t *testing.T) {
	ctx := context.Background()
	src, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "config", "example.yaml"))
	if err != nil {
		t.Fatal(err)
	}

	// The local pool with a user whose custom attributes the file's claim_mappings release.
	pool := localpool.New(localpool.Options{})
	poolSrv := httptest.NewServer(pool.Handler())
	t.Cleanup(poolSrv.Close)
	api := cip.New(cip.Options{HTTPClient: sdkhttp.InMemoryBodies(nil), Region: "us-east-1", BaseEndpoint: aws.String(poolSrv.URL), Credentials: credentials.NewStaticCredentialsProvider("x", "x", "")})
	created, err := api.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("example")})
	must(t, err)
	poolID := aws.ToString(created.UserPool.Id)
	client, err := api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("bk"), GenerateSecret: true,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	must(t, err)
	_, err = api.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("alice"),
		TemporaryPassword: aws.String("Temp-Passw0rd!"), MessageAction: types.MessageActionTypeSuppress, UserAttributes: []types.AttributeType{
			{Name: aws.String("email"), Value: aws.String("alice@example.com")}, {Name: aws.String("email_verified"), Value: aws.String("true")},
			{Name: aws.String("custom:department"), Value: aws.String("Engineering")}, {Name: aws.String("custom:level"), Value: aws.String("3")},
		}})
	must(t, err)
	_, err = api.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String("alice"), Password: aws.String("Passw0rd!"), Permanent: true})
	must(t, err)

	port := testenv.FreePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	cfg := string(src)
	for _, r := range []struct{ old, new string }{
		{"listen: 127.0.0.1:8080", fmt.Sprintf("listen: 127.0.0.1:%d", port)},
		{"public_url: https://login.example.com", "public_url: " + base},
		{"region: eu-west-1 ", "region: us-east-1 "},
		{"user_pool_id: eu-west-1_AbCdEf123", "user_pool_id: " + poolID},
		{"client_id: 1example23456789", "client_id: " + aws.ToString(client.UserPoolClient.ClientId)},
		{"# endpoint: http://127.0.0.1:9229", "endpoint: " + poolSrv.URL},
		{"# issuer: http://localhost:9229/local_pool", "issuer: " + poolSrv.URL + "/" + poolID},
		{"# jwks_url: http://127.0.0.1:9229/local_pool/.well-known/jwks.json", "jwks_url: " + poolSrv.URL + "/" + poolID + "/.well-known/jwks.json"},
		{"secure: true ", "secure: false "},
	} {
		if !strings.Contains(cfg, r.old) {
			t.Fatalf("config/example.yaml no longer has %q; update this test with the file", r.old)
		}
		cfg = strings.Replace(cfg, r.old, r.new, 1)
	}
	path := writeConfig(t, cfg)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	must(t, err)
	der, err := x509.MarshalPKCS8PrivateKey(rsaKey)
	must(t, err)
	must(t, os.WriteFile(filepath.Join(filepath.Dir(path), "signing-rsa.pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600))
	const wikiSecret = "wiki-secret-0123456789abcdef"
	vars := map[string]string{
		"COOKIE_KEY":         cookieKey,
		"WIKI_CLIENT_SECRET": wikiSecret,
		"POOL_CLIENT_SECRET": aws.ToString(client.UserPoolClient.ClientSecret),
	}

	var out, errOut testutil.Buffer
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	exited := make(chan int, 1)
	go func() { exited <- run(runCtx, []string{"serve", "--config", path}, &out, &errOut, env(vars)) }()
	if line := firstLine(t, &out, &errOut, exited); !strings.Contains(line, "127.0.0.1:"+fmt.Sprint(port)) {
		t.Fatalf("serve printed %q", line)
	}

	// The wiki signs alice in (authorization code with PKCE), asking for every scope it may have.
	verifier := "example-verifier-0123456789-0123456789-0123456789"
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{"client_id": {"wiki"}, "redirect_uri": {"https://wiki.example.com/oauth2/callback"}, "response_type": {"code"},
		"scope": {"openid profile email offline_access"}, "state": {"s1"}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	c := webclient.New()
	page, err := c.Get(ctx, base+"/authorize?"+q.Encode())
	must(t, err)
	form, err := page.Form("username")
	if err != nil {
		t.Fatalf("%v: %s", err, page.Text())
	}
	form.Values.Set("username", "alice")
	form.Values.Set("password", "Passw0rd!")
	page, err = c.Submit(ctx, form, "", "")
	must(t, err)
	loc, err := url.Parse(page.Header.Get("Location"))
	must(t, err)
	if page.Status != http.StatusSeeOther || !strings.HasPrefix(loc.String(), "https://wiki.example.com/oauth2/callback?") || loc.Query().Get("state") != "s1" {
		t.Fatalf("sign-in for the wiki: %d %s: %s", page.Status, loc, page.Text())
	}
	// oidc.sso_session_ttl: 12h is the SSO cookie's lifetime.
	if sso := strings.Join(page.Header.Values("Set-Cookie"), "\n"); !strings.Contains(sso, "bk_sso=") || !strings.Contains(sso, "Max-Age=43200") {
		t.Errorf("SSO cookie of the sign-in: %s", sso)
	}
	tok := postToken(t, base, url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")},
		"redirect_uri": {"https://wiki.example.com/oauth2/callback"}, "code_verifier": {verifier}}, "wiki", wikiSecret)
	// access_token_ttl: 1h; offline_access is among the wiki's scopes; signing_alg RS256 with the
	// file's key.
	if tok["expires_in"] != float64(3600) || tok["refresh_token"] == nil || tok["id_token"] == nil {
		t.Fatalf("token response %v", tok)
	}
	header := jwtPart(t, tok["id_token"].(string), 0)
	if header["alg"] != "RS256" {
		t.Errorf("ID token header %v, want RS256", header)
	}
	// id_token_ttl: 1h.
	if claims := jwtPart(t, tok["id_token"].(string), 1); claims["exp"].(float64)-claims["iat"].(float64) != 3600 {
		t.Errorf("ID token lives %v s, want 3600", claims["exp"].(float64)-claims["iat"].(float64))
	}
	// claim_mappings: custom:department as department, custom:level as a number, both under profile.
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/userinfo", nil)
	must(t, err)
	req.Header.Set("Authorization", "Bearer "+tok["access_token"].(string))
	res, err := http.DefaultClient.Do(req)
	must(t, err)
	var info map[string]any
	must(t, json.NewDecoder(res.Body).Decode(&info))
	res.Body.Close()
	if info["department"] != "Engineering" || info["level"] != float64(3) || info["email"] != "alice@example.com" {
		t.Errorf("userinfo %v, want the mapped department and level and the email", info)
	}
	// The second client, cli, is public: its request reaches the sign-in page.
	cli := url.Values{"client_id": {"cli"}, "redirect_uri": {"http://127.0.0.1/callback"}, "response_type": {"code"}, "scope": {"openid"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	page, err = webclient.New().Get(ctx, base+"/authorize?"+cli.Encode())
	must(t, err)
	if page.Status != http.StatusOK || page.URL.Path != "/authorize" || len(page.Find("input", "name", "username")) != 1 {
		t.Errorf("the cli client's request: %d %s", page.Status, page.URL)
	}

	cancel()
	if code := <-exited; code != 0 {
		t.Fatalf("serve exited %d: %s", code, errOut.String())
	}
	// log.format: json, one object per line.
	for _, line := range errOut.Lines() {
		if !json.Valid([]byte(line)) {
			t.Fatalf("a log line is not JSON: %s", line)
		}
	}
}

// postToken posts to /token as a confidential client and decodes the answer.
func postToken(t *testing.T, base string, form url.Values, id, secret string) map[string]any {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/token", strings.NewReader(form.Encode()))
	must(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	res, err := http.DefaultClient.Do(req)
	must(t, err)
	defer res.Body.Close()
	var body map[string]any
	must(t, json.NewDecoder(res.Body).Decode(&body))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("token: %d %v", res.StatusCode, body)
	}
	return body
}

// jwtPart decodes part i (0 header, 1 claims) of a compact JWT.
func jwtPart(t *testing.T, jwt string, i int) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[i])
	must(t, err)
	var m map[string]any
	must(t, json.Unmarshal(raw, &m))
	return m
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
