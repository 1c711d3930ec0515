package handlers

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/oidc"
)

// TestLargestParkedRequestFits: an authorization request as large as oidc.MaxParkedRequest
// lets (in characters JSON escapes sixfold) parks in the authorization cookie within the
// browsers' 4 KiB, so /authorize never fails to park what it accepted.
func TestLargestParkedRequestFits(t *testing.T) {
	req := &oidc.AuthRequest{ClientID: "app", RedirectURI: "https://app.example/callback", Scopes: []string{"openid"}, RequestedAt: time.Now().Unix()}
	base, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	req.State = strings.Repeat("<", (oidc.MaxParkedRequest-len(base)-len(`,"st":""`))/6)
	raw, _ := json.Marshal(req)
	if n := len(raw); n > oidc.MaxParkedRequest || n < oidc.MaxParkedRequest-6 {
		t.Fatalf("the test request's JSON is %d bytes, want just below %d", n, oidc.MaxParkedRequest)
	}
	w := httptest.NewRecorder()
	if err := newJar(t, true, time.Now).save(w, authzCookieName, req); err != nil {
		t.Fatalf("a request of %d bytes did not park: %v", len(raw), err)
	}
	n := len(w.Header().Get("Set-Cookie"))
	t.Logf("%d bytes of JSON park in a Set-Cookie of %d bytes", len(raw), n)
	if n > 4096 {
		t.Fatalf("the authorization cookie is %d bytes", n)
	}
}
