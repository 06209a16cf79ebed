package seed

import (
	"context"
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
