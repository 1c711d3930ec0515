package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/handlers"
)

// TestClientErrorPagesBlameTheRequest: a wrong method (405) or an oversized body (413) is the
// request's fault, so its page says so, never "Something went wrong on our side".
func TestClientErrorPagesBlameTheRequest(t *testing.T) {
	s := newSite(t)
	for _, tc := range []struct {
		name   string
		req    func() *http.Request
		status int
		title  string
	}{
		{"wrong method", func() *http.Request {
			r, err := http.NewRequest(http.MethodPut, s.url+handlers.PathSignIn, nil)
			s.must(err)
			return r
		}, http.StatusMethodNotAllowed, "errorpage.title.405"},
		{"oversized body", func() *http.Request {
			r, err := http.NewRequest(http.MethodPost, s.url+handlers.PathSignIn, strings.NewReader(strings.Repeat("a", 11<<20)))
			s.must(err)
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, http.StatusRequestEntityTooLarge, "errorpage.title.413"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := s.browser().Do(tc.req())
			s.must(err)
			if p.Status != tc.status || !strings.Contains(p.Text(), s.T(tc.title)) || !strings.Contains(p.Text(), s.T("error.BadRequest")) {
				t.Errorf("%d %s, want %d with %q and %q", p.Status, p.Text(), tc.status, s.T(tc.title), s.T("error.BadRequest"))
			}
			if strings.Contains(p.Text(), s.T("error.Internal")) {
				t.Errorf("the page blames the server: %s", p.Text())
			}
		})
	}
}
