package oidc

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"time"
)

// UserSession is one of a person's live SSO sessions, as an administrator sees it.
type UserSession struct {
	// ID is the public session id (the "sid" claim).
	ID string
	// Started is when the session was created; AuthTime when the person last authenticated.
	Started, AuthTime, ExpiresAt time.Time
	// AMR are the methods of the last authentication.
	AMR []string
	// Apps are the names of the clients that received tokens under the session, sorted.
	Apps []string
}

// UserSessions lists subject's live SSO sessions, newest first, with the apps each one
// reached.
func (p *Provider) UserSessions(ctx context.Context, subject string) ([]UserSession, error) {
	ids, err := p.subjectSessions(ctx, subject)
	if err != nil {
		return nil, fmt.Errorf("oidc: list sessions: %w", err)
	}
	now := p.now()
	out := []UserSession{}
	for _, id := range ids {
		var rec sessionRecord
		found, err := p.getJSON(ctx, keySession+id, &rec)
		if err != nil {
			return nil, fmt.Errorf("oidc: read session: %w", err)
		}
		if !found || rec.Subject != subject || now.Unix() >= rec.Expires {
			continue
		}
		grants, err := p.sessionGrants(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("oidc: list grants: %w", err)
		}
		apps := map[string]bool{}
		for _, g := range grants {
			var gr grantRecord
			found, err := p.getJSON(ctx, keyGrant+g, &gr)
			if err != nil {
				return nil, fmt.Errorf("oidc: read grant: %w", err)
			}
			if found {
				apps[p.clientName(gr.ClientID)] = true
			}
		}
		s := UserSession{
			ID: publicSID(id), Started: time.Unix(rec.Created, 0), AuthTime: time.Unix(rec.AuthTime, 0),
			ExpiresAt: time.Unix(rec.Expires, 0), AMR: rec.AMR, Apps: []string{},
		}
		for a := range apps {
			s.Apps = append(s.Apps, a)
		}
		sort.Strings(s.Apps)
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Started.After(out[j].Started) })
	return out, nil
}

// clientName is the display name of a client id (the id itself for a client no longer
// configured).
func (p *Provider) clientName(id string) string {
	if c := p.clients[id]; c != nil && c.Name != "" {
		return c.Name
	}
	return id
}

// SessionStore reads and ends people's SSO sessions straight in the store, for tools that share
// the service's store without running the provider (the admin CLI). It revokes no upstream
// tokens: Cognito's side is signed out by the caller.
type SessionStore struct{ p *Provider }

// NewSessionStore returns a SessionStore over st, whose not-found error is notFound.
func NewSessionStore(st Store, notFound error, log *slog.Logger) *SessionStore {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &SessionStore{p: &Provider{store: st, notFound: notFound, log: log, now: time.Now, clients: map[string]*client{}}}
}

// EndAllSessions ends every SSO session of subject and revokes what was issued under them.
func (s *SessionStore) EndAllSessions(ctx context.Context, subject string) error {
	return s.p.EndAllSessions(ctx, subject)
}

// UserSessions lists subject's live SSO sessions (apps named by client id).
func (s *SessionStore) UserSessions(ctx context.Context, subject string) ([]UserSession, error) {
	return s.p.UserSessions(ctx, subject)
}
