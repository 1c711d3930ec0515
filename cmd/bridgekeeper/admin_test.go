package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
	"github.com/bridgekeeper/bridgekeeper/internal/sdkhttp"
)

// cliPool is a local pool with a few users for the admin CLI tests.
type cliPool struct {
	url, id string
	api     *cip.Client
}

func newCLIPool(t *testing.T) *cliPool {
	t.Helper()
	ctx := context.Background()
	hs := httptest.NewServer(localpool.New(localpool.Options{}).Handler())
	t.Cleanup(hs.Close)
	api := cip.New(cip.Options{HTTPClient: sdkhttp.InMemoryBodies(nil), Region: "us-east-1", BaseEndpoint: aws.String(hs.URL), Credentials: credentials.NewStaticCredentialsProvider("x", "x", "")})
	pool, err := api.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("cli")})
	if err != nil {
		t.Fatal(err)
	}
	p := &cliPool{url: hs.URL, id: aws.ToString(pool.UserPool.Id), api: api}
	for i, u := range []string{"alice", "bob", "user01", "user02"} {
		attrs := []types.AttributeType{{Name: aws.String("email"), Value: aws.String(u + "@example.com")}}
		if i != 1 { // bob's email is not verified
			attrs = append(attrs, types.AttributeType{Name: aws.String("email_verified"), Value: aws.String("true")})
		}
		if _, err := api.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(p.id), Username: aws.String(u), MessageAction: types.MessageActionTypeSuppress, UserAttributes: attrs}); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// admin runs `bridgekeeper admin` against the pool and returns the exit code and outputs.
func (p *cliPool) admin(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	full := append([]string{"admin", "--endpoint", p.url, "--user-pool-id", p.id, "--actor", "ops"}, args...)
	code := run(context.Background(), full, &out, &errOut, env(nil))
	return code, out.String(), errOut.String()
}

func TestAdminCLIExitCodes(t *testing.T) {
	p := newCLIPool(t)
	for _, tt := range []struct {
		args     []string
		code     int
		inOut    string
		inStderr string
	}{
		{[]string{"list-users"}, exitOK, "user02", ""},
		{[]string{"list-users", "--filter", `username ^= "user"`}, exitOK, "user01", ""},
		{[]string{"list-users", "--filter", `custom:x = "y"`}, exitFailed, "", "Invalid search attribute"},
		{[]string{"show", "alice"}, exitOK, "alice@example.com (verified: true)", ""},
		{[]string{"show", "ghost"}, exitNotFound, "", "not found"},
		{[]string{"disable", "ghost"}, exitNotFound, "", "not found"},
		{[]string{"disable", "user01"}, exitOK, "Only Cognito's side was done", ""},
		{[]string{"enable", "user01"}, exitOK, "enable user01: done", ""},
		{[]string{"sign-out", "user01"}, exitOK, "Only Cognito's side was done", ""},
		{[]string{"reset-mfa", "user01"}, exitOK, "reset-mfa user01: done", ""},
		{[]string{"reset-password", "bob"}, exitFailed, "", "no verified email address or phone number"},
		{[]string{"reset-password", "bob", "--temporary"}, exitOK, "temporary password (shown once): ", ""},
		{[]string{"reset-password", "alice"}, exitOK, "reset-password alice: done", ""},
		{[]string{"audit"}, exitOK, "TIME", "no shared store"},
		{[]string{}, exitUsage, "", "a command is required"},
		{[]string{"frobnicate"}, exitUsage, "", `unknown command "frobnicate"`},
		{[]string{"show"}, exitUsage, "", "show takes one USER"},
		{[]string{"list-users", "extra"}, exitUsage, "", "list-users takes no arguments"},
		{[]string{"disable", "alice", "--temporary"}, exitUsage, "", "--temporary with reset-password"},
		{[]string{"list-users", "--bogus"}, exitUsage, "", "flag provided but not defined"},
		{[]string{"help"}, exitOK, "Exit codes: 0 done, 1 failed, 2 usage, 3 not found.", ""},
	} {
		code, out, errOut := p.admin(t, tt.args...)
		if code != tt.code || !strings.Contains(out, tt.inOut) || !strings.Contains(errOut, tt.inStderr) {
			t.Errorf("admin %v: exit %d, stdout %q, stderr %q; want exit %d, stdout with %q, stderr with %q",
				tt.args, code, out, errOut, tt.code, tt.inOut, tt.inStderr)
		}
	}
	u, err := p.api.AdminGetUser(context.Background(), &cip.AdminGetUserInput{UserPoolId: aws.String(p.id), Username: aws.String("alice")})
	if err != nil || u.UserStatus != types.UserStatusTypeResetRequired {
		t.Fatalf("alice after reset-password: %v %v", u, err)
	}
	// Without a pool the command is misused.
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"admin", "list-users"}, &out, &errOut, env(nil)); code != exitUsage || !strings.Contains(errOut.String(), "--user-pool-id") {
		t.Fatalf("admin without a pool: exit %d, %s", code, errOut.String())
	}
}

func TestAdminCLIJSON(t *testing.T) {
	p := newCLIPool(t)
	code, out, errOut := p.admin(t, "--json", "list-users")
	var users []struct {
		Username string `json:"username"`
		Email    string `json:"email"`
		Enabled  bool   `json:"enabled"`
	}
	if code != exitOK || json.Unmarshal([]byte(out), &users) != nil || len(users) != 4 || users[0].Username != "alice" || users[0].Email != "alice@example.com" || !users[0].Enabled {
		t.Fatalf("list-users --json: exit %d, %s %s", code, out, errOut)
	}
	code, out, _ = p.admin(t, "show", "alice", "--json")
	var u struct {
		Username      string   `json:"username"`
		EmailVerified bool     `json:"email_verified"`
		Groups        []string `json:"groups"`
		SessionsKnown bool     `json:"sessions_known"`
	}
	if code != exitOK || json.Unmarshal([]byte(out), &u) != nil || u.Username != "alice" || !u.EmailVerified || u.Groups == nil || u.SessionsKnown {
		t.Fatalf("show --json: exit %d, %s", code, out)
	}
	code, out, _ = p.admin(t, "reset-password", "bob", "--temporary", "--json")
	var res struct {
		Command           string `json:"command"`
		User              string `json:"user"`
		TemporaryPassword string `json:"temporary_password"`
		SessionsEnded     bool   `json:"sessions_ended"`
	}
	if code != exitOK || json.Unmarshal([]byte(out), &res) != nil || res.Command != "reset-password" || res.User != "bob" || len(res.TemporaryPassword) < 16 || res.SessionsEnded {
		t.Fatalf("reset-password --json: exit %d, %s", code, out)
	}
	code, out, _ = p.admin(t, "audit", "--json", "--user", "bob")
	var entries []struct {
		Actor, Via, Action, Target, Result string
	}
	if code != exitOK || json.Unmarshal([]byte(out), &entries) != nil {
		t.Fatalf("audit --json: exit %d, %s", code, out)
	}
	// Each run has its own memory store: without store.url the audit list is this run's only.
	if len(entries) != 0 {
		t.Fatalf("audit without a shared store listed %v", entries)
	}
}

func TestAdminCLIConfigFile(t *testing.T) {
	p := newCLIPool(t)
	path := writeConfig(t, fmt.Sprintf(`
pool:
  user_pool_id: %s
  endpoint: %s
admin:
  groups: [ops]
`, p.id, p.url))
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"admin", "--config", path, "show", "user02"}, &out, &errOut, env(nil)); code != exitOK || !strings.Contains(out.String(), "user02") {
		t.Fatalf("with --config: exit %d, %s %s", code, out.String(), errOut.String())
	}
	bad := writeConfig(t, "pool:\n  user_pool_id: nope\nadmin:\n  groups: [\" \"]\n  recent_sign_in: 0s\n")
	out.Reset()
	errOut.Reset()
	code := run(context.Background(), []string{"admin", "--config", bad, "list-users"}, &out, &errOut, env(nil))
	for _, want := range []string{"pool.user_pool_id", "admin.groups[0]", "admin.recent_sign_in"} {
		if code != exitFailed || !strings.Contains(errOut.String(), want) {
			t.Errorf("bad config: exit %d, stderr %q lacks %s", code, errOut.String(), want)
		}
	}
	if strings.Contains(errOut.String(), "cookies.keys") || strings.Contains(errOut.String(), "public_url") {
		t.Errorf("the CLI checked sections it does not read: %s", errOut.String())
	}
}
