// Package httpapi is Tandem's HTTP layer: one ServeMux per Lambda function with Go 1.22
// patterns, handlers that decode → authorize → call → encode, RFC 9457 problem+json for every
// error (including the mux's own 404 and 405), request ids, panic recovery, body limits and
// one structured log line per request. The caller comes only from the JWT authorizer's claims
// in the API Gateway v2 request context.
package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/tandemhq/tandem/internal/tandem"
)

// Codes the HTTP layer adds to the domain's: a known path with another method.
const codeMethodNotAllowed = "method_not_allowed"

// statusOf is the one table from error code to HTTP status.
var statusOf = map[string]int{
	tandem.EInvalid:         http.StatusBadRequest,
	tandem.EUnauthenticated: http.StatusUnauthorized,
	tandem.EForbidden:       http.StatusForbidden,
	tandem.ENotFound:        http.StatusNotFound,
	codeMethodNotAllowed:    http.StatusMethodNotAllowed,
	tandem.EConflict:        http.StatusConflict,
	tandem.EUnprocessable:   http.StatusUnprocessableEntity,
	tandem.ELimitExceeded:   http.StatusTooManyRequests,
	tandem.EInternal:        http.StatusInternalServerError,
}

var titleOf = map[string]string{
	tandem.EInvalid:         "Invalid request",
	tandem.EUnauthenticated: "Authentication required",
	tandem.EForbidden:       "Forbidden",
	tandem.ENotFound:        "Not found",
	codeMethodNotAllowed:    "Method not allowed",
	tandem.EConflict:        "Conflict",
	tandem.EUnprocessable:   "Unprocessable request",
	tandem.ELimitExceeded:   "Limit exceeded",
	tandem.EInternal:        "Internal error",
}

// Problem is an RFC 9457 problem details document with Tandem's extension members.
type Problem struct {
	Type     string              `json:"type"`
	Title    string              `json:"title"`
	Status   int                 `json:"status"`
	Detail   string              `json:"detail"`
	Instance string              `json:"instance,omitempty"`
	Code     string              `json:"code"`
	Errors   []tandem.FieldError `json:"errors,omitempty"`
	// Extra carries client-safe, code-specific members (e.g. the current state in a conflict).
	Extra     map[string]any `json:"extra,omitempty"`
	RequestID string         `json:"requestId,omitempty"`
}

// httpError pins a status that differs from the code's default (413 for an oversize body).
type httpError struct {
	status int
	err    *tandem.Error
}

func (e *httpError) Error() string { return e.err.Error() }
func (e *httpError) Unwrap() error { return e.err }

// writeError renders err as problem+json. Internal errors are logged with the request id and
// replaced by a generic message; their text never reaches the client.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := tandem.ErrorCode(err)
	status := statusOf[code]
	var he *httpError
	if errors.As(err, &he) {
		status = he.status
	}
	if status == 0 {
		status = http.StatusInternalServerError
		code = tandem.EInternal
	}
	p := Problem{
		Type:      "urn:tandem:problem:" + code,
		Title:     titleOf[code],
		Status:    status,
		Detail:    tandem.ErrorMessage(err),
		Instance:  r.URL.Path,
		Code:      code,
		RequestID: requestID(r.Context()),
	}
	var te *tandem.Error
	if errors.As(err, &te) && code != tandem.EInternal {
		p.Errors = te.Fields
		p.Extra = te.Detail
	}
	if code == tandem.EInternal {
		logger(r.Context()).ErrorContext(r.Context(), "internal error", slog.String("error", err.Error()))
	}
	writeProblem(w, p)
}

func writeProblem(w http.ResponseWriter, p Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// writeJSON writes v with the status. A handler always writes a status: through the Lambda
// proxy adapter a handler that writes nothing becomes a 504.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
