// Package problem renders RFC 9457 problem details, the one error format of Tandem's API,
// for both the Lambda handlers (internal/httpapi) and the local gateway (internal/gateway).
// It holds the single table from error code to HTTP status and title.
package problem

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/tandemhq/tandem/internal/tandem"
)

// CodeMethodNotAllowed is the code of a known path asked with another method. It is an HTTP
// concern, so it lives here rather than among the domain codes.
const CodeMethodNotAllowed = "method_not_allowed"

// CodeClientClosed is the code of a request whose client went away before the answer (its
// context canceled): nothing failed on our side, so it is no 5xx. The status is nginx's 499,
// which no client reads; it keeps the access log and the metrics honest.
const CodeClientClosed = "client_closed_request"

// StatusClientClosed is the status of CodeClientClosed.
const StatusClientClosed = 499

// ContentType is the media type of every error response.
const ContentType = "application/problem+json"

var statusOf = map[string]int{
	tandem.EInvalid:         http.StatusBadRequest,
	tandem.EUnauthenticated: http.StatusUnauthorized,
	tandem.EForbidden:       http.StatusForbidden,
	tandem.ENotFound:        http.StatusNotFound,
	CodeMethodNotAllowed:    http.StatusMethodNotAllowed,
	CodeClientClosed:        StatusClientClosed,
	tandem.EConflict:        http.StatusConflict,
	tandem.EUnprocessable:   http.StatusUnprocessableEntity,
	tandem.ELimitExceeded:   http.StatusTooManyRequests,
	tandem.EInternal:        http.StatusInternalServerError,
	tandem.ECalendarBusy:    http.StatusConflict,
}

var titleOf = map[string]string{
	tandem.EInvalid:         "Invalid request",
	tandem.EUnauthenticated: "Authentication required",
	tandem.EForbidden:       "Forbidden",
	tandem.ENotFound:        "Not found",
	CodeMethodNotAllowed:    "Method not allowed",
	CodeClientClosed:        "Client closed request",
	tandem.EConflict:        "Conflict",
	tandem.EUnprocessable:   "Unprocessable request",
	tandem.ELimitExceeded:   "Limit exceeded",
	tandem.EInternal:        "Internal error",
	tandem.ECalendarBusy:    "The expert is busy in their calendar",
}

// Status returns the HTTP status of an error code (500 for unknown codes).
func Status(code string) int {
	if s, ok := statusOf[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Details is a problem document with Tandem's extension members.
type Details struct {
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

// From builds the document for err. status 0 means the code's own status. Internal errors get
// a generic detail; their text is never rendered.
func From(err error, status int, instance, requestID string) Details {
	code := tandem.ErrorCode(err)
	if _, known := statusOf[code]; !known {
		code = tandem.EInternal
	}
	if status == 0 {
		status = Status(code)
	}
	d := Details{
		Type: "urn:tandem:problem:" + code, Title: titleOf[code], Status: status,
		Detail: tandem.ErrorMessage(err), Instance: instance, Code: code, RequestID: requestID,
	}
	var e *tandem.Error
	if errors.As(err, &e) && code != tandem.EInternal {
		d.Errors, d.Extra = e.Fields, e.Detail
	}
	return d
}

// Write sends d.
func Write(w http.ResponseWriter, d Details) {
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(d.Status)
	_ = json.NewEncoder(w).Encode(d)
}
