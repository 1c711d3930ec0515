// Package sdkhttp holds what the AWS SDK's Cognito clients send their requests through.
package sdkhttp

import (
	"bytes"
	"fmt"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// InMemoryBodies returns a client that sends every request through next (nil: the SDK's default
// client) with its body as an in-memory reader.
//
// The SDK hands net/http a body wrapper that, once closed, answers reads with io.EOF, and it
// closes that wrapper as soon as the response headers arrive. net/http streams a body of unknown
// kind straight to the socket and then reads it once more to check it has ended; when that last
// read comes after the close (a busy machine is enough), the request write fails with io.EOF,
// the transport closes the connection, and the response body still being read fails with "use of
// closed network connection". The SDK retries that, and a retried RespondToAuthChallenge finds
// its session already used ("Invalid session for the user, session can only be used once").
// Cognito's requests are small JSON documents, so reading them into memory first costs little:
// net/http then writes header and body in one piece and has nothing left to read.
func InMemoryBodies(next aws.HTTPClient) aws.HTTPClient {
	if next == nil {
		next = awshttp.NewBuildableClient()
	}
	return inMemoryBody{next: next}
}

type inMemoryBody struct{ next aws.HTTPClient }

func (c inMemoryBody) Do(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return c.next.Do(r)
	}
	b, err := ReadAll(r.Body, r.ContentLength)
	_ = r.Body.Close() // read to the end: closing it cannot lose anything
	if err != nil {
		return nil, fmt.Errorf("read the request body: %w", err)
	}
	// A shallow copy: the next client only reads the request, so it may share the SDK's header
	// and URL (a deep Clone copied both on every call).
	sent := *r
	sent.ContentLength = int64(len(b))
	sent.Body = io.NopCloser(bytes.NewReader(b))
	sent.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	return c.next.Do(&sent)
}

// maxPrealloc bounds the buffer ReadAll sizes from a stated length before any of it arrived.
const maxPrealloc = 1 << 20

// ReadAll reads r to its end, like io.ReadAll, into a buffer sized from n, the length a
// request or response states (-1 when unknown), so a body of that length is read in one piece
// without growing the buffer.
func ReadAll(r io.Reader, n int64) ([]byte, error) {
	if n < 0 || n > maxPrealloc {
		return io.ReadAll(r)
	}
	b := make([]byte, 0, n+1) // the byte past n lets the read that finds the end go without growing
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		k, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+k]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}
