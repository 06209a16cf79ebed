// Package httpapi is Tandem's HTTP layer: one ServeMux per Lambda function with Go 1.22
// patterns, handlers that decode → authorize → call → encode, RFC 9457 problem+json for every
// error (including the mux's own 404 and 405), request ids, panic recovery, body limits and
// one structured log line per request. The caller comes only from the JWT authorizer's claims
// in the API Gateway v2 request context.
package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"

	"github.com/tandemhq/tandem/internal/problem"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Problem is the problem+json document every error response carries.
type Problem = problem.Details

// httpError pins a status that differs from the code's default (413 for an oversize body).
type httpError struct {
	status int
	err    *tandem.Error
}

func (e *httpError) Error() string { return e.err.Error() }
func (e *httpError) Unwrap() error { return e.err }

// writeError renders err as problem+json. Internal errors are logged with the request id and
// replaced by a generic message; their text never reaches the client. A request its client
// abandoned is not one: it is answered (to nobody) and logged as client_closed_request.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := 0
	var he *httpError
	if errors.As(err, &he) {
		status = he.status
	}
	if clientGone(r, err) {
		logger(r.Context()).InfoContext(r.Context(), "client closed request", slog.String("error", err.Error()))
		err = &tandem.Error{Code: problem.CodeClientClosed, Message: "The client closed the request before the answer.", Err: err}
	}
	p := problem.From(err, status, r.URL.Path, requestID(r.Context()))
	if p.Code == tandem.EInternal {
		logger(r.Context()).ErrorContext(r.Context(), "internal error", slog.String("error", err.Error()))
	}
	problem.Write(w, p)
}

// clientGone says whether err is the request's own cancellation: the client closed the
// connection (locally) or the invocation was cancelled, and the work stopped because of it.
// A deadline is not this: running out of time is our failure and stays a 500.
func clientGone(r *http.Request, err error) bool {
	return errors.Is(err, context.Canceled) && errors.Is(r.Context().Err(), context.Canceled)
}

// writeJSON writes v with the status. A handler always writes a status: through the Lambda
// proxy adapter a handler that writes nothing becomes a 504. v is encoded before anything is
// written, so a value that cannot be encoded (a NaN, an unsupported type) becomes a logged
// problem+json 500 rather than a success status with an empty or truncated body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	buf := jsonBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 64<<10 { // a rare huge page is not kept
			jsonBuffers.Put(buf)
		}
	}()
	// Encode writes what Marshal would, and the newline, into a reused buffer: no copy of
	// the body to return it and none to append the newline (BenchmarkSearchVsRaw).
	err := json.NewEncoder(buf).Encode(v)
	if err != nil {
		h := w.Header()
		h.Del("Location")
		h.Del("Content-Disposition")
		err = fmt.Errorf("encode the %d response: %w", status, err)
		if rs, ok := w.(*responder); ok {
			writeError(w, rs.req, err)
			return
		}
		slog.Default().Error("internal error", slog.String("error", err.Error()))
		problem.Write(w, problem.From(err, 0, "", ""))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// jsonBuffers are writeJSON's encoding buffers.
var jsonBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}
