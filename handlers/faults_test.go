package handlers_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/handlers"
	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
)

// retryAfter is the Retry-After the pages send while Cognito throttles or fails.
var retryAfter = strconv.Itoa(int(handlers.RetryAfter.Seconds()))

// TestCognitoFaultsOnThePasswordPage: throttling answers 429 and an outage 503, each with
// Retry-After and a calm sentence; the username stays, the password must be typed again.
func TestCognitoFaultsOnThePasswordPage(t *testing.T) {
	s := newSite(t)
	for _, tt := range []struct {
		fault  string
		status int
		msg    string
	}{
		{localpool.FaultThrottle, http.StatusTooManyRequests, "error.TooManyRequests"},
		{localpool.FaultInternal, http.StatusServiceUnavailable, "error.Unavailable"},
		{localpool.FaultUnavailable, http.StatusServiceUnavailable, "error.Unavailable"},
		{localpool.FaultReset, http.StatusServiceUnavailable, "error.Unavailable"},
	} {
		t.Run(tt.fault, func(t *testing.T) {
			s.pool.ClearFaults()
			s.must(s.pool.SetFault("InitiateAuth", localpool.Fault{Error: tt.fault}))
			c := s.browser()
			page := s.signIn(c, "alice", password)
			expect(t, page, handlers.PathSignIn, tt.status, s.T(tt.msg))
			if got := page.Header.Get("Retry-After"); got != retryAfter {
				t.Errorf("Retry-After = %q, want %s", got, retryAfter)
			}
			if fieldValue(page, "username") != "alice" || fieldValue(page, "password") != "" || strings.Contains(page.Body, password) {
				t.Fatalf("the page must keep the username and never the password: %s", page.Text())
			}
			s.pool.ClearFaults()
			expect(t, s.submit(c, page, "username", map[string]string{"password": password}), handlers.PathAccount, http.StatusOK, "alice")
		})
	}
}

// postCodeDuring signs dave in, then posts his SMS code while the pool has fault f on
// RespondToAuthChallenge. It returns his browser, the page answered and the code.
func (s *site) postCodeDuring(t *testing.T, f localpool.Fault) (*webclient.Client, *webclient.Page, string) {
	t.Helper()
	c := s.browser()
	n := s.sent()
	step := s.signIn(c, "dave", password)
	expect(t, step, handlers.PathStep, http.StatusOK)
	code := s.smsCode(daveNumber, n)
	s.must(s.pool.SetFault("RespondToAuthChallenge", f))
	before := s.pool.Calls("RespondToAuthChallenge")
	page := s.submit(c, step, "code", map[string]string{"code": code})
	if calls := s.pool.Calls("RespondToAuthChallenge") - before; calls != 1 {
		t.Errorf("%d calls reached the pool for one post, want 1 (the answer may have used the session: never repeated)", calls)
	}
	expect(t, page, handlers.PathStep, http.StatusServiceUnavailable, s.T("error.Unavailable"))
	if page.Header.Get("Retry-After") != retryAfter || fieldValue(page, "code") != "" {
		t.Fatalf("Retry-After %q, code field %q", page.Header.Get("Retry-After"), fieldValue(page, "code"))
	}
	return c, page, code
}

// TestCodeStepKeepsItsSessionThroughAnOutage: a code posted while Cognito fails gets the calm page
// on the same step (503, Retry-After); a reload shows the step again, and once Cognito is back
// the same code, typed again, signs in: the Cognito session was kept.
func TestCodeStepKeepsItsSessionThroughAnOutage(t *testing.T) {
	s := newSite(t)
	c, _, code := s.postCodeDuring(t, localpool.Fault{Error: localpool.FaultInternal})
	reload := s.get(c, handlers.PathStep)
	expect(t, reload, handlers.PathStep, http.StatusOK)
	s.pool.ClearFaults()
	expect(t, s.submit(c, reload, "code", map[string]string{"code": code}), handlers.PathAccount, http.StatusOK, "dave")
}

// TestAnAnswerLostAfterCognitoUsedTheSession: the connection breaks after Cognito has taken the
// code and used the session up. The person gets the calm page, and the next try restarts the
// sign-in saying the connection broke, never "your sign-in took too long".
func TestAnAnswerLostAfterCognitoUsedTheSession(t *testing.T) {
	s := newSite(t)
	c, page, code := s.postCodeDuring(t, localpool.Fault{Error: localpool.FaultResetAfter, Times: 1})
	page = s.submit(c, page, "code", map[string]string{"code": code})
	expect(t, page, handlers.PathSignIn, http.StatusOK, s.T("error.Interrupted"))
	if strings.Contains(page.Text(), s.T("error.SessionExpired")) || fieldValue(page, "username") != "dave" {
		t.Fatalf("restart page: %s", page.Text())
	}
	expect(t, s.signIn(c, "dave", password), handlers.PathStep, http.StatusOK)
}
