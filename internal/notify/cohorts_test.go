package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/notify"
	"github.com/tandemhq/tandem/internal/scheduler"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestCohortPublished: publishing a plan tells each member their cohort and session times
// once (records delivered twice), and their cohort sessions get reminders from the scheduler.
func TestCohortPublished(t *testing.T) {
	t0 := time.Date(2027, 9, 6, 9, 0, 0, 0, time.UTC)
	e := newEnv(t, t0)
	ctx := context.Background()
	first := t0.Add(48 * time.Hour)
	p := &tandem.Program{ID: "pg1", OrgID: "acme", Title: "Go guild", Topic: "go", CohortSize: 2, Start: first, Timezone: "Europe/London",
		Cadence: tandem.CadenceWeekly, Sessions: 3, SessionMin: 60, MaxSpreadHours: 12, Status: tandem.ProgramEnrolling, CreatedAt: t0}
	if err := e.store.CreateProgram(ctx, p); err != nil {
		t.Fatal(err)
	}
	members := []tandem.PlanMember{{ID: ben.ID, Name: ben.Name, Department: "Sales", Timezone: "Europe/London"},
		{ID: maya.ID, Name: maya.Name, Department: "Engineering", Timezone: "America/New_York"}}
	plan := &tandem.CohortPlan{ProgramID: "pg1", Status: tandem.PlanDraft, Cohorts: []tandem.PlanCohort{{Number: 1, Members: members}}, BuiltAt: t0, Version: 1}
	if err := e.store.SaveCohortPlan(ctx, "acme", plan, dynamo.PlanWrite{ReadVersion: 0, Guard: dynamo.ProgramGuard{Status: tandem.ProgramEnrolling}}); err != nil {
		t.Fatal(err)
	}
	pub := *plan
	pub.Status, pub.PublishedAt, pub.Version = tandem.PlanPublished, t0.Add(time.Hour), 2
	e.clk.Set(t0.Add(time.Hour))
	if err := e.store.SaveCohortPlan(ctx, "acme", &pub, dynamo.PlanWrite{ReadVersion: 1, Guard: dynamo.ProgramGuard{Status: tandem.ProgramEnrolling},
		SetStatus: tandem.ProgramPublished}); err != nil {
		t.Fatal(err)
	}
	c := e.consumer(nil)
	recs := e.read()
	deliver(t, c, append(append(recs[:0:0], recs...), recs...), 7)
	e.drain(c)
	var got []string
	for _, it := range e.notifications() {
		if it["kind"] == notify.KindCohortPublished {
			got = append(got, it["userId"].(string))
			if !strings.Contains(it["body"].(string), "First session") {
				t.Errorf("%s: body %q", it["userId"], it["body"])
			}
		}
	}
	if len(got) != 2 {
		t.Fatalf("cohort.published to %v, want Ben and Maya once each", got)
	}
	// The first session's reminders fire, 24 h and 1 h before, once per member.
	sched, err := dynamo.New(ctx, e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := sched.SetSchedulerWatermark(ctx, first.Add(-25*time.Hour).Truncate(time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{first.Add(-24 * time.Hour), first.Add(-time.Hour), first.Add(-time.Hour + 10*time.Minute)} {
		e.clk.Set(at)
		if _, err := scheduler.Run(ctx, sched, at); err != nil {
			t.Fatal(err)
		}
		e.drain(c)
	}
	n := 0
	for _, it := range e.notifications() {
		if it["kind"] == notify.KindReminder && it["path"] == "/programs/pg1" {
			n++
		}
	}
	if n != 4 {
		t.Errorf("%d cohort session reminders, want 4 (2 members × 24 h and 1 h)", n)
	}
}
