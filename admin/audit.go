package admin

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Audit results.
const (
	ResultOK      = "ok"
	ResultFailed  = "failed"
	ResultRefused = "refused"
)

// Entry is one audit entry: who did what to whom, when, and how it went.
type Entry struct {
	ID        string    `json:"id"`
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"`
	Via       string    `json:"via"`
	Action    Action    `json:"action"`
	Target    string    `json:"target,omitempty"`
	Result    string    `json:"result"`
	Code      string    `json:"code,omitempty"`
	RequestID string    `json:"request_id,omitempty"`
}

// record logs an action's outcome and keeps it in the audit list.
func (s *Service) record(ctx context.Context, actor Actor, action Action, target string, err error) {
	e := s.entry(actor, action, target, ResultOK)
	if err != nil {
		e.Result, e.Code = ResultFailed, errorCode(err)
	}
	s.log(ctx, e)
	s.keep(ctx, e)
}

// Refused records that actor, who is not an administrator, tried action (on target). Every
// attempt is logged; only RefusedPerMinute per person and minute reach the audit list, so a
// non-admin cannot push real entries out of it.
func (s *Service) Refused(ctx context.Context, actor Actor, action Action, target string) {
	e := s.entry(actor, action, target, ResultRefused)
	s.log(ctx, e)
	minute := strconv.FormatInt(e.At.Unix()/60, 10)
	n, err := s.d.Store.Incr(ctx, keyRefused+actor.Name+":"+minute, 2*time.Minute)
	if err != nil {
		s.d.Logger.ErrorContext(ctx, "count refused admin attempt", "err", err)
		return
	}
	if n <= RefusedPerMinute {
		s.keep(ctx, e)
	}
}

func (s *Service) entry(actor Actor, action Action, target, result string) Entry {
	id := make([]byte, 8)
	if _, err := io.ReadFull(s.d.Rand, id); err != nil {
		s.d.Logger.Error("audit entry id", "err", err)
	}
	return Entry{
		ID: hex.EncodeToString(id), At: s.d.Now().UTC(), Actor: actor.Name, Via: actor.Via,
		Action: action, Target: target, Result: result, RequestID: actor.RequestID,
	}
}

// log writes the entry as a structured event, the permanent record.
func (s *Service) log(ctx context.Context, e Entry) {
	level := s.d.Logger.InfoContext
	if e.Result != ResultOK {
		level = s.d.Logger.WarnContext
	}
	level(ctx, "admin action", "actor", e.Actor, "via", e.Via, "action", string(e.Action), "target", e.Target,
		"result", e.Result, "code", e.Code, "request_id", e.RequestID, "at", e.At)
}

// keep adds the entry to the bounded audit list in the store. A failure is logged: the action
// itself is done and its log event written.
func (s *Service) keep(ctx context.Context, e Entry) {
	raw, err := json.Marshal(e)
	if err == nil {
		err = s.d.Store.ZAdd(ctx, keyAudit, string(raw), e.At.UnixMicro(), AuditTTL)
	}
	if err == nil {
		_, err = s.d.Store.ZTrim(ctx, keyAudit, AuditKeep)
	}
	if err != nil {
		s.d.Logger.ErrorContext(ctx, "keep audit entry", "err", err)
	}
}

// AuditFilter narrows the audit list.
type AuditFilter struct {
	// Actor keeps the entries of one admin; Target those about one user.
	Actor, Target string
	// Limit bounds how many entries come back (default 100).
	Limit int
}

// Audit returns the recent audit entries, newest first.
func (s *Service) Audit(ctx context.Context, f AuditFilter) ([]Entry, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	members, err := s.d.Store.ZRange(ctx, keyAudit, true, 0)
	if err != nil {
		return nil, fmt.Errorf("read audit list: %w", err)
	}
	out := []Entry{}
	for _, m := range members {
		var e Entry
		if err := json.Unmarshal([]byte(m.Member), &e); err != nil {
			return nil, errors.Join(fmt.Errorf("read audit list: an entry does not decode"), err)
		}
		if (f.Actor != "" && e.Actor != f.Actor) || (f.Target != "" && e.Target != f.Target) {
			continue
		}
		out = append(out, e)
		if len(out) == f.Limit {
			break
		}
	}
	return out, nil
}
