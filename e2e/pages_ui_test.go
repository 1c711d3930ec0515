package e2e

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
)

// TestSignOutPage: GET /signout asks to confirm (a form that posts), rather than answering 405;
// without a session it shows the signed-out page. /.well-known/change-password leads to the
// forgot-password page.
func TestSignOutPage(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	ctx := context.Background()

	// A password manager's "change password" leads to the forgot-password page.
	page, err := newClient().Get(ctx, p.BaseURL+"/.well-known/change-password")
	must(t, err)
	if page.URL.Path != "/forgot" || page.Status != http.StatusOK {
		t.Fatalf("/.well-known/change-password ends at %s (%d)", page.URL.Path, page.Status)
	}

	page, err = newClient().Get(ctx, p.BaseURL+"/signout")
	must(t, err)
	if page.URL.Path != "/signed-out" || page.Status != http.StatusOK {
		t.Fatalf("GET /signout without a session: %s (%d) %s", page.URL.Path, page.Status, page.Text())
	}

	c := newClient()
	expectAccount(t, signIn(ctx, t, c, p.BaseURL, "alice", demoPassword), "alice")
	page, err = c.Get(ctx, p.BaseURL+"/signout")
	must(t, err)
	if page.Status != http.StatusOK || !strings.Contains(page.Text(), "Sign out?") || !strings.Contains(page.Text(), "alice") {
		t.Fatalf("GET /signout: %d %s", page.Status, page.Text())
	}
	if links := page.Links("Stay signed in"); len(links) != 1 || links[0] != "/account" {
		t.Fatalf("no way back to the account: %q", links)
	}
	page = submitFormWithAction(ctx, t, c, page, "/signout")
	if page.URL.Path != "/signed-out" {
		t.Fatalf("after confirming: %s %s", page.URL.Path, page.Text())
	}
	page, err = c.Get(ctx, p.BaseURL+"/account")
	must(t, err)
	if page.URL.Path != "/signin" {
		t.Fatalf("still signed in: /account shows %s", page.URL.Path)
	}
}

// TestBrowserOutboxOnPhone: the demo outbox at a phone's width (375 CSS pixels) shows each
// message's code without anything wider than the screen.
func TestBrowserOutboxOnPhone(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	ctx := context.Background()
	c := newClient()
	page, err := c.Get(ctx, p.BaseURL+"/forgot")
	must(t, err)
	submit(ctx, t, c, page, map[string]string{"username": "grace"})
	code := latestCode(ctx, t, p, "EMAIL", "grace@example.com")

	b := testenv.Chromium(t)
	must(t, chromedp.Do(b, chromedp.Navigate(p.BaseURL+"/demo/outbox"), chromedp.WaitVisible(`h1`)))
	_, err = chromedp.Call(b, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 375, Height: 812, DeviceScaleFactor: 2, Mobile: true})
	must(t, err)
	must(t, chromedp.Do(b, chromedp.Navigate(p.BaseURL+"/demo/outbox"), chromedp.WaitVisible(`h1`)))
	type layout struct {
		Viewport, Document float64
		Wide               []string
		CodeShown          bool
	}
	got, err := chromedp.Run(b, chromedp.Evaluate[layout](`(() => {
		const vw = document.documentElement.clientWidth, wide = [];
		for (const el of document.querySelectorAll("main *")) {
			const r = el.getBoundingClientRect();
			if (r.width > 0 && (r.left < -0.5 || r.right > vw + 0.5 || (el.clientWidth > 1 && el.scrollWidth > el.clientWidth + 1))) {
				wide.push(el.tagName.toLowerCase() + "." + el.className + " " + Math.round(r.left) + ".." + Math.round(r.right));
			}
		}
		const code = [...document.querySelectorAll("main *")].find(el =>
			el.children.length === 0 && el.textContent.trim() === "`+code+`" && el.getBoundingClientRect().width > 0);
		const cr = code && code.getBoundingClientRect();
		return {Viewport: vw, Document: document.documentElement.scrollWidth, Wide: wide,
			CodeShown: !!cr && cr.left >= 0 && cr.right <= vw};
	})()`))
	must(t, err)
	if got.Viewport != 375 || got.Document > got.Viewport {
		t.Errorf("the page is %.0f px wide in a %.0f px screen", got.Document, got.Viewport)
	}
	if len(got.Wide) > 0 {
		t.Errorf("wider than the screen or scrolling sideways: %v", got.Wide)
	}
	if !got.CodeShown {
		t.Errorf("grace's code %s is not shown within the screen", code)
	}
}

// TestDemoStopsOnInterrupt: Ctrl-C (SIGINT) on the demo shuts its servers down and exits 0
// (stopWith fails the test on any other exit, or none within 20 s).
func TestDemoStopsOnInterrupt(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	res, err := newClient().Get(context.Background(), p.BaseURL+"/healthz")
	must(t, err)
	if res.Status != http.StatusOK {
		t.Fatalf("/healthz = %d", res.Status)
	}
	p.stopWith(os.Interrupt)
	if logs := p.Logs(); !strings.Contains(logs, `msg="shutting down"`) || !strings.Contains(logs, "msg=stopped") {
		t.Errorf("no graceful shutdown in the logs:\n%s", tail(logs, 2000))
	}
}
