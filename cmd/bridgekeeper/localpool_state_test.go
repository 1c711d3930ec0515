package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/cognito"
)

// TestLocalPoolState (issue 11): `bridgekeeper localpool --state FILE` keeps the pool across a
// restart. A user created through the API in the first run signs in after the second start,
// with the same pool id, client id and secret; the seed is not applied again.
func TestLocalPoolState(t *testing.T) {
	state := filepath.Join(t.TempDir(), "pool.json")
	seed := writeConfig(t, testSeed)
	creds := credentials.NewStaticCredentialsProvider("x", "x", "")
	api := func(t *testing.T, info localPoolInfo) *cip.Client {
		t.Helper()
		c, err := cognito.NewAPI(t.Context(), cognito.Config{Region: info.Region, Endpoint: info.Endpoint, StaticCredentials: &creds})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	signIn := func(t *testing.T, c *cip.Client, app localClientDesc, username, password string) error {
		_, err := c.InitiateAuth(t.Context(), &cip.InitiateAuthInput{
			AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(app.ID),
			AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password, "SECRET_HASH": cognito.SecretHash(app.ID, app.Secret, username)},
		})
		return err
	}

	ctx, cancel := context.WithCancel(t.Context())
	first, done, stderr := startLocalPool(ctx, t, "--seed", seed, "--state", state)
	if len(first.Pools) != 1 || len(first.Pools[0].Clients) != 2 {
		t.Fatalf("first run printed %+v", first)
	}
	pool, app := first.Pools[0], first.Pools[0].Clients[0]
	c := api(t, first)
	if _, err := c.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{
		UserPoolId: aws.String(pool.ID), Username: aws.String("bob"), MessageAction: types.MessageActionTypeSuppress,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AdminSetUserPassword(t.Context(), &cip.AdminSetUserPasswordInput{
		UserPoolId: aws.String(pool.ID), Username: aws.String("bob"), Password: aws.String("Bobs-passw0rd!"), Permanent: true,
	}); err != nil {
		t.Fatal(err)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("first run: exit code %d; stderr: %s", code, stderr.String())
	}
	fi, err := os.Stat(state)
	if err != nil {
		t.Fatalf("no state file after the first run: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600 (it holds passwords and keys)", fi.Mode().Perm())
	}

	ctx, cancel = context.WithCancel(t.Context())
	defer cancel()
	second, done, stderr := startLocalPool(ctx, t, "--seed", seed, "--state", state)
	if len(second.Pools) != 1 || second.Pools[0].ID != pool.ID || len(second.Pools[0].Clients) != 2 {
		t.Fatalf("second run printed %+v, want the first run's pool %s (and the seed not applied again)", second, pool.ID)
	}
	if got := second.Pools[0].Clients[0]; got != app {
		t.Fatalf("second run's client %+v, want %+v", got, app)
	}
	c = api(t, second)
	if err := signIn(t, c, app, "bob", "Bobs-passw0rd!"); err != nil {
		t.Errorf("the user created before the restart cannot sign in: %v", err)
	}
	if err := signIn(t, c, app, "alice@example.com", "Passw0rd!"); err != nil {
		t.Errorf("the seeded user cannot sign in by alias after the restart: %v", err)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("second run: exit code %d; stderr: %s", code, stderr.String())
	}
}
