package seed

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/tandemhq/tandem/internal/analytics"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/streams"
	"github.com/tandemhq/tandem/internal/tandem"
)

// LoadHistory adds n past sessions of the demo org (six months up to now) through the bulk
// path, whose aggregates are computed with the stream consumer's rules: months of coaching
// for the HR reports to show, with the experts' offered hours for those months and the
// sessions' draws on the org's budget. Load must have run first (schedules, settings).
// Running it again with the same n and now changes nothing.
func LoadHistory(ctx context.Context, store *dynamo.Store, now time.Time, n int) error {
	if n <= 0 {
		return nil
	}
	var experts, learners []tandem.Party
	var sts []tandem.SessionType
	for _, p := range People() {
		if p.OrgID != "acme" {
			continue
		}
		party := tandem.Party{ID: p.ID, Name: p.Name, Email: p.Email, Department: p.Department}
		if p.Profile != nil {
			experts = append(experts, party)
			if sts == nil {
				sts = standard(45)
			}
			continue
		}
		learners = append(learners, party)
	}
	hist := streams.History("acme", experts, learners, sts, now.Add(-24*time.Hour), n)
	batch := "seed-" + now.UTC().Format("20060102")
	if err := streams.Import(ctx, store, "acme", batch, hist); err != nil {
		return err
	}
	// Offered hours for the history's months, as if each expert had kept today's schedule
	// all along (the stream consumer only sets the months around a schedule change).
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	for _, e := range experts {
		a, err := store.GetAvailabilityFact(ctx, "acme", e.ID)
		if err != nil {
			return err
		}
		if err := streams.SetOfferedMonths(ctx, store, "acme", a, month.AddDate(0, -6, 0), month.AddDate(0, 3, 0)); err != nil {
			return err
		}
	}
	// With a budget, the history draws on it as live bookings would have: sessions that
	// took place (or were missed) and learners' late cancellations.
	settings, err := store.GetSettings(ctx, "acme")
	if err != nil || settings.Budget == nil {
		return err
	}
	byPeriod := map[string]*analytics.BudgetUsage{}
	for _, b := range hist {
		drawn := b.Status == tandem.StatusCompleted || b.Status == tandem.StatusNoShow ||
			(b.Status == tandem.StatusCancelled && b.LateCancel && b.CancelledBy == "learner")
		if !drawn {
			continue
		}
		p := settings.Budget.PeriodOf(b.Start)
		if byPeriod[p] == nil {
			byPeriod[p] = &analytics.BudgetUsage{Period: p, Departments: map[string]int{}}
		}
		byPeriod[p].OrgMin += b.SessionType.DurationMin
		if b.Learner.Department != "" {
			byPeriod[p].Departments[b.Learner.Department] += b.SessionType.DurationMin
		}
	}
	var usage []analytics.BudgetUsage
	for _, p := range slices.Sorted(maps.Keys(byPeriod)) {
		usage = append(usage, *byPeriod[p])
	}
	return store.ImportBudgetUsage(ctx, "acme", batch, usage)
}
