package compare

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/bridgekeeper/bridgekeeper/internal/webclient"
)

// Request types: the kinds of request a complete sign-in is made of, timed separately.
const (
	reqAuthorize = "authorize"     // the app's authorization request
	reqLoginPage = "sign-in page"  // redirects after it, up to and including the page with the form
	reqPassword  = "password post" // the form post with username and password
	reqReturn    = "return"        // redirects after the post, until the one to the app with the code
	reqToken     = "token"         // the code redemption
)

// requestTypes lists the request types in the order a sign-in makes them.
var requestTypes = []string{reqAuthorize, reqLoginPage, reqPassword, reqReturn, reqToken}

// maxHops bounds the redirects one sign-in follows.
const maxHops = 10

// Variant is one provider configuration the benchmark signs in to: one process set, one app
// client, one signing algorithm and one sign-in flow.
type Variant struct {
	Provider string // bridgekeeper, zitadel or oidc-provider
	Alg      string // ES256 or RS256: how the ID token is signed
	Flow     string // USER_PASSWORD_AUTH, USER_SRP_AUTH, or "password" for the peers
	// Opaque marks a Bridgekeeper app with opaque access tokens (access_token_format: opaque).
	Opaque bool
	// Slack, when not 0, is the timer slack every thread of a peer's process was started with
	// (Options.PeerSlack); 0: the slack it inherited, Linux's 50 µs by default.
	Slack time.Duration

	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURI  string
	Scope        string
	Username     string
	Password     string
	UserField    string // the sign-in form's username field

	// procs are the provider's processes (their CPU is the provider's); extra are the processes
	// standing in for its upstream (Bridgekeeper's local user pool), reported beside it.
	procs []*proc
	extra []*proc
	// metricsURL is serve's metrics endpoint, when the benchmark asked for one.
	metricsURL string

	authURL, tokenURL string
	verifier          *gooidc.IDTokenVerifier
	transport         *http.Transport
}

// Name is how the variant appears in the table.
func (v *Variant) Name() string { return v.provider() + " " + v.Label() + " " + v.Flow }

// provider is the provider's name with its timer slack when that was set: "dex[slack=1ms]".
func (v *Variant) provider() string { return v.Provider + slackTag(v.Slack) }

// Label is the variant's signing algorithm, with "-opaque" for opaque access tokens.
func (v *Variant) Label() string {
	if v.Opaque {
		return v.Alg + "-" + opaqueFormat
	}
	return v.Alg
}

// discover reads the provider's discovery document and keys.
func (v *Variant) discover(ctx context.Context) error {
	v.transport = &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}
	ctx = gooidc.ClientContext(ctx, &http.Client{Transport: v.transport, Timeout: 30 * time.Second})
	p, err := gooidc.NewProvider(ctx, v.Issuer)
	if err != nil {
		return fmt.Errorf("%s: discovery: %w", v.Name(), err)
	}
	v.authURL, v.tokenURL = p.Endpoint().AuthURL, p.Endpoint().TokenURL
	v.verifier = p.VerifierContext(ctx, &gooidc.Config{ClientID: v.ClientID, SupportedSigningAlgs: []string{v.Alg}})
	return nil
}

// timing is how long one request took, by request type.
type timing struct {
	kind string
	d    time.Duration
}

// signIn completes one sign-in with a fresh cookie jar, as a new browser would, and returns each
// request's time. With verify, the ID token is verified (signature, issuer, audience, expiry,
// nonce) with go-oidc.
func (v *Variant) signIn(ctx context.Context, verify bool) ([]timing, error) {
	times := make([]timing, 0, 8)
	c, codeVerifier, state, nonce := v.client(), oauth2.GenerateVerifier(), randomString(), randomString()
	page, err := v.timed(&times, reqAuthorize, func() (*webclient.Page, error) { return c.Get(ctx, v.authorizeURL(state, nonce, codeVerifier)) })
	if err != nil {
		return nil, err
	}
	posted := false
	for hop := 0; ; hop++ {
		if hop > maxHops {
			return nil, fmt.Errorf("%s: more than %d redirects", v.Name(), maxHops)
		}
		switch {
		case page.Status >= 300 && page.Status < 400:
			loc, err := page.URL.Parse(page.Header.Get("Location"))
			if err != nil {
				return nil, fmt.Errorf("%s: redirect %q: %w", v.Name(), page.Header.Get("Location"), err)
			}
			if strings.HasPrefix(loc.String(), v.RedirectURI) {
				return v.redeem(ctx, times, loc, state, nonce, codeVerifier, verify)
			}
			kind := reqLoginPage
			if posted {
				kind = reqReturn
			}
			page, err = v.timed(&times, kind, func() (*webclient.Page, error) { return c.Get(ctx, loc.String()) })
			if err != nil {
				return nil, err
			}
		case page.Status == http.StatusOK && !posted:
			form, err := page.Form("password")
			if err != nil {
				return nil, fmt.Errorf("%s: %w", v.Name(), err)
			}
			if err := errors.Join(form.Set(v.UserField, v.Username), form.Set("password", v.Password)); err != nil {
				return nil, fmt.Errorf("%s: %w", v.Name(), err)
			}
			posted = true
			page, err = v.timed(&times, reqPassword, func() (*webclient.Page, error) { return c.Submit(ctx, form, "", "") })
			if err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("%s: %s answered %d: %.300s", v.Name(), page.URL.Path, page.Status, page.Text())
		}
	}
}

// client is a cookie-keeping client that does not follow redirects (each is timed on its own).
func (v *Variant) client() *webclient.Client {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &webclient.Client{HTTP: &http.Client{
		Transport: v.transport, Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (v *Variant) authorizeURL(state, nonce, codeVerifier string) string {
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {v.ClientID},
		"redirect_uri":          {v.RedirectURI},
		"scope":                 {v.Scope},
		"state":                 {state},
		"nonce":                 {nonce},
		"code_challenge":        {oauth2.S256ChallengeFromVerifier(codeVerifier)},
		"code_challenge_method": {"S256"},
	}
	return v.authURL + "?" + q.Encode()
}

func (v *Variant) timed(times *[]timing, kind string, do func() (*webclient.Page, error)) (*webclient.Page, error) {
	t0 := time.Now()
	page, err := do()
	*times = append(*times, timing{kind, time.Since(t0)})
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", v.Name(), kind, err)
	}
	return page, nil
}

// redeem checks the redirect to the app and redeems its code at the token endpoint.
func (v *Variant) redeem(ctx context.Context, times []timing, loc *url.URL, state, nonce, codeVerifier string, verify bool) ([]timing, error) {
	q := loc.Query()
	if q.Get("state") != state || q.Get("code") == "" {
		return nil, fmt.Errorf("%s: the app got %s", v.Name(), loc.RawQuery)
	}
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {q.Get("code")},
		"redirect_uri":  {v.RedirectURI},
		"code_verifier": {codeVerifier},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, v.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(v.ClientID), url.QueryEscape(v.ClientSecret))
	t0 := time.Now()
	resp, err := v.transport.RoundTrip(req)
	if err != nil {
		return nil, fmt.Errorf("%s: token: %w", v.Name(), err)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	times = append(times, timing{reqToken, time.Since(t0)})
	if err != nil {
		return nil, fmt.Errorf("%s: token: %w", v.Name(), err)
	}
	var tok struct {
		IDToken     string `json:"id_token"`
		AccessToken string `json:"access_token"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &tok) != nil || tok.IDToken == "" || tok.AccessToken == "" {
		return nil, fmt.Errorf("%s: token endpoint answered %d: %.300s", v.Name(), resp.StatusCode, body)
	}
	if verify {
		if v.Opaque && !strings.HasPrefix(tok.AccessToken, opaqueTokenPrefix) {
			return nil, fmt.Errorf("%s: the access token is not opaque: %.12s…", v.Name(), tok.AccessToken)
		}
		idt, err := v.verifier.Verify(ctx, tok.IDToken)
		if err != nil {
			return nil, fmt.Errorf("%s: ID token: %w", v.Name(), err)
		}
		if idt.Nonce != nonce {
			return nil, fmt.Errorf("%s: ID token nonce %q, sent %q", v.Name(), idt.Nonce, nonce)
		}
	}
	return times, nil
}

// park starts a sign-in and leaves it at the sign-in page, as a person who walked away would.
func (v *Variant) park(ctx context.Context) error {
	c, codeVerifier := v.client(), oauth2.GenerateVerifier()
	page, err := c.Get(ctx, v.authorizeURL(randomString(), randomString(), codeVerifier))
	for hop := 0; err == nil && page.Status >= 300 && page.Status < 400; hop++ {
		if hop > maxHops {
			return fmt.Errorf("%s: more than %d redirects", v.Name(), maxHops)
		}
		var loc *url.URL
		if loc, err = page.URL.Parse(page.Header.Get("Location")); err == nil {
			page, err = c.Get(ctx, loc.String())
		}
	}
	if err != nil {
		return fmt.Errorf("%s: park: %w", v.Name(), err)
	}
	if _, err := page.Form("password"); err != nil {
		return fmt.Errorf("%s: park: %w", v.Name(), err)
	}
	return nil
}

func randomString() string { return rand.Text() }
