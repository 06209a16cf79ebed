package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/internal/availability"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

// demoRequest is a learner's request in the demo org, optionally with an offer already made
// (offerBy, two free intro slots from fromDays days ahead).
type demoRequest struct {
	id, learner string
	topics      []string
	goal        string
	offerBy     string
	fromDays    int
}

// demoRequests: demo-r01 waits for matches; demo-r02 is on the board for an offer (the
// offers sample event, by omar); demo-r03 has grace's offer for the accept sample event.
var demoRequests = []demoRequest{
	{id: "demo-r01", learner: "ben", topics: []string{"go", "distributed-systems"},
		goal: "Build and operate my first Go service without waking up the on-call."},
	{id: "demo-r02", learner: "ines", topics: []string{"negotiation"},
		goal: "Negotiate multi-year renewals with procurement teams."},
	{id: "demo-r03", learner: "tom", topics: []string{"security", "code-review"},
		goal: "Run threat-modelling sessions for my team.", offerBy: "grace", fromDays: 5},
}

// OfferSlots returns the first n free starts of the expert's intro session from fromDays days
// after now's UTC day, ignoring bookings (for demo offers and the offers sample event).
func OfferSlots(expertID string, now time.Time, fromDays, n int) ([]time.Time, error) {
	for _, p := range People() {
		if p.ID != expertID || p.Profile == nil {
			continue
		}
		e := expertOf(p)
		st, _ := e.SessionType("intro")
		sch := Availability(p)
		sch.Normalize()
		from := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, fromDays)
		slots, err := availability.Slots(sch, availability.RulesFor(st, e.Limits), nil, from, from.Add(7*24*time.Hour), now, nil)
		if err != nil || len(slots) < n {
			return nil, fmt.Errorf("seed: no %d free slots for %s: %v", n, expertID, err)
		}
		out := make([]time.Time, n)
		for i := range out {
			out[i] = slots[i].Start.UTC()
		}
		return out, nil
	}
	return nil, fmt.Errorf("seed: no expert %s", expertID)
}

// loadRequests writes the demo requests (and offers) that do not exist yet.
func loadRequests(ctx context.Context, store *dynamo.Store, now time.Time) error {
	byID := map[string]Person{}
	for _, p := range People() {
		byID[p.ID] = p
	}
	for _, d := range demoRequests {
		if _, err := store.GetRequest(ctx, "acme", d.id); err == nil {
			continue
		} else if tandem.ErrorCode(err) != tandem.ENotFound {
			return err
		}
		l := byID["acme-"+d.learner]
		r := &tandem.LearnerRequest{ID: d.id, OrgID: "acme", LearnerID: l.ID, LearnerName: l.Name, LearnerDepartment: l.Department,
			Topics: d.topics, Goal: d.goal, DurationMin: 30, Urgency: "normal", Timezone: l.Timezone, Status: tandem.RequestOpen,
			PreferredTimes: []tandem.PreferredTime{{Weekday: "tue", StartHour: 9, EndHour: 18}, {Weekday: "thu", StartHour: 9, EndHour: 18}},
			ExpiresAt:      now.Add(14 * 24 * time.Hour).UTC().Truncate(time.Second)}
		if err := store.CreateRequest(ctx, r); err != nil {
			return fmt.Errorf("seed request %s: %w", d.id, err)
		}
		if d.offerBy == "" {
			continue
		}
		starts, err := OfferSlots("acme-"+d.offerBy, now, d.fromDays, 2)
		if err != nil {
			return err
		}
		e := byID["acme-"+d.offerBy]
		if err := store.PutOffer(ctx, "acme", &tandem.Offer{RequestID: d.id, ExpertID: e.ID, ExpertName: e.Name, SessionType: "intro", Starts: starts}); err != nil {
			return fmt.Errorf("seed offer on %s: %w", d.id, err)
		}
	}
	return nil
}
