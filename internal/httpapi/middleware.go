package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/tandemhq/tandem/internal/metrics"
	"github.com/tandemhq/tandem/internal/obs"
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
	return obs.Ensure(nil)
}

// statusRecorder remembers the status a handler wrote, and the start of a problem+json body
// (for the refusal metrics: its code and reason).
type statusRecorder struct {
	http.ResponseWriter
	status  int
	problem []byte
	isProb  bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
		s.isProb = code >= 400 && strings.Contains(s.Header().Get("Content-Type"), "problem+json")
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.WriteHeader(http.StatusOK)
	}
	if s.isProb && len(s.problem) < 8<<10 {
		s.problem = append(s.problem, b[:min(len(b), 8<<10-len(s.problem))]...)
	}
	return s.ResponseWriter.Write(b)
}

// problemCode returns the code of the problem+json answer and its reason: the conflict or
// limit reason of the problem's extra members (reason, conflict or limit), if any.
func (s *statusRecorder) problemCode() (code, reason string) {
	var p struct {
		Code  string         `json:"code"`
		Extra map[string]any `json:"extra"`
	}
	if len(s.problem) == 0 || json.Unmarshal(s.problem, &p) != nil {
		return "", ""
	}
	for _, k := range []string{"reason", "conflict", "limit"} {
		if v, ok := p.Extra[k].(string); ok && v != "" {
			return p.Code, v
		}
	}
	return p.Code, ""
}

// ServeHTTP runs the middleware chain around the routes: request id, logger, body cap, panic
// recovery, problem+json for unmatched routes, one access log line (path with its secret
// segments redacted) and the request's metrics.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := ""
	if gw, ok := core.GetAPIGatewayV2ContextFromContext(r.Context()); ok {
		id = gw.RequestID
	}
	if id == "" {
		id = newRequestID()
	}
	log := rt.log // obs adds the request ids of ctx to every line
	ctx := context.WithValue(r.Context(), keyRequestID, id)
	ctx = obs.WithRequestID(ctx, id)
	ctx = context.WithValue(ctx, keyLogger, log)
	r = r.WithContext(ctx)
	w.Header().Set("X-Request-Id", id)
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)

	rec := &statusRecorder{ResponseWriter: w}
	found, values, allow := rt.match(r)
	pattern := ""
	if found != nil {
		pattern = found.pattern
	}
	if obs.Capturing() {
		noteSecrets(r, pattern)
	}
	defer func() {
		if p := recover(); p != nil {
			log.ErrorContext(ctx, "panic", slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())))
			if rec.status == 0 {
				writeError(rec, r, fmt.Errorf("panic: %v", p))
			}
		}
		code, reason := rec.problemCode()
		attrs := []slog.Attr{slog.String("method", r.Method), slog.String("path", obs.RedactPath(pattern, r.URL.Path)),
			slog.String("route", pattern), slog.Int("status", rec.status), slog.Float64("latencyMs", float64(time.Since(start).Microseconds())/1000)}
		if code != "" {
			attrs = append(attrs, slog.String("code", code))
		}
		if reason != "" {
			attrs = append(attrs, slog.String("reason", reason))
		}
		log.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
		requestMetrics(ctx, pattern, rec.status, code, reason, w.Header().Get("Idempotent-Replayed") != "")
	}()
	if found == nil {
		if len(allow) > 0 {
			w.Header().Set("Allow", allowHeader(allow))
			writeError(rec, r, tandem.Errorf(problem.CodeMethodNotAllowed, "%s is not allowed on %s.", r.Method, r.URL.Path))
			return
		}
		writeError(rec, r, tandem.Errorf(tandem.ENotFound, "No route for %s %s.", r.Method, r.URL.Path))
		return
	}
	r.Pattern = pattern
	for i := 0; i < len(values); i += 2 {
		r.SetPathValue(values[i], values[i+1])
	}
	found.h(rec, r)
}

// bookingRoutes create a booking when they answer 201 (not a replay of an earlier answer).
var bookingRoutes = map[string]bool{"POST /v1/bookings": true, "POST /v1/requests/{requestId}/accept": true}

// requestMetrics records what one answer means (internal/metrics): a booking created, a
// refusal by problem code and reason (and a conflict by reason), a server error.
func requestMetrics(ctx context.Context, route string, status int, code, reason string, replayed bool) {
	switch {
	case status == problem.StatusClientClosed: // nobody was refused and nothing failed
		metrics.Put(ctx, nil, metrics.N("ClientClosed", 1))
	case status >= 500:
		metrics.Put(ctx, nil, metrics.N("ServerErrors", 1))
	case status >= 400:
		metrics.Put(ctx, []metrics.Dim{{Name: "Code", Value: code}, {Name: "Reason", Value: reason}}, metrics.N("Refusals", 1))
		if status == http.StatusConflict {
			metrics.Put(ctx, []metrics.Dim{{Name: "Reason", Value: reason}}, metrics.N("Conflicts", 1))
		}
	case status == http.StatusCreated && bookingRoutes[route] && !replayed:
		metrics.Put(ctx, nil, metrics.N("BookingsCreated", 1))
	}
}

// noteSecrets tells the log check of `make test` which credentials this request carried: its
// bearer token and its secret path segments (the calendar feed token).
func noteSecrets(r *http.Request, pattern string) {
	if auth := r.Header.Get("Authorization"); auth != "" {
		if scheme, token, ok := strings.Cut(auth, " "); ok && strings.EqualFold(scheme, "Bearer") {
			auth = token
		}
		obs.NoteSecret(strings.TrimSpace(auth))
	}
	_, route, _ := strings.Cut(pattern, " ")
	got := strings.Split(r.URL.Path, "/")
	for i, seg := range strings.Split(route, "/") {
		// A value that is not a well-formed token is refused before any use (checkInputs), so
		// it is no credential; noting it would flag a long id elsewhere that happens to equal it.
		if i < len(got) && strings.HasPrefix(seg, "{") && obs.IsSecretName(strings.Trim(seg, "{}.")) && tandem.ValidToken(got[i]) {
			obs.NoteSecret(got[i])
		}
	}
}

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
