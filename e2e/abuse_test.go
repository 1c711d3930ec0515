package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/i18n"
	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
)

// TestAbuseLimits runs the per-username limits (issue 9, items 1–4 and 8) through the real
// binary, with small limits from a configuration file.
func TestAbuseLimits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.yaml")
	must(t, os.WriteFile(path, []byte("limits: {password_attempts: 3, mfa_code_attempts: 3, reset_code_attempts: 3, code_sends: 2}\n"), 0o600))
	p := start(t, "demo", "--listen", "127.0.0.1:0", "--config", path)
	ctx := context.Background()
	m := secretRE.FindStringSubmatch(p.Stdout())
	if m == nil {
		t.Fatalf("the demo did not print carol's TOTP secret:\n%s", p.Stdout())
	}
	carolSecret := m[1]
	bundle, err := i18n.New()
	must(t, err)
	en := bundle.Localizer("en")

	// Item 3: wrong passwords wait, growing, with one answer for a real and an unknown username.
	t.Run("password attempts look the same for real and unknown usernames", func(t *testing.T) {
		var refused []string
		for _, user := range []string{"grace", "nobody-at-all"} {
			c := newClient()
			wrong := 0
			var page *webclient.Page
			for i := 0; i < 8; i++ {
				page = signIn(ctx, t, c, p.BaseURL, user, "Wrong-passw0rd!")
				if page.Status != http.StatusUnauthorized {
					break
				}
				wrong++
			}
			if wrong < 3 || page.Status != http.StatusTooManyRequests || page.Header.Get("Retry-After") == "" {
				t.Fatalf("%s: %d wrong passwords answered, then %d (Retry-After %q)", user, wrong, page.Status, page.Header.Get("Retry-After"))
			}
			refused = append(refused, strings.ReplaceAll(page.Text(), user, "USER"))
		}
		if refused[0] != refused[1] {
			t.Fatalf("the refusals differ:\n%s\n%s", refused[0], refused[1])
		}
		if !strings.Contains(refused[0], en.T("error.NotAuthorized.PasswordAttemptsExceeded")) {
			t.Fatalf("refusal: %s", refused[0])
		}
		if !loggedReason(p, "password") {
			t.Error("no log line names the password limit")
		}
	})

	// Item 2: wrong MFA codes count across sign-ins.
	t.Run("MFA codes count across sign-ins", func(t *testing.T) {
		c := newClient()
		page := signIn(ctx, t, c, p.BaseURL, "carol", demoPassword)
		expectStep(t, page, "authenticator")
		for i := 0; i < 2; i++ {
			page = submit(ctx, t, c, page, map[string]string{"code": "000000"})
			expectStepError(t, page, http.StatusUnprocessableEntity, "authenticator", "error.CodeMismatch")
		}
		c = newClient() // a fresh sign-in gets a fresh Cognito session, but the count goes on
		page = signIn(ctx, t, c, p.BaseURL, "carol", demoPassword)
		expectStep(t, page, "authenticator")
		page = submit(ctx, t, c, page, map[string]string{"code": "000000"})
		expectStepError(t, page, http.StatusUnprocessableEntity, "authenticator", "error.CodeMismatch")
		page = submit(ctx, t, c, page, map[string]string{"code": totpNow(carolSecret)})
		expectStepError(t, page, http.StatusTooManyRequests, "authenticator", "error.LimitExceeded")
		if page.Header.Get("Retry-After") == "" || !loggedReason(p, "mfa_code") {
			t.Fatal("no Retry-After or no log line for the MFA limit")
		}
	})

	// Item 1: wrong reset codes stop reaching Cognito until a new code is requested.
	t.Run("reset codes stop until a new code is sent", func(t *testing.T) {
		c := newClient()
		forgot := func() *webclient.Page {
			page, err := c.Get(ctx, p.BaseURL+"/forgot")
			must(t, err)
			return submit(ctx, t, c, page, map[string]string{"username": "dave"})
		}
		reset := func(page *webclient.Page, code string) *webclient.Page {
			return submit(ctx, t, c, page, map[string]string{"code": code, "password": "R3set-Passw0rd!", "password_confirm": "R3set-Passw0rd!"})
		}
		page := forgot()
		for i := 0; i < 3; i++ {
			page = reset(page, "000000")
			if page.Status != http.StatusUnprocessableEntity {
				t.Fatalf("wrong code %d: %d %s", i+1, page.Status, page.Text())
			}
		}
		page = reset(page, latestCode(ctx, t, p, "SMS", "+15555550104"))
		if page.Status != http.StatusTooManyRequests || !strings.Contains(page.Text(), en.T("error.LimitExceeded")) {
			t.Fatalf("the right code after the limit: %d %s", page.Status, page.Text())
		}
		// The password did not change: dave's sign-in still asks for his SMS code.
		expectStep(t, signIn(ctx, t, newClient(), p.BaseURL, "dave", demoPassword), "text message")
		page = forgot()
		page = reset(page, latestCode(ctx, t, p, "SMS", "+15555550104"))
		if page.URL.Path != "/signin" {
			t.Fatalf("a new code after the limit: %s %d %s", page.URL.Path, page.Status, page.Text())
		}
	})
}

// TestCodeSendLimit: code sends are limited per username and per address (item 4), behind the
// same page, with the same flow cookie, for a real and an unknown username, sent or not (item 8).
func TestCodeSendLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.yaml")
	must(t, os.WriteFile(path, []byte("limits: {code_sends: 2}\n"), 0o600))
	p := start(t, "demo", "--listen", "127.0.0.1:0", "--config", path)
	ctx := context.Background()
	var pages []string
	var cookieSizes []int
	// erin twice (sent), erin again (refused per username), eric (unknown; refused per address).
	for _, user := range []string{"erin", "erin", "erin", "eric"} {
		c := newClient()
		page, err := c.Get(ctx, p.BaseURL+"/forgot")
		must(t, err)
		page = submit(ctx, t, c, page, map[string]string{"username": user})
		if page.URL.Path != "/reset" || page.Status != http.StatusOK {
			t.Fatalf("%s: %s %d", user, page.URL.Path, page.Status)
		}
		pages = append(pages, strings.ReplaceAll(page.Text(), user, "USER"))
		u, _ := url.Parse(p.BaseURL)
		for _, ck := range c.HTTP.Jar.Cookies(u) {
			if strings.HasSuffix(ck.Name, "bk_flow") {
				cookieSizes = append(cookieSizes, len(ck.Value))
			}
		}
	}
	if len(cookieSizes) != len(pages) {
		t.Fatalf("flow cookies %v for %d pages", cookieSizes, len(pages))
	}
	for i := range pages {
		if pages[i] != pages[0] || cookieSizes[i] != cookieSizes[0] {
			t.Fatalf("page %d differs (cookie %d vs %d bytes):\n%s\n%s", i, cookieSizes[i], cookieSizes[0], pages[i], pages[0])
		}
	}
	if strings.Contains(pages[0], "e***@e***") {
		t.Fatal("the reset page shows the masked address")
	}
	if n := outboxCount(ctx, t, p, "erin@example.com"); n != 2 {
		t.Fatalf("%d codes sent to erin, want 2 (limits.code_sends)", n)
	}
	if !loggedReason(p, "code_send") {
		t.Error("no log line names the code-send limit")
	}
}

// loggedReason reports whether the process logged a limit's refusal with this reason (waiting
// a little for the line to come through the pipe).
func loggedReason(p *process, reason string) bool {
	return p.WaitLogged(regexp.MustCompile(`limit refused.*reason"?[=:]"?`+reason), 10*time.Second)
}

// outboxCount is how many messages the demo pool sent to to.
func outboxCount(ctx context.Context, t *testing.T, p *process, to string) int {
	t.Helper()
	page, err := newClient().Get(ctx, p.BaseURL+"/demo/outbox.json")
	must(t, err)
	var msgs []outboxMessage
	must(t, json.Unmarshal([]byte(page.Body), &msgs))
	n := 0
	for _, m := range msgs {
		if m.To == to {
			n++
		}
	}
	return n
}

// postClientAuth posts a junk grant (or token) to an OpenID endpoint with HTTP Basic client
// authentication and returns the response, its body closed.
func postClientAuth(ctx context.Context, t *testing.T, endpoint, clientID, secret string) *http.Response {
	t.Helper()
	form := url.Values{"grant_type": {"authorization_code"}, "code": {"nope"}, "token": {"nope"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	must(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(clientID, secret)
	res, err := http.DefaultClient.Do(req)
	must(t, err)
	res.Body.Close()
	return res
}

// TestClientSecretGuessing: failed client authentication at /token, /revoke and /introspect
// counts together per client id and address (issue 9, item 5); past the limit even the right
// secret waits, with 429 and Retry-After.
func TestClientSecretGuessing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.yaml")
	must(t, os.WriteFile(path, []byte("limits: {client_auth_attempts: 3}\n"), 0o600))
	p := start(t, "demo", "--listen", "127.0.0.1:0", "--config", path)
	post := func(endpoint, secret string) *http.Response {
		t.Helper()
		return postClientAuth(context.Background(), t, p.BaseURL+endpoint, "demo-app", secret)
	}
	for i, ep := range []string{"/token", "/revoke", "/introspect"} {
		if res := post(ep, "wrong-secret"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong secret %d at %s: %d", i+1, ep, res.StatusCode)
		}
	}
	for _, ep := range []string{"/token", "/introspect"} {
		res := post(ep, "demo-app-secret")
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Fatalf("the right secret after the limit at %s: %d (Retry-After %q)", ep, res.StatusCode, res.Header.Get("Retry-After"))
		}
	}
	if !loggedReason(p, "client_auth") {
		t.Error("no log line names the client-authentication limit")
	}
}
