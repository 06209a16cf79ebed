package tandem

import "time"

// The booking lifecycle. Each step checks the state as of now and changes the booking in
// memory; the store writes the result conditionally. Asking for the state a booking is
// already in changes nothing and is not an error, so every step is safe to retry. An illegal
// step is an EConflict error whose Detail["status"] is the current status.

func illegal(b *Booking, now time.Time, msg string) error {
	return &Error{Code: EConflict, Message: msg, Detail: map[string]any{"status": b.EffectiveStatus(now)}}
}

// Cancel cancels a live booking before it starts; by is "learner" or "expert". Inside the
// lateWindow before the start it counts as a late cancel.
func (b *Booking) Cancel(by, reason string, lateWindow time.Duration, now time.Time) error {
	switch st := b.EffectiveStatus(now); {
	case st == StatusCancelled:
		return nil
	case !st.Live():
		return illegal(b, now, "Only upcoming sessions can be cancelled.")
	case !now.Before(b.Start):
		return illegal(b, now, "The session has already started.")
	}
	b.Status, b.CancelledBy, b.CancelReason = StatusCancelled, by, reason
	b.LateCancel = b.Start.Sub(now) < lateWindow
	b.Sequence++
	return nil
}

// Reschedule moves a live booking that has not started to start, at most MaxReschedules times.
func (b *Booking) Reschedule(start, now time.Time) error {
	switch {
	case b.Start.Equal(start) && b.EffectiveStatus(now).Live():
		return nil
	case !b.EffectiveStatus(now).Live():
		return illegal(b, now, "Only upcoming sessions can be rescheduled.")
	case !now.Before(b.Start):
		return illegal(b, now, "The session has already started.")
	case b.Reschedules >= MaxReschedules:
		return &Error{Code: ELimitExceeded, Message: "This session has been rescheduled too often; cancel and book again.",
			Detail: map[string]any{"limit": "reschedules"}}
	}
	b.Start, b.End = start.UTC(), start.UTC().Add(time.Duration(b.SessionType.DurationMin)*time.Minute)
	b.Reschedules++
	b.Sequence++
	return nil
}

// Confirm accepts a pending request while its hold lasts.
func (b *Booking) Confirm(now time.Time) error {
	switch b.EffectiveStatus(now) {
	case StatusConfirmed:
		return nil
	case StatusPending:
		b.Status, b.HoldUntil = StatusConfirmed, time.Time{}
		return nil
	}
	return illegal(b, now, "Only pending requests can be confirmed.")
}

// Decline turns down a pending request.
func (b *Booking) Decline(reason string, now time.Time) error {
	switch b.EffectiveStatus(now) {
	case StatusDeclined:
		return nil
	case StatusPending:
		b.Status, b.CancelReason = StatusDeclined, reason
		b.Sequence++
		return nil
	}
	return illegal(b, now, "Only pending requests can be declined.")
}

// Expire ends a pending request whose hold has passed (the scheduler's cleanup).
func (b *Booking) Expire(now time.Time) error {
	switch b.EffectiveStatus(now) {
	case StatusExpired:
		b.Status = StatusExpired
		b.Sequence++
		return nil
	}
	return illegal(b, now, "Only lapsed requests expire.")
}

// Complete marks a confirmed session done once it has ended.
func (b *Booking) Complete(now time.Time) error {
	switch st := b.EffectiveStatus(now); {
	case st == StatusCompleted:
		return nil
	case st != StatusConfirmed:
		return illegal(b, now, "Only confirmed sessions can be completed.")
	case now.Before(b.End):
		return illegal(b, now, "The session has not ended yet.")
	}
	b.Status = StatusCompleted
	return nil
}

// MarkNoShow records, after the end of a confirmed session, who did not come (NoShowHost or
// NoShowGuest).
func (b *Booking) MarkNoShow(who string, now time.Time) error {
	switch st := b.EffectiveStatus(now); {
	case st == StatusNoShow && b.NoShow == who:
		return nil
	case st != StatusConfirmed:
		return illegal(b, now, "Only confirmed sessions can be marked as a no-show.")
	case now.Before(b.End):
		return illegal(b, now, "The session has not ended yet.")
	}
	b.Status, b.NoShow = StatusNoShow, who
	return nil
}
