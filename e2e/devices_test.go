package e2e

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/chromedp/chromedp"

	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
	"github.com/bridgekeeper/bridgekeeper/internal/sdkhttp"
	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
)

var demoPoolRE = regexp.MustCompile(`--endpoint (\S+) --region \S+ --user-pool-id (\S+)`)

// demoPoolAdmin reaches the demo's local pool as an administrator, from the admin command line
// the demo prints.
func demoPoolAdmin(t *testing.T, p *process) (*cip.Client, string) {
	t.Helper()
	m := demoPoolRE.FindStringSubmatch(p.Stdout())
	if m == nil {
		t.Fatalf("the demo printed no pool endpoint:\n%s", p.Stdout())
	}
	return cip.New(cip.Options{HTTPClient: sdkhttp.InMemoryBodies(nil), Region: "us-east-1", BaseEndpoint: aws.String(m[1]), Credentials: credentials.NewStaticCredentialsProvider("x", "x", "")}), m[2]
}

// smsSignIn signs dave in on c, answering the text-message code when it is asked (ticking
// "Remember this browser" when remember is set); it reports whether a code was asked.
func smsSignIn(ctx context.Context, t *testing.T, p *process, c *webclient.Client, remember bool) (*webclient.Page, bool) {
	t.Helper()
	page := signIn(ctx, t, c, p.BaseURL, "dave", demoPassword)
	if page.URL.Path == "/account" {
		return page, false
	}
	expectStep(t, page, "text message")
	if len(page.Find("input", "name", "remember_device")) != 1 {
		t.Fatalf("no remember_device box on the SMS page: %s", page.Body)
	}
	form, err := page.Form("code")
	must(t, err)
	must(t, form.Set("code", latestCode(ctx, t, p, "SMS", "+15555550104")))
	if remember {
		form.Values.Set("remember_device", "1") // what ticking the box sends
	}
	next, err := c.Submit(ctx, form, "", "")
	must(t, err)
	return next, true
}

// TestRememberedBrowser: dave ticks "Remember this browser" and his next sign-in in that
// browser asks no code; another browser still gets one; a device an administrator forgot falls
// back to the code with no error page; forgetting from the account page brings the code back.
func TestRememberedBrowser(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	ctx := context.Background()
	admin, poolID := demoPoolAdmin(t, p)
	c := newClient()

	page, asked := smsSignIn(ctx, t, p, c, true)
	if !asked {
		t.Fatal("the first sign-in asked no code")
	}
	expectAccount(t, page, "dave")
	if links := page.Links("Remembered browsers"); len(links) != 1 || links[0] != "/account/devices" {
		t.Fatalf("the account page does not link to the remembered browsers: %s", page.Body)
	}
	page, err := c.Get(ctx, p.BaseURL+"/account/devices")
	must(t, err)
	if page.Status != http.StatusOK || !strings.Contains(page.Text(), "This browser") || !strings.Contains(page.Text(), "Signs in without a code") {
		t.Fatalf("the remembered browsers page does not list this browser: %d %s", page.Status, page.Text())
	}

	page, asked = smsSignIn(ctx, t, p, c, false)
	expectAccount(t, page, "dave")
	if asked {
		t.Fatal("the remembered browser was asked for a code")
	}
	if _, asked := smsSignIn(ctx, t, p, newClient(), false); !asked {
		t.Fatal("another browser signed in without a code")
	}

	// An administrator forgets the device: the next sign-in asks the code, with no error page.
	devs, err := admin.AdminListDevices(ctx, &cip.AdminListDevicesInput{UserPoolId: aws.String(poolID), Username: aws.String("dave")})
	must(t, err)
	for _, d := range devs.Devices {
		_, err := admin.AdminForgetDevice(ctx, &cip.AdminForgetDeviceInput{UserPoolId: aws.String(poolID), Username: aws.String("dave"), DeviceKey: d.DeviceKey})
		must(t, err)
	}
	page, asked = smsSignIn(ctx, t, p, c, true)
	expectAccount(t, page, "dave")
	if !asked {
		t.Fatal("a forgotten device still skipped the code")
	}
	if _, asked := smsSignIn(ctx, t, p, c, false); asked {
		t.Fatal("the browser remembered again was asked for a code")
	}

	// Forgetting every browser from the account page brings the code back.
	page, err = c.Get(ctx, p.BaseURL+"/account/devices")
	must(t, err)
	page = submitFormWithAction(ctx, t, c, page, "/account/devices/forget-all")
	if page.Status != http.StatusOK || !strings.Contains(page.Text(), "No browser is remembered.") {
		t.Fatalf("after forgetting all: %d %s", page.Status, page.Text())
	}
	if _, asked := smsSignIn(ctx, t, p, c, false); !asked {
		t.Fatal("a forgotten browser signed in without a code")
	}

	t.Run("carol/remembered under her username, signing in with her email, and the other way", func(t *testing.T) {
		m := secretRE.FindStringSubmatch(p.Stdout())
		if m == nil {
			t.Fatalf("the demo did not print carol's TOTP secret:\n%s", p.Stdout())
		}
		for i, names := range [][2]string{{"carol", "carol@example.com"}, {"carol@example.com", "carol"}} {
			c := newClient()
			page := signIn(ctx, t, c, p.BaseURL, names[0], demoPassword)
			expectStep(t, page, "authenticator")
			form, err := page.Form("code")
			must(t, err)
			// Each browser's code from its own window: a code is single-use in its window.
			must(t, form.Set("code", localpool.TOTP(m[1], time.Now().Add(time.Duration(i)*30*time.Second))))
			form.Values.Set("remember_device", "1")
			page, err = c.Submit(ctx, form, "", "")
			must(t, err)
			expectAccount(t, page, "carol")
			if page = signIn(ctx, t, c, p.BaseURL, names[1], demoPassword); page.URL.Path != "/account" {
				t.Fatalf("remembered signing in as %s, then asked for a code signing in as %s: %s %s", names[0], names[1], page.URL.Path, page.Text())
			}
		}
	})
	if strings.Contains(p.Logs(), "remember browser") {
		t.Errorf("remembering a browser failed:\n%s", tail(p.Logs(), 2000))
	}
}

// TestBrowserRemembersCarol: in headless Chromium carol ticks "Remember this browser" on the
// authenticator page, and her next sign-in in that browser asks no code; forgetting the browser
// on the account page brings the code back. (Its own demo, so carol's codes are not shared with
// another test: the second code is the next window's, which the pool also accepts.)
func TestBrowserRemembersCarol(t *testing.T) {
	p := start(t, "demo", "--listen", "127.0.0.1:0")
	m := secretRE.FindStringSubmatch(p.Stdout())
	if m == nil {
		t.Fatalf("the demo did not print carol's TOTP secret:\n%s", p.Stdout())
	}
	secret := m[1]
	ctx := testenv.Chromium(t)
	fail := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v\nlogs:\n%s", step, err, tail(p.Logs(), 3000))
		}
	}
	type steps = []chromedp.Action[chromedp.Void]
	password := steps{
		chromedp.Navigate(p.BaseURL + "/signin"),
		chromedp.WaitVisible(`input[name="username"]`),
		chromedp.SendKeys(`input[name="username"]`, "carol"),
		chromedp.SendKeys(`input[name="password"]`, demoPassword),
		chromedp.Submit(`input[name="password"]`),
	}
	then := func(more ...chromedp.Action[chromedp.Void]) []chromedp.Action[chromedp.Void] {
		return append(append(steps{}, password...), more...)
	}
	signOut := steps{
		chromedp.Submit(`form[action="/signout"] button`),
		chromedp.WaitVisible(`a[href="/signin"]`),
	}

	fail("first sign-in", chromedp.Do(ctx, then(
		chromedp.WaitVisible(`input[name="code"]`),
		chromedp.Click(`input[name="remember_device"]`),
		chromedp.SendKeys(`input[name="code"]`, totpNow(secret)),
		chromedp.Submit(`input[name="code"]`),
		chromedp.WaitVisible(`form[action="/signout"]`),
		chromedp.Click(`a[href="/account/devices"]`),
		chromedp.WaitVisible(`form[action="/account/devices/forget"]`),
	)...))
	listed, err := chromedp.Run(ctx, chromedp.Text(`main`))
	fail("remembered browsers page", err)
	if !strings.Contains(listed, "This browser") || !strings.Contains(listed, "Signs in without a code") {
		t.Fatalf("the remembered browsers page says: %q", listed)
	}
	fail("back to the account", chromedp.Do(ctx, chromedp.Navigate(p.BaseURL+"/account"), chromedp.WaitVisible(`form[action="/signout"]`)))

	fail("sign out", chromedp.Do(ctx, signOut...))
	// The remembered browser goes straight to the account page: no code.
	fail("remembered sign-in", chromedp.Do(ctx, then(chromedp.WaitVisible(`form[action="/signout"]`))...))

	fail("forget", chromedp.Do(ctx,
		chromedp.Navigate(p.BaseURL+"/account/devices"),
		chromedp.Submit(`form[action="/account/devices/forget"] button`),
		chromedp.WaitVisible(`a[href="/account"]`),
	))
	body, err := chromedp.Run(ctx, chromedp.Text(`body`))
	fail("after forgetting", err)
	if !strings.Contains(body, "No browser is remembered.") {
		t.Fatalf("after forgetting, the page says: %q", body)
	}
	fail("sign out again", chromedp.Do(ctx, chromedp.Navigate(p.BaseURL+"/account"), signOut[0], signOut[1]))
	fail("sign-in after forgetting", chromedp.Do(ctx, then(
		chromedp.WaitVisible(`input[name="code"]`),
		chromedp.SendKeys(`input[name="code"]`, localpool.TOTP(secret, time.Now().Add(30*time.Second))),
		chromedp.Submit(`input[name="code"]`),
		chromedp.WaitVisible(`form[action="/signout"]`),
	)...))
}
