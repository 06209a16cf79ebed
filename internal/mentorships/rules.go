package mentorships

import (
	"encoding/json"
	"sort"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// Action is a change of a mentorship's state asked for by one of its parties.
type Action string

const (
	ActAccept Action = "accept"
	ActPause  Action = "pause"
	ActResume Action = "resume"
	ActClose  Action = "close"
)

// Transition decides what action by the party `by` does to m: the next status and accepted
// list, and whether anything changes (asking for the state m is already in changes nothing,
// so retries are safe). It is the state machine of the package doc; the store writes its
// outcome conditioned on the status and version it was decided on.
func Transition(m *tandem.Mentorship, action Action, by string) (next tandem.MentorshipStatus, accepted []string, changed bool, err error) {
	next, accepted = m.Status, m.Accepted
	if !m.IsParty(by) {
		return next, accepted, false, tandem.Errorf(tandem.ENotFound, "No mentorship with this id.")
	}
	refuse := func(msg string) error {
		return &tandem.Error{Code: tandem.EConflict, Message: msg,
			Detail: map[string]any{"conflict": "mentorship_state", "status": string(m.Status)}}
	}
	has := func(id string) bool {
		for _, a := range m.Accepted {
			if a == id {
				return true
			}
		}
		return false
	}
	switch action {
	case ActAccept:
		switch m.Status {
		case tandem.MentorshipProposed:
			if has(by) {
				return next, accepted, false, nil
			}
			accepted = append(append([]string{}, m.Accepted...), by)
			if has(m.Learner.ID) || by == m.Learner.ID {
				if has(m.Expert.ID) || by == m.Expert.ID {
					next = tandem.MentorshipActive
				}
			}
			return next, accepted, true, nil
		case tandem.MentorshipActive, tandem.MentorshipPaused:
			return next, accepted, false, nil // both accepted long ago
		}
		return next, accepted, false, refuse("The mentorship is closed.")
	case ActPause:
		switch m.Status {
		case tandem.MentorshipActive:
			return tandem.MentorshipPaused, accepted, true, nil
		case tandem.MentorshipPaused:
			return next, accepted, false, nil
		}
		return next, accepted, false, refuse("Only an active mentorship can be paused.")
	case ActResume:
		switch m.Status {
		case tandem.MentorshipPaused:
			return tandem.MentorshipActive, accepted, true, nil
		case tandem.MentorshipActive:
			return next, accepted, false, nil
		}
		return next, accepted, false, refuse("Only a paused mentorship can be resumed.")
	case ActClose:
		if m.Status == tandem.MentorshipClosed {
			return next, accepted, false, nil
		}
		return tandem.MentorshipClosed, accepted, true, nil
	}
	return next, accepted, false, tandem.Errorf(tandem.EInvalid, "Unknown action.")
}

// Series computes the planned starts of the agreement's sessions: the first agreed weekday on
// or after from (a local date in the agreement's zone), at the local clock time (minutes after
// midnight), then every week, two weeks, or month (the same n-th weekday of each month, the
// 5th falling back to the 4th), for Months months, at most Sessions of them when set. Each start is built from the local date
// and clock in the agreement's zone, so the series keeps its wall-clock time across DST; a
// clock time inside a spring-forward gap moves forward by the gap (Go's time.Date rule).
func Series(a tandem.Agreement, from time.Time, clock int) ([]time.Time, error) {
	loc, err := tandem.LoadZone(a.Timezone)
	if err != nil {
		return nil, err
	}
	wd := tandem.Weekdays[a.Weekday]
	y, mo, d := from.Date()
	first := time.Date(y, mo, d, 12, 0, 0, 0, loc)
	for first.Weekday() != wd {
		first = first.AddDate(0, 0, 1)
	}
	end := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, loc).AddDate(0, a.Months, 0)
	at := func(day time.Time) time.Time {
		return time.Date(day.Year(), day.Month(), day.Day(), clock/60, clock%60, 0, 0, loc).UTC()
	}
	var out []time.Time
	switch a.Cadence {
	case tandem.CadenceWeekly, tandem.CadenceBiweekly:
		step := 7
		if a.Cadence == tandem.CadenceBiweekly {
			step = 14
		}
		for day := first; day.Before(end); day = day.AddDate(0, 0, step) {
			out = append(out, at(day))
		}
	case tandem.CadenceMonthly:
		nth := min((first.Day()-1)/7+1, 4)
		for k := 0; ; k++ {
			m := time.Date(first.Year(), first.Month()+time.Month(k), 1, 12, 0, 0, 0, loc)
			for m.Weekday() != wd {
				m = m.AddDate(0, 0, 1)
			}
			m = m.AddDate(0, 0, 7*(nth-1))
			if !m.Before(end) {
				break
			}
			out = append(out, at(m))
		}
	}
	if a.Sessions > 0 && len(out) > a.Sessions {
		out = out[:a.Sessions]
	}
	return out, nil
}

// StallAfter is how long an active mentorship may go without a session before it is stalled.
const StallAfter = 21 * 24 * time.Hour

// Health reasons.
const (
	HealthOK            = "ok"
	HealthStalled       = "stalled"
	ReasonNoSession     = "no_session"    // 21 days without a session
	ReasonCancellations = "cancellations" // the last two sessions due were cancelled or missed
	healthNotApplicable = ""
	cancellationsInARow = 2
)

// Health is a mentorship's health at an instant, with its reason.
type Health struct {
	Status        string    `json:"status"`           // ok | stalled ("" when not active)
	Reason        string    `json:"reason,omitempty"` // no_session | cancellations
	LastSessionAt time.Time `json:"lastSessionAt"`    // zero: none held yet
	// DaysWithoutSession counts whole days since the last session held (or since the
	// mentorship became active, when none was).
	DaysWithoutSession int `json:"daysWithoutSession"`
}

// MarshalJSON leaves lastSessionAt out while no session was held.
func (h Health) MarshalJSON() ([]byte, error) {
	type wire struct {
		Status             string     `json:"status"`
		Reason             string     `json:"reason,omitempty"`
		LastSessionAt      *time.Time `json:"lastSessionAt,omitempty"`
		DaysWithoutSession int        `json:"daysWithoutSession"`
	}
	w := wire{Status: h.Status, Reason: h.Reason, DaysWithoutSession: h.DaysWithoutSession}
	if !h.LastSessionAt.IsZero() {
		t := h.LastSessionAt.UTC()
		w.LastSessionAt = &t
	}
	return json.Marshal(w)
}

// missed reports whether a booking status means the session did not happen: cancelled (by
// either side), declined, lapsed, or a no-show.
func missed(s tandem.BookingStatus) bool {
	return s == tandem.StatusCancelled || s == tandem.StatusDeclined || s == tandem.StatusExpired || s == tandem.StatusNoShow
}

// ComputeHealth decides m's health at now from its occurrences and their bookings' effective
// statuses (bookings: by id; an occurrence whose booking is missing counts as missed).
//
//   - Only an active mentorship has a health; a paused one was paused on purpose.
//   - A session is held when its booking is confirmed or completed and its start has passed.
//   - Stalled, reason cancellations: of the booked occurrences that are due (start passed) or
//     already missed (cancelled ahead), ordered by start, the last two were both missed.
//     Skips agreed through the mentorship are not cancellations.
//   - Stalled, reason no_session: more than 21 days since the last session held, or since
//     the mentorship became active when none was held.
func ComputeHealth(m *tandem.Mentorship, bookings map[string]*tandem.Booking, now time.Time) Health {
	if m.Status != tandem.MentorshipActive {
		return Health{Status: healthNotApplicable}
	}
	occ := append([]tandem.Occurrence(nil), m.Occurrences...)
	sort.SliceStable(occ, func(i, j int) bool { return occ[i].Start.Before(occ[j].Start) })
	var (
		last     time.Time
		resolved []bool // missed?
	)
	for _, o := range occ {
		if o.State != tandem.OccurrenceBooked {
			continue
		}
		b := bookings[o.BookingID]
		status := tandem.StatusCancelled
		start := o.Start
		if b != nil {
			status = b.EffectiveStatus(now)
			start = b.Start
		}
		due := !start.After(now)
		switch {
		case missed(status):
			resolved = append(resolved, true)
		case due:
			resolved = append(resolved, false)
			if status == tandem.StatusConfirmed || status == tandem.StatusCompleted {
				if start.After(last) {
					last = start
				}
			}
		}
	}
	h := Health{Status: HealthOK, LastSessionAt: last}
	since := last
	if since.IsZero() {
		since = m.ActivatedAt
	}
	if !since.IsZero() && now.After(since) {
		h.DaysWithoutSession = int(now.Sub(since) / (24 * time.Hour))
	}
	if n := len(resolved); n >= cancellationsInARow && resolved[n-1] && resolved[n-2] {
		h.Status, h.Reason = HealthStalled, ReasonCancellations
		return h
	}
	if !since.IsZero() && now.Sub(since) > StallAfter {
		h.Status, h.Reason = HealthStalled, ReasonNoSession
	}
	return h
}
