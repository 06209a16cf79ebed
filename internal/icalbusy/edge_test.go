package icalbusy_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/icalbusy"
	"github.com/tandemhq/tandem/internal/icalbusy/fixtures"
)

// doc wraps VEVENT bodies (lines separated by "|") in a VCALENDAR.
func doc(events ...string) []byte {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n")
	for i, e := range events {
		b.WriteString("BEGIN:VEVENT\r\n")
		if !strings.Contains(e, "UID:") {
			fmt.Fprintf(&b, "UID:e%d\r\n", i)
		}
		b.WriteString(strings.ReplaceAll(e, "|", "\r\n"))
		b.WriteString("\r\nEND:VEVENT\r\n")
	}
	b.WriteString("END:VCALENDAR\r\n")
	return []byte(b.String())
}

// TestEdges: one behaviour per case, owner in New York, window 2026-11-01..2026-11-15 UTC.
func TestEdges(t *testing.T) {
	ny := zone(t, "America/New_York")
	from, to := utc("2026-11-01T00:00:00Z"), utc("2026-11-15T00:00:00Z")
	cases := []struct {
		name    string
		doc     []byte
		want    []string
		skipped map[string]int
		guessed int
	}{
		{"windows zone without VTIMEZONE",
			doc("DTSTART;TZID=Eastern Standard Time:20261102T090000|DTEND;TZID=Eastern Standard Time:20261102T100000"),
			[]string{"2026-11-02T14:00Z/15:00Z"}, nil, 0},
		{"mozilla-prefixed IANA zone",
			doc("DTSTART;TZID=/mozilla.org/20050126_1/Europe/Berlin:20261102T090000|DURATION:PT45M"),
			[]string{"2026-11-02T08:00Z/08:45Z"}, nil, 0},
		{"unknown zone is read in the owner's and counted",
			doc("DTSTART;TZID=Mars/Olympus_Mons:20261102T090000|DTEND;TZID=Mars/Olympus_Mons:20261102T100000"),
			[]string{"2026-11-02T14:00Z/15:00Z"}, nil, 1},
		{"a long daily interval is expanded",
			doc("DTSTART:20261004T150000Z|DTEND:20261004T160000Z|RRULE:FREQ=DAILY;INTERVAL=14;BYDAY=SU"),
			[]string{"2026-11-01T15:00Z/16:00Z"}, nil, 0},
		{"a long daily interval that can never match its BYDAY",
			doc("DTSTART:20261104T150000Z|DTEND:20261104T160000Z|RRULE:FREQ=DAILY;INTERVAL=14;BYDAY=MO"),
			[]string{"2026-11-04T15:00Z/16:00Z"}, map[string]int{"bad-rule": 1}, 0},
		{"custom VTIMEZONE without DST (Outlook's DTSTART 1601)",
			[]byte("BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:Customized India\r\nBEGIN:STANDARD\r\nDTSTART:16010101T000000\r\nTZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n" +
				"BEGIN:VEVENT\r\nUID:i\r\nDTSTART;TZID=Customized India:20261102T093000\r\nDTEND;TZID=Customized India:20261102T103000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"),
			[]string{"2026-11-02T04:00Z/05:00Z"}, nil, 0},
		{"floating time in the owner's zone",
			doc("DTSTART:20261102T090000|DTEND:20261102T093000"),
			[]string{"2026-11-02T14:00Z/14:30Z"}, nil, 0},
		{"all-day with DURATION P2D across nothing special",
			doc("DTSTART;VALUE=DATE:20261105|DURATION:P2D"),
			[]string{"2026-11-05T05:00Z/2026-11-07T05:00Z"}, nil, 0},
		{"all-day without DTEND is one day, and the DST day is 25 hours",
			doc("DTSTART;VALUE=DATE:20261101"),
			[]string{"2026-11-01T04:00Z/2026-11-02T05:00Z"}, nil, 0},
		{"zero length is not busy",
			doc("DTSTART:20261102T150000Z"),
			nil, map[string]int{"empty": 1}, 0},
		{"DATE EXDATE removes that day of a daily series; RDATE PERIOD has its own length",
			doc("DTSTART;TZID=America/New_York:20261102T080000|DTEND;TZID=America/New_York:20261102T083000|RRULE:FREQ=DAILY;COUNT=3|EXDATE;VALUE=DATE:20261103|RDATE;VALUE=PERIOD:20261110T200000Z/PT2H"),
			[]string{"2026-11-02T13:00Z/13:30Z", "2026-11-04T13:00Z/13:30Z", "2026-11-10T20:00Z/22:00Z"}, map[string]int{"excluded": 1}, 0},
		{"series without COUNT from 2001 is started near the window, still at 08:00 local",
			doc("DTSTART;TZID=America/New_York:20010702T080000|DTEND;TZID=America/New_York:20010702T081500|RRULE:FREQ=WEEKLY;BYDAY=MO"),
			[]string{"2026-11-02T13:00Z/13:15Z", "2026-11-09T13:00Z/13:15Z"}, nil, 0},
		{"monthly by weekday from 2010",
			doc("DTSTART;TZID=America/New_York:20100112T160000|DTEND;TZID=America/New_York:20100112T170000|RRULE:FREQ=MONTHLY;BYDAY=2TH"),
			[]string{"2026-11-12T21:00Z/22:00Z"}, nil, 0},
		{"UNTIL before the window: nothing",
			doc("DTSTART:20250102T150000Z|DTEND:20250102T160000Z|RRULE:FREQ=DAILY;UNTIL=20250301T000000Z"),
			nil, nil, 0},
		{"cancelled master drops the series; its override alone stays",
			doc("UID:s|DTSTART:20261102T150000Z|DTEND:20261102T160000Z|RRULE:FREQ=DAILY;COUNT=5|STATUS:CANCELLED",
				"UID:s|RECURRENCE-ID:20261103T150000Z|DTSTART:20261103T170000Z|DTEND:20261103T180000Z"),
			[]string{"2026-11-03T17:00Z/18:00Z"}, map[string]int{"cancelled": 1}, 0},
		{"override moving an instance out of the window, another into it",
			doc("UID:m|DTSTART:20261020T150000Z|DTEND:20261020T160000Z|RRULE:FREQ=WEEKLY;COUNT=4",
				"UID:m|RECURRENCE-ID:20261103T150000Z|DTSTART:20261120T150000Z|DTEND:20261120T160000Z",
				"UID:m|RECURRENCE-ID:20261027T150000Z|DTSTART:20261105T150000Z|DTEND:20261105T160000Z"),
			[]string{"2026-11-05T15:00Z/16:00Z", "2026-11-10T15:00Z/16:00Z"}, nil, 0},
		{"override without a master is an event (Google's single-instance invitations)",
			doc("UID:o|RECURRENCE-ID:20261103T150000Z|DTSTART:20261103T150000Z|DTEND:20261103T160000Z"),
			[]string{"2026-11-03T15:00Z/16:00Z"}, nil, 0},
		{"SECONDLY rule is refused: DTSTART only",
			doc("DTSTART:20261102T150000Z|DTEND:20261102T150100Z|RRULE:FREQ=SECONDLY"),
			[]string{"2026-11-02T15:00Z/15:01Z"}, map[string]int{"bad-rule": 1}, 0},
		{"a rule that never matches is found quickly: DTSTART only",
			doc("DTSTART:20261102T150000Z|DTEND:20261102T160000Z|RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"),
			[]string{"2026-11-02T15:00Z/16:00Z"}, map[string]int{"bad-rule": 1}, 0},
		{"lower-case names and unknown properties are read",
			doc("dtstart;tzid=America/New_York:20261102T090000|dtend;tzid=America/New_York:20261102T100000|X-UNKNOWN;FOO=bar:baz"),
			[]string{"2026-11-02T14:00Z/15:00Z"}, nil, 0},
		{"DTSTART unreadable: ignored and counted",
			doc("DTSTART:2026-11-02 09:00|DTEND:20261102T100000"),
			nil, map[string]int{"bad-time": 1}, 0},
		{"overlapping and touching events merge; clipped to the window",
			doc("DTSTART:20261031T230000Z|DTEND:20261101T010000Z", "DTSTART:20261101T010000Z|DTEND:20261101T020000Z", "DTSTART:20261101T013000Z|DTEND:20261101T030000Z"),
			[]string{"2026-11-01T00:00Z/03:00Z"}, nil, 0},
		{"tentative and unanswered are busy",
			doc("DTSTART:20261102T150000Z|DTEND:20261102T160000Z|STATUS:TENTATIVE|ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:maya@acme.example"),
			[]string{"2026-11-02T15:00Z/16:00Z"}, nil, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, sum, err := icalbusy.Expand(c.doc, ny, from, to, icalbusy.WithAddresses("maya@acme.example"))
			if err != nil {
				t.Fatal(err)
			}
			var want []icalbusy.Interval
			for _, w := range c.want {
				want = append(want, iv(w))
			}
			if show(got) != show(want) {
				t.Errorf("busy:\n%swant:\n%s", show(got), show(want))
			}
			if fmt.Sprint(sum.Skipped) != fmt.Sprint(c.skipped) && !(len(sum.Skipped) == 0 && len(c.skipped) == 0) {
				t.Errorf("skipped %v, want %v", sum.Skipped, c.skipped)
			}
			if sum.GuessedZones != c.guessed {
				t.Errorf("guessed %d zones, want %d", sum.GuessedZones, c.guessed)
			}
		})
	}
}

// TestHostile: documents built to make the expansion slow or large fail fast with a clear error.
func TestHostile(t *testing.T) {
	ny := zone(t, "America/New_York")
	from, to := utc("2026-11-01T00:00:00Z"), utc("2027-01-01T00:00:00Z")
	impossible := make([]string, 40)
	for i := range impossible {
		impossible[i] = "DTSTART:20261102T150000Z|DTEND:20261102T160000Z|RRULE:FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31"
	}
	many := make([]string, 30)
	for i := range many {
		many[i] = "DTSTART:15000101T000000Z|DTEND:15000101T001500Z|RRULE:FREQ=DAILY;COUNT=900000"
	}
	cases := []struct {
		name string
		doc  []byte
		want error
	}{
		{"not a calendar", []byte("<html>sign in</html>"), icalbusy.ErrMalformed},
		{"empty", nil, icalbusy.ErrMalformed},
		{"truncated", []byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2026"), icalbusy.ErrMalformed},
		{"nested a thousand deep", []byte("BEGIN:VCALENDAR\r\n" + strings.Repeat("BEGIN:X\r\n", 1000)), icalbusy.ErrMalformed},
		{"nested through folded lines", []byte("BEGIN:VCALENDAR\r\n" + strings.Repeat("BEG\r\n IN:X\r\n", 1000)), icalbusy.ErrMalformed},
		{"too many events", doc(make([]string, 20001)...), icalbusy.ErrTooComplex},
		{"a minute-by-minute day rule", doc("DTSTART:20261102T000000Z|DTEND:20261102T000100Z|RRULE:FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;BYMINUTE=" + seq(60)), icalbusy.ErrTooComplex},
		{"forty rules that never match", doc(impossible...), icalbusy.ErrTooComplex},
		{"counted daily rules from the year 1500", doc(many...), icalbusy.ErrTooComplex},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, _, err := icalbusy.Expand(c.doc, ny, from, to)
			if !errors.Is(err, c.want) {
				t.Fatalf("err %v, want %v", err, c.want)
			}
			if d := time.Since(start); d > 30*time.Second { // ~1 s on an idle machine; -race is slower
				t.Errorf("took %v", d)
			}
			t.Logf("%v in %v", err, time.Since(start).Round(time.Millisecond))
		})
	}
	if _, _, err := icalbusy.Expand(doc(), ny, to, from); err == nil {
		t.Error("a reversed window was accepted")
	}
}

func seq(n int) string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprint(i)
	}
	return strings.Join(s, ",")
}

// TestGenerated500: the sync-cost fixture expands, deterministically.
func TestGenerated500(t *testing.T) {
	start := utc("2026-12-07T00:00:00Z")
	a := fixtures.Generate(500, start, time.UTC, 1)
	b := fixtures.Generate(500, start, time.UTC, 1)
	if string(a) != string(b) {
		t.Fatal("Generate is not deterministic")
	}
	t0 := time.Now()
	busy, sum, err := icalbusy.Expand(a, time.UTC, start, start.AddDate(0, 0, 62))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("500 events: %d busy intervals from %d instances, %v skipped, in %v", len(busy), sum.Instances, sum.Skipped, time.Since(t0))
	if sum.Events < 500 || sum.Instances < 500 || len(busy) < 50 {
		t.Fatalf("events %d, intervals %d", sum.Events, len(busy))
	}
}

func BenchmarkExpand500(b *testing.B) {
	start := utc("2026-12-07T00:00:00Z")
	data := fixtures.Generate(500, start, zone(b, "Europe/Berlin"), 1)
	for b.Loop() {
		if _, _, err := icalbusy.Expand(data, zone(b, "Europe/Berlin"), start, start.AddDate(0, 0, 62)); err != nil {
			b.Fatal(err)
		}
	}
}
