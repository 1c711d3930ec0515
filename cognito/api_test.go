package cognito

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// fakeCognito answers every request with the queued responses in turn (the last one repeats),
// recording what it saw.
type fakeCognito struct {
	mu        sync.Mutex
	responses []fakeResponse
	calls     int
	targets   []string
	auth      []string
}

type fakeResponse struct {
	status int
	code   string // Cognito error code, or "" for success
	body   string
}

func (f *fakeCognito) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.targets = append(f.targets, r.Header.Get("X-Amz-Target"))
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	resp := f.responses[min(f.calls, len(f.responses)-1)]
	f.calls++
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if resp.code != "" {
		w.Header().Set("X-Amzn-Errortype", resp.code)
	}
	w.WriteHeader(resp.status)
	_, _ = w.Write([]byte(resp.body))
}

func (f *fakeCognito) count() int { f.mu.Lock(); defer f.mu.Unlock(); return f.calls }

func errorResponse(status int, code, msg string) fakeResponse {
	return fakeResponse{status: status, code: code, body: `{"__type":"` + code + `","message":"` + msg + `"}`}
}

// noWait is a retry backoff that does not sleep, so retry tests take no time.
var noWait = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })

// TestRetries checks the retryer NewAPI installs, through the real SDK over HTTP: a per-user
// LimitExceededException is not retried; throttling and server errors are, up to 3 attempts.
func TestRetries(t *testing.T) {
	tests := []struct {
		name     string
		resp     []fakeResponse
		attempts int
		kind     Kind
		ok       bool
	}{
		{"LimitExceeded is not retried", []fakeResponse{errorResponse(400, "LimitExceededException", "Attempt limit exceeded, please try after some time.")}, 1, LimitExceeded, false},
		{"TooManyRequests is retried", []fakeResponse{errorResponse(400, "TooManyRequestsException", "Rate exceeded")}, 3, TooManyRequests, false},
		{"ThrottlingException is retried", []fakeResponse{errorResponse(400, "ThrottlingException", "Rate exceeded")}, 3, TooManyRequests, false},
		{"a 500 is retried", []fakeResponse{errorResponse(500, "InternalErrorException", "boom")}, 3, Unavailable, false},
		{"a bare 503 is retried", []fakeResponse{{status: 503}}, 3, Unavailable, false},
		{"a wrong password is not retried", []fakeResponse{errorResponse(400, "NotAuthorizedException", "Incorrect username or password.")}, 1, WrongCredentials, false},
		{"throttled once, then through", []fakeResponse{errorResponse(400, "TooManyRequestsException", "Rate exceeded"), {status: 200, body: `{"ChallengeName":"SMS_MFA","Session":"S","ChallengeParameters":{}}`}}, 2, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeCognito{responses: tt.resp}
			srv := httptest.NewServer(f)
			t.Cleanup(srv.Close)
			cfg := Config{Region: "eu-west-1", Endpoint: srv.URL}
			api, err := NewAPI(context.Background(), cfg, WithCredentials(credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")), WithRetryBackoff(noWait))
			if err != nil {
				t.Fatal(err)
			}
			out, err := api.InitiateAuth(context.Background(), &cip.InitiateAuthInput{ClientId: aws.String("c"), AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: map[string]string{"USERNAME": "u", "PASSWORD": "p"}})
			if got := f.count(); got != tt.attempts {
				t.Errorf("%d attempts, want %d", got, tt.attempts)
			}
			if tt.ok {
				if err != nil || out.ChallengeName != "SMS_MFA" {
					t.Fatalf("out %+v, err %v", out, err)
				}
				return
			}
			if !IsKind(mapError("InitiateAuth", err), tt.kind) {
				t.Fatalf("err = %v, want kind %v", err, tt.kind)
			}
			if f.targets[0] != "AWSCognitoIdentityProviderService.InitiateAuth" {
				t.Fatalf("request: target %q", f.targets[0])
			}
		})
	}
}

// TestNewAPICredentials checks the credentials admin calls are signed with (sign-in calls are
// unsigned): Config.StaticCredentials for emulators, or WithCredentials, which wins.
func TestNewAPICredentials(t *testing.T) {
	f := &fakeCognito{responses: []fakeResponse{{status: 200, body: `{}`}}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	creds := credentials.NewStaticCredentialsProvider("AKIDCONFIG", "x", "")
	api, err := NewAPI(context.Background(), Config{Region: "us-east-1", Endpoint: srv.URL, StaticCredentials: &creds}, WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.AdminGetUser(context.Background(), &cip.AdminGetUserInput{UserPoolId: aws.String("us-east-1_p"), Username: aws.String("u")}); err != nil {
		t.Fatal(err)
	}
	api, err = NewAPI(context.Background(), Config{Region: "eu-west-1", Endpoint: srv.URL, StaticCredentials: &creds},
		WithCredentials(credentials.NewStaticCredentialsProvider("AKIDOPTION", "x", "")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.AdminGetUser(context.Background(), &cip.AdminGetUserInput{UserPoolId: aws.String("eu-west-1_p"), Username: aws.String("u")}); err != nil {
		t.Fatal(err)
	}
	if f.count() != 2 || !strings.Contains(f.auth[0], "Credential=AKIDCONFIG/") || !strings.Contains(f.auth[0], "/us-east-1/cognito-idp/") ||
		!strings.Contains(f.auth[1], "Credential=AKIDOPTION/") || !strings.Contains(f.auth[1], "/eu-west-1/cognito-idp/") {
		t.Fatalf("calls %d, authorization %q", f.count(), f.auth)
	}
}

func TestConfigDerivedURLs(t *testing.T) {
	c := Config{Region: "eu-central-1", UserPoolID: "eu-central-1_AbC123"}
	if c.PoolName() != "AbC123" || c.IssuerURL() != "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_AbC123" ||
		c.JWKS() != "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_AbC123/.well-known/jwks.json" {
		t.Fatalf("derived: %q %q %q", c.PoolName(), c.IssuerURL(), c.JWKS())
	}
	c.Issuer, c.JWKSURL = "http://127.0.0.1:9229/p/", "http://127.0.0.1:9229/p/keys"
	if c.IssuerURL() != "http://127.0.0.1:9229/p" || c.JWKS() != "http://127.0.0.1:9229/p/keys" {
		t.Fatalf("overrides: %q %q", c.IssuerURL(), c.JWKS())
	}
}
