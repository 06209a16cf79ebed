package seed

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/internal/availability"
	"github.com/tandemhq/tandem/internal/booking"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

// DemoFeedToken is ben's calendar feed token (GET /v1/calendar/{token}/feed.ics), fixed so
// the sample event and the README can use it.
const DemoFeedToken = "demo-feed-token-acme-ben-0000000000000001"

// demoBooking says who books what, and where in time to look for a free slot: the first free
// one from UTC midnight fromDays days after today. History (fromDays < 0) ends at least an
// hour before now and counts as booked a fortnight before now.
type demoBooking struct {
	id, learner, expert, session string
	pending                      bool
	fromDays                     int
	note                         string
}

// pastBookedAgo is how long before now the history was booked.
const pastBookedAgo = 14 * 24 * time.Hour

// demoBookings is the plan, in booking order (later ones avoid the earlier ones' time). The
// sample events in events/bookings rely on the roles noted here.
var demoBookings = []demoBooking{
	{id: "demo-b01", learner: "ben", expert: "maya", session: "intro", fromDays: 2, // get, invite.ics
		note: "Moving from sales engineering into backend work: where do I start with Go?"},
	{id: "demo-b02", learner: "ben", expert: "priya", session: "deep-dive", fromDays: 3,
		note: "Preparing a discovery plan for our new pricing page."},
	{id: "demo-b03", learner: "ben", expert: "amara", session: "intro", fromDays: 4, // cancel
		note: "How to give feedback to a peer who missed a deadline."},
	{id: "demo-b04", learner: "ben", expert: "sofia", session: "deep-dive", fromDays: 5, // reschedule
		note: "Practise the opening of my sales kick-off talk."},
	{id: "demo-b05", learner: "ben", expert: "lukas", session: "intro", pending: true, fromDays: 3, // confirm
		note: "Thinking about the move to team lead; what should I ask my manager?"},
	{id: "demo-b06", learner: "ines", expert: "diego", session: "intro", pending: true, fromDays: 2, // decline
		note: "Building a business case for a new CRM."},
	{id: "demo-b07", learner: "ben", expert: "maya", session: "intro", fromDays: -7, // complete
		note: "First steps with Go: tooling and a reading list."},
	{id: "demo-b08", learner: "tom", expert: "grace", session: "deep-dive", fromDays: -5, // no-show
		note: "Threat model review for the billing service."},
}

// Bookings returns the demo bookings for org acme as of now: confirmed and pending sessions
// in the coming days and two confirmed sessions that ended in the last week (history, for
// complete and no-show). Every start is a slot the availability engine offers for the
// expert's demo schedule, session type and limits, at the time of booking (now, or a
// fortnight before now for the history), given the bookings before it in the list; no
// learner has two overlapping sessions. It is a pure function of now.
func Bookings(now time.Time) ([]*tandem.Booking, error) {
	now = now.UTC().Truncate(time.Second)
	today := now.Truncate(24 * time.Hour) // UTC midnight, so the times rarely move within a day
	byID := map[string]Person{}
	for _, p := range People() {
		byID[p.ID] = p
	}
	busy := map[string][]availability.Busy{}  // expert id → planned sessions
	taken := map[string][]availability.Slot{} // learner id → planned sessions
	out := make([]*tandem.Booking, 0, len(demoBookings))
	for _, d := range demoBookings {
		learner, expert := byID["acme-"+d.learner], byID["acme-"+d.expert]
		if expert.Profile == nil {
			return nil, fmt.Errorf("seed booking %s: %s is not an expert", d.id, expert.ID)
		}
		e := expertOf(expert)
		st, ok := e.SessionType(d.session)
		if !ok {
			return nil, fmt.Errorf("seed booking %s: %s has no session type %q", d.id, e.ID, d.session)
		}
		bookedAt := now
		if d.fromDays < 0 {
			bookedAt = now.Add(-pastBookedAgo)
		}
		sch := Availability(expert)
		sch.Normalize()
		from := today.AddDate(0, 0, d.fromDays)
		to := from.Add(14 * 24 * time.Hour)
		if d.fromDays < 0 {
			to = now.Add(-time.Hour)
		}
		slots, err := availability.Slots(sch, availability.RulesFor(st, e.Limits), busy[e.ID], from, to, bookedAt, nil)
		if err != nil {
			return nil, fmt.Errorf("seed booking %s: %w", d.id, err)
		}
		var pick *availability.Slot
		for i := range slots {
			if !overlapsAny(slots[i], taken[learner.ID]) {
				pick = &slots[i]
				break
			}
		}
		if pick == nil || (d.fromDays < 0 && pick.End.After(now)) {
			return nil, fmt.Errorf("seed booking %s: no free slot for %s from %s", d.id, e.ID, from.Format(time.RFC3339))
		}
		b := &tandem.Booking{
			ID: d.id, OrgID: e.OrgID,
			Expert:      tandem.Party{ID: e.ID, Name: e.Name, Email: e.Email, Department: e.Department},
			Learner:     tandem.Party{ID: learner.ID, Name: learner.Name, Email: learner.Email, Department: learner.Department},
			SessionType: st, Start: pick.Start.UTC(), End: pick.End.UTC(),
			Status: tandem.StatusConfirmed, Note: d.note, MeetingURL: e.MeetingURL, CreatedAt: bookedAt,
		}
		if d.pending {
			b.Status = tandem.StatusPending
			b.HoldUntil = bookedAt.Add(tandem.DefaultHold)
			if b.HoldUntil.After(b.Start) {
				b.HoldUntil = b.Start
			}
		}
		busy[e.ID] = append(busy[e.ID], availability.Busy{Start: b.Start, End: b.End, Counts: true,
			BufferBefore: time.Duration(st.BufferBeforeMin) * time.Minute, BufferAfter: time.Duration(st.BufferAfterMin) * time.Minute})
		taken[learner.ID] = append(taken[learner.ID], *pick)
		out = append(out, b)
	}
	return out, nil
}

// overlapsAny reports whether s overlaps one of the spans, each widened to whole lock cells
// as the booking transaction locks a learner's time.
func overlapsAny(s availability.Slot, spans []availability.Slot) bool {
	cell := tandem.LockCellMin * time.Minute
	lo, hi := s.Start.Truncate(cell), s.End
	for _, o := range spans {
		if lo.Before(o.End) && o.Start.Truncate(cell).Before(hi) {
			return true
		}
	}
	return false
}

// loadBookings writes the demo bookings through the booking use case (booking.Service.Book),
// as POST /v1/bookings does: the same engine check against the stored schedule and busy time,
// the same decisions and the one transaction. A booking whose id already exists is left
// alone, so a later Load (even with another now) changes nothing.
func loadBookings(ctx context.Context, store *dynamo.Store, now time.Time) error {
	plan, err := Bookings(now)
	if err != nil {
		return err
	}
	for _, b := range plan {
		_, err := store.GetBooking(ctx, b.OrgID, b.ID)
		if err == nil {
			continue
		}
		if tandem.ErrorCode(err) != tandem.ENotFound {
			return fmt.Errorf("seed booking %s: %w", b.ID, err)
		}
		if err := book(ctx, store, b); err != nil {
			return fmt.Errorf("seed booking %s: %w", b.ID, err)
		}
	}
	return nil
}

// book books the planned booking b through the use case. Two things differ from a learner's
// request, and only these: the booking keeps the plan's fixed id (the sample events and the
// README name them), and the use case's clock is the plan's booking time (b.CreatedAt: now,
// or a fortnight ago for the history), so the history passes the notice and horizon checks
// as it did when it was "booked", and its hold and creation time are the plan's.
func book(ctx context.Context, store *dynamo.Store, b *tandem.Booking) error {
	// The booking (its id fixed by the plan) is the idempotency record: seeding again finds it
	// and is answered as a replay (the same body), so nothing is written twice.
	tag := sha256.Sum256([]byte(store.Table() + "\x00" + b.CreatedAt.Format(time.RFC3339)))
	key := "seed-" + b.ID + "-" + hex.EncodeToString(tag[:6])
	in := tandem.BookInput{ExpertID: b.Expert.ID, SessionType: b.SessionType.ID, Start: b.Start, Note: b.Note}
	req, err := json.Marshal(in)
	if err != nil {
		return err
	}
	bookedAt := b.CreatedAt
	res, err := booking.New(store, func() time.Time { return bookedAt }).Book(ctx, booking.Request{
		Org: b.OrgID, Learner: b.Learner, Input: in, Key: key, Body: req, Render: renderSeeded, ID: b.ID})
	if err != nil {
		return err
	}
	// A replay: an earlier Load wrote this booking already, which is success too.
	if res.Booking != nil && res.Booking.Status != b.Status {
		return fmt.Errorf("booked as %s, the plan says %s (the expert's booking mode changed?)", res.Booking.Status, b.Status)
	}
	return nil
}

// renderSeeded is the response the seed's bookings store under their keys (nobody reads it
// but a retry of the seed itself).
func renderSeeded(o booking.Outcome) ([]byte, error) {
	body, err := json.Marshal(map[string]string{"id": o.Booking.ID, "status": string(o.Booking.Status)})
	return append(body, '\n'), err
}

// loadFeedToken gives ben the demo feed token unless it is already his.
func loadFeedToken(ctx context.Context, store *dynamo.Store) error {
	const org, user = "acme", "acme-ben"
	gotOrg, gotUser, err := store.CalendarTokenOwner(ctx, DemoFeedToken)
	switch {
	case err == nil && gotOrg == org && gotUser == user:
		return nil
	case err == nil:
		return fmt.Errorf("seed feed token: belongs to %s/%s", gotOrg, gotUser)
	case tandem.ErrorCode(err) != tandem.ENotFound:
		return fmt.Errorf("seed feed token: %w", err)
	}
	if err := store.SetCalendarToken(ctx, org, user, DemoFeedToken); err != nil {
		return fmt.Errorf("seed feed token: %w", err)
	}
	return nil
}
