package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/i18n"
	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
)

// faultCallTimeout is pool.call_timeout in TestCognitoFaults: low, so a held call gives up soon,
// yet well above a throttled call's three attempts and their jittered waits (at most 1.5 s).
const faultCallTimeout = 3 * time.Second

// TestCognitoFaults (issue 9, item 13, through the real binary): `bridgekeeper demo --faults`,
// its pool's switchboard driven over HTTP while people sign in through the real pages. Throttling
// and outages get calm pages with Retry-After in the page's language, a code step keeps its
// Cognito session through an outage, an answer lost after Cognito used the session restarts the
// sign-in with its own notice, a held call gives up at pool.call_timeout, and the switchboard's
// counts show how many attempts each failing call made.
func TestCognitoFaults(t *testing.T) {
	p, faults := startFaultDemo(t, "pool: {call_timeout: "+faultCallTimeout.String()+"}\n")
	ctx := context.Background()
	bundle, err := i18n.New()
	must(t, err)
	en := bundle.Localizer("en")

	t.Run("throttled password step", func(t *testing.T) {
		faults.Clear(ctx, t)
		c := newClient()
		_, err := c.Get(ctx, p.BaseURL+"/language?lang=de&return=/signin")
		must(t, err)
		page, err := c.Get(ctx, p.BaseURL+"/signin")
		must(t, err)
		faults.Set(ctx, t, poolFault{Op: "InitiateAuth", Error: localpool.FaultThrottle})
		if st := faults.State(ctx, t); len(st.Faults) != 1 || st.Faults[0] != (poolFault{Op: "InitiateAuth", Error: localpool.FaultThrottle}) {
			t.Fatalf("the switchboard lists %+v", st.Faults)
		}
		busy := submit(ctx, t, c, page, map[string]string{"username": "alice", "password": demoPassword})
		expectCalm(t, busy, "/signin", http.StatusTooManyRequests, bundle.Localizer("de").T("error.TooManyRequests"))
		if got := inputValue(busy, "username"); got != "alice" || inputValue(busy, "password") != "" {
			t.Fatalf("the page must keep the username (got %q) and never the password", got)
		}
		if calls := faults.Calls(ctx, t, "InitiateAuth"); calls != 3 {
			t.Errorf("a throttled InitiateAuth reached the pool %d times, want 3 (bounded retries)", calls)
		}
		faults.Clear(ctx, t)
		if st := faults.State(ctx, t); len(st.Faults) != 0 || len(st.Calls) != 0 {
			t.Fatalf("DELETE left %+v", st)
		}
		expectAccount(t, submit(ctx, t, c, busy, map[string]string{"password": demoPassword}), "alice")
	})

	for _, kind := range []string{localpool.FaultInternal, localpool.FaultReset} {
		t.Run("code step "+kind, func(t *testing.T) {
			c, down, code := postCodeDuring(ctx, t, p, faults, poolFault{Op: "RespondToAuthChallenge", Error: kind})
			expectCalm(t, down, "/signin/step", http.StatusServiceUnavailable, en.T("error.Unavailable"))
			reload, err := c.Get(ctx, p.BaseURL+"/signin/step")
			must(t, err)
			expectStep(t, reload, "text message") // the Cognito session is still in the flow cookie
			faults.Clear(ctx, t)
			expectAccount(t, submit(ctx, t, c, reload, map[string]string{"code": code}), "dave")
		})
	}

	t.Run("answer lost after Cognito used the session", func(t *testing.T) {
		c, down, code := postCodeDuring(ctx, t, p, faults, poolFault{Op: "RespondToAuthChallenge", Error: localpool.FaultResetAfter, Times: 1})
		expectCalm(t, down, "/signin/step", http.StatusServiceUnavailable, en.T("error.Unavailable"))
		if st := faults.State(ctx, t); len(st.Faults) != 0 {
			t.Fatalf("a fault set for one call is still listed: %+v", st.Faults)
		}
		again := submit(ctx, t, c, down, map[string]string{"code": code})
		if again.URL.Path != "/signin" || !strings.Contains(again.Text(), en.T("error.Interrupted")) || inputValue(again, "username") != "dave" {
			t.Fatalf("want the sign-in page again with %q and the username: %s (%d): %s", en.T("error.Interrupted"), again.URL, again.Status, again.Text())
		}
		expectStep(t, submit(ctx, t, c, again, map[string]string{"password": demoPassword}), "text message")
	})

	t.Run("a call held past pool.call_timeout", func(t *testing.T) {
		faults.Clear(ctx, t)
		c := newClient()
		page, err := c.Get(ctx, p.BaseURL+"/signin")
		must(t, err)
		faults.Set(ctx, t, poolFault{Op: "InitiateAuth", Latency: "1m"})
		begun := time.Now()
		slow := submit(ctx, t, c, page, map[string]string{"username": "alice", "password": demoPassword})
		took := time.Since(begun)
		expectCalm(t, slow, "/signin", http.StatusServiceUnavailable, en.T("error.Unavailable"))
		// Well below the 10 s default: the configured deadline, not a hang.
		if took < faultCallTimeout || took > faultCallTimeout+5*time.Second {
			t.Errorf("the page came after %v, want about pool.call_timeout (%v)", took, faultCallTimeout)
		}
		if calls := faults.Calls(ctx, t, "InitiateAuth"); calls != 1 {
			t.Errorf("%d attempts of a call whose deadline passed, want 1", calls)
		}
		faults.Clear(ctx, t) // releases the held call
		expectAccount(t, submit(ctx, t, c, slow, map[string]string{"password": demoPassword}), "alice")
	})
}

// postCodeDuring signs dave in to his SMS step, sets fault and posts his code once. It returns his
// browser, the page answered and the code; a single-use call reaches the pool exactly once.
func postCodeDuring(ctx context.Context, t *testing.T, p *process, faults *poolFaults, fault poolFault) (*webclient.Client, *webclient.Page, string) {
	t.Helper()
	c := newClient()
	step := signIn(ctx, t, c, p.BaseURL, "dave", demoPassword)
	expectStep(t, step, "text message")
	code := latestCode(ctx, t, p, "SMS", "+15555550104")
	faults.Clear(ctx, t)
	faults.Set(ctx, t, fault)
	page := submit(ctx, t, c, step, map[string]string{"code": code})
	if calls := faults.Calls(ctx, t, fault.Op); calls != 1 {
		t.Errorf("%s: %d attempts reached the pool, want 1 (a single-use call is never repeated after a 5xx or a broken connection)", fault.Op, calls)
	}
	if inputValue(page, "code") != "" {
		t.Error("the code is echoed back")
	}
	return c, page, code
}

// expectCalm checks a "try again in a moment" page: the path and status, Retry-After, the
// sentence, and nothing of the fault's internals (no Cognito error, no Go error text).
func expectCalm(t *testing.T, page *webclient.Page, path string, status int, sentence string) {
	t.Helper()
	if page.URL.Path != path || page.Status != status || page.Header.Get("Retry-After") == "" || !strings.Contains(page.Text(), sentence) {
		t.Fatalf("want %s (%d, Retry-After) saying %q, got %s (%d, Retry-After %q): %s",
			path, status, sentence, page.URL.Path, page.Status, page.Header.Get("Retry-After"), page.Text())
	}
	if strings.Contains(page.Body, demoPassword) {
		t.Error("the page holds the password")
	}
	// The visible text only: the body's random tokens (CSRF, base64) may hold any short word.
	for _, leak := range []string{"Exception", "Rate exceeded", "Internal server error", "operation error",
		"deadline", "EOF", "connection reset", "goroutine", "panic", ".go:"} {
		if strings.Contains(page.Text(), leak) {
			t.Errorf("the page shows %q", leak)
		}
	}
}

// inputValue is the value of the page's input named name ("" when absent or empty).
func inputValue(page *webclient.Page, name string) string {
	for _, in := range page.Find("input", "name", name) {
		return webclient.Attr(in, "value")
	}
	return ""
}
