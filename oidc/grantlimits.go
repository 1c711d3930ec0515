package oidc

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// DefaultLiveGrants is how many refresh-token families one person may hold at one client when
// Config.LiveGrants is zero (config's limits.live_grants default).
const DefaultLiveGrants = 20

// CodeIssueLimiter limits how many authorization codes one SSO session gets (internal/abuse
// implements it, shared through the store), so a signed-in browser looping prompt=none cannot
// mint grants without bound.
type CodeIssueLimiter interface {
	// Issue counts a code about to be issued under the session with this public id, which ends
	// at sessionEnds (the count need not outlive it), and returns how long to wait when the
	// session is over its limit (0: go ahead). It logs its refusals.
	Issue(ctx context.Context, sessionID string, sessionEnds time.Time) (time.Duration, error)
}

// clientGrantsKey is the ordered set of one person's live refresh-token families at one
// client, scored by last use (Unix milliseconds).
func clientGrantsKey(clientID, subject string) string {
	return keyClientGrants + hashSecret(clientID+"\x00"+subject)
}

// capGrants makes room for one more refresh-token family of g's person at g's client: the
// least recently used families beyond LiveGrants−1 are revoked.
func (p *Provider) capGrants(ctx context.Context, g *grantRecord) error {
	if !g.Offline {
		return nil
	}
	removed, err := p.store.ZTrim(ctx, clientGrantsKey(g.ClientID, g.Subject), p.cfg.LiveGrants-1)
	if err != nil {
		return fmt.Errorf("store ztrim: %w", err)
	}
	for _, gid := range removed {
		if err := p.revokeGrant(ctx, gid); err != nil {
			return err
		}
	}
	if len(removed) > 0 {
		p.log.InfoContext(ctx, "live grant limit: oldest refresh families revoked", "reason", "live_grants", "client_id", g.ClientID, "revoked", len(removed))
	}
	return nil
}

// codeIssueLimited answers the client temporarily_unavailable (with Retry-After) when the
// session has had too many codes; it reports whether it answered.
func (p *Provider) codeIssueLimited(w http.ResponseWriter, r *http.Request, req *AuthRequest, sess *sessionState) bool {
	if p.cfg.CodeIssueLimits == nil {
		return false
	}
	wait, err := p.cfg.CodeIssueLimits.Issue(r.Context(), publicSID(sess.id), time.Unix(sess.rec.Expires, 0))
	if err != nil {
		p.log.ErrorContext(r.Context(), "code issuance limit", "err", err)
		p.redirectError(w, r, req, newError(errServerError, descServerError))
		return true
	}
	if wait <= 0 {
		return false
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(max(wait.Round(time.Second), time.Second)/time.Second)))
	p.redirectError(w, r, req, newError(errTemporarilyUnavailable, descTooManyCodes))
	return true
}
