package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/bridgekeeper/bridgekeeper/config"
)

// requestIDKey is the context key of the request id.
type requestIDKey struct{}

// WithRequestID returns a copy of ctx carrying the request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id carried by ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// LogHandler wraps a slog.Handler and adds a request_id attribute to every
// record logged with a context that carries one (any *Context logging call
// made while serving a request). Build one as LogHandler{Handler: h} or with
// NewLogHandler.
type LogHandler struct{ slog.Handler }

// NewLogHandler wraps h, unless it is a LogHandler already.
func NewLogHandler(h slog.Handler) slog.Handler {
	if lh, ok := h.(LogHandler); ok {
		return lh
	}
	return LogHandler{Handler: h}
}

// requestIDAttr is the attribute the request id is logged as.
const requestIDAttr = "request_id"

// Handle adds request_id from ctx, then passes the record on.
func (h LogHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r = r.Clone()
		r.AddAttrs(slog.String(requestIDAttr, id))
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs keeps the wrapper around the derived handler.
func (h LogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return LogHandler{Handler: h.Handler.WithAttrs(attrs)}
}

// WithGroup keeps the wrapper around the derived handler.
func (h LogHandler) WithGroup(name string) slog.Handler {
	return LogHandler{Handler: h.Handler.WithGroup(name)}
}

// NewLogger builds the process logger from the log settings, writing to w,
// with request ids added (see LogHandler).
func NewLogger(w io.Writer, c config.Log) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.Level)); err != nil {
		return nil, fmt.Errorf("log level %q: %w", c.Level, err)
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	switch c.Format {
	case "json":
		h = slog.NewJSONHandler(w, opts)
	case "text":
		h = slog.NewTextHandler(w, opts)
	default:
		return nil, fmt.Errorf("log format %q: want json or text", c.Format)
	}
	return slog.New(NewLogHandler(h)), nil
}
