package oidc

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// LogoutPrompt is what a sign-out confirmation page needs: a form that
// POSTs Fields to Action.
type LogoutPrompt struct {
	// ClientName is the display name of the app asking, when known.
	ClientName string
	// Action is the end-session endpoint path to POST the form to.
	Action string
	// Fields are hidden form fields to send back unchanged (they include a
	// confirmation token bound to the SSO session, which guards against
	// cross-site sign-out).
	Fields url.Values
	// UILocales are the page languages the app asked for.
	UILocales []string
}

// confirmField carries the confirmation token in a LogoutPrompt form.
const confirmField = "logout_confirm"

// confirmTTL bounds how long a sign-out confirmation page stays usable.
const confirmTTL = 10 * time.Minute

// logoutConfirm is the content of a confirmation token.
type logoutConfirm struct {
	SID string `json:"s"`
	Exp int64  `json:"e"`
}

// EndSession serves RP-initiated logout (OpenID Connect RP-Initiated Logout
// 1.0), GET or POST. With a valid id_token_hint for the signed-in person it
// signs out at once; otherwise it asks the person first. It redirects only
// to a post_logout_redirect_uri registered for the client the hint (or
// client_id) names, adding state; anything unverifiable is an error page.
func (p *Provider) EndSession(w http.ResponseWriter, r *http.Request) {
	params, ok := p.browserParams(w, r, &ErrorPage{Status: http.StatusBadRequest, Title: MsgSignOutRequestTitle, Message: MsgSignOutUnreadable})
	if !ok {
		return
	}
	ctx := r.Context()
	locales := uiLocales(params)
	bad := func(msg MessageID) {
		p.log.InfoContext(ctx, "end-session request refused", "reason", msg)
		p.renderError(w, r, &ErrorPage{Status: http.StatusBadRequest, Title: MsgSignOutRequestTitle, Message: msg, UILocales: locales})
	}

	if duplicated(params) {
		bad(MsgSignOutUnreadable)
		return
	}
	var (
		hint *idTokenClaims
		c    *client
	)
	if raw := params.Get("id_token_hint"); raw != "" {
		h, err := p.verifyIDTokenHint(raw)
		if err != nil {
			bad(MsgSignOutUnverified)
			return
		}
		hint, c = h, p.clients[h.Audience[0]]
	}
	if id := params.Get("client_id"); id != "" {
		named := p.clients[id]
		if named == nil {
			bad(MsgUnknownSignOutApp)
			return
		}
		if c != nil && named != c {
			bad(MsgSignOutTwoApps)
			return
		}
		c = named
	}
	plr := params.Get("post_logout_redirect_uri")
	if plr != "" && (c == nil || !slices.Contains(c.PostLogoutRedirectURIs, plr)) {
		bad(MsgUnregisteredReturn)
		return
	}
	state := params.Get("state")

	sess, err := p.currentSession(r)
	if err != nil {
		p.log.ErrorContext(ctx, "end session: read session", "err", err)
		p.signOutFailed(w, r, locales)
		return
	}
	if sess != nil {
		confirmed := hint != nil && hint.Subject == sess.rec.Subject
		if !confirmed && r.Method == http.MethodPost {
			confirmed = p.checkConfirmToken(params.Get(confirmField), sess.id)
		}
		if !confirmed {
			p.askLogout(ctx, w, r, c, plr, state, params.Get("ui_locales"), sess)
			return
		}
		if err := p.endSession(ctx, sess.id); err != nil {
			p.log.ErrorContext(ctx, "end session", "err", err)
			p.signOutFailed(w, r, locales)
			return
		}
		p.log.InfoContext(ctx, "SSO session ended by end-session request", "sub", sess.rec.Subject)
	}
	p.clearCookie(w)
	w.Header().Set("Cache-Control", "no-store")
	if plr == "" {
		p.cfg.LoggedOut(w, r)
		return
	}
	target := plr
	if state != "" {
		target = appendQuery(plr, url.Values{"state": {state}})
	}
	p.redirect(w, r, target, c.ID, http.StatusFound)
}

// askLogout shows the confirmation page.
func (p *Provider) askLogout(ctx context.Context, w http.ResponseWriter, r *http.Request, c *client, plr, state, uiLocales string, sess *sessionState) {
	token, err := p.sealer.seal(confirmField, logoutConfirm{SID: sess.id, Exp: p.now().Add(confirmTTL).Unix()})
	if err != nil {
		p.log.ErrorContext(ctx, "encode sign-out confirmation", "err", err)
		p.signOutFailed(w, r, strings.Fields(uiLocales))
		return
	}
	fields := url.Values{confirmField: {token}}
	prompt := &LogoutPrompt{Action: p.basePath + PathEndSession, Fields: fields, UILocales: strings.Fields(uiLocales)}
	if c != nil {
		fields.Set("client_id", c.ID)
		prompt.ClientName, _ = p.ClientName(c.ID)
	}
	if plr != "" {
		fields.Set("post_logout_redirect_uri", plr)
	}
	if state != "" {
		fields.Set("state", state)
	}
	if uiLocales != "" {
		fields.Set("ui_locales", uiLocales)
	}
	w.Header().Set("Cache-Control", "no-store")
	p.cfg.ConfirmLogout(w, r, prompt)
}

// signOutFailed shows the page for a sign-out the store could not do.
func (p *Provider) signOutFailed(w http.ResponseWriter, r *http.Request, locales []string) {
	p.renderError(w, r, &ErrorPage{Status: http.StatusInternalServerError, Title: MsgSignOutFailedTitle, Message: MsgUnavailable, UILocales: locales})
}

// checkConfirmToken verifies a confirmation token for session sid.
func (p *Provider) checkConfirmToken(token, sid string) bool {
	if token == "" {
		return false
	}
	var c logoutConfirm
	if err := p.sealer.open(confirmField, token, &c); err != nil {
		return false
	}
	return c.SID == sid && p.now().Unix() < c.Exp
}

// defaultConfirmLogout renders a minimal confirmation form.
func defaultConfirmLogout(w http.ResponseWriter, _ *http.Request, prompt *LogoutPrompt) {
	t := template.Must(template.New("confirm").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Sign out</title></head>
<body><h1>Sign out?</h1>
<p>{{if .ClientName}}{{.ClientName}} asks you to sign out.{{else}}Do you want to sign out?{{end}}</p>
<form method="post" action="{{.Action}}">{{range $k, $vs := .Fields}}{{range $vs}}
<input type="hidden" name="{{$k}}" value="{{.}}">{{end}}{{end}}
<button type="submit">Sign out</button></form></body></html>
`))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_ = t.Execute(w, prompt)
}

// defaultLoggedOut writes a plain-text "signed out" page.
func defaultLoggedOut(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("You are signed out.\n"))
}
