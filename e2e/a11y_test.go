package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/bridgekeeper/bridgekeeper/config"
	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
)

// The viewports and colour schemes every page is checked in.
var (
	a11yWidths = []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 375, 740}}
	a11yThemes = []string{"light", "dark"}
)

// a11yTimeout bounds the accessibility test's one browser (every page, in every variant). The
// test takes 1–2 minutes; on the shared 2-core machine at a load average of 35 its 65 page loads
// took close to 5, so the bound leaves room for a slow machine and still stops a hang.
const a11yTimeout = 10 * time.Minute

// auditor runs axe-core over pages in one shared Chromium and collects every violation, named
// by page, width, language and theme.
type auditor struct {
	t       *testing.T
	axe     string
	browser context.Context
	found   []string
	pages   int
	runs    int
	spent   time.Duration // in axe-core and the emulation
}

// profile is a fresh browser profile (its own cookies) in the shared Chromium: one per person.
func (a *auditor) profile() context.Context {
	ctx, cancel := chromedp.NewContext(a.browser, chromedp.WithNewBrowserContext())
	a.t.Cleanup(cancel)
	return ctx
}

// do runs browser steps, failing the test with the step's name.
func (a *auditor) do(ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	a.t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		a.t.Fatalf("%s: %v", what, err)
	}
}

// visit runs steps that load one page (a navigation or a form post: exactly one, as
// chromedp.RunResponse waits for the first), checks that the page answered status, and audits
// it as name.
func (a *auditor) visit(ctx context.Context, name string, status int, steps ...chromedp.Action[chromedp.Void]) {
	a.t.Helper()
	res, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		a.t.Fatalf("%s: %v", name, err)
	}
	if res == nil || res.Status != int64(status) {
		var got int64
		if res != nil {
			got = res.Status
		}
		body, _ := chromedp.Run(ctx, chromedp.Text(`body`))
		a.t.Fatalf("%s: status %d, want %d: %s", name, got, status, body)
	}
	a.audit(ctx, name)
}

// audit runs axe-core over the page now shown, at each width in each colour scheme, and leaves
// the tab at desktop width in the light scheme.
func (a *auditor) audit(ctx context.Context, name string) {
	a.t.Helper()
	a.pages++
	began := time.Now()
	defer func() { a.spent += time.Since(began) }()
	a.do(ctx, name+": inject axe-core", testenv.InjectAxe(a.axe))
	type doc struct{ Lang, Dir, Path string }
	d, err := chromedp.Run(ctx, chromedp.Evaluate[doc](`({Lang: document.documentElement.lang, Dir: document.documentElement.dir, Path: location.pathname})`))
	if err != nil {
		a.t.Fatalf("%s: %v", name, err)
	}
	for _, w := range a11yWidths {
		for _, theme := range a11yThemes {
			a.emulate(ctx, w.width, w.height, theme)
			type view struct {
				Dark  bool
				Width int64
			}
			got, err := chromedp.Run(ctx, chromedp.Evaluate[view](`({Dark: matchMedia("(prefers-color-scheme: dark)").matches, Width: innerWidth})`))
			if err != nil || got.Dark != (theme == "dark") || got.Width != w.width {
				a.t.Fatalf("%s: the %s %s emulation did not apply: %+v (%v)", name, w.name, theme, got, err)
			}
			// Colours change with a transition: end it, so axe sees the scheme's own colours.
			a.do(ctx, name+": finish transitions", chromedp.Evaluate[chromedp.Void](`document.getAnimations().forEach(a => a.finish())`))
			violations, err := chromedp.Run(ctx, testenv.RunAxe())
			if err != nil {
				a.t.Fatalf("%s: %v", name, err)
			}
			weak, err := chromedp.Run(ctx, testenv.NonTextContrast())
			if err != nil {
				a.t.Fatalf("%s: %v", name, err)
			}
			violations = append(violations, weak...)
			a.runs++
			for _, v := range violations {
				a.found = append(a.found, fmt.Sprintf("%s (%s) at %d px, lang %s, %s: %s", name, d.Path, w.width, d.Lang, theme, v))
			}
		}
	}
	a.emulate(ctx, a11yWidths[0].width, a11yWidths[0].height, a11yThemes[0])
}

// emulate sets the tab's viewport and colour scheme.
func (a *auditor) emulate(ctx context.Context, width, height int64, theme string) {
	a.t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: width, Height: height, DeviceScaleFactor: 1, Mobile: width < 600,
	}); err != nil {
		a.t.Fatalf("Emulation.setDeviceMetricsOverride: %v", err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: theme}},
	}); err != nil {
		a.t.Fatalf("Emulation.setEmulatedMedia: %v", err)
	}
}

// auditLanguages audits the page at path (a GET page) in German and in Arabic (right to left),
// choosing each with the language picker's URL, then switches the profile back to English.
func (a *auditor) auditLanguages(ctx context.Context, base, name, path string, status int) {
	a.t.Helper()
	for _, l := range []struct{ tag, dir string }{{"de", "ltr"}, {"ar", "rtl"}, {"en", "ltr"}} {
		u := base + "/language?" + url.Values{"lang": {l.tag}, "return": {path}}.Encode()
		if l.tag == "en" {
			a.do(ctx, "back to English", chromedp.Navigate(u))
			break
		}
		a.visit(ctx, name, status, chromedp.Navigate(u))
		a.expectLanguage(ctx, name, l.tag, l.dir)
	}
}

// expectLanguage checks the open page's lang and dir.
func (a *auditor) expectLanguage(ctx context.Context, name, tag, dir string) {
	a.t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang + " " + document.documentElement.dir`))
	if err != nil || got != tag+" "+dir {
		a.t.Fatalf("%s in %s: the page is %q (%v)", name, tag, got, err)
	}
}

// headingHasFocus checks that a choice page's heading took focus when the page opened.
func (a *auditor) headingHasFocus(ctx context.Context, name string) {
	a.t.Helper()
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.tagName + "#" + document.activeElement.id : ""`))
	if err != nil || focused != "H1#page-heading" {
		a.t.Errorf("%s: focus is on %q (%v), want the page's heading", name, focused, err)
	}
}

// typeInto replaces what a field holds with value.
func typeInto(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.SetValue(sel, value)
}

// signInAs fills the sign-in form with username and password.
func signInAs(username, password string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(`input[name="username"]`),
		typeInto(`input[name="username"]`, username),
		typeInto(`input[name="password"]`, password),
		chromedp.Submit(`input[name="password"]`),
	)
}

// enterCode types code into the code field and sends the form.
func enterCode(code string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(typeInto(`input[name="code"]`, code), chromedp.Submit(`input[name="code"]`))
}

// deleteCookie removes the site's cookie called name from the profile, as its expiry would.
func deleteCookie(base, name string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Call(ctx, network.DeleteCookies, network.DeleteCookiesParams{Name: name, URL: base + "/"})
		return chromedp.Void{}, err
	}
}

// TestAccessibility runs axe-core (WCAG 2.0, 2.1 and 2.2, A and AA) in headless Chromium over
// every page: each sign-in step and its error states, recovery, sign-up, the account pages, the
// admin console, the demo's pages, the error pages (503 ones too: Cognito unavailable), the
// continue page of an IPv6 loopback app and the logout prompt, each at desktop and
// phone width in the light and the dark scheme, and the sign-in, a code and an error page in
// German and Arabic too. The pages are reached by driving the real flows of the demo (in each
// of its modes) once, in one Chromium; each page load is checked in every variant. It also
// checks that a choice page's heading takes focus.
func TestAccessibility(t *testing.T) {
	began := time.Now()
	a := &auditor{t: t, axe: testenv.AxeSource(t), browser: testenv.ChromiumFor(t, a11yTimeout)}
	defer func() {
		t.Logf("axe-core: %d page loads, %d runs, %s of %s in axe and emulation", a.pages, a.runs, a.spent.Round(100*time.Millisecond), time.Since(began).Round(100*time.Millisecond))
		if len(a.found) > 0 {
			t.Errorf("%d accessibility violations:\n  %s", len(a.found), strings.Join(a.found, "\n  "))
		}
	}()

	t.Run("password sign-in", func(t *testing.T) { a.t = t; auditPasswordDemo(a) })
	t.Run("MFA required", func(t *testing.T) { a.t = t; auditMFASetup(a) })
	t.Run("choice-based sign-in", func(t *testing.T) { a.t = t; auditChoiceDemo(a) })
	t.Run("custom challenge", func(t *testing.T) { a.t = t; auditCustomDemo(a) })
	a.t = t
}

// passwordWaitTries is how many wrong passwords past the free ones the audit posts to reach the
// 429 page: the waits double from one second, so the sixth waits half a minute.
const passwordWaitTries = 6

// auditPasswordDemo walks the default demo (USER_SRP_AUTH): every person's steps, recovery,
// sign-up, the account, the admin console, the demo app and the error pages.
func auditPasswordDemo(a *auditor) {
	t := a.t
	p, faults := startFaultDemo(t, "")
	base := p.BaseURL
	ctx := context.Background()

	// Someone not signed in: the sign-in page (in three languages), a wrong password, error pages.
	anon := a.profile()
	a.visit(anon, "sign-in", http.StatusOK, chromedp.Navigate(base+"/signin"))
	a.auditLanguages(anon, base, "sign-in", "/signin", http.StatusOK)
	a.do(anon, "open the sign-in page", chromedp.Navigate(base+"/signin"))
	a.visit(anon, "sign-in: wrong password", http.StatusUnauthorized, signInAs("alice", "wrong-password"))
	// Wrong passwords beyond the free ones: the sign-in page asks to wait (429).
	for range config.DefaultLimits().PasswordAttempts {
		if res, err := chromedp.RunResponse(anon, signInAs("user03", "wrong-password")); err != nil || res.Status != http.StatusUnauthorized {
			t.Fatalf("a wrong password: %v %v", res, err)
		}
	}
	// The first wait is one second of real time: a browser slowed by a loaded machine may post
	// after it ended. Each wrong password that lands after a wait doubles the next one, so a few
	// more posts reach the 429 page however slow the browser is.
	refused := false
	for range passwordWaitTries {
		res, err := chromedp.RunResponse(anon, signInAs("user03", "wrong-password"))
		if err != nil {
			t.Fatalf("a wrong password past the free ones: %v", err)
		}
		if res.Status == http.StatusTooManyRequests {
			refused = true
			break
		}
		if res.Status != http.StatusUnauthorized {
			t.Fatalf("a wrong password past the free ones: status %d, want 429 (or 401 after the wait)", res.Status)
		}
	}
	if !refused {
		t.Fatalf("%d wrong passwords past the free ones were never refused with 429", passwordWaitTries)
	}
	a.audit(anon, "sign-in: too many wrong passwords (429)")
	// Cognito unavailable (the demo pool's fault switchboard): the sign-in page says so (503).
	faults.Set(ctx, t, poolFault{Op: "InitiateAuth", Error: localpool.FaultUnavailable})
	a.visit(anon, "sign-in: Cognito unavailable (503)", http.StatusServiceUnavailable, signInAs("alice", demoPassword))
	faults.Clear(ctx, t)
	a.visit(anon, "error page (404)", http.StatusNotFound, chromedp.Navigate(base+"/no-such-page"))
	a.auditLanguages(anon, base, "error page (404)", "/no-such-page", http.StatusNotFound)
	a.visit(anon, "error page (400: unknown app)", http.StatusBadRequest, chromedp.Navigate(base+"/authorize?client_id=nobody&response_type=code&scope=openid"))
	// The provider's own error page in the app's ui_locales: German and Arabic (right to left),
	// in a profile without a language chosen in the picker (which would come first).
	app := a.profile()
	for _, l := range []struct{ tag, dir string }{{"de", "ltr"}, {"ar", "rtl"}} {
		name := "error page (400: unknown app, ui_locales " + l.tag + ")"
		a.visit(app, name, http.StatusBadRequest, chromedp.Navigate(base+"/authorize?client_id=nobody&response_type=code&scope=openid&ui_locales="+l.tag))
		a.expectLanguage(app, name, l.tag, l.dir)
	}
	a.visit(anon, "demo outbox", http.StatusOK, chromedp.Navigate(base+"/demo/outbox"))
	a.visit(anon, "demo app (signed out)", http.StatusOK, chromedp.Navigate(base+"/demo/app"))
	a.visit(anon, "demo app: the sign-in was cancelled", http.StatusOK, chromedp.Navigate(base+"/demo/app?error=access_denied"))

	// Recovery: forgot, the reset page, a wrong code, a weak new password.
	a.visit(anon, "forgot password", http.StatusOK, chromedp.Navigate(base+"/forgot"))
	a.visit(anon, "reset password", http.StatusOK, typeInto(`input[name="username"]`, "user01"), chromedp.Submit(`input[name="username"]`))
	resetCode := latestCode(ctx, t, p, "EMAIL", "user01@example.com")
	fillReset := func(code, password string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(typeInto(`input[name="code"]`, code), typeInto(`input[name="password"]`, password),
			typeInto(`input[name="password_confirm"]`, password), chromedp.Submit(`input[name="code"]`))
	}
	a.visit(anon, "reset password: wrong code", http.StatusUnprocessableEntity, fillReset(otherCode(resetCode), "R3set-Passw0rd!"))
	a.visit(anon, "reset password: weak password", http.StatusUnprocessableEntity, fillReset(resetCode, "weakweak"))

	// Sign-up: the form, a taken username, the confirmation page, a wrong code, the confirmed notice.
	fillSignUp := func(username string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(typeInto(`input[name="username"]`, username), typeInto(`input[name="password"]`, "N3w-Passw0rd!"),
			typeInto(`input[name="password_confirm"]`, "N3w-Passw0rd!"), typeInto(`input[name="userAttributes.name"]`, "Nina Example"),
			typeInto(`input[name="userAttributes.email"]`, "nina@example.com"), chromedp.Submit(`input[name="username"]`))
	}
	a.visit(anon, "sign-up", http.StatusOK, chromedp.Navigate(base+"/signup"))
	a.visit(anon, "sign-up: username taken", http.StatusUnprocessableEntity, fillSignUp("alice"))
	a.visit(anon, "sign-up confirmation", http.StatusOK, fillSignUp("nina"))
	confirmCode := latestCode(ctx, t, p, "EMAIL", "nina@example.com")
	a.visit(anon, "sign-up confirmation: wrong code", http.StatusUnprocessableEntity, enterCode(otherCode(confirmCode)))
	a.visit(anon, "sign-in: account confirmed", http.StatusOK, enterCode(confirmCode))

	// alice through the demo app: the app's pages, the account pages, the logout prompt.
	alice := a.profile()
	a.do(alice, "open the demo app", chromedp.Navigate(base+"/demo/app"), chromedp.WaitVisible(`a[href="/demo/app/login"]`))
	a.visit(alice, "sign-in for an app", http.StatusOK, chromedp.Click(`a[href="/demo/app/login"]`))
	a.visit(alice, "demo app (signed in)", http.StatusOK, signInAs("alice", demoPassword))
	a.visit(alice, "account", http.StatusOK, chromedp.Navigate(base+"/account"))
	a.visit(alice, "remembered browsers (none)", http.StatusOK, chromedp.Navigate(base+"/account/devices"))
	a.visit(alice, "error page (403: not an administrator)", http.StatusForbidden, chromedp.Navigate(base+"/admin"))
	a.do(alice, "back to the demo app", chromedp.Navigate(base+"/demo/app"), chromedp.WaitVisible(`form[action="/demo/app/signout"]`))
	a.visit(alice, "logout prompt", http.StatusOK, chromedp.Click(`form[action="/demo/app/signout"] button`))
	auditContinuePage(a, base)

	// carol: the authenticator code page (in three languages), a wrong code, remembering the
	// browser, the remembered browsers, signing out.
	m := secretRE.FindStringSubmatch(p.Stdout())
	if m == nil {
		t.Fatalf("the demo did not print carol's TOTP secret:\n%s", p.Stdout())
	}
	carol := a.profile()
	a.do(carol, "open the sign-in page", chromedp.Navigate(base+"/signin"))
	a.visit(carol, "authenticator code", http.StatusOK, signInAs("carol", demoPassword))
	a.auditLanguages(carol, base, "authenticator code", "/signin/step", http.StatusOK)
	a.do(carol, "reload the code page", chromedp.Navigate(base+"/signin/step"))
	a.visit(carol, "authenticator code: wrong code", http.StatusUnprocessableEntity, enterCode(otherCode(totpNow(m[1]))))
	a.visit(carol, "account (carol)", http.StatusOK, chromedp.Click(`input[name="remember_device"]`), enterCode(totpNow(m[1])))
	a.visit(carol, "remembered browsers (one)", http.StatusOK, chromedp.Navigate(base+"/account/devices"))
	a.do(carol, "open the account page", chromedp.Navigate(base+"/account"), chromedp.WaitVisible(`form[action="/signout"]`))
	a.visit(carol, "signed out", http.StatusOK, chromedp.Click(`form[action="/signout"] button`))

	// dave: the text-message code page, then the sign-in took too long (its flow cookie expired).
	dave := a.profile()
	a.do(dave, "open the sign-in page", chromedp.Navigate(base+"/signin"))
	a.visit(dave, "text-message code", http.StatusOK, signInAs("dave", demoPassword))
	// Cognito fails while checking the code (503): the code page stays, saying so.
	faults.Set(ctx, t, poolFault{Op: "RespondToAuthChallenge", Error: localpool.FaultInternal, Times: 1})
	a.visit(dave, "text-message code: Cognito unavailable (503)", http.StatusServiceUnavailable, enterCode(latestCode(ctx, t, p, "SMS", "+15555550104")))
	faults.Clear(ctx, t)
	a.do(dave, "let the sign-in expire", deleteCookie(base, "bk_flow"))
	a.visit(dave, "sign-in: took too long", http.StatusOK, enterCode("123456"))

	// erin: the email code page. frank: the MFA choice. bob: a new password, a weak one.
	erin := a.profile()
	a.do(erin, "open the sign-in page", chromedp.Navigate(base+"/signin"))
	a.visit(erin, "email code", http.StatusOK, signInAs("erin", demoPassword))
	frank := a.profile()
	a.do(frank, "open the sign-in page", chromedp.Navigate(base+"/signin"))
	a.visit(frank, "MFA choice", http.StatusOK, signInAs("frank", demoPassword))
	a.headingHasFocus(frank, "MFA choice")
	bob := a.profile()
	a.do(bob, "open the sign-in page", chromedp.Navigate(base+"/signin"))
	a.visit(bob, "new password required", http.StatusOK, signInAs("bob", "TempPassw0rd!"))
	a.visit(bob, "new password required: weak password", http.StatusUnprocessableEntity,
		typeInto(`input[name="password"]`, "weakweak"), typeInto(`input[name="password_confirm"]`, "weakweak"),
		typeInto(`input[name="userAttributes.name"]`, "Bob Example"), chromedp.Submit(`input[name="password"]`))
	heidi := a.profile()
	a.do(heidi, "open the sign-in page", chromedp.Navigate(base+"/signin"))
	a.visit(heidi, "reset required by an administrator", http.StatusOK, signInAs("heidi", demoPassword))

	// The admin console: users, a search, a user, an action's confirmation and result, the audit.
	m = adminSecretRE.FindStringSubmatch(p.Stdout())
	if m == nil {
		t.Fatalf("the demo did not print the admin's TOTP secret:\n%s", p.Stdout())
	}
	admin := a.profile()
	a.do(admin, "open the admin console", chromedp.Navigate(base+"/admin"), signInAs("admin", demoPassword), chromedp.WaitVisible(`input[name="code"]`))
	a.visit(admin, "admin: users", http.StatusOK, enterCode(totpNow(m[1])))
	a.visit(admin, "admin: search", http.StatusOK, typeInto(`input#q`, "user"), chromedp.Submit(`input#q`))
	a.visit(admin, "admin: user", http.StatusOK, chromedp.Navigate(base+"/admin/users/user02"))
	a.visit(admin, "admin: confirm an action", http.StatusOK, chromedp.Navigate(base+"/admin/users/user02/disable"))
	a.visit(admin, "admin: action done", http.StatusOK, chromedp.Click(`form[action="/admin/users/user02/disable"] button[type="submit"]`))
	a.visit(admin, "admin: audit", http.StatusOK, chromedp.Navigate(base+"/admin/audit"))
}

// auditMFASetup walks the MFA set-up pages of a pool that requires MFA: the choice (its heading
// takes focus), the authenticator set-up with a wrong code, and the email set-up with a bad address.
func auditMFASetup(a *auditor) {
	p := start(a.t, "demo", "--listen", "127.0.0.1:0", "--mfa-required")
	base := p.BaseURL
	grace := a.profile()
	a.do(grace, "open the sign-in page", chromedp.Navigate(base+"/signin"))
	a.visit(grace, "MFA set-up choice", http.StatusOK, signInAs("grace", demoPassword))
	a.headingHasFocus(grace, "MFA set-up choice")
	a.visit(grace, "authenticator set-up", http.StatusOK, chromedp.Click(`button[value="SOFTWARE_TOKEN_MFA"]`))
	a.visit(grace, "authenticator set-up: wrong code", http.StatusUnprocessableEntity, enterCode("000000"))

	other := a.profile()
	a.do(other, "open the sign-in page", chromedp.Navigate(base+"/signin"), signInAs("user01", demoPassword), chromedp.WaitVisible(`button[value="EMAIL_OTP"]`))
	a.visit(other, "email set-up", http.StatusOK, chromedp.Click(`button[value="EMAIL_OTP"]`))
	a.visit(other, "email set-up: bad address", http.StatusUnprocessableEntity,
		typeInto(`input[name="email"]`, "not-an-address"), chromedp.Submit(`input[name="email"]`))
}

// auditChoiceDemo walks choice-based sign-in (USER_AUTH): the username-first page, the ways to
// sign in (its heading takes focus), the passkey page, the password step with a wrong password,
// the account page with its passkeys, the passkey offer before an app, and a one-time sign-in
// code.
func auditChoiceDemo(a *auditor) {
	p := startUserAuthDemo(a.t)
	base := p.BaseURL
	alice := a.profile()
	a.visit(alice, "sign-in (username first)", http.StatusOK, chromedp.Navigate(base+"/signin"))
	a.visit(alice, "ways to sign in", http.StatusOK, typeInto(`input[name="username"]`, "alice"), chromedp.Submit(`input[name="username"]`))
	a.headingHasFocus(alice, "ways to sign in")
	a.visit(alice, "password step", http.StatusOK, chromedp.Click(`button[value="PASSWORD_SRP"]`))
	a.visit(alice, "password step: wrong password", http.StatusUnauthorized, typeInto(`input[name="password"]`, "wrong-password"), chromedp.Submit(`input[name="password"]`))
	a.visit(alice, "account with passkeys", http.StatusOK, typeInto(`input[name="password"]`, demoPassword), chromedp.Submit(`input[name="password"]`))
	virtualAuthenticator(a.t, alice)
	a.visit(alice, "account: passkey added", http.StatusOK, chromedp.Click(`form[data-passkey="create"] button[data-passkey-start]`))
	// With a passkey, the ways to sign in offer it, and it has its own page.
	a.do(alice, "sign out and in again", chromedp.Click(`form[action="/signout"] button`), chromedp.WaitVisible(`a[href="/signin"]`),
		usernameFirst(base, "alice"), chromedp.WaitVisible(`button[value="WEB_AUTHN"]`))
	a.visit(alice, "passkey", http.StatusOK, chromedp.Click(`button[value="WEB_AUTHN"]`))

	// A password sign-in for an app, by someone without a passkey, is offered one first.
	offered := a.profile()
	a.do(offered, "sign in to the demo app", chromedp.Navigate(base+"/demo/app"), chromedp.Click(`a[href="/demo/app/login"]`),
		chromedp.WaitVisible(`input[name="username"]`), typeInto(`input[name="username"]`, "user04"), chromedp.Submit(`input[name="username"]`),
		chromedp.WaitVisible(`button[value="PASSWORD_SRP"]`), chromedp.Click(`button[value="PASSWORD_SRP"]`), chromedp.WaitVisible(`input[name="password"]`))
	a.visit(offered, "passkey offer", http.StatusOK, typeInto(`input[name="password"]`, demoPassword), chromedp.Submit(`input[name="password"]`))
	if loc, err := chromedp.Run(offered, chromedp.Evaluate[string](`location.pathname`)); err != nil || loc != "/signin/passkey-offer" {
		a.t.Errorf("the sign-in for the app went to %q (%v), not the passkey offer", loc, err)
	}

	judy := a.profile()
	a.do(judy, "open the sign-in page", chromedp.Navigate(base+"/signin"))
	a.visit(judy, "sign-in code (email)", http.StatusOK, typeInto(`input[name="username"]`, "judy"), chromedp.Submit(`input[name="username"]`))
}

// auditCustomDemo walks a custom challenge (CUSTOM_AUTH): the question and a wrong answer.
func auditCustomDemo(a *auditor) {
	p := start(a.t, "demo", "--listen", "127.0.0.1:0", "--auth-flow", "CUSTOM_AUTH")
	ivan := a.profile()
	a.do(ivan, "open the sign-in page", chromedp.Navigate(p.BaseURL+"/signin"))
	a.visit(ivan, "custom challenge", http.StatusOK, signInAs("ivan", demoPassword))
	a.visit(ivan, "custom challenge: wrong answer", http.StatusOK, typeInto(`input[name="answer"]`, "41"), chromedp.Submit(`input[name="answer"]`))
}

// otherCode is a code of the same length that is not code.
func otherCode(code string) string {
	if strings.HasPrefix(code, "0") {
		return "1" + code[1:]
	}
	return "0" + code[1:]
}
