package logx

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"
)

// TestInfo: the record is the one LogAttrs would write (message, level, attributes in order,
// through the logger's own attributes), with no caller; below the logger's level nothing is written.
func TestInfo(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{AddSource: true})).With("app", "bk")
	Info(context.Background(), l, "tokens issued", slog.String("client_id", "app"), slog.Bool("refresh", true), slog.Any("amr", []string{"pwd"}))
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("%q: %v", buf.String(), err)
	}
	want := map[string]any{"level": "INFO", "msg": "tokens issued", "app": "bk", "client_id": "app", "refresh": true, "amr": []any{"pwd"}}
	for k, v := range want {
		if g, _ := json.Marshal(got[k]); string(g) != mustJSON(t, v) {
			t.Errorf("%s = %s, want %s", k, g, mustJSON(t, v))
		}
	}
	if _, ok := got["time"]; !ok {
		t.Errorf("no time: %v", got)
	}
	if src, ok := got["source"]; ok {
		t.Errorf("a caller was looked up: %v", src)
	}

	buf.Reset()
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	Write(context.Background(), l.Handler(), at, slog.LevelError, "request", slog.Int("status", 500))
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("%q: %v", buf.String(), err)
	}
	if got["time"] != "2026-12-01T12:00:00Z" || got["level"] != "ERROR" || got["status"] != 500.0 || got["source"] != nil {
		t.Errorf("Write wrote %v", got)
	}

	buf.Reset()
	quiet := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	Info(context.Background(), quiet, "tokens issued")
	if buf.Len() != 0 {
		t.Errorf("written below the level: %q", buf.String())
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
