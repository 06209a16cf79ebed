package dynamo_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// budgetFixture books sessions of any length for learners of one department straight
// through the store, with the budget passed in (the caller's settings).
type budgetFixture struct {
	t      *testing.T
	cfg    dynamo.Config
	s      *dynamo.Store
	budget *tandem.Budget
	n      int
}

func newBudgetFixture(t *testing.T, budget *tandem.Budget) *budgetFixture {
	cfg := dynamotest.Config(t, dynamotest.Options{Now: func() time.Time { return clock }})
	s, err := dynamo.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &budgetFixture{t: t, cfg: cfg, s: s, budget: budget}
}

// book books minutes for a new learner at a new time in March (every booking its own cells).
func (f *budgetFixture) book(minutes int) (string, error) {
	return f.bookAt(clock.Add(48*time.Hour+time.Duration(f.n+1)*4*time.Hour), minutes)
}

func (f *budgetFixture) bookAt(start time.Time, minutes int) (string, error) {
	f.n++
	id := fmt.Sprintf("bk-%03d", f.n)
	b := &tandem.Booking{ID: id, OrgID: "acme", Expert: tandem.Party{ID: fmt.Sprintf("e%03d", f.n), Department: "Eng"},
		Learner:     tandem.Party{ID: "l-" + id, Department: "Sales"},
		SessionType: tandem.SessionType{ID: "s", DurationMin: minutes}, Start: start, End: start.Add(time.Duration(minutes) * time.Minute),
		Status: tandem.StatusConfirmed}
	_, err := f.s.Book(ctx, dynamo.BookRequest{Booking: b, Budget: f.budget})
	return id, err
}

// bookUntilRefused books sessions of minutes until the budget refuses one; it returns the
// ids booked and checks the refusal.
func (f *budgetFixture) bookUntilRefused(minutes int, limit string) []string {
	f.t.Helper()
	var ids []string
	for {
		id, err := f.book(minutes)
		if err != nil {
			wantError(f.t, err, tandem.ELimitExceeded, map[string]any{"limit": limit})
			return ids
		}
		ids = append(ids, id)
	}
}

// usage is the period's org and Sales usage as the reports read it.
func (f *budgetFixture) usage(period string) (org, sales int) {
	f.t.Helper()
	u, err := f.s.LoadBudgetUsage(ctx, "acme", []string{period})
	if err != nil {
		f.t.Fatal(err)
	}
	return u[0].OrgMin, u[0].Departments["Sales"]
}

// recount compares every usage counter (shard) with what the booking items that hold a
// draw recorded on it, and returns how many bookings drew on more than one shard.
func (f *budgetFixture) recount() (split int) {
	f.t.Helper()
	want, got := map[string]int{}, map[string]int{}
	for _, it := range dynamotest.Items(f.t, f.cfg) {
		str := func(k string) string { s, _ := it[k].(string); return s }
		switch str("type") {
		case "budget":
			m, _ := it["usedMin"].(float64)
			got[str("SK")] = int(m)
		case "booking":
			if str("status") == string(tandem.StatusCancelled) || str("budgetParts") == "" {
				continue
			}
			bases := []string{str("budgetPeriod") + "#ORG", str("budgetPeriod") + "#DEPT#" + str("budgetDepartment")}
			for gi, group := range strings.Split(str("budgetParts"), "|") {
				parts := strings.Split(group, ",")
				if len(parts) > 1 {
					split++
				}
				for _, p := range parts {
					shard, m, _ := strings.Cut(p, ":")
					i, _ := strconv.Atoi(shard)
					n, _ := strconv.Atoi(m)
					want[fmt.Sprintf("%s#S%02d", bases[gi], i)] += n
				}
			}
		}
	}
	for k, m := range got {
		if want[k] != m {
			f.t.Errorf("shard %s: usedMin %d, the bookings recorded %d on it", k, m, want[k])
		}
	}
	for k, m := range want {
		if got[k] != m {
			f.t.Errorf("the bookings recorded %d on shard %s, its usedMin is %d", m, k, got[k])
		}
	}
	return split
}

// TestBudgetSplitDrawsUseTheLastMinutes: the last minutes of a cap are usable exactly, however
// the draws fell on the shards, and refunds go back to the shards they came from.
func TestBudgetSplitDrawsUseTheLastMinutes(t *testing.T) {
	t.Parallel()
	// A small cap is one counter (shares of at least four hours): a one-hour department cap
	// takes exactly three 20-minute sessions.
	small := newBudgetFixture(t, &tandem.Budget{Period: tandem.BudgetMonthly, OrgHours: 100, DepartmentHours: map[string]int{"Sales": 1}})
	if ids := small.bookUntilRefused(20, "budget_department"); len(ids) != 3 {
		t.Errorf("a one-hour cap took %d 20-minute sessions, want 3", len(ids))
	}
	small.recount()

	// 64 hours are 16 shards of 240 minutes. Three-hour sessions land on their home shards
	// until those are short, then split: 21 fit (3,780 minutes), the 22nd does not, but the
	// last hour does, to the minute.
	f := newBudgetFixture(t, &tandem.Budget{Period: tandem.BudgetMonthly, OrgHours: 64})
	ids := f.bookUntilRefused(180, "budget_org")
	if len(ids) != 21 {
		t.Fatalf("64 hours took %d three-hour sessions, want 21", len(ids))
	}
	if _, err := f.book(60); err != nil {
		t.Fatalf("the last hour: %v", err)
	}
	if _, err := f.book(15); err == nil {
		t.Fatal("a booking over a cap used to the minute went through")
	}
	if org, sales := f.usage("2027-03"); org != 64*60 || sales != 64*60 {
		t.Errorf("usage org %d, Sales %d; want 3840 each", org, sales)
	}
	if split := f.recount(); split == 0 {
		t.Error("no draw was split over shards: the test does not reach the split path")
	} else {
		t.Logf("%d of %d draws split over shards", split, 2*(len(ids)+1))
	}

	// Cancel every other three-hour session: each gives back to the shards it drew on, the
	// counters still equal the recount, and the freed minutes are usable exactly again.
	for i, id := range ids {
		if i%2 == 1 {
			continue
		}
		if _, err := f.s.UpdateBooking(ctx, "acme", id, dynamo.Change{Apply: func(b *tandem.Booking, _ time.Time) error {
			b.Status, b.CancelledBy = tandem.StatusCancelled, "expert"
			return nil
		}}); err != nil {
			t.Fatal(err)
		}
	}
	f.recount()
	freed := 11 * 180
	if org, _ := f.usage("2027-03"); org != 64*60-freed {
		t.Errorf("after 11 cancellations: %d used, want %d", org, 64*60-freed)
	}
	if again := f.bookUntilRefused(90, "budget_org"); len(again) != freed/90 {
		t.Errorf("the freed %d minutes took %d 90-minute sessions, want %d", freed, len(again), freed/90)
	}
	if org, _ := f.usage("2027-03"); org != 64*60 {
		t.Errorf("refilled: %d used, want 3840", org)
	}
	f.recount()

	// A three-hour session in April moved into March, where one three-hour session was
	// cancelled: its draw moves, planned over the shards that have the room; a second one is
	// refused.
	april, err := f.bookAt(time.Date(2027, 4, 12, 14, 0, 0, 0, time.UTC), 180)
	if err != nil {
		t.Fatal(err)
	}
	cancel := func(id string) {
		t.Helper()
		if _, err := f.s.UpdateBooking(ctx, "acme", id, dynamo.Change{Apply: func(b *tandem.Booking, _ time.Time) error {
			b.Status, b.CancelledBy = tandem.StatusCancelled, "expert"
			return nil
		}}); err != nil {
			t.Fatal(err)
		}
	}
	cancel(ids[1]) // a three-hour session: 180 minutes back in March
	move := func(id string, start time.Time) error {
		_, err := f.s.UpdateBooking(ctx, "acme", id, dynamo.Change{Reschedule: &dynamo.RescheduleLimits{Budget: f.budget},
			Apply: func(b *tandem.Booking, _ time.Time) error {
				b.Start, b.End = start, start.Add(180*time.Minute)
				return nil
			}})
		return err
	}
	if err := move(april, time.Date(2027, 3, 29, 14, 0, 0, 0, time.UTC)); err != nil {
		t.Fatalf("moving 180 minutes into March's 180 free: %v", err)
	}
	if mar, _ := f.usage("2027-03"); mar != 64*60 {
		t.Errorf("after the move: March %d used, want 3840", mar)
	}
	if apr, _ := f.usage("2027-04"); apr != 0 {
		t.Errorf("after the move: April %d used, want 0", apr)
	}
	other, err := f.bookAt(time.Date(2027, 4, 13, 14, 0, 0, 0, time.UTC), 180)
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, move(other, time.Date(2027, 3, 30, 14, 0, 0, 0, time.UTC)), tandem.ELimitExceeded, map[string]any{"limit": "budget_org"})
	f.recount()
}
