package booking

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

// LeaveWaitlist takes the learner off the circle's waitlist (safe to retry: leaving when not
// waiting is not an error). The last one waiting for a seat nobody holds dissolves the
// circle, freeing the expert's time.
func (s *Service) LeaveWaitlist(ctx context.Context, c *tandem.Circle, learnerID string) error {
	left, err := s.store.LeaveWaitlist(ctx, c, learnerID)
	if err != nil || !left {
		return err
	}
	return s.store.DissolveEmpty(ctx, c)
}

// CancelCircle is the expert calling off a whole group session before it starts: the circle
// is marked cancelled (no more seats, places or offers), everyone waiting is skipped (reason
// cancelled), then each live seat is cancelled by the expert through the ordinary transition
// (late cancels counted as for any session; a lapsed offer is recorded as expired), the last
// one dissolving the circle and freeing the expert's time. Each step is its own conditional
// write, so a call that fails half way is completed by calling again. It returns the seats
// it cancelled. Errors: not_found, conflict (started; or Detail.conflict = retry while seats
// are still being released).
func (s *Service) CancelCircle(ctx context.Context, c *tandem.Circle, reason string) (_ []*tandem.Booking, err error) {
	defer tandem.Wrap(&err, "booking.CancelCircle(%q)", c.ID)
	if !s.now().Before(c.Start) {
		return nil, tandem.Errorf(tandem.EConflict, "The session has already started.")
	}
	settings, err := s.store.GetSettings(ctx, c.OrgID)
	if err != nil {
		return nil, err
	}
	if !c.Cancelled {
		if err := s.store.MarkCircleCancelled(ctx, c); err != nil {
			return nil, err
		}
	}
	waiters, err := s.store.Waitlist(ctx, c.OrgID, c.ID, 0)
	if err != nil {
		return nil, err
	}
	for _, w := range waiters {
		if err := s.store.SkipWaiter(ctx, c, w, SkipCancelled); err != nil {
			return nil, err
		}
	}
	seats, err := s.store.Seats(ctx, c)
	if err != nil {
		return nil, err
	}
	var cancelled []*tandem.Booking
	for _, b := range seats {
		if !b.Status.Live() {
			continue
		}
		after, err := s.store.UpdateBooking(ctx, c.OrgID, b.ID, dynamo.Change{Apply: func(b *tandem.Booking, now time.Time) error {
			if b.EffectiveStatus(now) == tandem.StatusExpired {
				return b.Expire(now) // a lapsed offer: recorded as such, its seat released
			}
			return b.Cancel("expert", reason, settings.LateCancelWindow(), now)
		}, ReleaseSeat: ReleaseSeat})
		if err != nil {
			return cancelled, err
		}
		cancelled = append(cancelled, after)
	}
	if err := s.store.DissolveEmpty(ctx, c); err != nil { // no live seat was left to release it
		return cancelled, err
	}
	// The seats come from an index, which can lag a seat taken just before the circle was
	// marked cancelled: if the circle is still there, say so, and a retry finishes the job.
	if _, err := s.store.GetCircle(ctx, c.OrgID, c.ID); tandem.ErrorCode(err) != tandem.ENotFound {
		if err != nil {
			return cancelled, err
		}
		return cancelled, &tandem.Error{Code: tandem.EConflict, Message: "Some seats are still being released; please retry.",
			Detail: map[string]any{"conflict": "retry"}}
	}
	return cancelled, nil
}
