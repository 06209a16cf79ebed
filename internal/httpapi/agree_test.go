package httpapi

import (
	"fmt"
	"testing"
	"time"
)

// TestListingAgreesWithBooking: on a day with existing bookings (buffers included) and a
// per-day limit, every listed slot can be booked and every time that is not listed cannot,
// for every quarter hour of the day and both session types.
func TestListingAgreesWithBooking(t *testing.T) {
	f := newBookingFixture(t, "instant", 4)
	f.mustBook(t, learner(40), "agree-seed-1", "2027-03-03T15:00:00Z", "deep")  // 10:00–11:00 NY, buffers 15/15
	f.mustBook(t, learner(41), "agree-seed-2", "2027-03-03T18:30:00Z", "intro") // 13:30–14:00 NY, buffer after 10
	n := 0
	for _, st := range []string{"intro", "deep"} {
		listed := map[string]bool{}
		for _, s := range f.slotStarts(t, "from=2027-03-03&to=2027-03-03&sessionType="+st) {
			listed[s] = true
		}
		if len(listed) == 0 {
			t.Fatalf("%s: nothing listed", st)
		}
		for at := time.Date(2027, 3, 3, 12, 0, 0, 0, time.UTC); at.Before(time.Date(2027, 3, 3, 23, 0, 0, 0, time.UTC)); at = at.Add(15 * time.Minute) {
			start := at.Format(time.RFC3339)
			n++
			l := learner(100 + n)
			res := f.book(l, fmt.Sprintf("agree-%s-%04d", st, n), bookBody(start, st))
			switch {
			case listed[start] && res.Status != 201:
				t.Errorf("%s %s is listed but booking it gave %d %s", st, start, res.Status, res.Body)
			case !listed[start] && (res.Status < 400 || res.Status >= 500):
				t.Errorf("%s %s is not listed but booking it gave %d", st, start, res.Status)
			}
			if res.Status == 201 {
				var b bookingJSON
				res.decode(t, &b)
				if c := f.act(l, b.ID, "cancel", ""); c.Status != 200 {
					t.Fatalf("cancel: %d %s", c.Status, c.Body)
				}
			}
		}
	}
	checkBookingInvariants(t, itemsOf(t, f), f.clock())
}

func BenchmarkBook(b *testing.B) {
	f := newBookingFixture(b, "instant", 0)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		// Alternate over a day's grid with new learners; cancel to keep the grid free.
		i++
		l := learner(1000 + i)
		start := time.Date(2027, 3, 3, 14, 0, 0, 0, time.UTC).Add(time.Duration(i%14) * 30 * time.Minute).Format(time.RFC3339)
		res := f.book(l, fmt.Sprintf("bench-key-%06d", i), bookBody(start, "intro"))
		if res.Status != 201 {
			b.Fatalf("book: %d %s", res.Status, res.Body)
		}
		b.StopTimer()
		var bk bookingJSON
		res.decode(b, &bk)
		f.act(l, bk.ID, "cancel", "")
		b.StartTimer()
	}
}
