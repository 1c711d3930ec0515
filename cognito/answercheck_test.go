package cognito_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/cognito"
)

// checkAuthAnswers serves h and decodes each of its InitiateAuth and RespondToAuthChallenge
// answers both ways before sending it (cognito.CompareAuthAnswer): every challenge the local
// pool gives in the engine's tests is also a case of the typed decoder's, which must take each
// successful answer itself and give the SDK's output and errors.
func checkAuthAnswers(t *testing.T, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op, _ := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService.")
		if op != "InitiateAuth" && op != "RespondToAuthChallenge" {
			h.ServeHTTP(w, r)
			return
		}
		held := &heldAnswer{ResponseWriter: w}
		h.ServeHTTP(held, r)
		if held.status == 0 && held.body.Len() == 0 {
			return // the connection was taken over (a fault of the pool's)
		}
		status := max(held.status, http.StatusOK)
		took, err := cognito.CompareAuthAnswer(r.Context(), op, status, w.Header(), held.body.Bytes())
		if err != nil {
			t.Errorf("the local pool's answer to %s: %v", op, err)
		} else if status/100 == 2 && !took {
			t.Errorf("the typed decoder declined the local pool's answer to %s: %s", op, held.body.Bytes())
		}
		w.WriteHeader(status)
		_, _ = w.Write(held.body.Bytes())
	})
}

// heldAnswer keeps a handler's status and body to send them later; the connection stays
// reachable for a handler that takes it over.
type heldAnswer struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (a *heldAnswer) WriteHeader(status int)      { a.status = status }
func (a *heldAnswer) Write(b []byte) (int, error) { return a.body.Write(b) }
func (a *heldAnswer) Unwrap() http.ResponseWriter { return a.ResponseWriter }
