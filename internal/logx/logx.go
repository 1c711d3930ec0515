// Package logx writes the log records of hot paths (a line per request, per sign-in or per token)
// without the caller lookup slog.Logger makes for every record: runtime.Callers, ≈ 1 % of serve's
// CPU for two lines per sign-in, for a program counter that nothing uses (no handler here logs
// the source).
package logx

import (
	"context"
	"log/slog"
	"time"
)

// Info logs msg with attrs at info level through l, as l.LogAttrs would, but with no caller
// (program counter 0): a handler with AddSource would show no source for it.
func Info(ctx context.Context, l *slog.Logger, msg string, attrs ...slog.Attr) {
	if !l.Enabled(ctx, slog.LevelInfo) {
		return
	}
	Write(ctx, l.Handler(), time.Now(), slog.LevelInfo, msg, attrs...)
}

// Write hands h the record of msg with attrs at level, made at t, with no caller. The caller
// has checked that h is enabled for level (and so may skip building attrs when it is not).
func Write(ctx context.Context, h slog.Handler, t time.Time, level slog.Level, msg string, attrs ...slog.Attr) {
	r := slog.NewRecord(t, level, msg, 0)
	r.AddAttrs(attrs...)
	_ = h.Handle(ctx, r) // as slog.Logger, a handler's error is dropped
}
