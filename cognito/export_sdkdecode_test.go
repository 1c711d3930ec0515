package cognito

import (
	"context"
	"net/http"
)

// CompareAuthAnswer decodes one answer to op (InitiateAuth, RespondToAuthChallenge) through
// the SDK with its generated deserializer and with the typed one, and describes any
// difference; took says whether the typed decoder took the answer itself.
func CompareAuthAnswer(ctx context.Context, op string, status int, header http.Header, body []byte) (took bool, diff error) {
	return compareAuthAnswer(ctx, op, cannedAnswer{status: status, header: header, body: body})
}
