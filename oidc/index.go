package oidc

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// The provider keeps two indexes so sign-out can find what to revoke: from a
// person to their sessions (keySubject) and from a session to its grants
// (keySessGrants). Both are ordered sets whose members expire one by one,
// each entry exactly when the record it points to does, so an index never
// keeps anything alive and the store stays as small as the live state:
//
//   - keySubject+subject holds "<sid>." for the session itself (the session
//     record's lifetime) and "<sid>.<gid>" for each grant issued under it
//     (the grant's lifetime), so a session whose offline grants outlive it is
//     still found by "sign out everywhere";
//   - keySessGrants+sid holds each grant id, scored by the grant's expiry
//     (Unix seconds), which tells how long the session's upstream refresh
//     token is still needed.
//
// Re-adding a member restarts its ttl, and every writer of a member gives it
// the new lifetime of that member's record, so no write shortens another's.

// subjectMember is a keySubject member: the session itself (gid "") or one
// of its grants. Session ids are base64url, so "." never occurs in one.
func subjectMember(sid, gid string) string { return sid + "." + gid }

// indexSession records a (new or renewed) session under its person.
func (p *Provider) indexSession(ctx context.Context, subject, sid string, now time.Time) error {
	err := p.store.ZAdd(ctx, keySubject+subject, subjectMember(sid, ""), now.Unix(), p.cfg.SessionTTL)
	if err != nil {
		return fmt.Errorf("store zadd: %w", err)
	}
	return nil
}

// indexGrant records grant gid, whose record lives ttl from now, under its
// session and its person.
func (p *Provider) indexGrant(ctx context.Context, gid string, g *grantRecord, ttl time.Duration) error {
	exp := p.now().Add(ttl).Unix()
	if err := p.store.ZAdd(ctx, keySessGrants+g.SessionID, gid, exp, ttl); err != nil {
		return fmt.Errorf("store zadd: %w", err)
	}
	if err := p.store.ZAdd(ctx, keySubject+g.Subject, subjectMember(g.SessionID, gid), exp, ttl); err != nil {
		return fmt.Errorf("store zadd: %w", err)
	}
	if g.Offline {
		if err := p.store.ZAdd(ctx, clientGrantsKey(g.ClientID, g.Subject), gid, p.now().UnixMilli(), ttl); err != nil {
			return fmt.Errorf("store zadd: %w", err)
		}
	}
	return nil
}

// unindexGrant removes a revoked grant from both indexes.
func (p *Provider) unindexGrant(ctx context.Context, gid string, g *grantRecord) error {
	if err := p.store.ZRem(ctx, keySessGrants+g.SessionID, gid); err != nil {
		return fmt.Errorf("store zrem: %w", err)
	}
	if err := p.store.ZRem(ctx, keySubject+g.Subject, subjectMember(g.SessionID, gid)); err != nil {
		return fmt.Errorf("store zrem: %w", err)
	}
	if g.Offline {
		if err := p.store.ZRem(ctx, clientGrantsKey(g.ClientID, g.Subject), gid); err != nil {
			return fmt.Errorf("store zrem: %w", err)
		}
	}
	return nil
}

// takeSessionGrants empties a session's grant index and returns what it
// held. Among concurrent sign-outs each grant goes to one of them.
func (p *Provider) takeSessionGrants(ctx context.Context, sid string) ([]string, error) {
	gids, err := p.store.ZTrim(ctx, keySessGrants+sid, 0)
	if err != nil {
		return nil, fmt.Errorf("store ztrim: %w", err)
	}
	return gids, nil
}

// takeSubjectSessions empties a person's session index and returns the
// distinct session ids it held, oldest entry first.
func (p *Provider) takeSubjectSessions(ctx context.Context, subject string) ([]string, error) {
	members, err := p.store.ZTrim(ctx, keySubject+subject, 0)
	if err != nil {
		return nil, fmt.Errorf("store ztrim: %w", err)
	}
	return sessionIDs(members), nil
}

// subjectSessions returns the distinct session ids in a person's index.
func (p *Provider) subjectSessions(ctx context.Context, subject string) ([]string, error) {
	all, err := p.store.ZRange(ctx, keySubject+subject, false, 0)
	if err != nil {
		return nil, fmt.Errorf("store zrange: %w", err)
	}
	members := make([]string, len(all))
	for i, z := range all {
		members[i] = z.Member
	}
	return sessionIDs(members), nil
}

// sessionGrants returns the grant ids in a session's index.
func (p *Provider) sessionGrants(ctx context.Context, sid string) ([]string, error) {
	all, err := p.store.ZRange(ctx, keySessGrants+sid, false, 0)
	if err != nil {
		return nil, fmt.Errorf("store zrange: %w", err)
	}
	gids := make([]string, len(all))
	for i, z := range all {
		gids[i] = z.Member
	}
	return gids, nil
}

// sessionIDs returns the distinct session ids of keySubject members, in
// order.
func sessionIDs(members []string) []string {
	var sids []string
	seen := map[string]bool{}
	for _, m := range members {
		sid, _, _ := strings.Cut(m, ".")
		if !seen[sid] {
			seen[sid] = true
			sids = append(sids, sid)
		}
	}
	return sids
}

// upstreamTTL is how long a session's upstream refresh token must now be
// kept: the session's lifetime, at least need, and as long as the
// longest-lived grant issued under the session.
func (p *Provider) upstreamTTL(ctx context.Context, sid string, need time.Duration) (time.Duration, error) {
	ttl := max(p.cfg.SessionTTL, need)
	last, err := p.store.ZRange(ctx, keySessGrants+sid, true, 1)
	if err != nil {
		return 0, fmt.Errorf("store zrange: %w", err)
	}
	if len(last) == 1 {
		ttl = max(ttl, time.Unix(last[0].Score, 0).Sub(p.now()))
	}
	return ttl, nil
}

// keepUpstream makes a session's upstream refresh token live as long as
// upstreamTTL says, for an offline grant just issued under it. Nothing is
// written when the session has no upstream token. A rotation that replaces
// the token meanwhile wins: its token is put back.
func (p *Provider) keepUpstream(ctx context.Context, sid string) error {
	var up upstreamRecord
	found, err := p.getJSON(ctx, keyUpstream+sid, &up)
	if err != nil || !found {
		return err
	}
	ttl, err := p.upstreamTTL(ctx, sid, 0)
	if err != nil {
		return err
	}
	var prev upstreamRecord
	found, err = p.swapJSON(ctx, keyUpstream+sid, up, &prev, ttl)
	if err != nil || !found || prev.Token == up.Token {
		return err
	}
	if _, err := p.swapJSON(ctx, keyUpstream+sid, prev, &up, ttl); err != nil {
		return err
	}
	return nil
}
