package calendar

import (
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// FromBooking is the booking as a calendar shows it as of now: its effective status, and the
// meeting URL only once confirmed (as in the booking's JSON). Invites, feeds and the
// write-back into connected calendars (internal/connections) all render it, so an event has
// the same UID, title and times everywhere.
func FromBooking(b *tandem.Booking, now time.Time) Session {
	s := Session{
		BookingID: b.ID, OrgID: b.OrgID,
		Title:       b.SessionType.Name + ": " + b.Expert.Name + " and " + b.Learner.Name,
		Description: b.Note, Start: b.Start, End: b.End,
		Expert:   Person{Name: b.Expert.Name, Email: b.Expert.Email},
		Learner:  Person{Name: b.Learner.Name, Email: b.Learner.Email},
		Sequence: b.Sequence, Status: b.EffectiveStatus(now),
		Created: b.CreatedAt, Updated: b.UpdatedAt,
	}
	if s.Status == tandem.StatusConfirmed {
		s.MeetingURL = b.MeetingURL
	}
	return s
}
