package oidc

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// Every client endpoint runs the one prologue: method, form, repeated parameters and client
// authentication are refused the same way at /token, /revoke and /introspect.
func TestClientRequestPrologue(t *testing.T) {
	e := newEnv(t)
	endpoints := []struct {
		path   string
		public bool // public clients may call it (and browsers preflight it)
	}{
		{PathToken, true},
		{PathRevoke, true},
		{PathIntrospect, false},
	}
	for _, ep := range endpoints {
		t.Run(strings.TrimPrefix(ep.path, "/"), func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, e.srv.URL+ep.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res := e.send(req); res.status != http.StatusMethodNotAllowed || res.header.Get("Allow") != http.MethodPost {
				t.Errorf("GET: %d Allow=%q, want 405 Allow=POST", res.status, res.header.Get("Allow"))
			}
			for _, tc := range []struct {
				name       string
				form       url.Values
				user, pass string
				status     int
				code       string
			}{
				{"repeated parameter", url.Values{"token": {"a", "b"}}, "app", "app-secret", http.StatusBadRequest, errInvalidRequest},
				{"wrong secret", url.Values{"token": {"a"}}, "app", "wrong", http.StatusUnauthorized, errInvalidClient},
				{"unknown client", url.Values{"token": {"a"}, "client_id": {"nobody"}}, "", "", http.StatusUnauthorized, errInvalidClient},
				{"two authentication methods", url.Values{"token": {"a"}, "client_secret": {"app-secret"}}, "app", "app-secret", http.StatusUnauthorized, errInvalidClient},
			} {
				res := e.post(ep.path, tc.form, tc.user, tc.pass)
				if res.status != tc.status || res.body["error"] != tc.code || res.header.Get("Cache-Control") != "no-store" {
					t.Errorf("%s: %d %v (Cache-Control %q), want %d %s", tc.name, res.status, res.body["error"], res.header.Get("Cache-Control"), tc.status, tc.code)
				}
			}
			// /revoke and /introspect need the token they act on.
			if ep.path != PathToken {
				if res := e.post(ep.path, url.Values{}, "app", "app-secret"); res.status != http.StatusBadRequest || res.body["error"] != errInvalidRequest {
					t.Errorf("no token: %d %v, want 400 invalid_request", res.status, res.body["error"])
				}
			}
			// A public client is admitted only where the endpoint allows it.
			res := e.post(ep.path, url.Values{"client_id": {"spa"}, "token": {"nonsense"}, "grant_type": {"refresh_token"}, "refresh_token": {"nonsense"}}, "", "")
			if refused := res.body["error"] == errInvalidClient; refused == ep.public {
				t.Errorf("public client: %d %v, want refused=%v", res.status, res.body["error"], !ep.public)
			}
		})
	}
}

// TestClientAuthFailureLogsTheClaimedID: a failed client authentication is logged with the
// client id the request claims, from HTTP Basic as well as from the form, so an operator can
// tell which app is failing.
func TestClientAuthFailureLogsTheClaimedID(t *testing.T) {
	var logs testutil.Buffer
	e := newEnv(t, func(c *Config) { c.Logger = slog.New(slog.NewJSONHandler(&logs, nil)) })
	for _, tc := range []struct {
		name       string
		form       url.Values
		basic, pwd string
	}{
		{"basic", url.Values{"grant_type": {"authorization_code"}, "code": {"x"}}, "app", "wrong"},
		{"form", url.Values{"grant_type": {"authorization_code"}, "code": {"x"}, "client_id": {"app2"}, "client_secret": {"wrong"}}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if res := e.post(PathToken, tc.form, tc.basic, tc.pwd); res.status != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", res.status)
			}
			want := tc.basic
			if want == "" {
				want = tc.form.Get("client_id")
			}
			found := false
			for _, line := range logs.Lines() {
				if strings.Contains(line, "client authentication failed") && strings.Contains(line, `"client_id":"`+want+`"`) {
					found = true
				}
			}
			if !found {
				t.Fatalf("no client authentication failure logged with client_id %q: %v", want, logs.Lines())
			}
		})
	}
}
