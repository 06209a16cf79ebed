package gateway

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"

	"github.com/tandemhq/tandem/internal/problem"

	"github.com/tandemhq/tandem/internal/tandem"
)

// writeProblem answers with the same problem+json document internal/httpapi renders (one
// format, one code table, internal/problem); internal causes in e.Err are never rendered.
func writeProblem(w http.ResponseWriter, r *http.Request, status int, e *tandem.Error) {
	problem.Write(w, problem.From(e, status, r.URL.Path, infoFrom(r.Context()).id))
}

// writeJSON answers 200 with v as JSON (dev routes only).
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(v)
}

// reqInfo is what the access log needs to know about a request; handlers fill in the route.
type reqInfo struct {
	id       string
	route    string // route key, "" when no template route matched
	function string
	logPath  string // the path with secret path parameters redacted
}

type infoKey struct{}

func withInfo(ctx context.Context, info *reqInfo) context.Context {
	return context.WithValue(ctx, infoKey{}, info)
}

// infoFrom returns the request's info; a throwaway value outside Gateway.ServeHTTP.
func infoFrom(ctx context.Context) *reqInfo {
	if info, ok := ctx.Value(infoKey{}).(*reqInfo); ok {
		return info
	}
	return &reqInfo{}
}

// newRequestID returns an id shaped like API Gateway's (base64 of 10 random bytes).
func newRequestID() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// statusRecorder remembers the status written, for the access log.
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

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
