package oidc

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// TestResume: a parked request is answered, with no new sign-in, by the session Login (given no
// request) started in this browser; without a session Resume refuses, and a session of another
// person than the request's id_token_hint gets login_required, as a sign-in would.
func TestResume(t *testing.T) {
	e := newEnv(t)
	params := authParams("app", "prompt", "login")
	if res := e.authorize(params); !res.atSignIn() {
		t.Fatalf("authorize: %d %s", res.status, res.url)
	}
	req := e.lastStartLogin()

	rec := httptest.NewRecorder()
	if err := e.p.Resume(rec, httptest.NewRequest(http.MethodPost, "/signin/passkey-offer", nil), req); !errors.Is(err, ErrNoSession) {
		t.Fatalf("Resume without a session = %v, want ErrNoSession", err)
	}

	// The sign-in pages start the session first (Login with no request) ...
	rec = httptest.NewRecorder()
	if err := e.p.Login(rec, httptest.NewRequest(http.MethodPost, opHostSignInURL, nil), nil, testUsers()["alice"], "up-alice"); err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusOK || rec.Header().Get("Location") != "" {
		t.Fatalf("Login without a request answered %d %q", rec.Code, rec.Header().Get("Location"))
	}
	resume := func(req *AuthRequest) *url.URL {
		t.Helper()
		r := httptest.NewRequest(http.MethodPost, "/signin/passkey-offer", nil)
		for _, c := range rec.Result().Cookies() {
			r.AddCookie(c)
		}
		w := httptest.NewRecorder()
		if err := e.p.Resume(w, r, req); err != nil {
			t.Fatal(err)
		}
		loc, err := url.Parse(w.Header().Get("Location"))
		if err != nil || w.Code/100 != 3 {
			t.Fatalf("Resume answered %d %q (%v)", w.Code, w.Header().Get("Location"), err)
		}
		return loc
	}
	// ... and then answer the parked request (prompt=login: that sign-in was the login).
	if loc := resume(req); loc.Query().Get("code") == "" || loc.Query().Get("state") != params.Get("state") {
		t.Fatalf("Resume redirected to %s, want a code for the app", loc)
	}
	other := *req
	other.HintSubject = "sub-bob"
	if loc := resume(&other); loc.Query().Get("error") != "login_required" || loc.Query().Get("code") != "" {
		t.Fatalf("Resume for another person's id_token_hint redirected to %s, want login_required", loc)
	}
}
