package oidc

import (
	"fmt"
	"net/http"
)

// Resume answers the parked request req with the SSO session that Login (given no request)
// has just started in this browser, when the sign-in pages show a page between the sign-in
// and the app (the offer to add a passkey). It asks for no new sign-in: the caller must know
// that this browser's session comes from the sign-in req asked for (a newer parked request
// starts a new sign-in).
func (p *Provider) Resume(w http.ResponseWriter, r *http.Request, req *AuthRequest) error {
	c, err := p.checkParked(req)
	if err != nil {
		return err
	}
	sess, err := p.currentSession(r)
	if err != nil {
		return fmt.Errorf("oidc: resume: %w", err)
	}
	if sess == nil {
		return ErrNoSession
	}
	p.answerAfterLogin(w, r, req, c, sess)
	return nil
}

// answerAfterLogin sends the browser back to the app with a code for the session that just
// signed in.
func (p *Provider) answerAfterLogin(w http.ResponseWriter, r *http.Request, req *AuthRequest, c *client, sess *sessionState) {
	if req.HintSubject != "" && req.HintSubject != sess.rec.Subject {
		// OIDC Core 3.1.2.1: the person who signed in is not the one the app's id_token_hint
		// names, so the app gets login_required, not a code for someone else.
		p.log.InfoContext(r.Context(), "sign-in does not match id_token_hint", "client_id", c.ID)
		p.redirectError(w, r, req, newError(errLoginRequired, descHintNamesOther))
		return
	}
	p.completeAuthorization(w, r, req, c, sess, http.StatusSeeOther)
}
