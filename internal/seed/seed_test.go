package seed

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

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

// demoNow is a Monday noon, as in the sample events' replay test.
var demoNow = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

func TestLoadIsIdempotent(t *testing.T) {
	clock := demoNow
	store := dynamotest.New(t, dynamotest.Options{Now: func() time.Time { return clock }})
	ctx := context.Background()
	for range 2 {
		if err := Load(ctx, store, demoNow); err != nil {
			t.Fatal(err)
		}
	}
	// tandem seed run again later (another now) leaves the existing demo bookings alone.
	clock = demoNow.Add(26 * time.Hour)
	if err := Load(ctx, store, clock); err != nil {
		t.Fatalf("Load a day later: %v", err)
	}
	clock = demoNow
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
	want, err := Bookings(demoNow)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		got, err := store.GetBooking(ctx, "acme", w.ID)
		if err != nil {
			t.Errorf("GetBooking(%s): %v", w.ID, err)
			continue
		}
		if !got.Start.Equal(w.Start) || got.Status != w.Status || got.Learner.ID != w.Learner.ID || got.Expert.ID != w.Expert.ID {
			t.Errorf("%s = %s %s %s→%s, want %s %s %s→%s", w.ID, got.Start, got.Status, got.Learner.ID, got.Expert.ID,
				w.Start, w.Status, w.Learner.ID, w.Expert.ID)
		}
	}
	for _, tt := range []struct {
		upcoming bool
		want     int
	}{{true, 5}, {false, 1}} {
		bp, err := store.ListBookings(ctx, "acme", dynamo.BookingQuery{UserID: "acme-ben", Upcoming: tt.upcoming, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if len(bp.Bookings) != tt.want {
			t.Errorf("ben has %d bookings (upcoming=%v), want %d", len(bp.Bookings), tt.upcoming, tt.want)
		}
	}
	org, user, err := store.CalendarTokenOwner(ctx, DemoFeedToken)
	if err != nil || org != "acme" || user != "acme-ben" {
		t.Errorf("CalendarTokenOwner(DemoFeedToken) = %q, %q, %v; want acme, acme-ben", org, user, err)
	}
}

// TestDemoBookings checks the plan the sample events rely on: fixed ids, a pure function of
// now, every start offered by the slot engine, and the mix of states.
func TestDemoBookings(t *testing.T) {
	a, err := Bookings(demoNow)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Bookings(demoNow)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("Bookings is not deterministic (-first +second):\n%s", diff)
	}
	var upcoming, past, pending int
	seen := map[string]bool{}
	for _, bk := range a {
		if seen[bk.ID] || !strings.HasPrefix(bk.ID, "demo-b") {
			t.Errorf("bad or duplicate id %q", bk.ID)
		}
		seen[bk.ID] = true
		switch {
		case bk.Status == tandem.StatusPending:
			pending++
			if !bk.HoldUntil.After(demoNow) || bk.HoldUntil.After(bk.Start) {
				t.Errorf("%s: hold until %s, want after now and not after the start %s", bk.ID, bk.HoldUntil, bk.Start)
			}
		case !bk.End.After(demoNow):
			past++
		default:
			upcoming++
		}
		if bk.Status != tandem.StatusPending && bk.Status != tandem.StatusConfirmed {
			t.Errorf("%s: status %s", bk.ID, bk.Status)
		}
	}
	if upcoming < 4 || past != 2 || pending != 2 {
		t.Errorf("%d upcoming, %d past, %d pending; want ≥4, 2, 2", upcoming, past, pending)
	}
	// Another instant of the same day gives the same sessions.
	c, err := Bookings(demoNow.Add(90 * time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if !a[i].Start.Equal(c[i].Start) {
			t.Errorf("%s starts %s at now+90m, %s at now", a[i].ID, c[i].Start, a[i].Start)
		}
	}
}

// TestDemoBudget: acme starts with DemoBudget; the demo bookings (booking transaction) and
// the history (bulk path) draw on it exactly once however often the seed runs, and settings
// HR has saved are never overwritten.
func TestDemoBudget(t *testing.T) {
	cfg := dynamotest.Config(t, dynamotest.Options{Now: func() time.Time { return demoNow }})
	store, err := dynamo.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for range 2 {
		if err := Load(ctx, store, demoNow); err != nil {
			t.Fatal(err)
		}
		if err := LoadHistory(ctx, store, demoNow, 150); err != nil {
			t.Fatal(err)
		}
	}
	st, err := store.GetSettings(ctx, "acme")
	if err != nil || !cmp.Equal(st.Budget, DemoBudget()) {
		t.Fatalf("budget = %+v, %v; want DemoBudget", st.Budget, err)
	}
	// Recount from the bookings: live ones through budgetMin, imported ones by status.
	want := map[string]float64{}
	var periods []string
	for _, it := range dynamotest.Items(t, cfg) {
		if it["type"] != "booking" {
			continue
		}
		start, _ := time.Parse("2006-01-02T15:04:05Z", it["start"].(string))
		period := DemoBudget().PeriodOf(start)
		learner := it["learner"].(map[string]any)
		st := tandem.BookingStatus(it["status"].(string))
		var m float64
		if imported, _ := it["imported"].(bool); imported {
			late, _ := it["lateCancel"].(bool)
			if st == tandem.StatusCompleted || st == tandem.StatusNoShow || (st == tandem.StatusCancelled && late && it["cancelledBy"] == "learner") {
				m = it["sessionType"].(map[string]any)["DurationMin"].(float64)
			}
		} else if st.Live() || st == tandem.StatusCompleted || st == tandem.StatusNoShow {
			m, _ = it["budgetMin"].(float64)
			if m == 0 {
				t.Errorf("demo booking %s drew nothing", it["id"])
			}
		}
		if m == 0 {
			continue
		}
		if _, ok := want[period+"#ORG"]; !ok {
			periods = append(periods, period)
		}
		want[period+"#ORG"] += m
		want[period+"#"+learner["Department"].(string)] += m
	}
	if len(periods) < 2 {
		t.Fatalf("the demo should span at least two quarters, got %v", periods)
	}
	slices.Sort(periods)
	usage, err := store.LoadBudgetUsage(ctx, "acme", periods)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range usage {
		if float64(u.OrgMin) != want[u.Period+"#ORG"] {
			t.Errorf("%s: org used %d minutes, recount %v", u.Period, u.OrgMin, want[u.Period+"#ORG"])
		}
		for d, m := range u.Departments {
			if float64(m) != want[u.Period+"#"+d] {
				t.Errorf("%s %s: used %d minutes, recount %v", u.Period, d, m, want[u.Period+"#"+d])
			}
		}
	}
	// HR's own settings survive another seed.
	st.Budget = &tandem.Budget{Period: tandem.BudgetMonthly, OrgHours: 7}
	if err := store.PutSettings(ctx, "acme", &st); err != nil {
		t.Fatal(err)
	}
	if err := Load(ctx, store, demoNow); err != nil {
		t.Fatal(err)
	}
	if got, _ := store.GetSettings(ctx, "acme"); got.Budget.OrgHours != 7 {
		t.Errorf("seed overwrote HR's budget: %+v", got.Budget)
	}
}
