package booking

import (
	"context"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/tandemhq/tandem/internal/availability"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The lifecycle: each step's rule is tandem.Booking's method (cancel, reschedule, confirm,
// decline, complete, no-show, expire); the use case adds what the step needs around it (the
// late-cancel window, the engine check and counter keys of a new start) and hands a seat
// given up to the waitlist. Whoever calls has already decided the caller may act (the
// handlers: a participant, the right one for the step; the scheduler: due entries). The store
// writes each step conditionally on the version it read, re-reading on a concurrent change,
// so every step is safe to retry and two steps never both win.

// Changed is how a lifecycle step ended.
type Changed struct {
	Booking *tandem.Booking // as written
	// Offered are the seats offered to the circle's waitlist because this one was given up.
	Offered []*tandem.Booking
	// Deferred is why offering a given-up seat failed: its release wrote a due entry, so the
	// scheduler offers it later, and the step itself succeeded.
	Deferred error
}

// change applies ch to the booking and, when that gave up a seat of a circle, offers it to the
// circle's waitlist at once.
func (s *Service) change(ctx context.Context, org, id string, ch dynamo.Change) (Changed, error) {
	apply, wasLive := ch.Apply, false
	ch.Apply = func(b *tandem.Booking, now time.Time) error {
		wasLive = b.Status.Live() // as read by the attempt that writes
		return apply(b, now)
	}
	b, err := s.store.UpdateBooking(ctx, org, id, ch)
	if err != nil {
		return Changed{}, err
	}
	out := Changed{Booking: b}
	if b.CircleID != "" && wasLive && givesUpSeat(b.Status) {
		out.Offered, out.Deferred = s.PromoteWaitlist(ctx, org, b.CircleID)
	}
	return out, nil
}

// givesUpSeat reports whether a live seat that ends in st frees its place in the circle.
func givesUpSeat(st tandem.BookingStatus) bool {
	return st == tandem.StatusCancelled || st == tandem.StatusDeclined || st == tandem.StatusExpired
}

// Cancel cancels the booking for the participant callerID (learner or expert, whichever they
// are), before its start; inside the org's late-cancel window it is a late cancel.
func (s *Service) Cancel(ctx context.Context, org, id, callerID, reason string) (Changed, error) {
	settings, err := s.store.GetSettings(ctx, org)
	if err != nil {
		return Changed{}, err
	}
	return s.change(ctx, org, id, dynamo.Change{Apply: func(b *tandem.Booking, now time.Time) error {
		by := "learner"
		if b.Expert.ID == callerID {
			by = "expert"
		}
		return b.Cancel(by, reason, settings.LateCancelWindow(), now)
	}})
}

// Reschedule moves the booking b (as read by the caller) to start. The new time must be
// bookable exactly as for a new booking (the engine, without b's own busy time); its cells,
// counters and budget draw move in one transaction. A seat of a group session cannot move.
// Moving to the start it has is a no-op (b is returned unchanged, nothing is written).
func (s *Service) Reschedule(ctx context.Context, b *tandem.Booking, start time.Time) (Changed, error) {
	if b.CircleID != "" {
		return Changed{}, &tandem.Error{Code: tandem.EConflict, Message: "A seat in a group session cannot be moved; cancel it and book another.",
			Detail: map[string]any{"conflict": "group_session"}}
	}
	now := s.now()
	if b.Start.Equal(start) && b.EffectiveStatus(now).Live() {
		return Changed{Booking: b}, nil
	}
	var (
		settings tandem.OrgSettings
		g        errgroup.Group
	)
	g.Go(func() (err error) {
		settings, err = s.store.GetSettings(ctx, b.OrgID) // the budget, if any
		return err
	})
	inputs, err := s.store.LoadSlotInputs(ctx, b.OrgID, b.Expert.ID, start, start.Add(24*time.Hour), b.ID)
	if errSettings := g.Wait(); err == nil {
		err = errSettings
	}
	if err != nil {
		return Changed{}, err
	}
	rules := availability.RulesFor(b.SessionType, inputs.Expert.Limits)
	if err := CheckWithCalendars(*inputs.Schedule, rules, inputs.Busy, inputs.CalendarBusy, start, now); err != nil {
		return Changed{}, StartError(err, "start")
	}
	day, week := LimitKeys(start, inputs.Schedule.Timezone)
	start = start.UTC()
	return s.change(ctx, b.OrgID, b.ID, dynamo.Change{
		Reschedule: &dynamo.RescheduleLimits{DayKey: day, WeekKey: week, MaxPerDay: rules.MaxPerDay, MaxPerWeek: rules.MaxPerWeek, Budget: settings.Budget},
		Apply:      func(b *tandem.Booking, now time.Time) error { return b.Reschedule(start, now) },
	})
}

// Confirm accepts a pending booking while its hold lasts (the expert's approval, or the
// learner taking a seat offered from a waitlist).
func (s *Service) Confirm(ctx context.Context, org, id string) (Changed, error) {
	return s.change(ctx, org, id, dynamo.Change{Apply: func(b *tandem.Booking, now time.Time) error { return b.Confirm(now) }})
}

// Decline turns a pending booking down; a declined seat offer passes to the next in line.
func (s *Service) Decline(ctx context.Context, org, id, reason string) (Changed, error) {
	return s.change(ctx, org, id, dynamo.Change{Apply: func(b *tandem.Booking, now time.Time) error { return b.Decline(reason, now) }})
}

// Complete marks a confirmed session done, after its end.
func (s *Service) Complete(ctx context.Context, org, id string) (Changed, error) {
	return s.change(ctx, org, id, dynamo.Change{Apply: (*tandem.Booking).Complete})
}

// Expire ends a pending booking whose hold has passed; a lapsed seat offer passes to the next
// in line.
func (s *Service) Expire(ctx context.Context, org, id string) (Changed, error) {
	return s.change(ctx, org, id, dynamo.Change{Apply: (*tandem.Booking).Expire})
}

// NoShow records, after the end, that the other party did not come: reported by the expert
// (callerID), the learner (guest); by the learner, the expert (host).
func (s *Service) NoShow(ctx context.Context, org, id, callerID string) (Changed, error) {
	return s.change(ctx, org, id, dynamo.Change{Apply: func(b *tandem.Booking, now time.Time) error {
		who := tandem.NoShowHost // the learner reports that the expert did not come
		if b.Expert.ID == callerID {
			who = tandem.NoShowGuest
		}
		return b.MarkNoShow(who, now)
	}})
}
