package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"golang.org/x/net/html"

	"github.com/bridgekeeper/bridgekeeper/handlers"
	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
)

// expectFieldError checks that Cognito's refusal is tied to the input named field: the input
// is aria-invalid and described by the message's element (id field + "-error"), which holds msg,
// and the error summary links msg to the input; the summary has no entry without a link.
func expectFieldError(t *testing.T, page *webclient.Page, field, msg string) {
	t.Helper()
	inputs := page.Find("input", "name", field)
	if len(inputs) != 1 {
		t.Fatalf("%d inputs named %s: %s", len(inputs), field, page.Body)
	}
	in := inputs[0]
	id := webclient.Attr(in, "id")
	if webclient.Attr(in, "aria-invalid") != "true" {
		t.Errorf("input %s is not aria-invalid after %q", field, msg)
	}
	if !strings.Contains(" "+webclient.Attr(in, "aria-describedby")+" ", " "+id+"-error ") {
		t.Errorf("input %s aria-describedby=%q does not name %s-error", field, webclient.Attr(in, "aria-describedby"), id)
	}
	errs := page.Find("p", "id", id+"-error")
	if len(errs) != 1 || !strings.Contains(nodeText(errs[0]), msg) {
		t.Errorf("no element #%s-error saying %q: %s", id, msg, page.Body)
	}
	if links := page.Links(msg); len(links) != 1 || links[0] != "#"+id {
		t.Errorf("the error summary links %q to %v, want #%s", msg, links, id)
	}
	for _, li := range page.Find("li", "", "") {
		if inSummary(li) && len(findElements(li, "a")) == 0 {
			t.Errorf("the error summary has an entry tied to no field: %q", nodeText(li))
		}
	}
}

func inSummary(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if webclient.Attr(p, "id") == "error-summary" {
			return true
		}
	}
	return false
}

func findElements(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == tag {
			out = append(out, c)
		}
		out = append(out, findElements(c, tag)...)
	}
	return out
}

func nodeText(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(nodeText(c))
	}
	return b.String()
}

// Cognito's refusals of a code or a new password are tied to their field, not only format
// errors: a wrong sign-in code, a wrong reset code, a new password the pool's policy refuses,
// and a wrong code while setting up an authenticator.
func TestSiteRefusalsMarkTheirField(t *testing.T) {
	s := newSite(t)
	wrongCode := func(right string) string {
		if right == "000000" {
			return "111111"
		}
		return "000000"
	}

	t.Run("wrong sign-in code", func(t *testing.T) {
		c := s.browser()
		before := s.sent()
		page := s.signIn(c, "dave", password)
		expect(t, page, handlers.PathStep, http.StatusOK, s.T("code.sms.title"))
		page = s.submit(c, page, "code", map[string]string{"code": wrongCode(s.smsCode(daveNumber, before))})
		expect(t, page, handlers.PathStep, http.StatusUnprocessableEntity)
		expectFieldError(t, page, "code", s.T("error.CodeMismatch"))
	})

	t.Run("reset: wrong code, then a weak password", func(t *testing.T) {
		c := s.browser()
		before := s.sent()
		page := s.submit(c, s.get(c, handlers.PathForgot), "username", map[string]string{"username": "alice"})
		expect(t, page, handlers.PathReset, http.StatusOK)
		code := s.smsCode("alice@example.com", before)
		page = s.submit(c, page, "code", map[string]string{"code": wrongCode(code), "password": newPassword, "password_confirm": newPassword})
		expect(t, page, handlers.PathReset, http.StatusUnprocessableEntity)
		expectFieldError(t, page, "code", s.T("error.CodeMismatch"))
		page = s.submit(c, page, "code", map[string]string{"code": code, "password": "weakweak", "password_confirm": "weakweak"})
		if page.URL.Path != handlers.PathReset || page.Status < 400 {
			t.Fatalf("a weak password: %s (%d): %s", page.URL.Path, page.Status, page.Text())
		}
		expectFieldError(t, page, "password", s.T("error.InvalidPassword"))
	})

	t.Run("wrong code while setting up an authenticator", func(t *testing.T) {
		_, err := s.admin.SetUserPoolMfaConfig(s.ctx, &cip.SetUserPoolMfaConfigInput{
			UserPoolId: aws.String(s.poolID), MfaConfiguration: types.UserPoolMfaTypeOn,
			SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
		})
		s.must(err)
		_, err = s.admin.AdminCreateUser(s.ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(s.poolID), Username: aws.String("gina"),
			TemporaryPassword: aws.String("Temp-Passw0rd!"), MessageAction: types.MessageActionTypeSuppress})
		s.must(err)
		_, err = s.admin.AdminSetUserPassword(s.ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(s.poolID), Username: aws.String("gina"), Password: aws.String(password), Permanent: true})
		s.must(err)
		c := s.browser()
		page := s.signIn(c, "gina", password)
		if f, err := page.Form("method"); err == nil && len(f.Buttons()) > 0 {
			f.Values.Set("method", "SOFTWARE_TOKEN_MFA")
			page, err = c.Submit(s.ctx, f, "method", "SOFTWARE_TOKEN_MFA")
			s.must(err)
		}
		expect(t, page, handlers.PathStep, http.StatusOK)
		page = s.submit(c, page, "code", map[string]string{"code": "000000"})
		expect(t, page, handlers.PathStep, http.StatusUnprocessableEntity)
		expectFieldError(t, page, "code", s.T("error.EnableSoftwareTokenMFA"))
	})
}
