package seed

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/streams"
	"github.com/tandemhq/tandem/internal/tandem"
)

// LoadHistory adds n past sessions of the demo org (six months up to now) through the bulk
// path, whose aggregates are computed with the stream consumer's rules: months of coaching
// for the HR reports to show. Running it again with the same n and now changes nothing.
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
	return streams.Import(ctx, store, "acme", "seed-"+now.UTC().Format("20060102"), hist)
}
