package cognito_test

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/cognito"
)

// opLog records the Cognito operations a pool serves (the X-Amz-Target of each request).
type opLog struct {
	mu  sync.Mutex
	ops []string
}

func (l *opLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService."); ok {
			l.mu.Lock()
			l.ops = append(l.ops, op)
			l.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})
}

// since returns the operations after the first n.
func (l *opLog) since(n int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.ops[n:])
}

func (l *opLog) len() int { l.mu.Lock(); defer l.mu.Unlock(); return len(l.ops) }

func preventExistence(on bool) types.PreventUserExistenceErrorTypes {
	if on {
		return types.PreventUserExistenceErrorTypesEnabled
	}
	return ""
}

// TestUnknownUsersCostTheSameWork (issue 9, item 7): with PreventUserExistenceErrors ENABLED, a
// wrong password for a real user and any password for an unknown one make the same Cognito calls
// in the same order (for SRP: the challenge, Bridgekeeper's SRP claim, its refusal), end in the
// same error kind, and so do the same computations. Counted, not timed.
func TestUnknownUsersCostTheSameWork(t *testing.T) {
	for _, tt := range allFlows {
		t.Run(flowName(tt.flow, tt.secret), func(t *testing.T) {
			e := newEnv(t, poolSetup{})
			e.user("alice", true, map[string]string{"email": "alice@example.com"}, nil)
			eng := e.engine(engineOpts{flow: tt.flow, secret: tt.secret, preventExistence: true})
			attempt := func(username string) []string {
				t.Helper()
				n := e.ops.len()
				_, err := eng.Start(e.ctx, cognito.StartInput{Username: username, Password: "Wrong-passw0rd"})
				wantKind(t, err, cognito.WrongCredentials)
				return e.ops.since(n)
			}
			known, unknown := attempt("alice"), attempt("nobody-at-all")
			want := []string{"InitiateAuth"}
			if tt.flow == cognito.FlowUserSRP {
				want = []string{"InitiateAuth", "RespondToAuthChallenge"}
			}
			if !slices.Equal(known, want) || !slices.Equal(unknown, known) {
				t.Fatalf("Cognito calls: known user %v, unknown user %v, want both %v", known, unknown, want)
			}
		})
	}
}
