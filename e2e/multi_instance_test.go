package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/redis/go-redis/v9"

	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
	"github.com/bridgekeeper/bridgekeeper/internal/sdkhttp"
	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
	"github.com/bridgekeeper/bridgekeeper/internal/testredis"
	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
	"github.com/bridgekeeper/bridgekeeper/oidc"
)

// localPool starts an in-process local user pool with one SRP app client (with a secret) and a
// user alice, created through the AWS SDK.
func localPool(t *testing.T) (api *cip.Client, endpoint, poolID, clientID, clientSecret string) {
	t.Helper()
	ctx := context.Background()
	srv := httptest.NewServer(localpool.New(localpool.Options{}).Handler())
	t.Cleanup(srv.Close)
	api = cip.New(cip.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", ""),
		HTTPClient:  sdkhttp.InMemoryBodies(nil),
	})
	pool, err := api.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("e2e")})
	must(t, err)
	poolID = aws.ToString(pool.UserPool.Id)
	client, err := api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(poolID), ClientName: aws.String("bridgekeeper"), GenerateSecret: true,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	must(t, err)
	_, err = api.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: aws.String(poolID), Username: aws.String("alice"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("alice@example.com")}},
	})
	must(t, err)
	_, err = api.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String("alice"), Password: aws.String(demoPassword), Permanent: true})
	must(t, err)
	return api, srv.URL, poolID, aws.ToString(client.UserPoolClient.ClientId), aws.ToString(client.UserPoolClient.ClientSecret)
}

// redisCallback records what an app's redirect URI receives.
type redisCallback struct {
	*httptest.Server
	mu   sync.Mutex
	last url.Values
}

func newRedisCallback(t *testing.T) *redisCallback {
	cb := &redisCallback{}
	cb.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cb.mu.Lock()
		cb.last = r.URL.Query()
		cb.mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<p>callback received</p>")
	}))
	t.Cleanup(cb.Close)
	return cb
}

func (cb *redisCallback) Last() url.Values {
	cb.mu.Lock()
	defer cb.mu.Unlock()
	return cb.last
}

// TestMultipleInstancesShareRedis runs three instances on one Redis and sends each step of one
// sign-in to a different instance; then one instance stops and a fourth one serves the refresh.
func TestMultipleInstancesShareRedis(t *testing.T) {
	multiInstanceScenario(t, testredis.Start(t), "single")
}

// TestMultipleInstancesShareRedisCluster runs the same scenario on a three-master Redis Cluster.
func TestMultipleInstancesShareRedisCluster(t *testing.T) {
	multiInstanceScenario(t, testredis.StartCluster(t), "cluster")
}

// TestMultipleInstancesShareRedisSentinel runs the same scenario on a Sentinel-managed master
// with one replica.
func TestMultipleInstancesShareRedisSentinel(t *testing.T) {
	multiInstanceScenario(t, testredis.StartSentinel(t).URL, "sentinel")
}

// multiInstanceScenario is the multi-instance scenario against the Redis at redisURL, read as
// store.mode says.
func multiInstanceScenario(t *testing.T, redisURL, mode string) {
	ctx := context.Background()
	waitReplicas := 0
	if mode == "sentinel" {
		waitReplicas = 1 // codes and refresh rotations wait for the replica (store.wait_replicas)
	}
	api, endpoint, poolID, clientID, clientSecret := localPool(t)
	cb := newRedisCallback(t)
	redirectURI := cb.URL + "/callback"

	ports := []int{testenv.FreePort(t), testenv.FreePort(t), testenv.FreePort(t), testenv.FreePort(t)}
	issuer := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	sc := newServeConfig(t, issuer, endpoint, poolID, clientID, clientSecret, redirectURI)
	sc.store = fmt.Sprintf("{url: %q, key_prefix: \"bk-e2e:\", mode: %s, wait_replicas: %d}", redisURL, mode, waitReplicas)
	config := func(i int) string { return sc.write(t, fmt.Sprintf("instance%d.yaml", i+1), ports[i]) }
	inst := []*process{start(t, "serve", "--config", config(0)), start(t, "serve", "--config", config(1)), start(t, "serve", "--config", config(2))}
	base := func(i int) string { return fmt.Sprintf("http://127.0.0.1:%d", ports[i]) }

	// 1. The app sends the browser to instance 1, which answers with the sign-in page.
	c := webclient.New()
	verifier := "e2e-verifier-" + strings.Repeat("v", 40)
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{
		"client_id": {"app"}, "redirect_uri": {redirectURI}, "response_type": {"code"}, "scope": {"openid email offline_access"},
		"state": {"st-1"}, "nonce": {"n-1"}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
	}
	page, err := c.Get(ctx, base(0)+"/authorize?"+q.Encode())
	must(t, err)
	if page.URL.Path != "/authorize" || page.Status != http.StatusOK {
		t.Fatalf("authorize on instance 1: %s (%d): %s", page.URL.Path, page.Status, page.Text())
	}
	// 2. The sign-in page again (the request parked in its cookie) comes from instance 2.
	page, err = c.Get(ctx, base(1)+"/signin")
	must(t, err)
	form, err := page.Form("password")
	if err != nil {
		t.Fatalf("%v: %s", err, page.Text())
	}
	must(t, form.Set("username", "alice"))
	must(t, form.Set("password", demoPassword))
	// 3. The password goes to instance 3, which sends the browser back to the app.
	form.Action, _ = url.Parse(base(2) + form.Action.Path)
	page, err = c.Submit(ctx, form, "", "")
	must(t, err)
	got := cb.Last()
	if page.URL.Path != "/callback" || got.Get("state") != "st-1" || got.Get("code") == "" {
		t.Fatalf("callback: %s %v\n%s", page.URL, got, page.Text())
	}
	code := got.Get("code")

	// 4. The app redeems the code on instance 1.
	tok := tokenRequest(t, base(0), url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI}, "code_verifier": {verifier}})
	if tok.status != http.StatusOK || tok.IDToken == "" || tok.RefreshToken == "" {
		t.Fatalf("token on instance 1: %d %+v", tok.status, tok)
	}
	// 5. The ID token verifies with instance 2's keys.
	keys := gooidc.NewRemoteKeySet(ctx, base(1)+"/.well-known/jwks.json")
	idt, err := gooidc.NewVerifier(issuer, keys, &gooidc.Config{ClientID: "app", SupportedSigningAlgs: []string{gooidc.ES256}}).Verify(ctx, tok.IDToken)
	must(t, err)
	var claims struct {
		Email string `json:"email"`
	}
	must(t, idt.Claims(&claims))
	if idt.Nonce != "n-1" || claims.Email != "alice@example.com" {
		t.Fatalf("ID token: nonce %q email %q", idt.Nonce, claims.Email)
	}

	// 6. Instance 1 goes away; a fourth instance serves the refresh.
	inst[0].Stop()
	inst = append(inst, start(t, "serve", "--config", config(3)))
	refreshed := tokenRequest(t, base(3), url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}})
	if refreshed.status != http.StatusOK || refreshed.RefreshToken == "" || refreshed.RefreshToken == tok.RefreshToken {
		t.Fatalf("refresh on instance 4: %d %+v", refreshed.status, refreshed)
	}
	// Reusing the rotated token anywhere is detected, and revokes the family.
	if reuse := tokenRequest(t, base(1), url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}); reuse.Error != "invalid_grant" {
		t.Fatalf("refresh reuse on instance 2: %d %+v", reuse.status, reuse)
	}
	if after := tokenRequest(t, base(2), url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshed.RefreshToken}}); after.Error != "invalid_grant" {
		t.Fatalf("the family survived a reuse: %d %+v", after.status, after)
	}

	// A replayed code (this revokes what it issued, too) is refused on another instance.
	if replay := tokenRequest(t, base(2), url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI}, "code_verifier": {verifier}}); replay.Error != "invalid_grant" {
		t.Fatalf("code replay on instance 3: %d %+v", replay.status, replay)
	}

	// 7. A user an administrator disabled in the pool stops getting tokens at the next refresh.
	c = webclient.New()
	q.Set("state", "st-2")
	page, err = c.Get(ctx, base(1)+"/authorize?"+q.Encode())
	must(t, err)
	page = submit(ctx, t, c, page, map[string]string{"username": "alice", "password": demoPassword})
	if got := cb.Last(); got.Get("state") != "st-2" || got.Get("code") == "" {
		t.Fatalf("second sign-in: %v\n%s", got, page.Text())
	}
	second := tokenRequest(t, base(2), url.Values{"grant_type": {"authorization_code"}, "code": {cb.Last().Get("code")}, "redirect_uri": {redirectURI}, "code_verifier": {verifier}})
	if second.RefreshToken == "" {
		t.Fatalf("second sign-in tokens: %+v", second)
	}
	_, err = api.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(poolID), Username: aws.String("alice")})
	must(t, err)
	if denied := tokenRequest(t, base(3), url.Values{"grant_type": {"refresh_token"}, "refresh_token": {second.RefreshToken}}); denied.Error != "invalid_grant" {
		t.Fatalf("refresh of a disabled user: %d %+v", denied.status, denied)
	}

	// 8. Every key Bridgekeeper wrote expires.
	n := 0
	forEachRedis(t, redisURL, mode, func(rdb *redis.Client) {
		rkeys, err := rdb.Keys(ctx, "bk-e2e:*").Result()
		must(t, err)
		n += len(rkeys)
		for _, k := range rkeys {
			ttl, err := rdb.PTTL(ctx, k).Result()
			must(t, err)
			if ttl <= 0 {
				t.Errorf("key %s has no expiry (%v)", k, ttl)
			}
		}
	})
	if n == 0 {
		t.Fatal("no keys in Redis: the instances did not share it")
	}
	_ = inst
}

// forEachRedis calls fn with a client of every master holding data: the one server, each
// cluster master, or the master Sentinel names.
func forEachRedis(t *testing.T, redisURL, mode string, fn func(*redis.Client)) {
	t.Helper()
	ctx := context.Background()
	switch mode {
	case "cluster":
		opt, err := redis.ParseClusterURL(redisURL)
		must(t, err)
		cc := redis.NewClusterClient(opt)
		defer cc.Close()
		var mu sync.Mutex
		must(t, cc.ForEachMaster(ctx, func(_ context.Context, c *redis.Client) error {
			mu.Lock()
			defer mu.Unlock()
			fn(c)
			return nil
		}))
	case "sentinel":
		opt, err := redis.ParseFailoverURL(redisURL)
		must(t, err)
		c := redis.NewFailoverClient(opt)
		defer c.Close()
		fn(c)
	default:
		opt, err := redis.ParseURL(redisURL)
		must(t, err)
		c := redis.NewClient(opt)
		defer c.Close()
		fn(c)
	}
}

type tokenResponse struct {
	status       int
	IDToken      string `json:"id_token"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	Error        string `json:"error"`
}

func tokenRequest(t *testing.T, base string, form url.Values) tokenResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/token", strings.NewReader(form.Encode()))
	must(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("app", "app-secret-0123456789")
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	must(t, err)
	defer resp.Body.Close()
	var out tokenResponse
	must(t, json.NewDecoder(resp.Body).Decode(&out))
	out.status = resp.StatusCode
	return out
}

// serveConfig writes `serve` configuration files for the local pool of localPool, with one
// OpenID client "app" (secret app-secret-0123456789) redirecting to redirectURI; instances of
// one serveConfig share their cookie and signing keys.
type serveConfig struct {
	dir, issuer, endpoint, poolID, clientID, clientSecret, redirectURI, keyFile, cookieKey string
	// store is the store section as YAML flow (default: the in-memory store).
	store string
	// accessTokenFormat is app's oidc.clients[].access_token_format (default: not set).
	accessTokenFormat string
}

func newServeConfig(t *testing.T, issuer, endpoint, poolID, clientID, clientSecret, redirectURI string) *serveConfig {
	t.Helper()
	dir := t.TempDir()
	keyFile, cookieKey := serveKeys(t, dir, oidc.ES256)
	return &serveConfig{dir: dir, issuer: issuer, endpoint: endpoint, poolID: poolID, clientID: clientID, clientSecret: clientSecret,
		redirectURI: redirectURI, keyFile: keyFile, cookieKey: cookieKey, store: `{url: "memory://"}`}
}

// write writes the file name for an instance listening on port and returns its path.
func (c *serveConfig) write(t *testing.T, name string, port int) string {
	t.Helper()
	cfg := fmt.Sprintf(`listen: 127.0.0.1:%d
public_url: %s
log: {level: info, format: json}
pool:
  region: us-east-1
  user_pool_id: %s
  client_id: %s
  client_secret: %s
  endpoint: %s
  issuer: %s/%s
cookies:
  keys: [%s]
  secure: false
store: %s
oidc:
  signing_keys: [{file: %s}]
  clients:
    - id: app
      secret: app-secret-0123456789
      signing_alg: ES256
      redirect_uris: [%s]
      scopes: [openid, email, profile, offline_access]
`, port, c.issuer, c.poolID, c.clientID, c.clientSecret, c.endpoint, c.endpoint, c.poolID, c.cookieKey, c.store, c.keyFile, c.redirectURI)
	if c.accessTokenFormat != "" {
		cfg += "      access_token_format: " + c.accessTokenFormat + "\n"
	}
	path := filepath.Join(c.dir, name)
	must(t, os.WriteFile(path, []byte(cfg), 0o600))
	return path
}
