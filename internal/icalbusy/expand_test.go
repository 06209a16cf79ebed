package icalbusy_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/icalbusy"
	"github.com/tandemhq/tandem/internal/icalbusy/fixtures"
)

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// iv parses "2026-10-13T14:00Z/15:00Z" (end on the same day) or a full "start/end" pair.
func iv(s string) icalbusy.Interval {
	a, b, _ := strings.Cut(s, "/")
	start := utc(a[:len(a)-1] + ":00Z")
	var end time.Time
	if len(b) == len("15:00Z") {
		end = utc(a[:11] + b[:5] + ":00Z")
	} else {
		end = utc(b[:len(b)-1] + ":00Z")
	}
	return icalbusy.Interval{Start: start, End: end}
}

func show(ivs []icalbusy.Interval) string {
	var b strings.Builder
	for _, i := range ivs {
		fmt.Fprintf(&b, "  %s/%s\n", i.Start.Format("2006-01-02T15:04Z"), i.End.Format("2006-01-02T15:04Z"))
	}
	return b.String()
}

// TestFixtures is the hand-checked table: every busy UTC instant the three exported calendars
// give between 1 October and 1 December 2026. Each expectation's comment is the reasoning.
func TestFixtures(t *testing.T) {
	from, to := utc("2026-10-01T00:00:00Z"), utc("2026-12-01T00:00:00Z")
	cases := []struct {
		file    string
		owner   string
		want    []string
		skipped map[string]int
	}{
		{
			file: "google.ics", owner: "America/New_York",
			want: []string{
				"2026-10-13T14:00Z/15:00Z", // weekly Tue 10:00 EDT (UTC-4)
				// 10-14 17:00Z: Maya declined (PARTSTAT=DECLINED, address in other case)
				// 10-15: birthday, all-day TRANSPARENT
				"2026-10-16T04:00Z/2026-10-17T04:00Z", // all-day OOO, midnight to midnight New York (EDT)
				"2026-10-20T14:00Z/15:00Z",            // Tue 10:00 EDT
				"2026-10-21T18:00Z/18:30Z",            // UTC event
				// 10-22: STATUS:CANCELLED; 10-27: EXDATE
				// 11-01: DST ends in New York (UTC-5 from here)
				"2026-11-04T19:00Z/20:00Z", // the 11-03 instance moved to Wed 14:00 EST
				"2026-11-10T15:00Z/16:00Z", // Tue 10:00 EST
				"2026-11-17T15:00Z/16:00Z", // Tue 10:00 EST, the 6th and last (COUNT=6 counts the EXDATE'd one)
			},
			skipped: map[string]int{"declined": 1, "transparent": 1, "cancelled": 1, "excluded": 1},
		},
		{
			file: "outlook.ics", owner: "Europe/Berlin",
			want: []string{
				"2026-10-15T07:00Z/07:30Z", // weekly Thu 09:00 "W. Europe Standard Time" = CEST (UTC+2)
				// 10-20 lunch and 10-21 focus time: BUSYSTATUS FREE
				"2026-10-22T07:00Z/07:30Z",            // Thu 09:00 CEST
				"2026-10-22T22:00Z/2026-10-23T22:00Z", // all-day OOF on 10-23, Berlin midnight to midnight (TRANSP ignored: BUSYSTATUS OOF)
				// 10-25: DST ends in Berlin (UTC+1 from here)
				"2026-10-29T08:00Z/08:30Z", // Thu 09:00 CET
				"2026-10-30T13:00Z/14:00Z", // "Customized Time Zone" = US Eastern rules, 09:00 EDT
				"2026-11-02T14:00Z/15:00Z", // 09:00 EST: the custom zone's DST ended 11-01
				// 11-05: EXDATE
				"2026-11-12T15:00Z/15:30Z", // the 11-12 instance moved to 16:00 CET
				"2026-11-19T08:00Z/08:30Z", // Thu 09:00 CET, = UNTIL, included
			},
			skipped: map[string]int{"transparent": 2, "excluded": 1},
		},
		{
			file: "apple.ics", owner: "Europe/London",
			want: []string{
				"2026-10-19T13:00Z/14:00Z",            // weekly Mon 14:00 BST (UTC+1)
				"2026-10-22T08:00Z/09:00Z",            // RDATE Thu 09:00 BST, the series' length
				"2026-10-23T23:00Z/2026-10-26T00:00Z", // all-day Sat-Sun in London: 00:00 BST to 00:00 GMT (49 h)
				// 10-25: DST ends in London
				"2026-10-26T14:00Z/15:00Z", // Mon 14:00 GMT
				"2026-10-28T12:00Z/12:30Z", // floating 12:00 read in the owner's zone, DURATION PT30M
				// 10-29: gym TRANSPARENT; 11-02: cancelled override; VTODO ignored
				"2026-11-09T14:00Z/15:00Z", // Mon 14:00 GMT, before UNTIL 11-10
			},
			skipped: map[string]int{"transparent": 1, "cancelled": 1},
		},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			got, sum, err := icalbusy.Expand(fixtures.Read(c.file), zone(t, c.owner), from, to,
				icalbusy.WithAddresses("mailto:maya@acme.example"))
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
			if fmt.Sprint(sum.Skipped) != fmt.Sprint(c.skipped) {
				t.Errorf("skipped %v, want %v", sum.Skipped, c.skipped)
			}
			if sum.GuessedZones != 0 {
				t.Errorf("guessed %d zones", sum.GuessedZones)
			}
		})
	}
}
