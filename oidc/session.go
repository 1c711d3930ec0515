package oidc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/bridgekeeper/bridgekeeper/identity"
	"github.com/bridgekeeper/bridgekeeper/internal/logx"
)

// Session is a browser's single sign-on session.
type Session struct {
	// ID is the public session id, the "sid" claim of tokens issued under it.
	ID string
	// Identity is who signed in and how.
	identity.Identity
	ExpiresAt time.Time
}

// sessionRecord is an SSO session in the store. The session's id, which keys its record and
// the indexes of what was issued under it, stays the same while the person signs in again; the
// cookie's key is new at every sign-in (only its hash is kept), so an older cookie of the same
// session stops working.
type sessionRecord struct {
	identity.Identity
	Upstream bool   `json:"up,omitempty"`
	Created  int64  `json:"c"`
	Expires  int64  `json:"e"`
	KeyHash  string `json:"k"`
}

// sessionState is a live session: its private id and record.
type sessionState struct {
	id  string
	rec sessionRecord
}

// upstreamRecord holds a session's upstream refresh token.
type upstreamRecord struct {
	Token string `json:"t"`
}

// ssoCookie is the SSO cookie's content (authenticated and encrypted).
type ssoCookie struct {
	ID       string `json:"i"`
	Key      string `json:"k"` // this sign-in's key (sessionRecord.KeyHash)
	Subject  string `json:"s"`
	AuthTime int64  `json:"t"`
}

// publicSID derives the public "sid" claim from a private session id.
func publicSID(id string) string {
	h := sha256Of("sid:", id)
	return encodeB64(h[:])[:22]
}

// currentSession returns the browser's live SSO session, or nil when there
// is none (no cookie, a cookie that does not decode, an ended or expired
// session). Only store failures are errors.
func (p *Provider) currentSession(r *http.Request) (*sessionState, error) {
	for _, ck := range r.CookiesNamed(p.cookieName) {
		var c ssoCookie
		if err := p.sealer.open(p.cookieName, ck.Value, &c); err != nil || c.ID == "" {
			continue
		}
		var rec sessionRecord
		found, err := p.getJSON(r.Context(), keySession+c.ID, &rec)
		if err != nil {
			return nil, err
		}
		if !found || rec.Subject != c.Subject || p.now().Unix() >= rec.Expires || c.Key == "" || !sameHash(hashSecret(c.Key), rec.KeyHash) {
			continue // ended, expired, or a cookie from before the session's latest sign-in
		}
		return &sessionState{id: c.ID, rec: rec}, nil
	}
	return nil, nil
}

// CurrentSession returns the browser's SSO session, or ErrNoSession.
func (p *Provider) CurrentSession(r *http.Request) (*Session, error) {
	s, err := p.currentSession(r)
	if err != nil {
		return nil, fmt.Errorf("oidc: read session: %w", err)
	}
	if s == nil {
		return nil, ErrNoSession
	}
	return s.public(), nil
}

// public is the session as the web layer sees it.
func (s *sessionState) public() *Session {
	return &Session{
		ID:        publicSID(s.id),
		Identity:  s.rec.Identity,
		ExpiresAt: time.Unix(s.rec.Expires, 0),
	}
}

// Login records a completed sign-in: it creates (or, for the same person,
// renews under a new cookie key, so the browser's older SSO cookie stops
// working) the SSO session, keeps the upstream refresh token (the pool's, used
// on every refresh and revoked at sign-out; may be empty) server-side and
// sets the SSO cookie. With a parked request it then redirects the browser
// to the client with a code (303); with req nil it writes nothing else, so
// the web layer can show its account page. An error means nothing was
// redirected; the web layer shows an error page.
func (p *Provider) Login(w http.ResponseWriter, r *http.Request, req *AuthRequest, id identity.Identity, upstreamRefreshToken string) error {
	ctx := r.Context()
	if id.Subject == "" {
		return errors.New("oidc: login without a subject")
	}
	var c *client
	if req != nil {
		var err error
		if c, err = p.checkParked(req); err != nil {
			return err
		}
	}
	now := p.now()
	authTime := id.AuthenticatedAt()
	if id.AuthTime == 0 || authTime.After(now) {
		authTime = now
	}
	prev, err := p.currentSession(r)
	if err != nil {
		return fmt.Errorf("oidc: login: %w", err)
	}
	var sid string
	renewed := prev != nil && prev.rec.Subject == id.Subject
	if renewed {
		sid = prev.id // the same person again: renew the session, keep its grants linked
	} else {
		if prev != nil {
			if err := p.endSession(ctx, prev.id); err != nil {
				return fmt.Errorf("oidc: end previous session: %w", err)
			}
		}
		if sid, err = p.randomToken(32); err != nil {
			return fmt.Errorf("oidc: login: %w", err)
		}
	}
	key, err := p.randomToken(32)
	if err != nil {
		return fmt.Errorf("oidc: login: %w", err)
	}
	rec := sessionRecord{
		KeyHash: hashSecret(key),
		Identity: identity.Identity{
			Subject:  id.Subject,
			Username: id.Username,
			Claims:   id.Claims,
			AuthTime: authTime.Unix(),
			AMR:      identity.NormalizeAMR(id.AMR),
		},
		Created:  now.Unix(),
		Expires:  now.Add(p.cfg.SessionTTL).Unix(),
		Upstream: renewed && prev.rec.Upstream,
	}
	if upstreamRefreshToken != "" {
		if err := p.keepUpstreamToken(ctx, sid, upstreamRefreshToken, renewed); err != nil {
			return fmt.Errorf("oidc: login: %w", err)
		}
		rec.Upstream = true
	}
	if err := p.setJSON(ctx, keySession+sid, rec, p.cfg.SessionTTL); err != nil {
		return fmt.Errorf("oidc: login: %w", err)
	}
	if err := p.indexSession(ctx, id.Subject, sid, now); err != nil {
		return fmt.Errorf("oidc: login: index session: %w", err)
	}
	if err := p.setCookie(w, ssoCookie{ID: sid, Key: key, Subject: id.Subject, AuthTime: rec.AuthTime}); err != nil {
		return err
	}
	logx.Info(ctx, p.log, "SSO session started", slog.String("sub", id.Subject), slog.Any("amr", rec.AMR))
	if req == nil {
		return nil
	}
	p.answerAfterLogin(w, r, req, c, &sessionState{id: sid, rec: rec})
	return nil
}

// keepUpstreamToken stores a session's upstream refresh token. A new session (renewed false:
// its id was drawn just now) has nothing stored under its id yet, so the token is written for
// the session's lifetime without reading anything; a renewed one goes through
// replaceUpstreamToken.
func (p *Provider) keepUpstreamToken(ctx context.Context, sid, token string, renewed bool) error {
	if renewed {
		return p.replaceUpstreamToken(ctx, sid, token)
	}
	return p.setJSON(ctx, keyUpstream+sid, upstreamRecord{Token: token}, p.cfg.SessionTTL)
}

// replaceUpstreamToken stores a session's upstream refresh token, revoking
// the one it replaces.
func (p *Provider) replaceUpstreamToken(ctx context.Context, sid, token string) error {
	var old upstreamRecord
	found, err := p.getJSON(ctx, keyUpstream+sid, &old)
	if err != nil {
		return err
	}
	ttl, err := p.upstreamTTL(ctx, sid, 0)
	if err != nil {
		return err
	}
	if err := p.setJSON(ctx, keyUpstream+sid, upstreamRecord{Token: token}, ttl); err != nil {
		return err
	}
	if found && old.Token != token && p.upstream != nil {
		if err := p.upstream.Revoke(ctx, old.Token); err != nil {
			p.log.WarnContext(ctx, "revoke replaced upstream refresh token", "err", err)
		}
	}
	return nil
}

// Logout ends the browser's SSO session (revoking the refresh tokens issued
// under it and the upstream refresh token) and clears the SSO cookie.
func (p *Provider) Logout(w http.ResponseWriter, r *http.Request) error {
	p.clearCookie(w)
	s, err := p.currentSession(r)
	if err != nil {
		return fmt.Errorf("oidc: logout: %w", err)
	}
	if s == nil {
		return nil
	}
	if err := p.endSession(r.Context(), s.id); err != nil {
		return fmt.Errorf("oidc: logout: %w", err)
	}
	p.log.InfoContext(r.Context(), "SSO session ended", "sub", s.rec.Subject)
	return nil
}

// EndAllSessions ends every SSO session of subject and revokes every grant
// issued under them (for an admin's "sign out everywhere").
func (p *Provider) EndAllSessions(ctx context.Context, subject string) error {
	ids, err := p.takeSubjectSessions(ctx, subject)
	if err != nil {
		return fmt.Errorf("oidc: list sessions: %w", err)
	}
	for _, id := range ids {
		if err := p.endSession(ctx, id); err != nil {
			return fmt.Errorf("oidc: end session: %w", err)
		}
	}
	return nil
}

// endSession deletes a session, its grants and its upstream token, and
// revokes the upstream token.
func (p *Provider) endSession(ctx context.Context, sid string) error {
	var rec sessionRecord
	if _, err := p.getJSON(ctx, keySession+sid, &rec); err != nil {
		return err
	}
	var up upstreamRecord
	hasUp, err := p.getJSON(ctx, keyUpstream+sid, &up)
	if err != nil {
		return err
	}
	grants, err := p.takeSessionGrants(ctx, sid)
	if err != nil {
		return err
	}
	keys := []string{keySession + sid, keyUpstream + sid}
	members := []string{subjectMember(sid, "")}
	families := map[string][]string{} // the refresh families' client sets (grantlimits.go)
	for _, g := range grants {
		keys = append(keys, keyGrant+g)
		members = append(members, subjectMember(sid, g))
		var gr grantRecord
		if found, err := p.getJSON(ctx, keyGrant+g, &gr); err != nil {
			return err
		} else if found && gr.Offline {
			k := clientGrantsKey(gr.ClientID, gr.Subject)
			families[k] = append(families[k], g)
		}
	}
	if err := p.store.Delete(ctx, keys...); err != nil {
		return fmt.Errorf("store delete: %w", err)
	}
	for k, gids := range families {
		if err := p.store.ZRem(ctx, k, gids...); err != nil {
			return fmt.Errorf("store zrem: %w", err)
		}
	}
	if rec.Subject != "" {
		if err := p.store.ZRem(ctx, keySubject+rec.Subject, members...); err != nil {
			return fmt.Errorf("store zrem: %w", err)
		}
	}
	if hasUp && p.upstream != nil {
		if err := p.upstream.Revoke(ctx, up.Token); err != nil {
			p.log.WarnContext(ctx, "revoke upstream refresh token", "err", err)
		}
	}
	return nil
}

// sessionAlive reports whether the session a code or grant came from has
// not been ended: its upstream token (when it has one) or its record exists.
func (p *Provider) sessionAlive(ctx context.Context, sid string, upstream bool) (bool, error) {
	key := keySession + sid
	if upstream {
		key = keyUpstream + sid
	}
	_, err := p.store.Get(ctx, key)
	if p.isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store get: %w", err)
	}
	return true, nil
}

// setCookie writes the SSO cookie.
func (p *Provider) setCookie(w http.ResponseWriter, c ssoCookie) error {
	v, err := p.sealer.seal(p.cookieName, c)
	if err != nil {
		return fmt.Errorf("oidc: SSO cookie: %w", err)
	}
	http.SetCookie(w, &http.Cookie{
		Name: p.cookieName, Value: v, Path: "/", MaxAge: int(p.cfg.SessionTTL / time.Second),
		Secure: !p.cfg.InsecureCookie, HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
	return nil
}

// clearCookie deletes the SSO cookie.
func (p *Provider) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: p.cookieName, Value: "", Path: "/", MaxAge: -1,
		Secure: !p.cfg.InsecureCookie, HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
}
