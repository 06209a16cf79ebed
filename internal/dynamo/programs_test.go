package dynamo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/go-cmp/cmp"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// legacyPlanJSON is a plan as stored before plans had attributes of their own: the API's
// JSON document in doc.
const legacyPlanJSON = `{"status":"draft","seed":7,"adjusted":true,"cohorts":[{"number":1,"members":[
 {"id":"u1","name":"Ann","department":"Sales","timezone":"Europe/London"},
 {"id":"u2","name":"Bo","department":"Engineering","timezone":"Europe/Berlin"}],
 "explanation":{"departments":["Engineering","Sales"],"pairs":1,"crossPairs":1,"newPairs":1,"spreadHours":1,"sharedInterests":["go"],"eiIndex":1}}],
 "measures":{"eiIndex":1,"newPairs":1,"crossPairs":1,"pairs":1,"maxSpreadHours":1,"violations":0},
 "baseline":{"eiIndex":-1,"newPairs":1,"crossPairs":0,"pairs":1,"maxSpreadHours":1,"violations":0},
 "unplaced":[],"withdrawn":[],"builtAt":"2027-03-01T12:00:00Z","version":3}`

// TestLegacyCohortPlanStaysReadable: a plan stored as the API's JSON is read into the domain
// plan, and the next save (over its version) rewrites it in the plan's own attributes.
func TestLegacyCohortPlanStaysReadable(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	cfg := dynamotest.Config(t, dynamotest.Options{Now: func() time.Time { return now }})
	store, err := dynamo.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	client, err := dynamo.NewClient(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := &tandem.Program{ID: "p1", OrgID: "acme", Title: "T", Topic: "go", CohortSize: 2, Start: now.AddDate(0, 1, 0),
		Timezone: "UTC", Cadence: tandem.CadenceWeekly, Sessions: 1, SessionMin: 60, MaxSpreadHours: 4,
		Status: tandem.ProgramEnrolling, CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := store.CreateProgram(ctx, p); err != nil {
		t.Fatal(err)
	}
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	_, err = client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &cfg.Table, Item: map[string]types.AttributeValue{
		"PK": s("ORG#acme#PROGRAM#p1"), "SK": s("COHORTS"), "type": s("cohortPlan"), "doc": s(legacyPlanJSON),
		"published": &types.AttributeValueMemberBOOL{Value: false}, "version": &types.AttributeValueMemberN{Value: "3"},
		"updatedAt": s("2027-03-01T12:00:00Z")}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := store.GetCohortPlan(ctx, "acme", "p1")
	if err != nil {
		t.Fatal(err)
	}
	want := &tandem.CohortPlan{ProgramID: "p1", Status: tandem.PlanDraft, Seed: 7, Adjusted: true, Version: 3,
		BuiltAt: now, Cohorts: []tandem.PlanCohort{{Number: 1,
			Members: []tandem.PlanMember{{ID: "u1", Name: "Ann", Department: "Sales", Timezone: "Europe/London"},
				{ID: "u2", Name: "Bo", Department: "Engineering", Timezone: "Europe/Berlin"}},
			Explanation: tandem.CohortExplanation{Departments: []string{"Engineering", "Sales"}, Pairs: 1, CrossPairs: 1,
				NewPairs: 1, SpreadHours: 1, SharedInterests: []string{"go"}, EIIndex: 1}}},
		Measures: tandem.CohortMeasures{EIIndex: 1, NewPairs: 1, CrossPairs: 1, Pairs: 1, MaxSpreadHours: 1},
		Baseline: tandem.CohortMeasures{EIIndex: -1, NewPairs: 1, Pairs: 1, MaxSpreadHours: 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("legacy plan read (-want +got):\n%s", diff)
	}

	// A save over a stale version is refused with the stored version; over the one read, it
	// rewrites the plan in its own attributes and publishes the program with it.
	next := *got
	next.Version = 3
	var changed *dynamo.PlanChanged
	if err := store.SaveCohortPlan(ctx, "acme", &next, dynamo.PlanWrite{ReadVersion: 2, Guard: dynamo.ProgramGuard{Status: tandem.ProgramEnrolling}}); !errors.As(err, &changed) || changed.Version != 3 {
		t.Fatalf("save over a stale version: %v, want *PlanChanged{3}", err)
	}
	next.Version, next.Status, next.PublishedAt = 4, tandem.PlanPublished, now
	if err := store.SaveCohortPlan(ctx, "acme", &next, dynamo.PlanWrite{ReadVersion: 3, Guard: dynamo.ProgramGuard{Status: tandem.ProgramEnrolling},
		SetStatus: tandem.ProgramPublished}); err != nil {
		t.Fatal(err)
	}
	out, err := client.GetItem(ctx, &dynamodb.GetItemInput{TableName: &cfg.Table, Key: map[string]types.AttributeValue{
		"PK": s("ORG#acme#PROGRAM#p1"), "SK": s("COHORTS")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, hasDoc := out.Item["doc"]; hasDoc || out.Item["format"] == nil || out.Item["cohorts"] == nil {
		t.Errorf("rewritten plan item has attributes %v, want format and cohorts and no doc", keys(out.Item))
	}
	again, err := store.GetCohortPlan(ctx, "acme", "p1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&next, again); diff != "" {
		t.Errorf("plan after the rewrite (-want +got):\n%s", diff)
	}
	// The program was published with it; a guard on enrolling now fails with the facts.
	stored, err := store.GetProgram(ctx, "acme", "p1")
	if err != nil || stored.Status != tandem.ProgramPublished {
		t.Fatalf("program after publishing: %+v, %v", stored, err)
	}
	next.Version = 5
	var moved *dynamo.ProgramChanged
	err = store.SaveCohortPlan(ctx, "acme", &next, dynamo.PlanWrite{ReadVersion: 4, Guard: dynamo.ProgramGuard{Status: tandem.ProgramEnrolling}})
	if !errors.As(err, &moved) || moved.Current == nil || moved.Current.Status != tandem.ProgramPublished {
		t.Errorf("save on a published program: %v, want *ProgramChanged with the program published", err)
	}
}

func keys(m map[string]types.AttributeValue) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
