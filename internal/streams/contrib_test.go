package streams

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/analytics"
	"github.com/tandemhq/tandem/internal/tandem"
)

// A seat of a group session counts its full duration as the learner's hours but only its
// share of the expert's time toward utilization; a one-to-one session counts fully in both.
func TestSeatCountsItsShareOfTheExpertsTime(t *testing.T) {
	start := time.Date(2027, 3, 3, 14, 0, 0, 0, time.UTC)
	seat := &tandem.Booking{ID: "s1", Expert: tandem.Party{ID: "e"}, Learner: tandem.Party{ID: "l", Department: "Sales"},
		SessionType: tandem.SessionType{ID: "circle", DurationMin: 60, Seats: 4}, CircleID: "c1",
		Start: start, End: start.Add(time.Hour), Status: tandem.StatusCompleted}
	org := cell{"2027-03", orgGroup()}
	got := bookingContribution(seat)[org]
	if got["minutesBooked"] != 60 || got["minutesDelivered"] != 60 || got["groupExtraMinutesBooked"] != 45 || got["groupExtraMinutesDelivered"] != 45 {
		t.Errorf("seat contribution %v", got)
	}
	// Four seats of one circle use the circle's hour of a two-hour offer: 50%.
	c := analytics.Counts{MinutesBooked: 4 * got["minutesBooked"], MinutesDelivered: 4 * got["minutesDelivered"],
		GroupExtraMinutesBooked: 4 * got["groupExtraMinutesBooked"], GroupExtraMinutesDelivered: 4 * got["groupExtraMinutesDelivered"], MinutesOffered: 120}
	m := analytics.Compute(c)
	if m.UtilizationBooked == nil || *m.UtilizationBooked != 0.5 || m.HoursBooked != 4 {
		t.Errorf("four seats of a one-hour circle in two offered hours: utilization %v, hours %v", m.UtilizationBooked, m.HoursBooked)
	}
	oneToOne := *seat
	oneToOne.CircleID, oneToOne.SessionType.Seats = "", 1
	if got := bookingContribution(&oneToOne)[org]; got["groupExtraMinutesBooked"] != 0 || got["minutesBooked"] != 60 {
		t.Errorf("one-to-one contribution %v", got)
	}
	// A cancelled seat books nothing, so it has no extra either.
	seat.Status = tandem.StatusCancelled
	if got := bookingContribution(seat)[org]; got["groupExtraMinutesBooked"] != 0 {
		t.Errorf("cancelled seat %v", got)
	}
}
