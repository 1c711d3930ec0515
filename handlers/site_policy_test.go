package handlers_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/handlers"
	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
)

// sitePolicy is a pool policy unlike Cognito's default: 9 characters, no symbol needed.
var sitePolicy = &types.PasswordPolicyType{MinimumLength: aws.Int32(9), RequireUppercase: true, RequireLowercase: true, RequireNumbers: true}

// withSignUp turns sign-up on, with the form the pool asks for.
func withSignUp(t *testing.T) siteOption {
	return func(su *siteSetup) {
		form, err := su.engine.SignUpForm(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		su.deps.SignUp = &handlers.SignUpDeps{Service: su.engine, Form: form}
	}
}

// mustRule is the sentence a page shows for a broken rule ("Your password must: …").
func (s *site) mustRule(id string, data map[string]any) string {
	return s.en.T("newpassword.policy.heading") + " " + s.en.T(id, data)
}

// expectRules checks the rules listed under the password field: each of want, and not the
// symbol rule (the pool's policy does not ask for one).
func expectRules(t *testing.T, page *webclient.Page, s *site, want ...string) {
	t.Helper()
	list := page.Find("div", "id", "password-policy")
	if len(list) != 1 {
		t.Fatalf("no rules list: %s", page.Text())
	}
	text := nodeText(list[0])
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("the rules list %q lacks %q", text, w)
		}
	}
	if strings.Contains(text, s.T("policy.symbol")) {
		t.Errorf("the rules list %q asks for a symbol the pool does not", text)
	}
}

// Every new-password form lists the pool's own policy (DescribeUserPool, read once and kept) and
// checks the typed password against it without calling Cognito; the error names the rule on the
// field and the rest of the form stays.
func TestSitePasswordPolicyPreCheck(t *testing.T) {
	s := newSiteWith(t, siteOptions{passwordPolicy: sitePolicy}, withSignUp(t))
	reads := s.pool.Calls("DescribeUserPool") // one for the sign-up form at start-up
	nine := s.en.T("policy.min_length", map[string]any{"Count": 9})

	t.Run("sign-up", func(t *testing.T) {
		c := s.browser()
		page := s.get(c, handlers.PathSignUp)
		expectRules(t, page, s, nine)
		for _, tt := range []struct{ pw, id string }{{"Abcdefg1", "policy.min_length"}, {"abcdefgh1", "policy.uppercase"}, {"ABCDEFGH1", "policy.lowercase"}, {"Abcdefghi", "policy.number"}} {
			page = s.submit(c, page, "username", map[string]string{"username": "nina", "password": tt.pw, "password_confirm": tt.pw})
			expect(t, page, handlers.PathSignUp, http.StatusUnprocessableEntity)
			expectFieldError(t, page, "password", s.mustRule(tt.id, map[string]any{"Count": 9}))
			if got := fieldValue(page, "username"); got != "nina" {
				t.Errorf("username after a weak password = %q, want it kept", got)
			}
		}
		if n := s.pool.Calls("SignUp"); n != 0 {
			t.Errorf("%d SignUp calls for weak passwords, want none", n)
		}
		// Without a symbol, which this pool does not ask for, the account is created.
		page = s.submit(c, page, "username", map[string]string{"username": "nina", "password": "Abcdefgh1", "password_confirm": "Abcdefgh1"})
		expect(t, page, handlers.PathSignUpConfirm, http.StatusOK)
	})

	t.Run("reset", func(t *testing.T) {
		c := s.browser()
		before := s.sent()
		page := s.submit(c, s.get(c, handlers.PathForgot), "username", map[string]string{"username": "alice"})
		expect(t, page, handlers.PathReset, http.StatusOK)
		expectRules(t, page, s, nine)
		code := s.smsCode("alice@example.com", before)
		page = s.submit(c, page, "code", map[string]string{"code": code, "password": "Abcdefg1", "password_confirm": "Abcdefg1"})
		expect(t, page, handlers.PathReset, http.StatusUnprocessableEntity)
		expectFieldError(t, page, "password", s.mustRule("policy.min_length", map[string]any{"Count": 9}))
		if n := s.pool.Calls("ConfirmForgotPassword"); n != 0 {
			t.Errorf("%d ConfirmForgotPassword calls for a weak password, want none", n)
		}
	})

	t.Run("new password required", func(t *testing.T) {
		_, err := s.admin.AdminCreateUser(s.ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(s.poolID), Username: aws.String("bob"),
			TemporaryPassword: aws.String("Temp-Passw0rd"), MessageAction: types.MessageActionTypeSuppress})
		s.must(err)
		c := s.browser()
		page := s.signIn(c, "bob", "Temp-Passw0rd")
		expect(t, page, handlers.PathStep, http.StatusOK)
		expectRules(t, page, s, nine)
		answers := s.pool.Calls("RespondToAuthChallenge")
		page = s.submit(c, page, "password", map[string]string{"password": "abcdefgh1", "password_confirm": "abcdefgh1"})
		expect(t, page, handlers.PathStep, http.StatusUnprocessableEntity)
		expectFieldError(t, page, "password", s.mustRule("policy.uppercase", nil))
		if n := s.pool.Calls("RespondToAuthChallenge") - answers; n != 0 {
			t.Errorf("%d RespondToAuthChallenge calls for a weak password, want none", n)
		}
	})

	// Read once for all those pages, and again once it is older than its lifetime.
	if n := s.pool.Calls("DescribeUserPool") - reads; n != 1 {
		t.Errorf("DescribeUserPool called %d times for the pages, want once (kept)", n)
	}
	s.clock.Advance(11 * time.Minute)
	s.get(s.browser(), handlers.PathSignUp)
	if n := s.pool.Calls("DescribeUserPool") - reads; n != 2 {
		t.Errorf("DescribeUserPool called %d times after the policy's lifetime, want twice", n)
	}
}

// Cognito stays the judge: when the policy the pages know lets a password through (here it could
// not be read, so Cognito's default stands in) and Cognito refuses it, the page names the rule
// Cognito's message names, reading the pool's policy again for its words.
func TestSitePasswordRefusedByCognitoNamesTheRule(t *testing.T) {
	s := newSiteWith(t, siteOptions{passwordPolicy: sitePolicy})
	s.must(s.pool.SetFault("DescribeUserPool", localpool.Fault{Error: localpool.FaultInternal}))
	c := s.browser()
	before := s.sent()
	page := s.submit(c, s.get(c, handlers.PathForgot), "username", map[string]string{"username": "alice"})
	expect(t, page, handlers.PathReset, http.StatusOK)
	// The policy could not be read: the page falls back to Cognito's default (8 characters).
	eight := s.en.T("policy.min_length", map[string]any{"Count": 8})
	if !strings.Contains(page.Text(), eight) {
		t.Fatalf("without the pool's policy the page should list Cognito's default %q: %s", eight, page.Text())
	}
	if !strings.Contains(strings.Join(s.logs.Lines(), "\n"), "read the pool's password policy") {
		t.Error("the failed read of the policy is not logged")
	}
	s.pool.ClearFaults()
	code := s.smsCode("alice@example.com", before)
	// Eight characters keep the default policy but not the pool's.
	page = s.submit(c, page, "code", map[string]string{"code": code, "password": "Abcdef1!", "password_confirm": "Abcdef1!"})
	expect(t, page, handlers.PathReset, http.StatusUnprocessableEntity)
	if n := s.pool.Calls("ConfirmForgotPassword"); n != 1 {
		t.Fatalf("%d ConfirmForgotPassword calls, want Cognito asked once", n)
	}
	expectFieldError(t, page, "password", s.mustRule("policy.min_length", map[string]any{"Count": 9}))
	expectRules(t, page, s, s.en.T("policy.min_length", map[string]any{"Count": 9}))
	// The code was right: with a password the pool takes, the reset goes through.
	page = s.submit(c, page, "code", map[string]string{"code": code, "password": "Abcdefgh1", "password_confirm": "Abcdefgh1"})
	expect(t, page, handlers.PathSignIn, http.StatusOK)
}
