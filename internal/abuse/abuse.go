// Package abuse limits guessing and message bombing per username: wrong passwords, wrong MFA
// codes, wrong password-reset codes and code sends. Counters live in the shared store, so every
// instance counts together. Each limit is keyed on the username and the client address, with a
// higher ceiling per username across all addresses, so one attacker's address cannot keep a
// person out from their own address for long. Refusals last a growing but bounded time and never
// depend on whether the username exists. Usernames are hashed before they become store keys.
package abuse

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/bridgekeeper/bridgekeeper/store"
)

// Kind names a limit; it is the reason logged when the limit refuses.
type Kind string

// The limits.
const (
	// Password counts wrong passwords (and unknown usernames alike).
	Password Kind = "password"
	// MFACode counts wrong MFA codes across sign-ins.
	MFACode Kind = "mfa_code"
	// ResetCode counts wrong password-reset codes until a new code is sent.
	ResetCode Kind = "reset_code"
	// ConfirmCode counts wrong sign-up confirmation codes until a new code is sent, with the
	// ResetCode rule.
	ConfirmCode Kind = "confirm_code"
	// CodeSend counts codes sent (forgot password), per username and per address.
	CodeSend Kind = "code_send"
	// ClientAuth counts failed client authentication at the OpenID endpoints, per client id
	// (in place of the username) and address.
	ClientAuth Kind = "client_auth"
	// CodeIssue counts authorization codes issued per SSO session.
	CodeIssue Kind = "code_issue"
)

// Store is the part of store.Store the limits use.
type Store interface {
	Get(ctx context.Context, key string) ([]byte, error)
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	Delete(ctx context.Context, keys ...string) error
	Incr(ctx context.Context, key string, ttl time.Duration) (int64, error)
}

// Rule is one limit: after Free failures per username and address within Window, each failure
// blocks the next attempt for Delay·2^(n−Free), at most MaxDelay. Across all
// addresses a username gets Ceiling·Free failures before the same growth applies to it.
type Rule struct {
	Free     int
	Window   time.Duration
	Delay    time.Duration
	MaxDelay time.Duration
}

// Config sets every limit.
type Config struct {
	Password, MFACode, ResetCode, ClientAuth Rule
	// CodeSends is how many codes one username, and one address, may have sent per SendWindow.
	CodeSends  int
	SendWindow time.Duration
	// CodesPerSession is how many authorization codes one SSO session may get per IssueWindow.
	CodesPerSession int
	IssueWindow     time.Duration
	// Ceiling multiplies Free for the per-username count across addresses (at least 1).
	Ceiling int
	// Refused, when set, is called once for every refusal with the limit that refused (the
	// metrics' count of rate-limit refusals).
	Refused func(Kind)
	// TrackedUsernames bounds how many usernames get counters of their own per limit and
	// window; beyond it new usernames get none (only the address limits apply to them), so
	// counters for invented usernames can never fill the store.
	TrackedUsernames int
}

// ErrLimited is returned (wrapped in *Refusal) when a limit refuses.
var ErrLimited = errors.New("abuse: limited")

// Refusal says which limit refused and how long to wait.
type Refusal struct {
	Kind Kind
	// Scope is "username+address", "username" or "address".
	Scope string
	Wait  time.Duration
}

func (r *Refusal) Error() string {
	return fmt.Sprintf("abuse: %s limit (%s), retry in %s", r.Kind, r.Scope, r.Wait)
}

// Unwrap makes errors.Is(err, ErrLimited) true.
func (r *Refusal) Unwrap() error { return ErrLimited }

// Limiter applies the limits. It is safe for concurrent use.
type Limiter struct {
	st  Store
	cfg Config
	now func() time.Time
	log *slog.Logger
}

// New returns a Limiter counting in st. now and log may be nil.
func New(st Store, cfg Config, now func() time.Time, log *slog.Logger) *Limiter {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg.Ceiling = max(cfg.Ceiling, 1)
	return &Limiter{st: st, cfg: cfg, now: now, log: log}
}

func (l *Limiter) rule(k Kind) Rule {
	switch k {
	case MFACode:
		return l.cfg.MFACode
	case ResetCode, ConfirmCode:
		return l.cfg.ResetCode
	case ClientAuth:
		return l.cfg.ClientAuth
	}
	return l.cfg.Password
}

// userKeyLen is the length of a hashed username in store keys.
const userKeyLen = 24

// userKey hashes a username (case and surrounding space ignored) for store keys. It is an
// array, so that a key built from it (string(u[:]) in a concatenation) costs one allocation.
func userKey(username string) [userKeyLen]byte {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(username))))
	var u [userKeyLen]byte
	hex.Encode(u[:], sum[:userKeyLen/2])
	return u
}

// blockSuffix ends the key of a counter's block ("until" in Unix milliseconds).
const blockSuffix = ":block"

// subjects are the counters an attempt touches: the username with this address, and the
// username across all addresses (with the ceiling). Each key ends in suffix ("" for the
// counters themselves, blockSuffix for their blocks).
func (l *Limiter) subjects(k Kind, username, addr, suffix string) [2]subject {
	u := userKey(username)
	r := l.rule(k)
	return [2]subject{
		{scope: "username+address", key: "ab:" + string(k) + ":ua:" + string(u[:]) + ":" + addr + suffix, free: r.Free},
		{scope: "username", key: "ab:" + string(k) + ":u:" + string(u[:]) + suffix, free: r.Free * l.cfg.Ceiling},
	}
}

type subject struct {
	scope, key string
	free       int
}

// Check refuses an attempt while a block from earlier failures lasts. It logs once when it
// refuses.
func (l *Limiter) Check(ctx context.Context, k Kind, username, addr string) error {
	now := l.now()
	for _, s := range l.subjects(k, username, addr, blockSuffix) {
		v, err := l.st.Get(ctx, s.key)
		if err != nil {
			if isNotFound(err) {
				continue
			}
			return fmt.Errorf("abuse check: %w", err)
		}
		until, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			continue
		}
		if wait := time.UnixMilli(until).Sub(now); wait > 0 {
			return l.refuse(ctx, &Refusal{Kind: k, Scope: s.scope, Wait: wait})
		}
	}
	return nil
}

// Failed counts a failed attempt and, past the free ones, blocks the next for a growing time.
func (l *Limiter) Failed(ctx context.Context, k Kind, username, addr string) error {
	r := l.rule(k)
	for _, s := range l.subjects(k, username, addr, "") {
		ok, err := l.tracked(ctx, k, s.key, r.Window)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		n, err := l.st.Incr(ctx, s.key, r.Window)
		if err != nil {
			return fmt.Errorf("abuse count: %w", err)
		}
		if over := int(n) - s.free; over >= 0 {
			d := r.MaxDelay
			if over < 30 {
				d = min(r.Delay<<over, r.MaxDelay)
			}
			until := l.now().Add(d).UnixMilli()
			if err := l.st.Set(ctx, s.key+blockSuffix, []byte(strconv.FormatInt(until, 10)), d); err != nil {
				return fmt.Errorf("abuse block: %w", err)
			}
		}
	}
	return nil
}

// Reset forgets a username's failures of kind k (a new reset code was sent, or the person
// signed in).
func (l *Limiter) Reset(ctx context.Context, k Kind, username, addr string) error {
	// The per-username count across addresses is kept: only this address's is forgotten.
	ua := l.subjects(k, username, addr, "")[0].key
	if err := l.st.Delete(ctx, ua, ua+blockSuffix); err != nil {
		return fmt.Errorf("abuse reset: %w", err)
	}
	return nil
}

// Send counts a code send for username from addr and refuses it beyond CodeSends per
// SendWindow for the username or for the address.
func (l *Limiter) Send(ctx context.Context, username, addr string) error {
	u := userKey(username)
	for _, s := range []subject{
		{scope: "username", key: "ab:" + string(CodeSend) + ":u:" + string(u[:])},
		{scope: "address", key: "ab:" + string(CodeSend) + ":a:" + addr},
	} {
		if s.scope == "username" {
			ok, err := l.tracked(ctx, CodeSend, s.key, l.cfg.SendWindow)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
		}
		n, err := l.st.Incr(ctx, s.key, l.cfg.SendWindow)
		if err != nil {
			return fmt.Errorf("abuse count: %w", err)
		}
		if n == 1 {
			// The window starts now (the counter's fixed expiry): kept to say when it ends.
			if err := l.st.Set(ctx, s.key+":t", []byte(strconv.FormatInt(l.now().UnixMilli(), 10)), l.cfg.SendWindow); err != nil {
				return fmt.Errorf("abuse count: %w", err)
			}
		}
		if n > int64(l.cfg.CodeSends) {
			return l.refuse(ctx, &Refusal{Kind: CodeSend, Scope: s.scope, Wait: l.sendWait(ctx, s.key)})
		}
	}
	return nil
}

// Issue counts an authorization code issued under the SSO session with this public id, which
// ends at ends, and refuses it beyond CodesPerSession per IssueWindow. The count lives no longer
// than the session: an ended session gets no more codes, so its counter would serve nothing.
func (l *Limiter) Issue(ctx context.Context, session string, ends time.Time) error {
	window := min(l.cfg.IssueWindow, max(ends.Sub(l.now()), time.Second))
	s := userKey(session)
	n, err := l.st.Incr(ctx, "ab:"+string(CodeIssue)+":s:"+string(s[:]), window)
	if err != nil {
		return fmt.Errorf("abuse count: %w", err)
	}
	if n > int64(l.cfg.CodesPerSession) {
		return l.refuse(ctx, &Refusal{Kind: CodeIssue, Scope: "session", Wait: window})
	}
	return nil
}

// sendWait is how long the send window counted at key has left: the whole window when its
// start is not known.
func (l *Limiter) sendWait(ctx context.Context, key string) time.Duration {
	v, err := l.st.Get(ctx, key+":t")
	if err != nil {
		return l.cfg.SendWindow
	}
	start, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return l.cfg.SendWindow
	}
	return min(max(time.UnixMilli(start).Add(l.cfg.SendWindow).Sub(l.now()), time.Second), l.cfg.SendWindow)
}

// tracked reports whether the counter at key may be counted: it exists already, or fewer than
// TrackedUsernames counters of kind k were started in this window.
func (l *Limiter) tracked(ctx context.Context, k Kind, key string, window time.Duration) (bool, error) {
	if l.cfg.TrackedUsernames <= 0 {
		return true, nil
	}
	if _, err := l.st.Get(ctx, key); err == nil {
		return true, nil
	} else if !isNotFound(err) {
		return false, fmt.Errorf("abuse count: %w", err)
	}
	n, err := l.st.Incr(ctx, "ab:"+string(k)+":tracked", window)
	if err != nil {
		return false, fmt.Errorf("abuse count: %w", err)
	}
	return n <= int64(l.cfg.TrackedUsernames), nil
}

func (l *Limiter) refuse(ctx context.Context, r *Refusal) error {
	l.log.WarnContext(ctx, "limit refused", "reason", string(r.Kind), "scope", r.Scope, "retry_after", r.Wait.Round(time.Second).String())
	if l.cfg.Refused != nil {
		l.cfg.Refused(r.Kind)
	}
	return r
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// ClientAuthLimits adapts the limiter to the OpenID provider's limit on failed client
// authentication (oidc.ClientAuthLimiter).
type ClientAuthLimits struct{ L *Limiter }

// Check returns how long the client id must wait from addr.
func (a ClientAuthLimits) Check(ctx context.Context, clientID, addr string) (time.Duration, error) {
	err := a.L.Check(ctx, ClientAuth, clientID, addr)
	var r *Refusal
	if errors.As(err, &r) {
		return r.Wait, nil
	}
	return 0, err
}

// Failed counts a failed client authentication.
func (a ClientAuthLimits) Failed(ctx context.Context, clientID, addr string) error {
	return a.L.Failed(ctx, ClientAuth, clientID, addr)
}

// CodeIssueLimits adapts the limiter to the OpenID provider's limit on authorization codes per
// SSO session (oidc.CodeIssueLimiter).
type CodeIssueLimits struct{ L *Limiter }

// Issue counts a code for the session (ending at ends) and returns how long to wait when it is
// refused.
func (a CodeIssueLimits) Issue(ctx context.Context, session string, ends time.Time) (time.Duration, error) {
	err := a.L.Issue(ctx, session, ends)
	var r *Refusal
	if errors.As(err, &r) {
		return r.Wait, nil
	}
	return 0, err
}
