package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

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
	return raw, decodeBytes(raw, dst)
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
	return decodeBytes(raw, dst)
}

func checkContentType(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(ct, "application/json") {
		return invalidBody("Content-Type must be application/json")
	}
	return nil
}

// decodeFrom reads the whole body (capped by the router's MaxBytesReader) and decodes it.
func decodeFrom(body io.Reader, dst any) error {
	raw, err := io.ReadAll(body)
	if err != nil {
		return decodeError(err)
	}
	return decodeBytes(raw, dst)
}

// decodeBytes decodes raw, exactly one JSON value, into dst, then holds what encoding/json
// lets through to the rules of checkBody: keys matched exactly, text without control or
// bidirectional-formatting characters, instants within tandem's range.
func decodeBytes(raw []byte, dst any) error {
	if !utf8.Valid(raw) {
		return invalidBody("must be UTF-8")
	}
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) { // encoding/json takes null for any struct
		return invalidBody("must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return invalidBody("must contain a single JSON object")
	}
	return checkBody(raw, dst)
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

// multilineFields are the JSON names of the free-text fields that may span lines (tab, LF and
// CR allowed); every other string must be one line.
var multilineFields = map[string]bool{
	"bio": true, "note": true, "notes": true, "comment": true, "goal": true, "description": true, "reason": true,
}

var timeType = reflect.TypeFor[time.Time]()

// checkBody walks the decoded JSON of raw beside dst's type and refuses what encoding/json
// accepts but Tandem does not:
//
//   - a key that names a field only case-insensitively ({"ExpertID": ...} for expertId), an
//     unknown field like any other;
//   - a string with a forbidden character (tandem.ForbiddenRune), or longer than
//     tandem.MaxText (fields have tighter limits of their own), map keys included;
//   - an instant outside [tandem.MinInstant, tandem.MaxInstant), so year-9999 dates never
//     reach the engine or the store;
//   - null, which encoding/json takes as "absent" for any field, where the field is not an
//     optional object.
//
// Field errors name the place ("sessionTypes[0].name"). raw has been decoded into dst
// already, so it is one valid JSON value.
func checkBody(raw []byte, dst any) error {
	var doc any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return invalidBody("is not valid JSON")
	}
	var bc bodyChecker
	bc.walk(doc, reflect.TypeOf(dst), "", false)
	if len(bc.unknown) > 0 {
		fields := make([]tandem.FieldError, len(bc.unknown))
		for i, f := range bc.unknown {
			fields[i] = tandem.FieldError{Field: f, Message: "is not a known field (names are case-sensitive)"}
		}
		return &tandem.Error{Code: tandem.EInvalid, Message: "The request has unknown fields.", Fields: fields}
	}
	return bc.v.Err()
}

type bodyChecker struct {
	v       tandem.Validation
	unknown []string
}

func (bc *bodyChecker) walk(v any, t reflect.Type, path string, multiline bool) {
	if v == nil && t != nil && path != "" {
		// encoding/json takes null as "leave it be"; only an optional object (a pointer to
		// a struct, such as the settings' budget) may be null.
		if !(t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct) && t.Kind() != reflect.Interface {
			bc.v.Add(path, "must not be null")
		}
		return
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		switch {
		case t != nil && t.Kind() == reflect.Struct:
			fields := jsonFields(t)
			for _, k := range keys {
				ft, ok := fields[k]
				if !ok {
					bc.unknown = append(bc.unknown, joinPath(path, k))
					continue
				}
				bc.walk(v[k], ft, joinPath(path, k), multilineFields[k])
			}
		default:
			var elem reflect.Type
			if t != nil && t.Kind() == reflect.Map {
				elem = t.Elem()
			}
			for _, k := range keys {
				bc.text(path, k, false)
				bc.walk(v[k], elem, joinPath(path, k), false)
			}
		}
	case []any:
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i, x := range v {
			bc.walk(x, elem, path+"["+strconv.Itoa(i)+"]", multiline)
		}
	case string:
		if t == timeType {
			// Present, so checked even when it is the zero time (0001-01-01T00:00:00Z).
			if at, err := time.Parse(time.RFC3339, v); err == nil {
				bc.v.Check(tandem.InstantInRange(at), fieldName(path), tandem.InstantRule)
			}
			return
		}
		bc.text(path, v, multiline)
	}
}

func (bc *bodyChecker) text(path, s string, multiline bool) {
	if p := tandem.TextProblem(s, multiline); p != "" {
		bc.v.Add(fieldName(path), "%s", p)
		return
	}
	bc.v.Check(utf8.RuneCountInString(s) <= tandem.MaxText, fieldName(path), "must be at most %d characters", tandem.MaxText)
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func fieldName(path string) string {
	if path == "" {
		return "body"
	}
	return path
}

var fieldCache sync.Map // reflect.Type → map[string]reflect.Type

// jsonFields maps the exact JSON names of struct type t's fields, as encoding/json sees them
// (tags, promoted fields of embedded structs), to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	var promoted []map[string]reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			promoted = append(promoted, jsonFields(ft))
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f.Type
	}
	for _, p := range promoted { // a field of the outer struct wins over a promoted one
		for k, v := range p {
			if _, ok := m[k]; !ok {
				m[k] = v
			}
		}
	}
	fieldCache.Store(t, m)
	return m
}
