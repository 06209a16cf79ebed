package httpapi

import (
	"net/http"
	"time"

	"github.com/tandemhq/tandem/internal/booking"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Lifecycle actions: decode, authorize (a participant, the right one for the step), call the
// use case (internal/booking, whose rules live in tandem.Booking's methods), answer. Each is
// safe to retry (asking for the state a booking is already in answers 200 and changes
// nothing).

// participantBooking loads the booking and checks that the caller is a participant allowed
// by may.
func (a bookingsAPI) participantBooking(r *http.Request, c Caller, may func(*tandem.Booking) error) (*tandem.Booking, error) {
	b, participant, err := a.visible(r, c)
	if err != nil {
		return nil, err
	}
	if !participant {
		return nil, tandem.Errorf(tandem.EForbidden, "Only the participants can change a booking.")
	}
	if err := may(b); err != nil {
		return nil, err
	}
	return b, nil
}

// answer writes the changed booking. A seat given up whose offer to the waitlist failed is
// only logged: the release wrote a due entry, so the scheduler offers it later, and the
// caller's change succeeded.
func (a bookingsAPI) answer(w http.ResponseWriter, r *http.Request, ch booking.Changed, err error) error {
	if err != nil {
		return err
	}
	if ch.Deferred != nil {
		logger(r.Context()).Warn("waitlist promotion deferred to the scheduler", "circle", ch.Booking.CircleID, "error", ch.Deferred.Error())
	}
	writeJSON(w, http.StatusOK, toBookingJSON(ch.Booking, a.now(), true))
	return nil
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
	b, err := a.participantBooking(r, c, anyParticipant)
	if err != nil {
		return err
	}
	ch, err := a.service().Cancel(r.Context(), c.OrgID, b.ID, c.UserID, reason)
	return a.answer(w, r, ch, err)
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
	b, err := a.participantBooking(r, c, anyParticipant)
	if err != nil {
		return err
	}
	ch, err := a.service().Reschedule(r.Context(), b, in.Start)
	return a.answer(w, r, ch, err)
}

// confirm: POST /v1/bookings/{id}/confirm — the expert accepts a pending request while its
// hold lasts; for a seat offered from a waitlist, the learner takes it.
func (a bookingsAPI) confirm(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := decodeOptionalJSON(r, &struct{}{}); err != nil {
		return err
	}
	b, err := a.participantBooking(r, c, pendingDecider(c))
	if err != nil {
		return err
	}
	ch, err := a.service().Confirm(r.Context(), c.OrgID, b.ID)
	return a.answer(w, r, ch, err)
}

// decline: POST /v1/bookings/{id}/decline {reason} — the expert turns down a pending request;
// for a seat offered from a waitlist, the learner turns it down (it passes to the next).
func (a bookingsAPI) decline(w http.ResponseWriter, r *http.Request, c Caller) error {
	reason, err := readReason(r)
	if err != nil {
		return err
	}
	b, err := a.participantBooking(r, c, pendingDecider(c))
	if err != nil {
		return err
	}
	ch, err := a.service().Decline(r.Context(), c.OrgID, b.ID, reason)
	return a.answer(w, r, ch, err)
}

// complete: POST /v1/bookings/{id}/complete — the expert marks a confirmed session done,
// only after its end.
func (a bookingsAPI) complete(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := decodeOptionalJSON(r, &struct{}{}); err != nil {
		return err
	}
	b, err := a.participantBooking(r, c, expertOnly(c))
	if err != nil {
		return err
	}
	ch, err := a.service().Complete(r.Context(), c.OrgID, b.ID)
	return a.answer(w, r, ch, err)
}

// noShow: POST /v1/bookings/{id}/no-show — after the end, the expert reports that the
// learner did not come (guest), or the learner reports that the expert did not (host).
func (a bookingsAPI) noShow(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := decodeOptionalJSON(r, &struct{}{}); err != nil {
		return err
	}
	b, err := a.participantBooking(r, c, anyParticipant)
	if err != nil {
		return err
	}
	ch, err := a.service().NoShow(r.Context(), c.OrgID, b.ID, c.UserID)
	return a.answer(w, r, ch, err)
}
