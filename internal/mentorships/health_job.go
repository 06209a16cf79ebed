package mentorships

import (
	"context"
	"sort"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Health refresh. Health is computed when a mentorship is read, so a pair nobody opens would
// never turn stalled; the scheduler therefore refreshes every org's active mentorships each
// hour (RefreshHealth), through a due entry per org and hour (dynamo.DueHealth) that each
// pass moves to the next hour while the org has an active mentorship. A mentorship becoming
// active (accepted or resumed) puts its org's entry in the next hour if there is none, so the
// chain starts with the first active mentorship and ends when none is left.
//
// A pass reads the org's mentorships a page at a time (one Query each, in id order), the
// active ones' bookings with one batched read, and writes a health only when it changed,
// conditioned on the stored health it was decided on (storeHealth). It handles at most the
// limit it is given; the rest is the next run's, resumed from the last id handled.

// HealthPass is what one RefreshHealth call did.
type HealthPass struct {
	Read    int // mentorships read
	Active  int // of them active
	Changed int // whose stored health changed
	Stalled int // of them turned stalled
	// Next is the id to resume after ("" when the org's mentorships were all read).
	Next string
}

// RefreshHealth refreshes the health of up to limit of the org's mentorships after the id
// after (see above).
func RefreshHealth(ctx context.Context, store *dynamo.Store, org, after string, limit int, now time.Time) (HealthPass, error) {
	var p HealthPass
	ms, next, err := store.OrgMentorshipsPage(ctx, org, after, limit)
	if err != nil {
		return p, err
	}
	p.Read, p.Next = len(ms), next
	var ids []string
	for _, m := range ms {
		if m.Status == tandem.MentorshipActive {
			p.Active++
			ids = append(ids, bookingIDs(m)...)
		}
	}
	books := map[string]*tandem.Booking{}
	if len(ids) > 0 {
		if books, err = store.GetBookings(ctx, org, ids); err != nil {
			return p, err
		}
	}
	for _, m := range ms {
		// Only active mentorships turn stalled; a stored health on one that is no longer
		// active is cleared by the next read or change, not by this pass.
		if m.Status != tandem.MentorshipActive {
			continue
		}
		h := ComputeHealth(m, books, now)
		changed, err := storeHealth(ctx, store, m, books, h, now)
		if err != nil {
			return p, err
		}
		if changed {
			p.Changed++
			if h.Status == HealthStalled {
				p.Stalled++
			}
		}
	}
	return p, nil
}

// bookingIDs are the ids of m's occurrences that have a booking.
func bookingIDs(m *tandem.Mentorship) []string {
	var ids []string
	for _, o := range m.Occurrences {
		if o.BookingID != "" && o.State != tandem.OccurrenceFailed {
			ids = append(ids, o.BookingID)
		}
	}
	return ids
}

// storeHealth stores h on m when it differs from what m holds, conditioned on what m holds
// (dynamo.Store.SetMentorshipHealthIf): changed is false when it did not differ or someone
// else stored a health first. A stalled health carries its stall's identity (StallMark).
func storeHealth(ctx context.Context, store *dynamo.Store, m *tandem.Mentorship, books map[string]*tandem.Booking, h Health, now time.Time) (bool, error) {
	if h.Status == m.Health && h.Reason == m.HealthReason {
		return false, nil
	}
	w := dynamo.MentorshipHealthWrite{Org: m.OrgID, ID: m.ID, Status: m.Status, OldHealth: m.Health, OldReason: m.HealthReason,
		Health: h.Status, Reason: h.Reason}
	if h.Status == HealthStalled {
		w.StallKey, w.StalledAt = StallMark(m, books, h, now)
	}
	changed, err := store.SetMentorshipHealthIf(ctx, w)
	if err == nil && changed {
		m.Health, m.HealthReason = h.Status, h.Reason
	}
	return changed, err
}

// StallMark identifies a stall, from the data alone, so every decider names it alike: for
// no_session, the last session held (or the activation) it counts from, and the instant 21
// days after it when the pair stalled; for cancellations, the booking of the last missed
// occurrence and when it was missed (its last change). The notification consumer nudges both
// sides once per mark.
func StallMark(m *tandem.Mentorship, books map[string]*tandem.Booking, h Health, now time.Time) (key string, at time.Time) {
	switch h.Reason {
	case ReasonNoSession:
		since := h.LastSessionAt
		if since.IsZero() {
			since = m.ActivatedAt
		}
		return ReasonNoSession + "|" + since.UTC().Format(time.RFC3339), since.Add(StallAfter).UTC().Truncate(time.Second)
	case ReasonCancellations:
		occ := append([]tandem.Occurrence(nil), m.Occurrences...)
		sort.SliceStable(occ, func(i, j int) bool { return occ[i].Start.Before(occ[j].Start) })
		for i := len(occ) - 1; i >= 0; i-- {
			o := occ[i]
			if o.State != tandem.OccurrenceBooked {
				continue
			}
			b := books[o.BookingID]
			if b == nil {
				return ReasonCancellations + "|" + o.BookingID, o.Start.UTC().Truncate(time.Second)
			}
			if !missed(b.EffectiveStatus(now)) {
				continue // ahead and not missed: not counted (ComputeHealth)
			}
			at := b.UpdatedAt // when it was cancelled, declined or marked
			if !missed(b.Status) {
				at = b.HoldUntil // lapsed without a write: when its hold ended
			}
			if at.IsZero() {
				at = b.Start
			}
			return ReasonCancellations + "|" + b.ID, at.UTC().Truncate(time.Second)
		}
	}
	return h.Reason, m.ActivatedAt.UTC()
}

// watchHealth puts the org's hourly health pass in the next hour unless one is there (see
// above): called when a mentorship becomes active.
func (s *Service) watchHealth(ctx context.Context, org string) error {
	return s.store.ScheduleMentorshipHealth(ctx, org, s.now().UTC().Truncate(time.Hour).Add(time.Hour), "", 0, true)
}

// HealthDue handles an org's due health pass (dynamo.DueHealth) of the hour `hour` at now,
// refreshing at most limit mentorships: the pass resumes in the current hour from where it
// stopped when more are left, moves to the next hour when the org's mentorships were all
// read and one of them was active, and ends otherwise (a mentorship becoming active starts
// it again). kept is true when limit left nothing for it this run (the entry stays).
func HealthDue(ctx context.Context, store *dynamo.Store, d dynamo.Due, hour, now time.Time, limit int) (p HealthPass, kept bool, err error) {
	if limit <= 0 {
		return p, true, nil
	}
	p, err = RefreshHealth(ctx, store, d.Org, d.Start, limit, now)
	if err != nil {
		return p, false, err
	}
	seen := d.Attempt + p.Active
	current := now.UTC().Truncate(time.Hour)
	next := current
	switch {
	case p.Next != "":
	case seen > 0:
		next = current.Add(time.Hour)
	default:
		return p, false, store.ClearDue(ctx, hour, d) // no active mentorship left: the chain ends
	}
	after, count := p.Next, seen
	if p.Next == "" {
		count = 0
	}
	if err := store.ScheduleMentorshipHealth(ctx, d.Org, next, after, count, false); err != nil {
		return p, false, err
	}
	if !hour.Equal(next) {
		err = store.ClearDue(ctx, hour, d)
	}
	return p, false, err
}
