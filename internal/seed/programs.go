package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/programs"
	"github.com/tandemhq/tandem/internal/tandem"
)

// DemoProgramID is acme's demo program: weekly cohorts of four, enrolling, with twelve
// learners from five departments and three continents enrolled and no cohorts built yet.
// Ben (the demo learner) is not enrolled, so the sample events and the web app can enroll him.
const DemoProgramID = "demo-p01"

// demoEnrollees are the learners Load enrolls in the demo program, with their interests.
var demoEnrollees = map[string][]string{
	"acme-ines": {"leadership", "negotiation"}, "acme-tom": {"leadership", "go"}, "acme-aisha": {"leadership", "mentoring"},
	"acme-noah": {"leadership", "product-management"}, "acme-emma": {"leadership", "discovery"},
	"acme-raj": {"leadership", "finance"}, "acme-lucia": {"leadership", "finance"}, "acme-sam": {"leadership", "hiring"},
	"acme-olga": {"leadership", "negotiation"}, "acme-marco": {"leadership", "roadmaps"}, "acme-kwame": {"leadership", "mentoring"},
	"acme-nina": {"leadership", "hiring"},
}

// DemoProgramStart is the demo program's first session as of now: the Monday at least three
// weeks ahead, 17:00 in London.
func DemoProgramStart(now time.Time) time.Time {
	london, _ := tandem.LoadZone("Europe/London")
	d := now.In(london).AddDate(0, 0, 21)
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, 1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 17, 0, 0, 0, london).UTC()
}

// loadPrograms creates the demo program once (a later Load leaves it, and its cohorts, as
// they are) and enrolls the demo enrollees, through the same use cases as the API.
func loadPrograms(ctx context.Context, store *dynamo.Store, now time.Time) error {
	_, err := store.GetProgram(ctx, "acme", DemoProgramID)
	if err == nil {
		return nil
	}
	if tandem.ErrorCode(err) != tandem.ENotFound {
		return err
	}
	svc := programs.New(store, func() time.Time { return now })
	hr := tandem.Caller{UserID: "acme-hana", OrgID: "acme", Name: "Hana Novak", Department: "People", Roles: []tandem.Role{tandem.RoleHR}}
	p, err := svc.CreateWithID(ctx, hr, DemoProgramID, tandem.ProgramInput{Title: "Leading across teams",
		Topic:       "leadership",
		Description: "Six weekly sessions in small cross-team cohorts: practise giving feedback, running decisions and influencing without authority with colleagues you would not usually meet.",
		CohortSize:  4, Start: DemoProgramStart(now), Timezone: "Europe/London", Cadence: tandem.CadenceWeekly,
		Sessions: 6, SessionMin: 60, Facilitators: []string{"acme-lukas", "acme-priya"}, MaxSpreadHours: 6})
	if err != nil {
		return fmt.Errorf("seed program: %w", err)
	}
	for _, person := range People() {
		interests, ok := demoEnrollees[person.ID]
		if !ok {
			continue
		}
		learner := tandem.Caller{UserID: person.ID, OrgID: "acme", Name: person.Name, Department: person.Department,
			Roles: []tandem.Role{tandem.RoleLearner}}
		if _, err := svc.Enroll(ctx, learner, p.ID, tandem.EnrollInput{Interests: interests, Timezone: person.Timezone}); err != nil {
			return fmt.Errorf("seed enrollment %s: %w", person.ID, err)
		}
	}
	return nil
}
