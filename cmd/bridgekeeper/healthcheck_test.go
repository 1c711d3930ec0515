package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHealthcheck(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			w.WriteHeader(http.StatusOK)
		case "/redirect":
			http.Redirect(w, r, "/healthz", http.StatusFound)
		default:
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	tests := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"healthy", []string{srv.URL + "/healthz"}, 0, "200 OK"},
		{"unhealthy status", []string{srv.URL + "/readyz"}, 1, "503"},
		{"redirects are not followed", []string{srv.URL + "/redirect"}, 1, "302"},
		{"nothing listening", []string{closed.URL + "/healthz"}, 1, "unhealthy"},
		{"no URL", nil, 2, "usage"},
		{"two URLs", []string{srv.URL, srv.URL}, 2, "usage"},
		{"not http", []string{"file:///etc/passwd"}, 2, "not an http or https URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), append([]string{"healthcheck"}, tc.args...), &out, &errOut, env(nil))
			if code != tc.code || !strings.Contains(out.String()+errOut.String(), tc.out) {
				t.Errorf("healthcheck %v = %d %q, want %d with %q", tc.args, code, out.String()+errOut.String(), tc.code, tc.out)
			}
		})
	}
}
