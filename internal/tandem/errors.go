// Package tandem is the vocabulary of the marketplace: users and their roles, expert profiles,
// the caller of a request, and the error type every layer speaks. It imports nothing from AWS
// or HTTP so that the pure domain packages and the store can share it.
package tandem

import (
	"errors"
	"fmt"
)

// Error codes. They are part of the public API (the `code` member of problem+json), so they
// never change meaning; internal/httpapi maps each to one HTTP status.
const (
	EInvalid         = "invalid"         // the request is malformed or breaks a rule
	EUnauthenticated = "unauthenticated" // no valid identity
	EForbidden       = "forbidden"       // identity known, action not allowed
	ENotFound        = "not_found"       // no such thing (or not visible to the caller)
	EConflict        = "conflict"        // the state changed or the slot is taken
	ELimitExceeded   = "limit_exceeded"  // a size, rate or quota limit was hit
	EUnprocessable   = "unprocessable"   // well-formed but cannot be processed (e.g. idempotency key reuse)
	EInternal        = "internal"        // anything else; never shown in detail
	// ECalendarBusy: the expert's own connected calendar has something at that time (409).
	ECalendarBusy = "expert_calendar_busy"
)

// FieldError explains which input field is wrong and why, in words a user can act on.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is the domain error. Message is safe to show to clients; internal causes are kept in
// Err for logs only and never rendered.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	// Detail carries structured, client-safe extra members for problem+json (e.g. the
	// current state of a booking in a conflict).
	Detail map[string]any
	Err    error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code and a formatted client-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal for any other
// non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the client-safe message of err; internal errors get a generic text.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EInternal {
		return e.Message
	}
	return "An internal error occurred."
}

// Wrap adds context to *errp in place, keeping the chain intact, when *errp is non-nil:
//
//	defer tandem.Wrap(&err, "Store.GetExpert(%q)", id)
func Wrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *errp)
	}
}

// Validation collects field errors; Err returns nil when none were added.
type Validation struct{ fields []FieldError }

// Add records a problem with field.
func (v *Validation) Add(field, format string, args ...any) {
	v.fields = append(v.fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Check records a problem with field unless ok.
func (v *Validation) Check(ok bool, field, format string, args ...any) {
	if !ok {
		v.Add(field, format, args...)
	}
}

// Err returns an EInvalid *Error listing every field problem, or nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: EInvalid, Message: "The request has invalid fields.", Fields: v.fields}
}
