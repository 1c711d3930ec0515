package sdkhttp

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
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
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
	next := &captureClient{}
	if _, err := InMemoryBodies(next).Do(req); err != nil {
		t.Fatal(err)
	}
	got := next.got
	if got == req || got.Header.Get("X-Amz-Target") != "AWSCognitoIdentityProviderService.InitiateAuth" || got.URL.String() != req.URL.String() {
		t.Errorf("the next client got %p (the caller's %p) with header %v, URL %v", got, req, got.Header, got.URL)
	}
	if req.Body != orig {
		t.Error("the caller's request was changed")
	}
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

// BenchmarkInMemoryBodies is one request of a sign-in's size through InMemoryBodies.
func BenchmarkInMemoryBodies(b *testing.B) {
	payload := `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"` + strings.Repeat("c", 26) + `","AuthParameters":{"USERNAME":"alice","PASSWORD":"` + strings.Repeat("p", 20) + `","SECRET_HASH":"` + strings.Repeat("h", 44) + `"}}`
	c := InMemoryBodies(&captureClient{})
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/", &closingBody{r: strings.NewReader(payload)})
		req.ContentLength = int64(len(payload))
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("User-Agent", "aws-sdk-go-v2/1.41.0 ua/2.1 os/linux lang/go#1.26 md/GOOS#linux md/GOARCH#amd64 api/cognitoidentityprovider#1.61.0")
		if _, err := c.Do(req); err != nil {
			b.Fatal(err)
		}
	}
}

// TestReadAll: whatever the stated length (right, too short, too long, unknown, past the
// bound), ReadAll returns what io.ReadAll does, and a right one fills one buffer exactly.
func TestReadAll(t *testing.T) {
	body := strings.Repeat("0123456789", 70)
	broken := errors.New("connection reset")
	for _, tc := range []struct {
		name string
		r    func() io.Reader
		n    int64
	}{
		{"stated length", func() io.Reader { return strings.NewReader(body) }, int64(len(body))},
		{"stated length, a byte at a time", func() io.Reader { return iotest.OneByteReader(strings.NewReader(body)) }, int64(len(body))},
		{"data with its last read", func() io.Reader { return iotest.DataErrReader(strings.NewReader(body)) }, int64(len(body))},
		{"too short", func() io.Reader { return strings.NewReader(body) }, 10},
		{"too long", func() io.Reader { return strings.NewReader(body) }, int64(len(body)) * 3},
		{"zero", func() io.Reader { return strings.NewReader(body) }, 0},
		{"unknown", func() io.Reader { return strings.NewReader(body) }, -1},
		{"past the bound", func() io.Reader { return strings.NewReader(body) }, maxPrealloc + 1},
		{"empty", func() io.Reader { return strings.NewReader("") }, 0},
		{"broken off", func() io.Reader { return io.MultiReader(strings.NewReader(body), iotest.ErrReader(broken)) }, int64(len(body)) + 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, wantErr := io.ReadAll(tc.r())
			got, err := ReadAll(tc.r(), tc.n)
			if string(got) != string(want) || !errors.Is(err, wantErr) {
				t.Fatalf("read %d bytes, %v; io.ReadAll %d, %v", len(got), err, len(want), wantErr)
			}
			if tc.n == int64(len(body)) && cap(got) != len(body)+1 {
				t.Errorf("capacity %d for a body of the stated %d bytes", cap(got), len(body))
			}
		})
	}
}
