package connections

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/tandemhq/tandem/internal/caldav"
	"github.com/tandemhq/tandem/internal/calendar"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Write-back: a confirmed session is written into each participant's CalDAV calendars that
// ask for it (writeBack), as the event invite.ics describes (UID "<bookingId>@tandem",
// internal/calendar), moved when rescheduled and removed when cancelled, declined or lapsed.
// The table stream drives it (StreamsFunction: WriteBack for every booking change). The event
// is addressed by its UID, so writing it again replaces it: never two. Each connection keeps
// the booking version it holds; an older or repeated stream record changes nothing. A
// failed write does not hold up the stream: the version is recorded as owed, and the
// connection's next successful sync writes what the booking is then (RetryWriteBacks).

// WriteBack applies booking b (as the stream's new image) to its participants' write-back
// calendars. It fails only when the store does.
func (s *Service) WriteBack(ctx context.Context, b *tandem.Booking) error {
	var errs []error
	for _, userID := range []string{b.Expert.ID, b.Learner.ID} {
		conns, err := s.Store.ListCalendarConnections(ctx, b.OrgID, userID)
		if err != nil {
			return err
		}
		for _, c := range conns {
			if c.Kind != KindCalDAV || !c.WriteBack {
				continue
			}
			if err := s.writeOne(ctx, c, b); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// writeOne brings connection c's copy of b up to b's version.
func (s *Service) writeOne(ctx context.Context, c *dynamo.CalendarConnection, b *tandem.Booking) error {
	st, err := s.Store.GetWriteBack(ctx, c, b.ID)
	if err != nil {
		return err
	}
	if st.Applied >= b.Version {
		return nil // this version or a later one is there already
	}
	expires := b.End.Add(30 * 24 * time.Hour)
	if werr := s.put(ctx, c, b); werr != nil {
		s.log().WarnContext(ctx, "calendar write-back failed; retried at the next sync", slog.String("org", c.OrgID),
			slog.String("user", c.UserID), slog.String("connection", c.ID), slog.String("booking", b.ID),
			slog.String("error", plainError(werr)))
		return s.Store.SetWriteBackPending(ctx, c, b.ID, b.Version, expires)
	}
	return s.Store.SetWriteBackApplied(ctx, c, b.ID, b.Version, expires)
}

// put makes the calendar show b as of now: the event while the session is confirmed (or
// took place), nothing otherwise.
func (s *Service) put(ctx context.Context, c *dynamo.CalendarConnection, b *tandem.Booking) error {
	sec, err := s.open(c)
	if err != nil {
		return err
	}
	cl, err := caldav.New(s.httpClient(), sec.URL, c.Username, sec.Password)
	if err != nil {
		return err
	}
	uid := b.ID + "@tandem"
	sess := calendar.SessionOf(b, s.now())
	switch sess.Status {
	case tandem.StatusConfirmed, tandem.StatusCompleted, tandem.StatusNoShow:
		doc, err := calendar.Feed("Tandem", []calendar.Session{sess})
		if err != nil {
			return err
		}
		_, err = cl.Upsert(ctx, uid, doc)
		return err
	}
	return cl.Delete(ctx, uid, "")
}

// RetryWriteBacks writes the bookings c still owes (after failed writes) as they are now.
func (s *Service) RetryWriteBacks(ctx context.Context, c *dynamo.CalendarConnection) error {
	if c.Kind != KindCalDAV || !c.WriteBack {
		return nil
	}
	owed, err := s.Store.PendingWriteBacks(ctx, c)
	if err != nil {
		return err
	}
	for _, st := range owed {
		b, err := s.Store.GetBooking(ctx, c.OrgID, st.BookingID)
		if tandem.ErrorCode(err) == tandem.ENotFound {
			continue
		}
		if err != nil {
			return err
		}
		if err := s.writeOne(ctx, c, b); err != nil {
			return err
		}
	}
	return nil
}
