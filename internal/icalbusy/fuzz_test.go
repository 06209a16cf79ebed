package icalbusy_test

import (
	"errors"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/icalbusy"
	"github.com/tandemhq/tandem/internal/icalbusy/fixtures"
)

// FuzzExpand: any bytes either fail with ErrMalformed or ErrTooComplex, or answer sorted,
// disjoint, non-empty UTC intervals inside the window; never a panic (caught panics are turned
// off here so the fuzzer sees them). Run: go test -fuzz FuzzExpand -run '^$' ./internal/icalbusy
func FuzzExpand(f *testing.F) {
	icalbusy.SetCatchPanics(false)
	for _, name := range []string{"google.ics", "outlook.ics", "apple.ics"} {
		f.Add(fixtures.Read(name))
	}
	f.Add(doc("DTSTART;TZID=Customized:20261102T090000|DURATION:-P1W|RRULE:FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,FR;INTERVAL=3"))
	f.Add(doc("DTSTART;VALUE=DATE:20261101|RDATE;VALUE=PERIOD:20261110T200000Z/20261110T190000Z|EXDATE:20261101"))
	f.Add(doc("UID:x|RECURRENCE-ID;RANGE=THISANDFUTURE:20261103|DTSTART:20261103T170000Z|DTEND:20261103T180000Z"))
	f.Add([]byte("BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:X\r\nBEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+9999\r\nTZOFFSETTO:-0000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=13\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n"))
	owner, _ := time.LoadLocation("Europe/Berlin")
	from, to := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		busy, _, err := icalbusy.Expand(data, owner, from, to, icalbusy.WithAddresses("maya@acme.example"),
			icalbusy.WithLimits(icalbusy.Limits{MaxSteps: 200_000}))
		if err != nil {
			if !errors.Is(err, icalbusy.ErrMalformed) && !errors.Is(err, icalbusy.ErrTooComplex) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		var last time.Time
		for i, iv := range busy {
			if iv.Start.Location() != time.UTC || iv.End.Location() != time.UTC {
				t.Fatalf("interval %d not in UTC", i)
			}
			if !iv.End.After(iv.Start) || iv.Start.Before(from) || iv.End.After(to) {
				t.Fatalf("interval %d %v..%v empty or outside the window", i, iv.Start, iv.End)
			}
			if i > 0 && !iv.Start.After(last) {
				t.Fatalf("interval %d overlaps or touches the one before", i)
			}
			last = iv.End
		}
	})
}
