package seed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Demo mentorships (acme): demo-m01, Ben with Maya, active for 30 days without a session yet
// (so HR's mentorship report shows it stalled, reason no_session), with an action item
// demo-a01; demo-m02, Ben's proposal to Amara, waiting for her to accept. Loading again
// leaves existing ones as they are.
func loadMentorships(ctx context.Context, store *dynamo.Store, now time.Time) error {
	now = now.UTC().Truncate(time.Second)
	party := func(id string) tandem.Party {
		for _, p := range People() {
			if p.ID == id {
				return tandem.Party{ID: p.ID, Name: p.Name, Email: p.Email, Department: p.Department}
			}
		}
		return tandem.Party{ID: id}
	}
	agreement := tandem.Agreement{Goals: []tandem.Goal{
		{Title: "Lead a design review", Measure: "Two reviews led, with written feedback from the team"},
		{Title: "Write idiomatic Go", Measure: "Pull requests merged without style rework"}},
		Cadence: tandem.CadenceBiweekly, Months: 3, SessionType: "intro", Weekday: "tue",
		Window: tandem.Window{Start: "15:00", End: "17:00"}, Timezone: "Europe/London"}
	ms := []*tandem.Mentorship{
		{ID: "demo-m01", OrgID: "acme", Learner: party("acme-ben"), Expert: party("acme-maya"), Origin: tandem.OriginInvitation,
			ProposedBy: "acme-ben", Accepted: []string{"acme-ben", "acme-maya"}, Status: tandem.MentorshipActive, Agreement: agreement,
			CreatedAt: now.AddDate(0, 0, -32), ActivatedAt: now.AddDate(0, 0, -30), UpdatedAt: now.AddDate(0, 0, -30), Version: 2},
		{ID: "demo-m02", OrgID: "acme", Learner: party("acme-ben"), Expert: party("acme-amara"), Origin: tandem.OriginInvitation,
			ProposedBy: "acme-ben", Accepted: []string{"acme-ben"}, Status: tandem.MentorshipProposed,
			Agreement: tandem.Agreement{Goals: []tandem.Goal{{Title: "Handle difficult conversations", Measure: "Self-rated confidence"}},
				Cadence: tandem.CadenceMonthly, Months: 6, SessionType: "intro", Weekday: "thu",
				Window: tandem.Window{Start: "10:00", End: "12:00"}, Timezone: "Europe/London"},
			CreatedAt: now.AddDate(0, 0, -1), UpdatedAt: now.AddDate(0, 0, -1), Version: 1},
	}
	for _, m := range ms {
		if err := store.SaveMentorship(ctx, m, 0); err != nil && !isChanged(err) {
			return fmt.Errorf("seed mentorship %s: %w", m.ID, err)
		}
	}
	a := &tandem.ActionItem{ID: "demo-a01", Text: "Read the team's last three design docs", Owner: "acme-ben",
		Due: now.AddDate(0, 0, 7).Format(time.DateOnly), CreatedBy: "acme-maya", CreatedAt: now.AddDate(0, 0, -30),
		UpdatedAt: now.AddDate(0, 0, -30), Version: 1}
	if err := store.SaveActionItem(ctx, "acme", "demo-m01", a, 0); err != nil && !isChanged(err) {
		return fmt.Errorf("seed action item: %w", err)
	}
	return nil
}

func isChanged(err error) bool {
	var c *dynamo.MentorshipChanged
	return errors.As(err, &c)
}
