package oidc

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
)

// NeedsContinuePage reports whether a browser that posted a form cannot be redirected to target
// under the pages' Content-Security-Policy: form-action also governs the redirects that answer a
// form post, and a CSP source expression cannot name an IPv6 address, so a client URI on an IPv6
// literal (the RFC 8252 loopback http://[::1]:PORT/...) can never be listed. Such targets are
// left out of form-action and reached through the continue page (Config.Continue) instead.
func NeedsContinuePage(target string) bool {
	u, err := url.Parse(target)
	if err != nil {
		return false
	}
	return strings.Contains(u.Hostname(), ":") // only an IPv6 literal has a colon in its host
}

// redirect sends the browser on to target, a client's registered URI. After a form post to a
// target the pages' CSP cannot allow (NeedsContinuePage), it shows the continue page, a new
// navigation that form-action does not govern, instead of a redirect the browser would block.
func (p *Provider) redirect(w http.ResponseWriter, r *http.Request, target, clientID string, status int) {
	w.Header().Set("Cache-Control", "no-store")
	if r.Method == http.MethodPost && NeedsContinuePage(target) {
		name, _ := p.ClientName(clientID)
		p.cfg.Continue(w, r, target, name)
		return
	}
	http.Redirect(w, r, target, status)
}

// defaultContinue renders a minimal page that moves on to target at once (meta refresh) and
// links there.
func defaultContinue(w http.ResponseWriter, _ *http.Request, target, clientName string) {
	t := template.Must(template.New("continue").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={{.URL}}"><title>Continue</title></head>
<body><p><a href="{{.URL}}">Continue{{if .Name}} to {{.Name}}{{end}}</a></p></body></html>
`))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_ = t.Execute(w, struct{ URL, Name string }{target, clientName})
}
