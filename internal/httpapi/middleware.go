package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/tandemhq/tandem/internal/problem"
	"github.com/tandemhq/tandem/internal/tandem"
)

// MaxBody caps request bodies; larger bodies get 413 problem+json.
const MaxBody = 64 << 10

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyLogger
)

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(keyRequestID).(string)
	return id
}

func logger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(keyLogger).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// headerOnly captures what the mux's built-in 404/405 handler would write, so the router can
// answer with problem+json instead of text/plain.
type headerOnly struct {
	h      http.Header
	status int
}

func (c *headerOnly) Header() http.Header         { return c.h }
func (c *headerOnly) Write(b []byte) (int, error) { return len(b), nil }
func (c *headerOnly) WriteHeader(code int)        { c.status = code }

// ServeHTTP runs the middleware chain around the mux: request id, logger, body cap, panic
// recovery, problem+json for unmatched routes, and one access log line.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := ""
	if gw, ok := core.GetAPIGatewayV2ContextFromContext(r.Context()); ok {
		id = gw.RequestID
	}
	if id == "" {
		id = newRequestID()
	}
	log := rt.log.With(slog.String("requestId", id))
	ctx := context.WithValue(r.Context(), keyRequestID, id)
	ctx = context.WithValue(ctx, keyLogger, log)
	r = r.WithContext(ctx)
	w.Header().Set("X-Request-Id", id)
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)

	rec := &statusRecorder{ResponseWriter: w}
	h, pattern := rt.mux.Handler(r)
	defer func() {
		if p := recover(); p != nil {
			log.ErrorContext(ctx, "panic", slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())))
			if rec.status == 0 {
				writeError(rec, r, fmt.Errorf("panic: %v", p))
			}
		}
		log.InfoContext(ctx, "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("route", pattern),
			slog.Int("status", rec.status), slog.Float64("latencyMs", float64(time.Since(start).Microseconds())/1000))
	}()
	if pattern == "" {
		cap := &headerOnly{h: http.Header{}}
		h.ServeHTTP(cap, r)
		if cap.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", cap.h.Get("Allow"))
			writeError(rec, r, tandem.Errorf(problem.CodeMethodNotAllowed, "%s is not allowed on %s.", r.Method, r.URL.Path))
			return
		}
		writeError(rec, r, tandem.Errorf(tandem.ENotFound, "No route for %s %s.", r.Method, r.URL.Path))
		return
	}
	rt.mux.ServeHTTP(rec, r)
}

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
