package mentorships

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// BookAt books a failed occurrence at another start (one of the alternatives Schedule
// reported, or any start the expert's slot listing offers) for the learner, through the same
// booking path, idempotency key and booking id as Schedule: the failed attempt wrote nothing,
// and the id is the occurrence's, so two racing attempts make at most one booking. Only a
// failed occurrence of an active mentorship can be booked so; a refusal (the time taken, a
// limit) is returned as is, and the occurrence stays failed.
func (s *Service) BookAt(ctx context.Context, c tandem.Caller, id string, index int, start time.Time) (*tandem.Mentorship, error) {
	m, err := s.Get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if m.Status != tandem.MentorshipActive {
		return nil, &tandem.Error{Code: tandem.EConflict, Message: "Only an active mentorship's sessions can be booked.",
			Detail: map[string]any{"conflict": "mentorship_state", "status": string(m.Status)}}
	}
	o, err := occurrence(m, index)
	if err != nil {
		return nil, err
	}
	if o.State != tandem.OccurrenceFailed {
		return nil, &tandem.Error{Code: tandem.EConflict, Message: "Only an occurrence that could not be booked can be booked at another start; move a booked one.",
			Detail: map[string]any{"conflict": "occurrence_state"}}
	}
	try := *o
	try.Start = start.UTC()
	bid, refused, err := s.bookOccurrence(ctx, m, try)
	if err != nil {
		return nil, err
	}
	if refused != nil {
		return nil, refused
	}
	return s.update(ctx, c, id, func(m *tandem.Mentorship, now time.Time) (bool, error) {
		o, err := occurrence(m, index)
		if err != nil || o.State != tandem.OccurrenceFailed {
			return false, err
		}
		o.Start, o.State, o.Reason, o.BookingID = try.Start, tandem.OccurrenceBooked, "", bid
		return true, nil
	})
}
