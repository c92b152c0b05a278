package bot

import (
	"context"
	"fmt"
	"log/slog"
)

// redactLog wraps a log handler so that no record it writes holds an
// interaction token or the bot token: in its message or in any attribute
// (strings, errors, anything printed). It backs up the discord type, whose
// errors are redacted already, for every other line.
type redactLog struct {
	h     slog.Handler
	token string
}

func (r redactLog) Enabled(ctx context.Context, l slog.Level) bool { return r.h.Enabled(ctx, l) }

func (r redactLog) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, redact(rec.Message, r.token), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(r.attr(a))
		return true
	})
	return r.h.Handle(ctx, out)
}

func (r redactLog) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = r.attr(a)
	}
	return redactLog{h: r.h.WithAttrs(clean), token: r.token}
}

func (r redactLog) WithGroup(name string) slog.Handler {
	return redactLog{h: r.h.WithGroup(name), token: r.token}
}

func (r redactLog) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, redact(v.String(), r.token))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]any, len(g))
		for i, x := range g {
			clean[i] = r.attr(x)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		return slog.String(a.Key, redact(fmt.Sprint(v.Any()), r.token))
	}
	return slog.Attr{Key: a.Key, Value: v}
}
