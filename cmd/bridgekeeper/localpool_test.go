package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

const testSeed = `
pools:
  - name: bench
    alias_attributes: [email]
    clients:
      - name: bridgekeeper
        generate_secret: true
        auth_flows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
      - name: spa
    users:
      - username: alice
        password: Passw0rd!
        attributes: {email: alice@example.com, email_verified: "true", name: Alice}
`

// TestLocalPoolCommand runs `bridgekeeper localpool` with a seed file, reads what it prints and
// signs the seeded user in through the AWS SDK with the printed ids.
func TestLocalPoolCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	info, done, stderr := startLocalPool(ctx, t, "--seed", writeConfig(t, testSeed))
	if !strings.HasPrefix(info.Endpoint, "http://127.0.0.1:") || len(info.Pools) != 1 || len(info.Pools[0].Clients) != 2 {
		t.Fatalf("printed %+v", info)
	}
	p := info.Pools[0]
	app, spa := p.Clients[0], p.Clients[1]
	if !strings.HasPrefix(p.ID, "us-east-1_") || p.Issuer != info.Endpoint+"/"+p.ID || app.Secret == "" || spa.Secret != "" {
		t.Fatalf("pool %+v", p)
	}

	creds := credentials.NewStaticCredentialsProvider("x", "x", "")
	api, err := cognito.NewAPI(ctx, cognito.Config{Region: info.Region, Endpoint: info.Endpoint, StaticCredentials: &creds})
	if err != nil {
		t.Fatal(err)
	}
	signIn := func(username string) error {
		_, err := api.InitiateAuth(ctx, &cip.InitiateAuthInput{
			AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(app.ID),
			AuthParameters: map[string]string{
				"USERNAME": username, "PASSWORD": "Passw0rd!",
				"SECRET_HASH": cognito.SecretHash(app.ID, app.Secret, username),
			},
		})
		return err
	}
	if err := signIn("alice"); err != nil {
		t.Fatalf("seeded user cannot sign in: %v", err)
	}
	if err := signIn("alice@example.com"); err != nil {
		t.Fatalf("seeded alias cannot sign in: %v", err)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit code %d after the context ended; stderr: %s", code, stderr.String())
	}
}

// startLocalPool runs `bridgekeeper localpool --listen 127.0.0.1:0 --json` with more arguments
// and returns what it printed, its exit code once ctx ends, and its stderr.
func startLocalPool(ctx context.Context, t *testing.T, args ...string) (localPoolInfo, <-chan int, *testutil.Buffer) {
	t.Helper()
	stdoutR, stdoutW := io.Pipe()
	stderr := &testutil.Buffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"localpool", "--listen", "127.0.0.1:0", "--json"}, args...), stdoutW, stderr, env(nil))
		_ = stdoutW.Close()
	}()
	line, err := bufio.NewReader(stdoutR).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the printed endpoint: %v (stderr: %s)", err, stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, stdoutR) }()
	var info localPoolInfo
	if err := json.Unmarshal([]byte(line), &info); err != nil {
		t.Fatalf("output %q: %v", line, err)
	}
	return info, done, stderr
}

func TestLocalPoolSeedErrors(t *testing.T) {
	for _, tc := range []struct {
		name, seed, want string
	}{
		{"unknown key", "pools: [{name: p, colour: red}]", "colour"},
		{"no pool name", "pools: [{mfa: OFF}]", "pools[0].name: required"},
		{"bad mfa", "pools: [{name: p, mfa: MAYBE}]", "pools[0].mfa"},
		{"no client name", "pools: [{name: p, clients: [{generate_secret: true}]}]", "pools[0].clients[0].name"},
		{"user without password", "pools: [{name: p, users: [{username: bob}]}]", "pools[0].users[0]"},
		{"password the pool refuses", "pools: [{name: p, users: [{username: bob, password: x}]}]", "user bob"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr testutil.Buffer
			code := run(t.Context(), []string{"localpool", "--listen", "127.0.0.1:0", "--seed", writeConfig(t, tc.seed)}, &stdout, &stderr, env(nil))
			if code != 1 || !strings.Contains(stderr.String(), tc.want) {
				t.Fatalf("exit %d, stderr %q; want 1 and a message naming %q", code, stderr.String(), tc.want)
			}
		})
	}
}
