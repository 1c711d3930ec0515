package oidc

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// A token of a client removed from the configuration is refused everywhere the provider accepts
// its own tokens, while its grant still lives: the access token (JWT or opaque) at userinfo
// (RFC 6750 invalid_token) and at introspection by a resource server it names as audience
// (RFC 7662 inactive), the ID token as id_token_hint at authorization and at end_session.
func TestTokensOfARemovedClient(t *testing.T) {
	for _, f := range accessTokenFormats {
		t.Run(f.name, func(t *testing.T) {
			e := newEnv(t, func(c *Config) {
				for i := range c.Clients {
					if c.Clients[i].ID == f.client {
						c.Clients[i].AccessTokenAudience = []string{f.client, "app2"} // app2 is a resource server of it
					}
				}
			})
			tok := e.newRP(f.client, "openid").flow("alice")
			at := tok.oauth.AccessToken
			hintParams := func() url.Values {
				return authParams("app2", "prompt", "none", "id_token_hint", tok.raw)
			}
			// While the client is registered every one of them is accepted.
			if got := e.userinfoStatus(at); got != http.StatusOK {
				t.Fatalf("userinfo before removal: %d", got)
			}
			if got := e.introspectAs("app2", at); got["active"] != true {
				t.Fatalf("introspection by the audience before removal: %v", got)
			}
			e.codeFrom(e.authorize(hintParams()), app2Redirect, "state-app2")

			cfg := e.cfg
			cfg.Clients = slices.DeleteFunc(slices.Clone(e.cfg.Clients), func(c Client) bool { return c.ID == f.client })
			p, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			e.setProvider(p)

			req, err := http.NewRequest(http.MethodGet, e.srv.URL+PathUserInfo, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+at)
			if got := e.send(req); got.status != http.StatusUnauthorized ||
				!strings.Contains(got.header.Get("WWW-Authenticate"), `error="`+errInvalidToken+`"`) {
				t.Errorf("userinfo after removal: %d %q, want 401 invalid_token", got.status, got.header.Get("WWW-Authenticate"))
			}
			if got := e.introspectAs("app2", at); got["active"] != false || len(got) != 1 {
				t.Errorf("introspection by the audience after removal = %v, want only active: false", got)
			}
			wantAuthError(t, e.authorize(hintParams()), app2Redirect, errInvalidRequest, "state-app2")
			wantErrorPage(t, e.endSession(url.Values{"id_token_hint": {tok.raw}}))
		})
	}
}
