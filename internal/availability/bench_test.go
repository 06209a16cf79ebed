package availability

import (
	"fmt"
	"testing"
	"time"
)

// busyExpert is a New York expert with weekday hours, a few overrides and a week off, and two
// bookings on every working day of the 90 days after from.
func busyExpert(b *testing.B) (Schedule, Rules, []Busy, time.Time, time.Time) {
	ny := zoneOf(b, "America/New_York")
	work := []LocalInterval{li("09:00", "12:00"), li("13:00", "17:30")}
	s := Schedule{
		Timezone: "America/New_York",
		Weekly:   Weekly{Mon: work, Tue: work, Wed: work, Thu: work, Fri: work},
		Overrides: []Override{
			{Date: "2026-03-14", Intervals: []LocalInterval{li("10:00", "14:00")}},
			{Date: "2026-04-03"},
			{Date: "2026-05-25"},
		},
		TimeOff: []TimeOff{{Start: ts(b, "2026-04-20T00:00:00-04:00"), End: ts(b, "2026-04-27T00:00:00-04:00")}},
	}
	r := Rules{DurationMin: 60, BufferBeforeMin: 10, BufferAfterMin: 15, IncrementMin: 30, MinNoticeMin: 240,
		HorizonDays: 120, MaxPerDay: 4, MaxPerWeek: 15}
	from := time.Date(2026, 3, 2, 0, 0, 0, 0, ny)
	var busy []Busy
	for d := range 90 {
		day := from.AddDate(0, 0, d)
		if day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
			continue
		}
		for _, h := range []int{10, 15} {
			start := time.Date(day.Year(), day.Month(), day.Day(), h, 0, 0, 0, ny).UTC()
			busy = append(busy, Busy{Start: start, End: start.Add(time.Hour), BufferBefore: 10 * time.Minute, BufferAfter: 15 * time.Minute, Counts: true})
		}
	}
	return s, r, busy, from, from.Add(-24 * time.Hour)
}

func BenchmarkSlots(b *testing.B) {
	s, r, busy, from, now := busyExpert(b)
	learner := zoneOf(b, "Europe/Berlin")
	for _, days := range []int{14, 90} {
		b.Run(fmt.Sprintf("%ddays", days), func(b *testing.B) {
			to := from.AddDate(0, 0, days)
			b.ReportAllocs()
			var n int
			for b.Loop() {
				got, err := Slots(s, r, busy, from, to, now, learner)
				if err != nil {
					b.Fatal(err)
				}
				n = len(got)
			}
			b.ReportMetric(float64(n), "slots")
		})
	}
}

func BenchmarkCheck(b *testing.B) {
	s, r, busy, from, now := busyExpert(b)
	start := time.Date(from.Year(), from.Month(), from.Day()+8, 13, 30, 0, 0, from.Location())
	if err := Check(s, r, busy, start, now); err != nil {
		b.Fatalf("Check(%v) = %v, want a bookable start", start, err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = Check(s, r, busy, start, now)
	}
}

func BenchmarkOpen365Days(b *testing.B) {
	s, _, _, from, _ := busyExpert(b)
	to := from.AddDate(1, 0, 0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Open(s, from, to); err != nil {
			b.Fatal(err)
		}
	}
}
