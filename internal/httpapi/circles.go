package httpapi

import (
	"net/http"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/tandemhq/tandem/internal/tandem"
)

// Circles (group sessions) are booked through POST /v1/bookings like any session; these
// routes show one, let a learner leave its waitlist and the expert call it off (the last two
// through the booking use case, internal/booking).

// circleJSON is a circle as the API shows it. Anyone in the org sees the counts and their own
// standing (me); only the expert sees who holds the seats and who waits.
type circleJSON struct {
	ID          string             `json:"id"`
	Expert      tandem.Party       `json:"expert"`
	SessionType tandem.SessionType `json:"sessionType"`
	Start       time.Time          `json:"start"`
	End         time.Time          `json:"end"`
	Seats       int                `json:"seats"`
	Taken       int                `json:"taken"`
	SeatsLeft   int                `json:"seatsLeft"`
	Waiting     int                `json:"waiting"`
	Cancelled   bool               `json:"cancelled,omitempty"` // being called off (see cancelCircle)
	Me          *memberJSON        `json:"me,omitempty"`
	Roster      []seatJSON         `json:"roster,omitempty"`
	Waitlist    []waiterJSON       `json:"waitlist,omitempty"`
}

type memberJSON struct {
	State      string     `json:"state"` // none | seat | offered | waiting | skipped
	BookingID  string     `json:"bookingId,omitempty"`
	Position   int        `json:"position,omitempty"`
	HoldUntil  *time.Time `json:"holdUntil,omitempty"`
	SkipReason string     `json:"skipReason,omitempty"` // busy | active_limit | budget | cancelled
}

type seatJSON struct {
	BookingID string               `json:"bookingId"`
	Learner   tandem.Party         `json:"learner"`
	Status    tandem.BookingStatus `json:"status"`
}

type waiterJSON struct {
	Position int          `json:"position"`
	Learner  tandem.Party `json:"learner"`
	JoinedAt time.Time    `json:"joinedAt"`
}

// getCircle: GET /v1/circles/{circleId}. Two reads for the circle, then in parallel the
// caller's standing and (for its expert) the roster and waitlist.
func (a bookingsAPI) getCircle(w http.ResponseWriter, r *http.Request, c Caller) error {
	ctx := r.Context()
	circle, err := a.store.GetCircle(ctx, c.OrgID, r.PathValue("circleId"))
	if err != nil {
		return err
	}
	expert := circle.Expert
	expert.Email = ""
	out := circleJSON{ID: circle.ID, Expert: expert, SessionType: circle.SessionType, Start: circle.Start, End: circle.End,
		Seats: circle.Seats, Taken: circle.Taken, SeatsLeft: circle.SeatsLeft(), Waiting: circle.Waiting, Cancelled: circle.Cancelled}
	var (
		me       tandem.CircleMember
		seats    []*tandem.Booking
		waiters  []tandem.Waiter
		g        errgroup.Group
		isExpert = circle.Expert.ID == c.UserID
	)
	g.Go(func() (err error) { me, err = a.store.Membership(ctx, circle, c.UserID); return err })
	if isExpert {
		g.Go(func() (err error) { seats, err = a.store.Seats(ctx, circle); return err })
		g.Go(func() (err error) { waiters, err = a.store.Waitlist(ctx, c.OrgID, circle.ID, 0); return err })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	now := a.now()
	if !isExpert {
		m := memberJSON{State: me.State, BookingID: me.BookingID, Position: me.Position, SkipReason: me.SkipReason}
		if !me.HoldUntil.IsZero() {
			h := me.HoldUntil
			m.HoldUntil = &h
		}
		out.Me = &m
	}
	for _, b := range seats {
		if st := b.EffectiveStatus(now); st.Live() {
			out.Roster = append(out.Roster, seatJSON{BookingID: b.ID, Learner: b.Learner, Status: st})
		}
	}
	for i, wt := range waiters {
		out.Waitlist = append(out.Waitlist, waiterJSON{Position: i + 1, Learner: wt.Learner, JoinedAt: wt.JoinedAt})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// leaveWaitlist: DELETE /v1/circles/{circleId}/waitlist — the caller leaves the waitlist
// (204; also when they were not on it, so a retry is harmless).
func (a bookingsAPI) leaveWaitlist(w http.ResponseWriter, r *http.Request, c Caller) error {
	circle, err := a.store.GetCircle(r.Context(), c.OrgID, r.PathValue("circleId"))
	if err != nil {
		return err
	}
	if err := a.service().LeaveWaitlist(r.Context(), circle, c.UserID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// cancelCircle: POST /v1/circles/{circleId}/cancel {reason} — the circle's expert calls off
// the whole group session before it starts: waiting learners are told, every seat is
// cancelled by the expert (late cancels counted as for any session), and the expert's time is
// freed. Retrying finishes a call that failed half way; once done the circle is gone (404).
func (a bookingsAPI) cancelCircle(w http.ResponseWriter, r *http.Request, c Caller) error {
	reason, err := readReason(r)
	if err != nil {
		return err
	}
	circle, err := a.store.GetCircle(r.Context(), c.OrgID, r.PathValue("circleId"))
	if err != nil {
		return err
	}
	if circle.Expert.ID != c.UserID {
		return tandem.Errorf(tandem.EForbidden, "Only the expert of this group session can call it off.")
	}
	seats, err := a.service().CancelCircle(r.Context(), circle, reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"circleId": circle.ID, "cancelledSeats": len(seats)})
	return nil
}
