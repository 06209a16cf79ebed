package httpapi

import (
	"net/http"
	"sync"
	"time"

	"github.com/tandemhq/tandem/internal/availability"
	"github.com/tandemhq/tandem/internal/booking"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Lifecycle actions: the rules live in tandem.Booking's methods; each is safe to retry
// (asking for the state a booking is already in answers 200 and changes nothing).

// transition loads the booking, checks the caller may act, and applies change.
func (a bookingsAPI) transition(w http.ResponseWriter, r *http.Request, c Caller, may func(*tandem.Booking) error, change dynamo.Change) error {
	b, participant, err := a.visible(r, c)
	if err != nil {
		return err
	}
	if !participant {
		return tandem.Errorf(tandem.EForbidden, "Only the participants can change a booking.")
	}
	if err := may(b); err != nil {
		return err
	}
	updated, err := a.store.UpdateBooking(r.Context(), c.OrgID, b.ID, change)
	if err != nil {
		return err
	}
	if updated.CircleID != "" && b.Status.Live() && !updated.Status.Live() {
		a.promote(r, c.OrgID, updated.CircleID)
	}
	writeJSON(w, http.StatusOK, toBookingJSON(updated, a.now(), true))
	return nil
}

// promote offers a seat just given up to the circle's waitlist. The release wrote a due
// entry for the scheduler, so a failure here only delays the offer: it is logged, not
// returned (the caller's change succeeded).
func (a bookingsAPI) promote(r *http.Request, org, circleID string) {
	if _, err := a.store.PromoteWaitlist(r.Context(), org, circleID); err != nil {
		logger(r.Context()).Warn("waitlist promotion deferred to the scheduler", "circle", circleID, "error", err.Error())
	}
}

// pendingDecider allows whoever decides a pending booking: its learner for a seat offered
// from a waitlist, the expert for an approval request.
func pendingDecider(c Caller) func(*tandem.Booking) error {
	return func(b *tandem.Booking) error {
		if b.Offer {
			if b.Learner.ID != c.UserID {
				return tandem.Errorf(tandem.EForbidden, "Only the learner offered this seat can answer the offer.")
			}
			return nil
		}
		return expertOnly(c)(b)
	}
}

func anyParticipant(*tandem.Booking) error { return nil }

// expertOnly allows only the booking's expert.
func expertOnly(c Caller) func(*tandem.Booking) error {
	return func(b *tandem.Booking) error {
		if b.Expert.ID != c.UserID {
			return tandem.Errorf(tandem.EForbidden, "Only the expert of this session can do this.")
		}
		return nil
	}
}

type reasonInput struct {
	Reason string `json:"reason"`
}

// cancel: POST /v1/bookings/{id}/cancel {reason} — learner or expert, before the start.
// Cancelling inside the org's late-cancel window (default 24 h) is recorded as a late cancel.
func (a bookingsAPI) cancel(w http.ResponseWriter, r *http.Request, c Caller) error {
	reason, err := readReason(r)
	if err != nil {
		return err
	}
	settings, err := a.store.GetSettings(r.Context(), c.OrgID)
	if err != nil {
		return err
	}
	by := "learner"
	return a.transition(w, r, c, anyParticipant, dynamo.Change{Apply: func(b *tandem.Booking, now time.Time) error {
		if b.Expert.ID == c.UserID {
			by = "expert"
		}
		return b.Cancel(by, reason, settings.LateCancelWindow(), now)
	}})
}

type rescheduleInput struct {
	Start time.Time `json:"start"`
}

// reschedule: POST /v1/bookings/{id}/reschedule {start} — learner or expert, before the
// start, at most three times; the new time must be bookable exactly as for a new booking.
// Old cells are released and new ones taken in one transaction.
func (a bookingsAPI) reschedule(w http.ResponseWriter, r *http.Request, c Caller) error {
	var in rescheduleInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.Start.IsZero() {
		return &tandem.Error{Code: tandem.EInvalid, Message: "The new start is required.",
			Fields: []tandem.FieldError{{Field: "start", Message: "is required (RFC 3339)"}}}
	}
	b, participant, err := a.visible(r, c)
	if err != nil {
		return err
	}
	if !participant {
		return tandem.Errorf(tandem.EForbidden, "Only the participants can change a booking.")
	}
	if b.CircleID != "" {
		return &tandem.Error{Code: tandem.EConflict, Message: "A seat in a group session cannot be moved; cancel it and book another.",
			Detail: map[string]any{"conflict": "group_session"}}
	}
	now := a.now()
	if b.Start.Equal(in.Start) && b.EffectiveStatus(now).Live() {
		writeJSON(w, http.StatusOK, toBookingJSON(b, now, true))
		return nil
	}
	var (
		settings    tandem.OrgSettings
		errSettings error
		wg          sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		settings, errSettings = a.store.GetSettings(r.Context(), c.OrgID) // the budget, if any
	}()
	inputs, err := a.store.LoadSlotInputs(r.Context(), c.OrgID, b.Expert.ID, in.Start, in.Start.Add(24*time.Hour), b.ID)
	wg.Wait()
	if err != nil {
		return err
	}
	if errSettings != nil {
		return errSettings
	}
	rules := availability.RulesFor(b.SessionType, inputs.Expert.Limits)
	if err := availability.Check(*inputs.Schedule, rules, inputs.Busy, in.Start, now); err != nil {
		return fieldOf(err, "start")
	}
	day, week := booking.LimitKeys(in.Start, inputs.Schedule.Timezone)
	start := in.Start.UTC()
	return a.transition(w, r, c, anyParticipant, dynamo.Change{
		Reschedule: &dynamo.RescheduleLimits{DayKey: day, WeekKey: week, MaxPerDay: rules.MaxPerDay, MaxPerWeek: rules.MaxPerWeek, Budget: settings.Budget},
		Apply:      func(b *tandem.Booking, now time.Time) error { return b.Reschedule(start, now) },
	})
}

// confirm: POST /v1/bookings/{id}/confirm — the expert accepts a pending request while its
// hold lasts; for a seat offered from a waitlist, the learner takes it.
func (a bookingsAPI) confirm(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := decodeOptionalJSON(r, &struct{}{}); err != nil {
		return err
	}
	return a.transition(w, r, c, pendingDecider(c), dynamo.Change{Apply: func(b *tandem.Booking, now time.Time) error {
		return b.Confirm(now)
	}})
}

// decline: POST /v1/bookings/{id}/decline {reason} — the expert turns down a pending request;
// for a seat offered from a waitlist, the learner turns it down (it passes to the next).
func (a bookingsAPI) decline(w http.ResponseWriter, r *http.Request, c Caller) error {
	reason, err := readReason(r)
	if err != nil {
		return err
	}
	return a.transition(w, r, c, pendingDecider(c), dynamo.Change{Apply: func(b *tandem.Booking, now time.Time) error {
		return b.Decline(reason, now)
	}})
}

// complete: POST /v1/bookings/{id}/complete — the expert marks a confirmed session done,
// only after its end.
func (a bookingsAPI) complete(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := decodeOptionalJSON(r, &struct{}{}); err != nil {
		return err
	}
	return a.transition(w, r, c, expertOnly(c), dynamo.Change{Apply: (*tandem.Booking).Complete})
}

// noShow: POST /v1/bookings/{id}/no-show — after the end, the expert reports that the
// learner did not come (guest), or the learner reports that the expert did not (host).
func (a bookingsAPI) noShow(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := decodeOptionalJSON(r, &struct{}{}); err != nil {
		return err
	}
	return a.transition(w, r, c, anyParticipant, dynamo.Change{Apply: func(b *tandem.Booking, now time.Time) error {
		who := tandem.NoShowHost // the learner reports that the expert did not come
		if b.Expert.ID == c.UserID {
			who = tandem.NoShowGuest
		}
		return b.MarkNoShow(who, now)
	}})
}
