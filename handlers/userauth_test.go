package handlers

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// TestRememberedFactor: the browser keeps the first factor a sign-in proved, and the next
// sign-in page and start follow it; anything else in the cookie is ignored.
func TestRememberedFactor(t *testing.T) {
	for _, secure := range []bool{false, true} {
		h := &Handlers{d: Deps{Choice: &ChoiceSignIn{Secure: secure}}}
		for _, tt := range []struct {
			amr          []string
			want         string
			showPassword bool
			preferred    string
		}{
			{[]string{"hwk"}, cognito.FactorPasskey, false, cognito.FactorPasskey},
			{[]string{"pwd", "otp", "mfa"}, cognito.FactorPasswordSRP, true, ""},
			{[]string{"otp"}, cognito.FactorEmailOTP, false, cognito.FactorEmailOTP},
			{[]string{"sms"}, cognito.FactorSMSOTP, false, cognito.FactorSMSOTP},
			{nil, "", false, ""},
		} {
			rec := httptest.NewRecorder()
			h.rememberFactor(rec, tt.amr)
			req := httptest.NewRequest(http.MethodGet, "/signin", nil)
			for _, c := range rec.Result().Cookies() {
				if c.Secure != secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
					t.Errorf("cookie %s: secure %v, httpOnly %v, sameSite %v", c.Name, c.Secure, c.HttpOnly, c.SameSite)
				}
				req.AddCookie(c)
			}
			if got := h.lastFactor(req); got != tt.want {
				t.Errorf("secure=%v amr %v: remembered %q, want %q", secure, tt.amr, got, tt.want)
			}
			var m views.SignIn
			h.choiceForm(req, &m)
			if !m.UsernameFirst || m.ShowPassword != tt.showPassword {
				t.Errorf("amr %v: sign-in page %+v", tt.amr, m)
			}
			if got := h.startInput(req, "alice", "").Preferred; got != tt.preferred {
				t.Errorf("amr %v: preferred %q, want %q", tt.amr, got, tt.preferred)
			}
			if got := h.startInput(req, "alice", "pw"); got.Password != "pw" || got.Preferred != "" {
				t.Errorf("amr %v: a typed password must be what starts the sign-in: %+v", tt.amr, got)
			}
		}
		req := httptest.NewRequest(http.MethodGet, "/signin", nil)
		req.AddCookie(&http.Cookie{Name: h.d.Choice.methodCookie(), Value: "CUSTOM_CHALLENGE"})
		if got := h.lastFactor(req); got != "" {
			t.Errorf("an unknown factor in the cookie was believed: %q", got)
		}
	}
	off := &Handlers{}
	var m views.SignIn
	off.choiceForm(httptest.NewRequest(http.MethodGet, "/signin", nil), &m)
	if m.UsernameFirst {
		t.Error("without choice-based sign-in the page must ask for username and password")
	}
}

// TestCheckRelyingParty: options for another passkey domain than pool.passkey_rp_id are refused
// and logged as a configuration error.
func TestCheckRelyingParty(t *testing.T) {
	var logs testutil.Buffer
	h := &Handlers{d: Deps{Choice: &ChoiceSignIn{RelyingParty: "login.example.com"}, Logger: slog.New(slog.NewTextHandler(&logs, nil))}}
	c := echo.New().NewContext(httptest.NewRequest(http.MethodPost, "/", nil), httptest.NewRecorder())
	for _, tt := range []struct {
		options string
		path    []string
		ok      bool
	}{
		{`{"rpId":"login.example.com","challenge":"x"}`, []string{"rpId"}, true},
		{`{"rpId":"LOGIN.example.com"}`, []string{"rpId"}, true},
		{`{"rp":{"id":"login.example.com"}}`, []string{"rp", "id"}, true},
		{`{"rpId":"example.org"}`, []string{"rpId"}, false},
		{`{"rp":{"id":"example.org"}}`, []string{"rp", "id"}, false},
		{`{"rp":"login.example.com"}`, []string{"rp", "id"}, false},
		{`not json`, []string{"rpId"}, false},
	} {
		if got := h.checkRelyingParty(c, tt.options, tt.path...); got != tt.ok {
			t.Errorf("%s: %v, want %v", tt.options, got, tt.ok)
		}
	}
	if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "passkey_rp_id=login.example.com") {
		t.Errorf("the mismatch was not logged as an error:\n%s", logs.String())
	}
}
