package localpool

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestAnswersCarryTheirLength: an answer past net/http's 2 KiB buffer (the tokens) comes with its
// Content-Length, as Cognito sends it, not chunked.
func TestAnswersCarryTheirLength(t *testing.T) {
	p := newTestPool(t)
	c, err := p.api.CreateUserPoolClient(p.ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(p.poolID), ClientName: aws.String("pwd"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth},
	})
	p.must(err)
	in, err := json.Marshal(map[string]any{"ClientId": aws.ToString(c.UserPoolClient.ClientId), "AuthFlow": "USER_PASSWORD_AUTH",
		"AuthParameters": map[string]string{"USERNAME": "alice", "PASSWORD": "Passw0rd!"}})
	p.must(err)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, p.url, strings.NewReader(string(in)))
	p.must(err)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
	resp, err := http.DefaultClient.Do(req)
	p.must(err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	p.must(err)
	var out struct{ AuthenticationResult struct{ IdToken string } }
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &out) != nil || out.AuthenticationResult.IdToken == "" {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if len(body) <= 2048 || resp.ContentLength != int64(len(body)) || len(resp.TransferEncoding) != 0 {
		t.Errorf("a %d-byte answer with Content-Length %d, Transfer-Encoding %v; want its length and no chunks",
			len(body), resp.ContentLength, resp.TransferEncoding)
	}
}

// writtenAnswer is an http.ResponseWriter that keeps what it is given.
type writtenAnswer struct {
	header http.Header
	writes [][]byte
}

func (w *writtenAnswer) Header() http.Header { return w.header }
func (w *writtenAnswer) WriteHeader(int)     {}
func (w *writtenAnswer) Write(b []byte) (int, error) {
	w.writes = append(w.writes, b)
	return len(b), nil
}

// TestAnswerIsWrittenAsEncoded: the encoded answer reaches the connection as it is, not copied to
// add the newline (a full buffer, len = cap, would be), and Content-Length counts the newline.
func TestAnswerIsWrittenAsEncoded(t *testing.T) {
	for _, n := range []int{2, 2048, 5000} {
		b := make([]byte, n) // len = cap: appending to it copies
		b[0], b[n-1] = '{', '}'
		w := &writtenAnswer{header: http.Header{}}
		writeAnswer(w, b)
		var sent []byte
		for _, part := range w.writes {
			sent = append(sent, part...)
		}
		if len(w.writes) == 0 || &w.writes[0][0] != &b[0] {
			t.Errorf("%d bytes: the answer was copied before it was written", n)
		}
		if string(sent) != string(b)+"\n" || w.header.Get("Content-Length") != strconv.Itoa(n+1) {
			t.Errorf("%d bytes: sent %d bytes ending %q with Content-Length %s, want %d and a newline",
				n, len(sent), sent[len(sent)-1:], w.header.Get("Content-Length"), n+1)
		}
	}
}
