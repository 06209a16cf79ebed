package obs

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// Attribute names obs adds to every line logged with a context that has them.
const (
	KeyRequestID       = "requestId"       // API Gateway's request id ($context.requestId, X-Request-Id)
	KeyLambdaRequestID = "lambdaRequestId" // the invocation's (REPORT lines, Lambda's own logs)
	KeyTraceID         = "traceId"         // X-Ray trace id (Root=…), when Lambda traces the invocation
)

// NewLogger is the one constructor of Tandem's loggers: JSON lines to w at the level
// LOG_LEVEL names (debug, info, warn, error; default info; read now, so once per cold start
// when main calls it), each line with the request ids and trace id of its context, every
// credential redacted (Redact, and attributes whose key IsSecretName). With
// TANDEM_LOG_CAPTURE set every line, whatever its level, is also appended to that file.
func NewLogger(w io.Writer) *slog.Logger {
	level, bad := ParseLevel(os.Getenv("LOG_LEVEL"))
	l := slog.New(&handler{inner: slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}), capture: captureHandler()})
	if bad {
		l.Warn("LOG_LEVEL is not one of debug, info, warn, error; logging at info", slog.String("LOG_LEVEL", os.Getenv("LOG_LEVEL")))
	}
	return l
}

// Ensure returns l writing through obs's handler: l itself when it already does, else l's
// handler wrapped so that its lines are redacted, carry the context's ids and are captured
// like NewLogger's. Packages that accept a logger from their caller (the HTTP router, the
// local gateway, the stream consumer) pass it through Ensure, so a test's own logger obeys
// the same rules. nil means slog.Default().
func Ensure(l *slog.Logger) *slog.Logger {
	if l == nil {
		l = slog.Default()
	}
	if _, ok := l.Handler().(*handler); ok {
		return l
	}
	return slog.New(&handler{inner: l.Handler(), capture: captureHandler()})
}

// ParseLevel reads a LOG_LEVEL value; "" is info, and so is anything unknown (bad = true).
func ParseLevel(s string) (level slog.Level, bad bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return slog.LevelInfo, false
	case "debug":
		return slog.LevelDebug, false
	case "info":
		return slog.LevelInfo, false
	case "warn", "warning":
		return slog.LevelWarn, false
	case "error":
		return slog.LevelError, false
	}
	return slog.LevelInfo, true
}

type ctxKey int

const keyAPIRequestID ctxKey = iota

// WithRequestID returns ctx carrying API Gateway's request id, which every line logged with
// it then has as requestId. The HTTP middleware sets it once per request.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, keyAPIRequestID, id)
}

// RequestID returns the API Gateway request id WithRequestID put in ctx.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(keyAPIRequestID).(string)
	return id
}

// TraceID returns the X-Ray trace id (1-5f8a…-…) of the Lambda invocation ctx belongs to,
// from the X-Amzn-Trace-Id header aws-lambda-go puts in the context; "" outside Lambda.
func TraceID(ctx context.Context) string {
	header, _ := ctx.Value("x-amzn-trace-id").(string) // aws-lambda-go's own (string) key
	for _, part := range strings.Split(header, ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "Root="); ok {
			return v
		}
	}
	return ""
}

// handler redacts every record and adds the context's ids, then hands it to inner and, when
// capturing, to the capture handler.
type handler struct {
	inner   slog.Handler
	capture slog.Handler // nil unless TANDEM_LOG_CAPTURE is set
}

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.capture != nil || h.inner.Enabled(ctx, l)
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, Redact(r.Message), r.PC)
	if ctx != nil {
		if id := RequestID(ctx); id != "" {
			out.AddAttrs(slog.String(KeyRequestID, id))
		}
		if lc, ok := lambdacontext.FromContext(ctx); ok && lc.AwsRequestID != "" {
			out.AddAttrs(slog.String(KeyLambdaRequestID, lc.AwsRequestID))
		}
		if id := TraceID(ctx); id != "" {
			out.AddAttrs(slog.String(KeyTraceID, id))
		}
	}
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	var err error
	if h.inner.Enabled(ctx, r.Level) {
		err = h.inner.Handle(ctx, out)
	}
	if h.capture != nil {
		_ = h.capture.Handle(ctx, out)
	}
	return err
}

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = redactAttr(a)
	}
	n := &handler{inner: h.inner.WithAttrs(red)}
	if h.capture != nil {
		n.capture = h.capture.WithAttrs(red)
	}
	return n
}

func (h *handler) WithGroup(name string) slog.Handler {
	n := &handler{inner: h.inner.WithGroup(name)}
	if h.capture != nil {
		n.capture = h.capture.WithGroup(name)
	}
	return n
}

// redactAttr hides the value of an attribute whose key names a credential and passes every
// string (error texts and other values included) through Redact.
func redactAttr(a slog.Attr) slog.Attr {
	a.Value = a.Value.Resolve()
	if IsSecretName(a.Key) && !(a.Value.Kind() == slog.KindGroup) {
		return slog.String(a.Key, Redacted)
	}
	switch a.Value.Kind() {
	case slog.KindString:
		return slog.String(a.Key, Redact(a.Value.String()))
	case slog.KindGroup:
		group := a.Value.Group()
		red := make([]any, len(group))
		for i, g := range group {
			red[i] = redactAttr(g)
		}
		return slog.Group(a.Key, red...)
	case slog.KindAny:
		switch v := a.Value.Any().(type) {
		case error:
			return slog.String(a.Key, Redact(v.Error()))
		case fmt.Stringer:
			return slog.String(a.Key, Redact(v.String()))
		case []byte:
			return slog.String(a.Key, Redact(string(v)))
		case nil:
			return a
		default:
			// Whatever the JSON handler would write, redacted as text.
			b, err := json.Marshal(v)
			if err != nil {
				return slog.String(a.Key, Redact(fmt.Sprintf("%+v", v)))
			}
			if red := Redact(string(b)); red != string(b) {
				if json.Valid([]byte(red)) {
					return slog.Any(a.Key, json.RawMessage(red))
				}
				return slog.String(a.Key, red)
			}
		}
	}
	return a
}

// LevelFor is the level of a line reporting the outcome of a unit of work: error when err is
// set, else info.
func LevelFor(err error) slog.Level {
	if err != nil {
		return slog.LevelError
	}
	return slog.LevelInfo
}
