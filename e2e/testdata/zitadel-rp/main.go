// Command zitadel-rp is a web app signing in with zitadel/oidc's relying party (pkg/client/rp),
// for e2e.TestOIDCZitadelRP: discovery, authorization code with PKCE, ID-token
// validation, userinfo, refresh-token rotation and RP-initiated logout (to the end-session
// endpoint from discovery). It keeps one person's
// tokens in memory and answers each step as JSON, so the test can check what the library saw.
//
// Flags: -issuer, -client-id, -client-secret, -listen. It prints "listening on http://…" once it
// serves.
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/zitadel/oidc/v3/pkg/client/rp"
	httphelper "github.com/zitadel/oidc/v3/pkg/http"
	"github.com/zitadel/oidc/v3/pkg/oidc"
)

type app struct {
	rp     rp.RelyingParty
	base   string
	mu     sync.Mutex
	tokens *oidc.Tokens[*oidc.IDTokenClaims]
	state  string // the end-session state sent
}

func main() {
	issuer := flag.String("issuer", "", "the OpenID provider")
	clientID := flag.String("client-id", "", "client id")
	clientSecret := flag.String("client-secret", "", "client secret")
	listen := flag.String("listen", "127.0.0.1:0", "address to serve on")
	flag.Parse()
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		log.Fatal(err)
	}
	cookies := httphelper.NewCookieHandler(key, key, httphelper.WithUnsecure())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	party, err := rp.NewRelyingPartyOIDC(ctx, *issuer, *clientID, *clientSecret,
		base+"/callback", []string{oidc.ScopeOpenID, oidc.ScopeEmail, oidc.ScopeProfile, oidc.ScopeOfflineAccess},
		rp.WithCookieHandler(cookies), rp.WithPKCE(cookies), rp.WithSigningAlgsFromDiscovery(),
		rp.WithHTTPClient(&http.Client{Timeout: 30 * time.Second}))
	if err != nil {
		log.Fatalf("discovery: %v", err)
	}
	a := &app{rp: party, base: base}
	mux := http.NewServeMux()
	mux.Handle("/login", rp.AuthURLHandler(func() string { return "st-" + rand.Text() }, party))
	mux.Handle("/callback", rp.CodeExchangeHandler(rp.UserinfoCallback(a.signedIn), party))
	mux.HandleFunc("/refresh", a.refresh)
	mux.HandleFunc("/logout", a.logout)
	mux.HandleFunc("/signed-out", a.signedOut)
	// SIGTERM (the test's stop) shuts down cleanly.
	stop, cancelStop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer cancelStop()
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-stop.Done()
		_ = srv.Shutdown(context.Background())
	}()
	fmt.Printf("listening on %s\n", base)
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		log.Fatal(err)
	}
}

// signedIn keeps the verified tokens and answers what the ID token and userinfo said.
func (a *app) signedIn(w http.ResponseWriter, _ *http.Request, tokens *oidc.Tokens[*oidc.IDTokenClaims], _ string, _ rp.RelyingParty, info *oidc.UserInfo) {
	a.mu.Lock()
	a.tokens = tokens
	a.mu.Unlock()
	answer(w, http.StatusOK, map[string]any{
		"sub": tokens.IDTokenClaims.Subject, "email": tokens.IDTokenClaims.Email, "amr": tokens.IDTokenClaims.AuthenticationMethodsReferences,
		"userinfo_sub": info.Subject, "userinfo_email": info.Email, "refresh": tokens.RefreshToken != "",
	})
}

// refresh uses the refresh token; the new tokens are verified by the library.
func (a *app) refresh(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	old := a.tokens
	a.mu.Unlock()
	if old == nil {
		answer(w, http.StatusConflict, map[string]any{"error": "not signed in"})
		return
	}
	fresh, err := rp.RefreshTokens[*oidc.IDTokenClaims](r.Context(), a.rp, old.RefreshToken, "", "")
	if err != nil {
		answer(w, http.StatusBadGateway, map[string]any{"error": err.Error()})
		return
	}
	out := map[string]any{"rotated": fresh.RefreshToken != "" && fresh.RefreshToken != old.RefreshToken, "id_token": fresh.IDToken != ""}
	if fresh.IDTokenClaims != nil {
		out["sub"] = fresh.IDTokenClaims.Subject
	}
	if fresh.IDToken == "" {
		fresh.IDToken = old.IDToken
	}
	a.mu.Lock()
	a.tokens = fresh
	a.mu.Unlock()
	answer(w, http.StatusOK, out)
}

// logout sends the browser to the provider's end-session endpoint with the ID token.
func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	tokens := a.tokens
	a.state = "bye-" + rand.Text()
	state := a.state
	a.mu.Unlock()
	if tokens == nil {
		answer(w, http.StatusConflict, map[string]any{"error": "not signed in"})
		return
	}
	// The browser goes to the end-session endpoint the library discovered (RP-Initiated Logout
	// 1.0 §2), so the provider sees its session cookie. (rp.EndSession would post the request
	// from this server instead, without the cookie.)
	endpoint := a.rp.GetEndSessionEndpoint()
	if endpoint == "" {
		answer(w, http.StatusBadGateway, map[string]any{"error": "no end_session_endpoint in discovery"})
		return
	}
	q := url.Values{"id_token_hint": {tokens.IDToken}, "post_logout_redirect_uri": {a.base + "/signed-out"}, "state": {state}, "client_id": {a.rp.OAuthConfig().ClientID}}
	http.Redirect(w, r, endpoint+"?"+q.Encode(), http.StatusFound)
}

// signedOut is the post-logout redirect URI; it checks the state came back.
func (a *app) signedOut(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	want := a.state
	a.mu.Unlock()
	answer(w, http.StatusOK, map[string]any{"signed_out": true, "state_ok": want != "" && r.URL.Query().Get("state") == want})
}

func answer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
