package sdkhttp

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// closingBody is what the SDK sends: once closed, reads answer io.EOF.
type closingBody struct {
	r      io.Reader
	closed bool
}

func (b *closingBody) Read(p []byte) (int, error) {
	if b.closed {
		return 0, io.EOF
	}
	return b.r.Read(p)
}

func (b *closingBody) Close() error { b.closed = true; return nil }

type captureClient struct{ got *http.Request }

func (c *captureClient) Do(r *http.Request) (*http.Response, error) {
	c.got = r
	return &http.Response{StatusCode: 200, Body: http.NoBody}, nil
}

// TestInMemoryBodies checks that the next client gets the same bytes in a body it can measure
// and replay, that closing the caller's body afterwards changes nothing, and that bodiless
// requests pass as they are.
func TestInMemoryBodies(t *testing.T) {
	const payload = `{"Session":"S","ChallengeName":"SMS_MFA"}`
	orig := &closingBody{r: strings.NewReader(payload)}
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1/", orig)
	if err != nil {
		t.Fatal(err)
	}
	next := &captureClient{}
	if _, err := InMemoryBodies(next).Do(req); err != nil {
		t.Fatal(err)
	}
	got := next.got
	if !orig.closed {
		t.Error("the caller's body was not closed after it was read")
	}
	if got.ContentLength != int64(len(payload)) || got.GetBody == nil {
		t.Fatalf("ContentLength %d, GetBody set %v", got.ContentLength, got.GetBody != nil)
	}
	for range 2 {
		b, err := io.ReadAll(got.Body)
		if err != nil || string(b) != payload {
			t.Fatalf("body %q, %v", b, err)
		}
		if got.Body, err = got.GetBody(); err != nil {
			t.Fatal(err)
		}
	}

	bare, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
	if _, err := InMemoryBodies(next).Do(bare); err != nil || next.got != bare {
		t.Fatalf("a request without a body was changed or failed: %v", err)
	}
}
