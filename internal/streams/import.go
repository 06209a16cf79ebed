package streams

import (
	"context"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/internal/analytics"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Import writes past bookings in bulk and their aggregates with the same contribution rules
// the stream consumer applies one record at a time: the bulk path for demo history
// (`tandem seed --bookings N`) and for the report scale test. batch names the import, so
// running the same import twice changes nothing.
func Import(ctx context.Context, store *dynamo.Store, org, batch string, bookings []*tandem.Booking) error {
	if err := store.ImportBookings(ctx, bookings); err != nil {
		return err
	}
	total := contribution{}
	seen := map[string]bool{}
	learners := map[cell][]int64{} // each cell's active learners, for its learner set
	firstTie := map[[2]string]string{}
	tieGroups := map[[2]string][]analytics.Group{}
	for _, b := range bookings {
		for k, fields := range bookingContribution(b) {
			for f, n := range fields {
				total.add(k.month, k.group, f, n)
			}
		}
		if b.Status != tandem.StatusCompleted {
			continue
		}
		month := dynamo.MonthOf(b.Start)
		for _, g := range []analytics.Group{orgGroup(), deptGroup(b.Learner.Department), expertGroup(b.Expert)} {
			if key := month + g.Kind + g.Key + b.Learner.ID; !seen[key] {
				seen[key] = true
				total.add(month, g, "activeLearners", 1)
				k := cell{month, g}
				learners[k] = append(learners[k], analytics.LearnerKey(b.Learner.ID))
			}
		}
		pair := [2]string{b.Learner.ID, b.Expert.ID}
		if m, ok := firstTie[pair]; !ok || month < m {
			firstTie[pair] = month
			tieGroups[pair] = []analytics.Group{orgGroup(), deptGroup(b.Learner.Department), expertGroup(b.Expert)}
		}
	}
	adds := minus(total, contribution{})
	for i := range adds {
		adds[i].Learners = learners[cell{adds[i].Month, adds[i].Group}]
	}
	for i := 0; i < len(adds); i += 50 {
		step := dynamo.AggStep{Org: org, Marker: fmt.Sprintf("IMPORT#%s#%d", batch, i), Adds: adds[i:min(i+50, len(adds))]}
		if _, err := store.ApplyStep(ctx, step); err != nil {
			return err
		}
	}
	for pair, month := range firstTie {
		if err := store.RecordTie(ctx, org, pair[0], pair[1], month, tieGroups[pair]); err != nil {
			return err
		}
	}
	return nil
}

// History makes n past bookings in org over the months before now, spread over the given
// experts and learners with a realistic mix: mostly completed, some cancelled (a third of
// them late), a few no-shows either way. It is deterministic for its inputs.
func History(org string, experts, learners []tandem.Party, sessionTypes []tandem.SessionType, now time.Time, n int) []*tandem.Booking {
	out := make([]*tandem.Booking, 0, n)
	span := 180 * 24 * time.Hour
	for i := range n {
		// The expert index drifts against the outcome cycle (i % 20) so every expert gets the
		// whole mix of outcomes, not the same few.
		e, l := experts[(i*7+i/20)%len(experts)], learners[(i*13+i/len(experts))%len(learners)]
		st := sessionTypes[i%len(sessionTypes)]
		start := now.Add(-span + span/time.Duration(n+1)*time.Duration(i)).Truncate(15 * time.Minute)
		b := &tandem.Booking{ID: fmt.Sprintf("hist-%s-%06d", org, i), OrgID: org, Expert: e, Learner: l, SessionType: st,
			Start: start, End: start.Add(time.Duration(st.DurationMin) * time.Minute), Status: tandem.StatusCompleted,
			CreatedAt: start.Add(-72 * time.Hour)}
		switch i % 20 {
		case 3, 11:
			b.Status, b.CancelledBy = tandem.StatusCancelled, "learner"
		case 7:
			b.Status, b.CancelledBy, b.LateCancel = tandem.StatusCancelled, "expert", true
		case 13:
			b.Status, b.NoShow = tandem.StatusNoShow, tandem.NoShowGuest
		case 17:
			b.Status, b.NoShow = tandem.StatusNoShow, tandem.NoShowHost
		}
		out = append(out, b)
	}
	return out
}
