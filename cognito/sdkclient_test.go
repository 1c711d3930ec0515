package cognito_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
)

// TestAPIKeepsConnectionsForConcurrentCalls (issue 11, the leaner SDK configuration): the
// client keeps an idle connection for each call that was in flight, so the next burst of as
// many concurrent sign-ins reuses them instead of opening new ones (the SDK's default keeps 10
// and closes the rest: a new TCP and TLS connection to Cognito for most calls).
func TestAPIKeepsConnectionsForConcurrentCalls(t *testing.T) {
	const inFlight, rounds = 32, 3
	pool := localpool.New(localpool.Options{})
	var (
		newConns atomic.Int64
		mu       sync.Mutex
		arrived  int
		release  = make(chan struct{})
	)
	// The handler holds each round's calls until all of them are in flight at once.
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") == "AWSCognitoIdentityProviderService.DescribeUserPool" {
			mu.Lock()
			arrived++
			wait := release
			if arrived == inFlight {
				arrived = 0
				close(release)
				release = make(chan struct{})
			}
			mu.Unlock()
			select {
			case <-wait:
			case <-r.Context().Done():
				return
			}
		}
		pool.Handler().ServeHTTP(w, r)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			newConns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	creds := credentials.NewStaticCredentialsProvider("x", "x", "")
	api, err := cognito.NewAPI(ctx, cognito.Config{Region: "us-east-1", Endpoint: srv.URL, StaticCredentials: &creds})
	if err != nil {
		t.Fatal(err)
	}
	created, err := api.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("conns")})
	if err != nil {
		t.Fatal(err)
	}
	before := newConns.Load()
	for range rounds {
		var wg sync.WaitGroup
		errs := make(chan error, inFlight)
		for range inFlight {
			wg.Go(func() {
				_, err := api.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: created.UserPool.Id})
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if opened := newConns.Load() - before; opened > inFlight {
		t.Errorf("%d rounds of %d concurrent calls opened %d connections, want at most %d (one per call in flight, then reused)",
			rounds, inFlight, opened, inFlight)
	}
}
