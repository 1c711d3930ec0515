package web

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/labstack/echo/v4/middleware"

	"github.com/bridgekeeper/bridgekeeper/branding"
	"github.com/bridgekeeper/bridgekeeper/config"
	"github.com/bridgekeeper/bridgekeeper/internal/csrf"
)

// TestCSRFTokenAndCookie: the token comes from the injected randomness; its cookie is set with
// the token's lifetime when it is new and on every page (GET), not again on the post that used
// it; an empty or odd cookie never stands for a token (a new one replaces it); a token of echo's
// making (32 letters) is still taken; Sec-Fetch-Site decides for the browsers that send it; a
// body past the limit keeps its 413.
func TestCSRFTokenAndCookie(t *testing.T) {
	seed := bytes.Repeat([]byte{0x5a}, csrfTokenBytes)
	s, _ := newTestServer(t, testConfig(), func(d *testDeps) {
		d.Extra = formRoutes
		// Request ids take 16 bytes each; the one CSRF token of the test comes after the first id.
		d.Rand = io.MultiReader(bytes.NewReader(make([]byte, 16)), bytes.NewReader(seed), rand.Reader)
	})
	wantToken := base64.RawURLEncoding.EncodeToString(seed)
	setCookie := func(rec *httptest.ResponseRecorder) string {
		for _, v := range rec.Result().Header.Values("Set-Cookie") {
			if strings.HasPrefix(v, "__Host-bk_csrf=") {
				return v
			}
		}
		return ""
	}

	first := do(s, httptest.NewRequest(http.MethodGet, "/form", nil))
	if got := first.Body.String(); got != wantToken {
		t.Fatalf("token %q, want %q from the injected randomness", got, wantToken)
	}
	wantCookie := "__Host-bk_csrf=" + wantToken + "; Path=/; Max-Age=43200; HttpOnly; Secure; SameSite=Lax"
	if got := setCookie(first); got != wantCookie {
		t.Errorf("Set-Cookie %q, want %q", got, wantCookie)
	}
	if got := first.Header().Values("Vary"); len(got) != 1 || got[0] != "Cookie" {
		t.Errorf("Vary = %q, want [Cookie]", got)
	}
	cookie := &http.Cookie{Name: "__Host-bk_csrf", Value: wantToken}

	again := httptest.NewRequest(http.MethodGet, "/form", nil)
	again.AddCookie(cookie)
	if rec := do(s, again); rec.Body.String() != wantToken || setCookie(rec) != wantCookie {
		t.Errorf("a page with the cookie: token %q, Set-Cookie %q; want the same token, its lifetime renewed", rec.Body.String(), setCookie(rec))
	}
	if rec := do(s, postForm("/form", url.Values{csrf.FormField: {wantToken}}, cookie)); rec.Code != http.StatusOK || setCookie(rec) != "" {
		t.Errorf("post with the token: %d, Set-Cookie %q; want 200 and no new cookie", rec.Code, setCookie(rec))
	}

	echoMade := &http.Cookie{Name: "__Host-bk_csrf", Value: "AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEf"}
	for _, tc := range []struct {
		name   string
		req    func() *http.Request
		status int
	}{
		{"empty cookie, empty token", func() *http.Request {
			return postForm("/form", url.Values{csrf.FormField: {""}}, &http.Cookie{Name: "__Host-bk_csrf", Value: ""})
		}, http.StatusForbidden},
		{"odd cookie sent back as the token", func() *http.Request {
			return postForm("/form", url.Values{csrf.FormField: {"x"}}, &http.Cookie{Name: "__Host-bk_csrf", Value: "x"})
		}, http.StatusForbidden},
		{"a token of echo's making", func() *http.Request {
			return postForm("/form", url.Values{csrf.FormField: {echoMade.Value}}, echoMade)
		}, http.StatusOK},
		{"one of two form values matches", func() *http.Request {
			return postForm("/form", url.Values{csrf.FormField: {"wrong", wantToken}}, cookie)
		}, http.StatusOK},
		{"Sec-Fetch-Site none (typed address) posts", func() *http.Request {
			r := postForm("/form", nil)
			r.Header.Set("Sec-Fetch-Site", "none")
			return r
		}, http.StatusOK},
		{"Sec-Fetch-Site same-site needs the token", func() *http.Request {
			r := postForm("/form", nil, cookie)
			r.Header.Set("Sec-Fetch-Site", "same-site")
			return r
		}, http.StatusForbidden},
		{"Sec-Fetch-Site same-site with the token", func() *http.Request {
			r := postForm("/form", url.Values{csrf.FormField: {wantToken}}, cookie)
			r.Header.Set("Sec-Fetch-Site", "same-site")
			return r
		}, http.StatusOK},
		{"a chunked body past the limit", func() *http.Request {
			body := url.Values{csrf.FormField: {wantToken}, "x": {strings.Repeat("a", 65<<10)}}.Encode()
			r := postForm("/form", nil, cookie)
			r.Body = io.NopCloser(strings.NewReader(body))
			r.ContentLength = -1 // no Content-Length: the limit is met while reading
			return r
		}, http.StatusRequestEntityTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if rec := do(s, tc.req()); rec.Code != tc.status {
				t.Errorf("= %d, want %d (%s)", rec.Code, tc.status, rec.Body)
			}
		})
	}

	// An odd cookie on a page is replaced by a well-formed token; a cross-site page view gets
	// echo's Sec-Fetch-Site marker for its forms and no cookie.
	odd := httptest.NewRequest(http.MethodGet, "/form", nil)
	odd.AddCookie(&http.Cookie{Name: "__Host-bk_csrf", Value: "short"})
	if rec := do(s, odd); !wellFormedToken(rec.Body.String()) || !strings.HasPrefix(setCookie(rec), "__Host-bk_csrf="+rec.Body.String()+";") {
		t.Errorf("odd cookie: token %q, Set-Cookie %q", rec.Body.String(), setCookie(rec))
	}
	cross := httptest.NewRequest(http.MethodGet, "/form", nil)
	cross.Header.Set("Sec-Fetch-Site", "cross-site")
	if rec := do(s, cross); rec.Code != http.StatusOK || rec.Body.String() != middleware.CSRFUsingSecFetchSite || setCookie(rec) != "" {
		t.Errorf("cross-site GET: %d, token %q, Set-Cookie %q", rec.Code, rec.Body.String(), setCookie(rec))
	}
}

// TestCSRFCookieOnlyWhereAFormCanFollow: probes, static files, the favicon and the branding
// files (formless routes) set no cookie at all, with or without one sent, while a page still
// gets its token and cookie and its form still posts.
func TestCSRFCookieOnlyWhereAFormCanFollow(t *testing.T) {
	brand, err := branding.Load(config.Branding{PrimaryColor: "#1d4ed8"})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := newTestServer(t, testConfig(), func(d *testDeps) {
		d.Extra = formRoutes
		d.Static = fstest.MapFS{"css/app.css": {Data: []byte("body{}")}, "img/favicon.svg": {Data: []byte("<svg/>")}}
		d.Branding = brand
	})
	old := &http.Cookie{Name: "__Host-bk_csrf", Value: strings.Repeat("A", csrfTokenLen)}
	for _, path := range []string{"/healthz", "/readyz", "/static/css/app.css", "/static/css/app.css?v=1", "/static/none.css", "/favicon.ico", branding.PathTheme, branding.PathLogo} {
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			for _, cookie := range []*http.Cookie{nil, old} {
				r := httptest.NewRequest(method, path, nil)
				if cookie != nil {
					r.AddCookie(cookie)
				}
				rec := do(s, r)
				if rec.Code >= 500 || len(rec.Result().Header.Values("Set-Cookie")) > 0 {
					t.Errorf("%s %s (cookie sent: %t) = %d with Set-Cookie %q, want no cookie", method, path, cookie != nil, rec.Code, rec.Result().Header.Values("Set-Cookie"))
				}
			}
		}
	}
	page := do(s, httptest.NewRequest(http.MethodGet, "/form", nil))
	token := page.Body.String()
	if !wellFormedToken(token) || !strings.HasPrefix(strings.Join(page.Result().Header.Values("Set-Cookie"), "\n"), "__Host-bk_csrf="+token+";") {
		t.Fatalf("the form page: token %q, Set-Cookie %q", token, page.Result().Header.Values("Set-Cookie"))
	}
	if rec := do(s, postForm("/form", url.Values{csrf.FormField: {token}}, &http.Cookie{Name: "__Host-bk_csrf", Value: token})); rec.Code != http.StatusOK {
		t.Errorf("the form's post = %d, want 200", rec.Code)
	}
}
