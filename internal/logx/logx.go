// Package logx writes the log records of hot paths (a line per sign-in or per token) without the
// caller lookup slog.Logger makes for every record: runtime.Callers, ≈ 1 % of serve's CPU for two
// lines per sign-in, for a program counter that nothing uses (no handler here logs the source).
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
	r := slog.NewRecord(time.Now(), slog.LevelInfo, msg, 0)
	r.AddAttrs(attrs...)
	_ = l.Handler().Handle(ctx, r) // as slog.Logger, a handler's error is dropped
}
