package calendar

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"

	"github.com/tandemhq/tandem/internal/tandem"
)

// ts parses an RFC 3339 instant.
func ts(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("time.Parse(%q): %v", s, err)
	}
	return v
}

// session is a valid confirmed session; tests change what they exercise.
func session(t testing.TB) Session {
	return Session{
		BookingID:   "01JB7Q4W9Z",
		OrgID:       "acme",
		Title:       "Deep dive with Maya Okafor",
		Description: "I'd like to talk about on-call.",
		Start:       ts(t, "2026-12-01T14:00:00Z"),
		End:         ts(t, "2026-12-01T15:00:00Z"),
		Expert:      Person{Name: "Maya Okafor", Email: "maya@acme.example"},
		Learner:     Person{Name: "Ben Hall", Email: "ben@acme.example"},
		MeetingURL:  "https://meet.example.com/go",
		Sequence:    0,
		Status:      "confirmed",
		Created:     ts(t, "2026-11-20T09:30:00Z"),
		Updated:     ts(t, "2026-11-21T10:00:00Z"),
	}
}

// wireProblems lists the ways b breaks RFC 5545 framing: every line must end with CRLF, have
// no other CR or LF, be at most 75 octets and be valid UTF-8 (folded lines included).
func wireProblems(b []byte) []string {
	var probs []string
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		probs = append(probs, "does not end with CRLF")
	}
	for i, l := range bytes.SplitAfter(b, []byte("\n")) {
		if len(l) == 0 {
			continue
		}
		if !bytes.HasSuffix(l, []byte("\r\n")) {
			probs = append(probs, fmt.Sprintf("line %d does not end with CRLF: %q", i+1, l))
			continue
		}
		body := l[:len(l)-2]
		if bytes.ContainsRune(body, '\r') {
			probs = append(probs, fmt.Sprintf("line %d has a bare CR: %q", i+1, l))
		}
		if len(body) > 75 {
			probs = append(probs, fmt.Sprintf("line %d has %d octets: %q", i+1, len(body), l))
		}
		if !utf8.Valid(body) {
			probs = append(probs, fmt.Sprintf("line %d splits or has invalid UTF-8: %q", i+1, l))
		}
	}
	return probs
}

// parse checks the framing of b and re-parses it with the library's own parser.
func parse(t testing.TB, b []byte) *ics.Calendar {
	t.Helper()
	for _, p := range wireProblems(b) {
		t.Error(p)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("ics.ParseCalendar: %v\n%s", err, b)
	}
	return cal
}

// only returns the single event of cal.
func only(t testing.TB, cal *ics.Calendar) *ics.VEvent {
	t.Helper()
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("got %d events, want 1", len(evs))
	}
	return evs[0]
}

// calProp returns the value of the calendar property token ("" when absent).
func calProp(cal *ics.Calendar, token string) string {
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == token {
			return p.Value
		}
	}
	return ""
}

// prop returns the value of the event property ("" when absent).
func prop(e *ics.VEvent, p ics.ComponentProperty) string {
	if v := e.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}

// param returns the single value of parameter name on p ("" when absent).
func param(p ics.IANAProperty, name ics.Parameter) string {
	return strings.Join(p.ICalParameters[string(name)], ",")
}

// fields returns the field names of an EInvalid error, or nil for another error.
func fields(err error) []string {
	var e *tandem.Error
	if !errors.As(err, &e) || e.Code != tandem.EInvalid {
		return nil
	}
	out := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		out[i] = f.Field
	}
	return out
}
