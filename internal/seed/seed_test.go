package seed

import (
	"context"
	"testing"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/tandem"
)

func TestDemoOrgShape(t *testing.T) {
	depts := map[string]bool{}
	counts := map[tandem.Role]int{}
	emails := map[string]bool{}
	for _, p := range People() {
		if emails[p.Email] {
			t.Errorf("duplicate email %s", p.Email)
		}
		emails[p.Email] = true
		if p.OrgID != "acme" {
			continue
		}
		depts[p.Department] = true
		for _, r := range p.Roles {
			counts[r]++
		}
	}
	if len(depts) < 3 || counts[tandem.RoleExpert] < 8 || counts[tandem.RoleLearner]-counts[tandem.RoleExpert]-counts[tandem.RoleHR] < 15 || counts[tandem.RoleHR] < 1 {
		t.Errorf("demo org has %d departments and roles %v; want ≥3 departments, ≥8 experts, ≥15 learners, ≥1 HR", len(depts), counts)
	}
}

func TestLoadIsIdempotent(t *testing.T) {
	store := dynamotest.New(t, dynamotest.Options{})
	ctx := context.Background()
	for range 2 {
		if err := Load(ctx, store); err != nil {
			t.Fatal(err)
		}
	}
	page, err := store.SearchExperts(ctx, "acme", dynamo.ExpertQuery{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Experts) != 10 {
		t.Errorf("acme has %d experts after loading twice, want 10", len(page.Experts))
	}
	page, err = store.SearchExperts(ctx, "acme", dynamo.ExpertQuery{Topic: "go", Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Experts) != 2 {
		t.Errorf("acme has %d Go experts, want 2 (globex's must not appear)", len(page.Experts))
	}
}
