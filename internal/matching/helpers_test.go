package matching

import (
	"testing"
	"time"

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

// slots parses RFC 3339 instants.
func slots(t testing.TB, ss ...string) []time.Time {
	t.Helper()
	out := make([]time.Time, len(ss))
	for i, s := range ss {
		out[i] = ts(t, s)
	}
	return out
}

func ratings(count int, avg float64) tandem.RatingSummary {
	return tandem.RatingSummary{Count: count, Average: avg}
}

// ids returns the expert ids of ms in order.
func ids(ms []Match) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ExpertID
	}
	return out
}

// value returns the value of signal name in m.
func value(t testing.TB, m Match, name string) float64 {
	t.Helper()
	s, ok := m.Signal(name)
	if !ok {
		t.Fatalf("match %s has no %s signal", m.ExpertID, name)
	}
	return s.Value
}

// fieldsOf returns the code and field errors of err.
func fieldsOf(err error) (string, []tandem.FieldError) {
	if e, ok := err.(*tandem.Error); ok {
		return e.Code, e.Fields
	}
	return tandem.ErrorCode(err), nil
}
