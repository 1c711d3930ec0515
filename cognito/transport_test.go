package cognito

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// dropping is a Cognito stand-in that reads each request and then either hangs up without an
// answer (drop) or answers with status and code, counting the attempts per operation.
type dropping struct {
	drop   bool
	status int
	code   string
	mu     sync.Mutex
	calls  map[string]int
}

func (d *dropping) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.ReadAll(r.Body)
	d.mu.Lock()
	d.calls[strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService.")]++
	d.mu.Unlock()
	if d.drop {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			_ = conn.Close()
		}
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Errortype", d.code)
	w.WriteHeader(d.status)
	_, _ = w.Write([]byte(`{"__type":"` + d.code + `","message":"m"}`))
}

// TestSingleUseCallsAreNotRepeated checks that a call spending a single-use session is made once
// when Cognito may have read it (a dropped connection, a 500), and retried only when Cognito
// certainly refused it first (throttling); other calls keep the SDK's retries.
func TestSingleUseCallsAreNotRepeated(t *testing.T) {
	respond := func(ctx context.Context, api *cip.Client) error {
		_, err := api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String("c"), ChallengeName: "SMS_MFA", Session: aws.String("S"),
			ChallengeResponses: map[string]string{"USERNAME": "u", "SMS_MFA_CODE": "123456"}})
		return err
	}
	confirm := func(ctx context.Context, api *cip.Client) error {
		_, err := api.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: aws.String("c"), Username: aws.String("u"), ConfirmationCode: aws.String("123456"), Password: aws.String("p")})
		return err
	}
	initiate := func(ctx context.Context, api *cip.Client) error {
		_, err := api.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String("c"), AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: map[string]string{"USERNAME": "u", "PASSWORD": "p"}})
		return err
	}
	tests := []struct {
		name     string
		server   *dropping
		op       string
		call     func(context.Context, *cip.Client) error
		attempts int
	}{
		{"dropped RespondToAuthChallenge", &dropping{drop: true}, "RespondToAuthChallenge", respond, 1},
		{"dropped ConfirmForgotPassword", &dropping{drop: true}, "ConfirmForgotPassword", confirm, 1},
		{"dropped InitiateAuth", &dropping{drop: true}, "InitiateAuth", initiate, 3},
		{"500 on RespondToAuthChallenge", &dropping{status: 500, code: "InternalErrorException"}, "RespondToAuthChallenge", respond, 1},
		{"500 on InitiateAuth", &dropping{status: 500, code: "InternalErrorException"}, "InitiateAuth", initiate, 3},
		{"throttled RespondToAuthChallenge", &dropping{status: 400, code: "TooManyRequestsException"}, "RespondToAuthChallenge", respond, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.server
			d.calls = map[string]int{}
			srv := httptest.NewServer(d)
			t.Cleanup(srv.Close)
			api, err := NewAPI(context.Background(), Config{Region: "eu-west-1", Endpoint: srv.URL},
				WithCredentials(credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")), WithRetryBackoff(noWait))
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.call(context.Background(), api); err == nil {
				t.Fatal("the call succeeded")
			}
			d.mu.Lock()
			defer d.mu.Unlock()
			if got := d.calls[tt.op]; got != tt.attempts {
				t.Fatalf("%s was sent %d times, want %d", tt.op, got, tt.attempts)
			}
		})
	}
}

// TestRequestBodiesFromMemory checks that the transport gets each request body as an in-memory
// reader it can measure and replay, the same bytes the SDK serialised.
func TestRequestBodiesFromMemory(t *testing.T) {
	var seen []string
	rec := recordingClient{next: http.DefaultClient, check: func(r *http.Request) {
		if r.GetBody == nil || r.ContentLength <= 0 {
			t.Errorf("body: GetBody %v, ContentLength %d", r.GetBody != nil, r.ContentLength)
			return
		}
		again, err := r.GetBody()
		if err != nil {
			t.Error(err)
			return
		}
		b, _ := io.ReadAll(again)
		if int64(len(b)) != r.ContentLength {
			t.Errorf("GetBody gave %d bytes, ContentLength %d", len(b), r.ContentLength)
		}
		seen = append(seen, string(b))
	}}
	f := &fakeCognito{responses: []fakeResponse{{status: 200, body: `{"ChallengeName":"SMS_MFA","Session":"S2","ChallengeParameters":{}}`}}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	api, err := NewAPI(context.Background(), Config{Region: "eu-west-1", Endpoint: srv.URL}, WithHTTPClient(rec))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.RespondToAuthChallenge(context.Background(), &cip.RespondToAuthChallengeInput{ClientId: aws.String("c"), ChallengeName: "SMS_MFA", Session: aws.String("S"),
		ChallengeResponses: map[string]string{"USERNAME": "u", "SMS_MFA_CODE": "123456"}}); err != nil {
		t.Fatal(err)
	}
	var body struct{ Session string }
	if len(seen) != 1 || json.Unmarshal([]byte(seen[0]), &body) != nil || body.Session != "S" {
		t.Fatalf("bodies seen: %q", seen)
	}
}

type recordingClient struct {
	next  aws.HTTPClient
	check func(*http.Request)
}

func (c recordingClient) Do(r *http.Request) (*http.Response, error) {
	c.check(r)
	return c.next.Do(r)
}
