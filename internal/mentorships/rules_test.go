package mentorships

import (
	"slices"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

func pair(status tandem.MentorshipStatus, accepted ...string) *tandem.Mentorship {
	return &tandem.Mentorship{ID: "m1", Learner: tandem.Party{ID: "L"}, Expert: tandem.Party{ID: "E"},
		ProposedBy: "L", Accepted: accepted, Status: status}
}

// The state machine, every state × action × party: proposed → active (both accepted) ↔
// paused → closed; asking for the state one is in changes nothing; a stranger sees nothing.
func TestTransitionTable(t *testing.T) {
	P, A, Pa, C := tandem.MentorshipProposed, tandem.MentorshipActive, tandem.MentorshipPaused, tandem.MentorshipClosed
	for _, tc := range []struct {
		from     tandem.MentorshipStatus
		accepted []string
		act      Action
		by       string
		to       tandem.MentorshipStatus
		changed  bool
		code     string
	}{
		{P, []string{"L"}, ActAccept, "E", A, true, ""},
		{P, []string{"L"}, ActAccept, "L", P, false, ""}, // the proposer's second accept
		{P, []string{"E"}, ActAccept, "L", A, true, ""},
		{P, nil, ActAccept, "L", P, true, ""},
		{P, []string{"L"}, ActAccept, "X", P, false, tandem.ENotFound},
		{P, []string{"L"}, ActPause, "E", P, false, tandem.EConflict},
		{P, []string{"L"}, ActResume, "E", P, false, tandem.EConflict},
		{P, []string{"L"}, ActClose, "E", C, true, ""}, // declining the proposal
		{A, []string{"L", "E"}, ActAccept, "E", A, false, ""},
		{A, []string{"L", "E"}, ActPause, "L", Pa, true, ""},
		{A, []string{"L", "E"}, ActResume, "L", A, false, ""},
		{A, []string{"L", "E"}, ActClose, "E", C, true, ""},
		{A, []string{"L", "E"}, ActClose, "X", A, false, tandem.ENotFound},
		{Pa, []string{"L", "E"}, ActAccept, "L", Pa, false, ""},
		{Pa, []string{"L", "E"}, ActPause, "E", Pa, false, ""},
		{Pa, []string{"L", "E"}, ActResume, "E", A, true, ""},
		{Pa, []string{"L", "E"}, ActClose, "L", C, true, ""},
		{C, []string{"L", "E"}, ActAccept, "L", C, false, tandem.EConflict},
		{C, []string{"L", "E"}, ActPause, "L", C, false, tandem.EConflict},
		{C, []string{"L", "E"}, ActResume, "E", C, false, tandem.EConflict},
		{C, []string{"L", "E"}, ActClose, "E", C, false, ""},
	} {
		m := pair(tc.from, tc.accepted...)
		to, acc, changed, err := Transition(m, tc.act, tc.by)
		if got := tandem.ErrorCode(err); got != tc.code && !(tc.code == "" && err == nil) {
			t.Errorf("%s %s by %s: error %v, want %q", tc.from, tc.act, tc.by, err, tc.code)
			continue
		}
		if err != nil {
			continue
		}
		if to != tc.to || changed != tc.changed {
			t.Errorf("%s %s by %s = %s changed=%v, want %s changed=%v", tc.from, tc.act, tc.by, to, changed, tc.to, tc.changed)
		}
		if tc.act == ActAccept && changed && !slices.Contains(acc, tc.by) {
			t.Errorf("%s accept by %s: accepted = %v", tc.from, tc.by, acc)
		}
		if !slices.Equal(m.Accepted, tc.accepted) {
			t.Errorf("Transition changed its input: %v", m.Accepted)
		}
	}
}

func agreement(cadence tandem.Cadence, months int, weekday, zone string) tandem.Agreement {
	return tandem.Agreement{Goals: []tandem.Goal{{Title: "Lead a design review", Measure: "reviews led"}}, Cadence: cadence,
		Months: months, SessionType: "deep", Weekday: weekday, Window: tandem.Window{Start: "09:00", End: "12:00"}, Timezone: zone}
}

// A biweekly series in London across the October change keeps 10:00 local: 09:00 UTC in
// summer time, 10:00 UTC after.
func TestSeriesKeepsWallClockAcrossDST(t *testing.T) {
	a := agreement(tandem.CadenceBiweekly, 3, "tue", "Europe/London")
	starts, err := Series(a, time.Date(2027, 9, 1, 0, 0, 0, 0, time.UTC), 10*60)
	if err != nil {
		t.Fatal(err)
	}
	london, _ := time.LoadLocation("Europe/London")
	want := []string{"2027-09-07T09:00:00Z", "2027-09-21T09:00:00Z", "2027-10-05T09:00:00Z", "2027-10-19T09:00:00Z",
		"2027-11-02T10:00:00Z", "2027-11-16T10:00:00Z", "2027-11-30T10:00:00Z"}
	var got []string
	for _, s := range starts {
		got = append(got, s.Format(time.RFC3339))
		if l := s.In(london); l.Hour() != 10 || l.Minute() != 0 || l.Weekday() != time.Tuesday {
			t.Errorf("%s is %s in London, want Tuesday 10:00", s, l)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("series = %v, want %v", got, want)
	}
}

func TestSeriesCadences(t *testing.T) {
	from := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC) // a Friday
	weekly, _ := Series(agreement(tandem.CadenceWeekly, 1, "mon", "America/New_York"), from, 9*60+30)
	if len(weekly) != 5 || weekly[0].Format(time.RFC3339) != "2027-01-04T14:30:00Z" {
		t.Errorf("weekly = %v", weekly)
	}
	// Monthly: the same n-th weekday (the 2nd Wednesday when the first is 13 Jan).
	monthly, _ := Series(agreement(tandem.CadenceMonthly, 3, "wed", "UTC"), time.Date(2027, 1, 8, 0, 0, 0, 0, time.UTC), 9*60)
	var days []int
	for _, s := range monthly {
		days = append(days, s.Day())
		if s.Weekday() != time.Wednesday {
			t.Errorf("%s is not a Wednesday", s)
		}
	}
	if !slices.Equal(days, []int{13, 10, 10}) {
		t.Errorf("monthly days = %v, want [13 10 10] (2nd Wednesday of Jan, Feb, Mar)", days)
	}
}

func TestHealth(t *testing.T) {
	now := time.Date(2027, 3, 30, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	act := now.Add(-60 * day)
	occ := func(i int, ago time.Duration, state tandem.OccurrenceState) tandem.Occurrence {
		return tandem.Occurrence{Index: i, Start: now.Add(-ago), BookingID: "b" + string(rune('0'+i)), State: state}
	}
	bk := func(id string, start time.Time, st tandem.BookingStatus) *tandem.Booking {
		return &tandem.Booking{ID: id, Start: start, End: start.Add(time.Hour), Status: st}
	}
	for _, tc := range []struct {
		name   string
		status tandem.MentorshipStatus
		occ    []tandem.Occurrence
		st     []tandem.BookingStatus // per occurrence
		want   Health
	}{
		{"paused has none", tandem.MentorshipPaused, nil, nil, Health{}},
		{"new and quiet for 60 days", tandem.MentorshipActive, nil, nil, Health{Status: HealthStalled, Reason: ReasonNoSession, DaysWithoutSession: 60}},
		{"held 10 days ago", tandem.MentorshipActive,
			[]tandem.Occurrence{occ(0, 10*day, tandem.OccurrenceBooked), occ(1, -4*day, tandem.OccurrenceBooked)},
			[]tandem.BookingStatus{tandem.StatusCompleted, tandem.StatusConfirmed},
			Health{Status: HealthOK, LastSessionAt: now.Add(-10 * day), DaysWithoutSession: 10}},
		{"held 22 days ago", tandem.MentorshipActive,
			[]tandem.Occurrence{occ(0, 22*day, tandem.OccurrenceBooked)}, []tandem.BookingStatus{tandem.StatusCompleted},
			Health{Status: HealthStalled, Reason: ReasonNoSession, LastSessionAt: now.Add(-22 * day), DaysWithoutSession: 22}},
		{"two cancellations in a row", tandem.MentorshipActive,
			[]tandem.Occurrence{occ(0, 15*day, tandem.OccurrenceBooked), occ(1, 8*day, tandem.OccurrenceBooked), occ(2, day, tandem.OccurrenceBooked)},
			[]tandem.BookingStatus{tandem.StatusCompleted, tandem.StatusCancelled, tandem.StatusNoShow},
			Health{Status: HealthStalled, Reason: ReasonCancellations, LastSessionAt: now.Add(-15 * day), DaysWithoutSession: 15}},
		{"a cancellation ahead counts", tandem.MentorshipActive,
			[]tandem.Occurrence{occ(0, 3*day, tandem.OccurrenceBooked), occ(1, -4*day, tandem.OccurrenceBooked), occ(2, -11*day, tandem.OccurrenceBooked)},
			[]tandem.BookingStatus{tandem.StatusCancelled, tandem.StatusCancelled, tandem.StatusConfirmed},
			Health{Status: HealthStalled, Reason: ReasonCancellations, DaysWithoutSession: 60}},
		{"a skip is not a cancellation", tandem.MentorshipActive,
			[]tandem.Occurrence{occ(0, 10*day, tandem.OccurrenceBooked), occ(1, 3*day, tandem.OccurrenceSkipped), occ(2, 2*day, tandem.OccurrenceBooked)},
			[]tandem.BookingStatus{tandem.StatusCancelled, tandem.StatusCancelled, tandem.StatusCompleted},
			Health{Status: HealthOK, LastSessionAt: now.Add(-2 * day), DaysWithoutSession: 2}},
	} {
		m := pair(tc.status, "L", "E")
		m.ActivatedAt = act
		m.Occurrences = tc.occ
		books := map[string]*tandem.Booking{}
		for i, o := range tc.occ {
			books[o.BookingID] = bk(o.BookingID, o.Start, tc.st[i])
		}
		if got := ComputeHealth(m, books, now); got != tc.want {
			t.Errorf("%s: health = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
