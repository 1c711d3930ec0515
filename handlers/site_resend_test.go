package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/handlers"
)

// TestSiteCustomResendStartsAgain: in a custom flow without a password, "Send a new code" on the
// question page starts the sign-in again on the person's behalf: a fresh question (the wrong
// answer before it forgotten), which the right answer then passes.
func TestSiteCustomResendStartsAgain(t *testing.T) {
	s := newSiteWith(t, siteOptions{customQuestion: "What is 6 × 7?"})
	c := s.browser()
	signin := s.get(c, handlers.PathSignIn)
	if len(signin.Find("input", "name", "password")) != 0 {
		t.Fatalf("a custom flow without a password shows a password field: %s", signin.Text())
	}
	page := s.submit(c, signin, "username", map[string]string{"username": "alice"})
	if page.URL.Path != handlers.PathStep || !strings.Contains(page.Text(), "What is 6 × 7?") {
		t.Fatalf("the question: %s %s", page.URL.Path, page.Text())
	}
	page = s.submit(c, page, "answer", map[string]string{"answer": "41"})
	if !strings.Contains(page.Text(), s.T("custom.retry")) {
		t.Fatalf("a wrong answer: %d %s", page.Status, page.Text())
	}
	if len(page.Find("form", "action", handlers.PathSignInResend)) != 1 {
		t.Fatalf("no Send a new code on the question page: %s", page.Body)
	}
	page = s.submit(c, page, "username", nil) // the resend form (its hidden username field)
	if page.URL.Path != handlers.PathStep || page.Status != http.StatusOK || !strings.Contains(page.Text(), "What is 6 × 7?") ||
		strings.Contains(page.Text(), s.T("custom.retry")) {
		t.Fatalf("after Send a new code: a fresh question, got %s %d %s", page.URL.Path, page.Status, page.Text())
	}
	page = s.submit(c, page, "answer", map[string]string{"answer": "42"})
	if page.URL.Path != handlers.PathAccount {
		t.Fatalf("the right answer: %s %s", page.URL.Path, page.Text())
	}
}
