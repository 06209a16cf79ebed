package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/tandemhq/tandem/internal/tandem"
)

// decodeJSON reads exactly one JSON object into dst. Unknown fields, trailing data, wrong
// types and oversize bodies are client errors with field details, never 5xx.
func decodeJSON(r *http.Request, dst any) error {
	if err := checkContentType(r); err != nil {
		return err
	}
	return decodeFrom(r.Body, dst)
}

// readJSON reads the whole body (for hashing it) and decodes it into dst like decodeJSON.
func readJSON(r *http.Request, dst any) ([]byte, error) {
	if err := checkContentType(r); err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, decodeError(err)
	}
	return raw, decodeFrom(bytes.NewReader(raw), dst)
}

// decodeOptionalJSON decodes a body that may be absent (lifecycle actions with no options).
func decodeOptionalJSON(r *http.Request, dst any) error {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return decodeError(err)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	if err := checkContentType(r); err != nil {
		return err
	}
	return decodeFrom(bytes.NewReader(raw), dst)
}

func checkContentType(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(ct, "application/json") {
		return invalidBody("Content-Type must be application/json")
	}
	return nil
}

func decodeFrom(body io.Reader, dst any) error {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return decodeError(err)
		}
		return invalidBody("must contain a single JSON object")
	}
	return nil
}

func decodeError(err error) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
		mbe *http.MaxBytesError
	)
	switch {
	case errors.As(err, &mbe):
		return &httpError{status: http.StatusRequestEntityTooLarge, err: &tandem.Error{
			Code: tandem.ELimitExceeded, Message: fmt.Sprintf("The request body is larger than %d bytes.", mbe.Limit),
			Fields: []tandem.FieldError{{Field: "body", Message: fmt.Sprintf("must be at most %d bytes", mbe.Limit)}}}}
	case errors.Is(err, io.EOF):
		return invalidBody("is required")
	case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF):
		return invalidBody("is not valid JSON")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return &tandem.Error{Code: tandem.EInvalid, Message: "The request has invalid fields.",
			Fields: []tandem.FieldError{{Field: field, Message: "must be " + jsonType(typ.Type.Kind().String())}}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &tandem.Error{Code: tandem.EInvalid, Message: "The request has unknown fields.",
			Fields: []tandem.FieldError{{Field: name, Message: "is not a known field"}}}
	default:
		return invalidBody("could not be read")
	}
}

func invalidBody(msg string) error {
	return &tandem.Error{Code: tandem.EInvalid, Message: "The request body is not acceptable.",
		Fields: []tandem.FieldError{{Field: "body", Message: msg}}}
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return "of another type"
}
