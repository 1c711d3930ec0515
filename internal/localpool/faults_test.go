package localpool

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"

	"github.com/bridgekeeper/bridgekeeper/internal/sdkhttp"
)

// client is an SDK client of the test pool making at most attempts attempts per call, without
// waiting between them.
func (p *testPool) client(attempts int) *cip.Client {
	return cip.New(cip.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(p.url), Credentials: credentials.NewStaticCredentialsProvider("x", "x", ""),
		HTTPClient: sdkhttp.InMemoryBodies(nil),
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = attempts
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		}),
	})
}

func (p *testPool) getUser(api *cip.Client) error {
	_, err := api.GetUser(p.ctx, &cip.GetUserInput{AccessToken: aws.String("not-a-token")})
	return err
}

func TestFaultKinds(t *testing.T) {
	p := newTestPool(t)
	once := p.client(1)
	tests := []struct {
		fault  string
		code   string // Cognito's error code; "" for an answer without one
		msg    string
		status int // 0: no HTTP answer at all
	}{
		{FaultThrottle, "TooManyRequestsException", "Rate exceeded", http.StatusBadRequest},
		{FaultInternal, "InternalErrorException", "Internal server error.", http.StatusInternalServerError},
		{FaultUnavailable, "", "", http.StatusServiceUnavailable},
		{FaultReset, "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.fault, func(t *testing.T) {
			p.srv.ClearFaults()
			p.must(p.srv.SetFault("GetUser", Fault{Error: tt.fault, Times: 1}))
			err := p.getUser(once)
			var ae smithy.APIError
			var re *awshttp.ResponseError
			switch {
			case tt.code != "":
				wantAPIError(t, err, tt.code, tt.msg)
				if !errors.As(err, &re) || re.HTTPStatusCode() != tt.status {
					t.Fatalf("status of %v, want %d", err, tt.status)
				}
			case tt.status != 0:
				if !errors.As(err, &re) || re.HTTPStatusCode() != tt.status {
					t.Fatalf("error %v, want HTTP %d", err, tt.status)
				}
			default:
				if err == nil || errors.As(err, &ae) || (errors.As(err, &re) && re.HTTPStatusCode() != 0) {
					t.Fatalf("error %v, want a transport error without an answer", err)
				}
			}
			// Times: 1 — the next call gets the operation's own answer.
			wantAPIError(t, p.getUser(once), "NotAuthorizedException", "Invalid Access Token")
			if n := p.srv.Calls("GetUser"); n != 2 {
				t.Errorf("Calls(GetUser) = %d, want 2", n)
			}
		})
	}
}

// TestFaultCallsCountRetries shows the count is of attempts: the SDK's three tries of a
// throttled call all reach the pool, and a fault on "*" meets every operation.
func TestFaultCallsCountRetries(t *testing.T) {
	p := newTestPool(t)
	p.must(p.srv.SetFault("*", Fault{Error: FaultThrottle}))
	wantAPIError(t, p.getUser(p.client(3)), "TooManyRequestsException", "Rate exceeded")
	if n := p.srv.Calls("GetUser"); n != 3 {
		t.Fatalf("Calls(GetUser) = %d, want 3 attempts", n)
	}
	p.srv.ClearFaults()
	if n := p.srv.Calls("GetUser"); n != 0 {
		t.Fatalf("Calls after ClearFaults = %d", n)
	}
	wantAPIError(t, p.getUser(p.client(3)), "NotAuthorizedException", "Invalid Access Token")
}

// TestFaultResetBeforeAndAfter: a reset before the operation leaves the session usable; a reset
// after it has run leaves the session used up although the caller never heard the answer.
func TestFaultResetBeforeAndAfter(t *testing.T) {
	for _, tt := range []struct {
		fault string
		then  string // the error of answering again; "" for success
	}{
		{FaultReset, ""},
		{FaultResetAfter, "Invalid session for the user, session can only be used once."},
	} {
		t.Run(tt.fault, func(t *testing.T) {
			p := newTestPool(t)
			p.api = p.client(1)
			cl, params, sess := p.srpStart()
			p.must(p.srv.SetFault("RespondToAuthChallenge", Fault{Error: tt.fault, Times: 1}))
			if _, err := p.srpAnswer(cl, params, sess, "Passw0rd!", nil); err == nil {
				t.Fatal("the cut call succeeded")
			}
			out, err := p.srpAnswer(cl, params, sess, "Passw0rd!", nil)
			if tt.then == "" {
				p.must(err)
				if out.AuthenticationResult == nil {
					t.Fatal("no tokens")
				}
				return
			}
			wantAPIError(t, err, "NotAuthorizedException", tt.then)
		})
	}
}

// TestFaultLatencyEndsWithTheCaller: a call held by injected latency ends when the caller's
// deadline passes, and the pool answers normally once the fault is cleared.
func TestFaultLatencyEndsWithTheCaller(t *testing.T) {
	p := newTestPool(t)
	p.must(p.srv.SetFault("GetUser", Fault{Latency: time.Hour}))
	ctx, cancel := context.WithTimeout(p.ctx, 50*time.Millisecond)
	defer cancel()
	_, err := p.client(1).GetUser(ctx, &cip.GetUserInput{AccessToken: aws.String("x")})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want the caller's deadline", err)
	}
	p.srv.ClearFaults()
	wantAPIError(t, p.getUser(p.client(1)), "NotAuthorizedException", "Invalid Access Token")
}

func TestFaultSwitchboard(t *testing.T) {
	off := httptest.NewServer(New(Options{}).Handler())
	t.Cleanup(off.Close)
	res, err := http.Get(off.URL + FaultsPath)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("without Options.Faults the switchboard answered %d, want 404", res.StatusCode)
	}

	srv := New(Options{Faults: true})
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	do := func(method, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, hs.URL+FaultsPath, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, string(b)
	}
	for _, bad := range []string{`{"op":"InitiateAuth","error":"explode"}`, `{"op":"InitiateAuth","latency":"soon"}`, `{"op":""}`, `{"op":"InitiateAuth","colour":"red"}`, `not json`} {
		if code, _ := do(http.MethodPut, bad); code != http.StatusBadRequest {
			t.Errorf("PUT %s answered %d, want 400", bad, code)
		}
	}
	if code, body := do(http.MethodPut, `{"op":"InitiateAuth","error":"throttle","latency":"10ms","times":2}`); code != http.StatusNoContent {
		t.Fatalf("PUT answered %d: %s", code, body)
	}
	p := &testPool{t: t, ctx: context.Background(), url: hs.URL}
	_, err = p.client(1).InitiateAuth(p.ctx, &cip.InitiateAuthInput{ClientId: aws.String("nobody"), AuthFlow: "USER_SRP_AUTH"})
	wantAPIError(t, err, "TooManyRequestsException", "Rate exceeded")
	code, body := do(http.MethodGet, "")
	var listed struct {
		Faults []faultJSON    `json:"faults"`
		Calls  map[string]int `json:"calls"`
	}
	if err := json.Unmarshal([]byte(body), &listed); code != http.StatusOK || err != nil {
		t.Fatalf("GET answered %d %v: %s", code, err, body)
	}
	if len(listed.Faults) != 1 || listed.Faults[0] != (faultJSON{Op: "InitiateAuth", Error: FaultThrottle, Latency: "10ms", Times: 1}) || listed.Calls["InitiateAuth"] != 1 {
		t.Fatalf("GET listed %+v", listed)
	}
	if code, _ := do(http.MethodDelete, ""); code != http.StatusNoContent {
		t.Fatalf("DELETE answered %d", code)
	}
	if _, body := do(http.MethodGet, ""); !strings.Contains(body, `"faults":[]`) || !strings.Contains(body, `"calls":{}`) {
		t.Fatalf("after DELETE: %s", body)
	}
}
