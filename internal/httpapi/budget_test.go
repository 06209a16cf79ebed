package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/analytics"
	"github.com/tandemhq/tandem/internal/scheduler"
	"github.com/tandemhq/tandem/internal/tandem"
)

// setBudget stores the org's settings with budget (JSON, or "null") as HR.
func (f *fixture) setBudget(t *testing.T, budget string) {
	t.Helper()
	res := f.requests.do("GET", "/v1/org/settings", "", hrUser)
	var st map[string]any
	res.decode(t, &st)
	delete(st, "updatedAt")
	var b any
	if err := json.Unmarshal([]byte(budget), &b); err != nil {
		t.Fatal(err)
	}
	st["budget"] = b
	body, _ := json.Marshal(st)
	if res := f.requests.do("PUT", "/v1/org/settings", string(body), hrUser); res.Status != 200 {
		t.Fatalf("settings: %d %s", res.Status, res.Body)
	}
}

// usedMinutes reads the budget counters of one period straight from the store.
func (f *fixture) usedMinutes(t *testing.T, period string) analytics.BudgetUsage {
	t.Helper()
	u, err := f.store.LoadBudgetUsage(context.Background(), "acme", []string{period})
	if err != nil {
		t.Fatal(err)
	}
	return u[0]
}

func expectBudgetRefusal(t *testing.T, res response, limit string) {
	t.Helper()
	if res.Status != 429 || res.problem(t).Code != tandem.ELimitExceeded || res.problem(t).Extra["limit"] != limit {
		t.Fatalf("booking over the budget: %d %s, want 429 limit_exceeded with limit %q", res.Status, res.Body, limit)
	}
}

func TestBudgetSettingsValidation(t *testing.T) {
	f := newFixture(t)
	res := f.requests.do("GET", "/v1/org/settings", "", hrUser)
	var st map[string]any
	res.decode(t, &st)
	if b, ok := st["budget"]; !ok || b != nil {
		t.Errorf("default budget = %v (present %v), want null", b, ok)
	}
	for budget, fields := range map[string][]string{
		`{"period":"week","orgHours":10}`:                          {"budget.period"},
		`{"period":"month","orgHours":-1}`:                         {"budget.orgHours"},
		`{"period":"month","orgHours":0}`:                          {"budget"},
		`{"period":"month","departmentHours":{"Sales":0}}`:         {"budget.departmentHours.Sales"},
		`{"period":"year","orgHours":1,"departmentHours":{" ":3}}`: {"budget.departmentHours"},
	} {
		st["budget"] = json.RawMessage(budget)
		delete(st, "updatedAt")
		body, _ := json.Marshal(st)
		res := f.requests.do("PUT", "/v1/org/settings", string(body), hrUser)
		if res.Status != 400 {
			t.Errorf("%s: %d, want 400", budget, res.Status)
			continue
		}
		got := map[string]bool{}
		for _, fe := range res.problem(t).Errors {
			got[fe.Field] = true
		}
		for _, want := range fields {
			if !got[want] {
				t.Errorf("%s: field errors %v, want %s", budget, res.problem(t).Errors, want)
			}
		}
	}
	// Only HR sets it.
	if res := f.requests.do("PUT", "/v1/org/settings", `{}`, bobLearner); res.Status != 403 {
		t.Errorf("learner PUT settings: %d, want 403", res.Status)
	}
}

// TestBudgetCapsConcurrentBookings: sixteen learners book sixteen different free hours at
// once against a two-hour monthly budget. The cap is a condition in each booking
// transaction, so exactly two win, whatever the interleaving.
func TestBudgetCapsConcurrentBookings(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	f.setBudget(t, `{"period":"month","orgHours":2}`)
	var starts []string
	for day := 2; day <= 5; day++ { // Tuesday to Friday, New York 09:00, 11:00, 13:00, 15:00
		for _, hour := range []int{14, 16, 18, 20} {
			starts = append(starts, time.Date(2027, 3, day, hour, 0, 0, 0, time.UTC).Format(time.RFC3339))
		}
	}
	statuses := make([]int, len(starts))
	var wg sync.WaitGroup
	for i, start := range starts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = f.book(learner(i), fmt.Sprintf("budget-race-%02d", i), bookBody(start, "deep")).Status
		}()
	}
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[201] != 2 || count[429] != len(starts)-2 {
		t.Errorf("statuses %v, want exactly two 201 and the rest 429", count)
	}
	if u := f.usedMinutes(t, "2027-03"); u.OrgMin != 120 || u.Departments["Sales"] != 120 {
		t.Errorf("usage %+v, want 120 minutes for the org and for Sales", u)
	}
	// Another month has its own budget.
	f.setNow(time.Date(2027, 3, 20, 12, 0, 0, 0, time.UTC))
	f.mustBook(t, learner(30), "budget-april", "2027-04-06T13:00:00Z", "deep")
}

// TestBudgetRefunds: cancelling in time, a decline and a lapsed hold give the minutes back;
// a learner's late cancellation does not; a reschedule into another period moves them.
func TestBudgetRefunds(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	f.setBudget(t, `{"period":"month","orgHours":1}`)
	first := f.mustBook(t, bobLearner, "refund-0001", wed0900, "deep")
	expectBudgetRefusal(t, f.book(learner(1), "refund-0002", bookBody("2027-03-04T14:00:00Z", "deep")), "budget_org")
	// Cancelled two days ahead: refunded, so the next learner gets the hour.
	expectState(t, f.act(bobLearner, first.ID, "cancel", `{"reason":"clash"}`), 200, tandem.StatusCancelled)
	if u := f.usedMinutes(t, "2027-03"); u.OrgMin != 0 {
		t.Fatalf("after an early cancel: %+v, want 0 used", u)
	}
	second := f.mustBook(t, learner(1), "refund-0003", "2027-03-04T14:00:00Z", "deep")
	// Cancelled by the learner 3 hours before: late, the hour stays used.
	f.setNow(time.Date(2027, 3, 4, 11, 0, 0, 0, time.UTC))
	res := f.act(learner(1), second.ID, "cancel", "")
	expectState(t, res, 200, tandem.StatusCancelled)
	if u := f.usedMinutes(t, "2027-03"); u.OrgMin != 60 {
		t.Fatalf("after a late cancel: %+v, want the 60 minutes kept", u)
	}
	expectBudgetRefusal(t, f.book(learner(2), "refund-0004", bookBody("2027-03-10T14:00:00Z", "deep")), "budget_org")

	// A reschedule into April moves the draw: March is free again, April holds it.
	f.setBudget(t, `{"period":"month","orgHours":2}`)
	f.setNow(time.Date(2027, 3, 20, 12, 0, 0, 0, time.UTC))
	moved := f.mustBook(t, learner(3), "refund-0005", "2027-03-31T13:00:00Z", "deep")
	if u := f.usedMinutes(t, "2027-03"); u.OrgMin != 120 {
		t.Fatalf("March before the move: %+v, want 120", u)
	}
	expectState(t, f.act(learner(3), moved.ID, "reschedule", `{"start":"2027-04-01T13:00:00Z"}`), 200, tandem.StatusConfirmed)
	if mar, apr := f.usedMinutes(t, "2027-03"), f.usedMinutes(t, "2027-04"); mar.OrgMin != 60 || apr.OrgMin != 60 || apr.Departments["Sales"] != 60 {
		t.Errorf("after the move: March %+v, April %+v; want 60 and 60", mar, apr)
	}
	checkBookingInvariants(t, itemsOf(t, f), f.clock())
}

// TestBudgetDeclineAndLapsedHoldRefund: in approval mode the hold draws on the budget; a
// decline gives it back at once, a hold nobody acts on when the scheduler expires it.
func TestBudgetDeclineAndLapsedHoldRefund(t *testing.T) {
	f := newBookingFixture(t, "approval", 0)
	f.setBudget(t, `{"period":"quarter","orgHours":1}`)
	pending := f.mustBook(t, bobLearner, "decline-0001", wed0900, "deep")
	if u := f.usedMinutes(t, "2027-Q1"); u.OrgMin != 60 {
		t.Fatalf("a pending hold draws: %+v", u)
	}
	expectState(t, f.act(aliceExpert, pending.ID, "decline", ""), 200, tandem.StatusDeclined)
	if u := f.usedMinutes(t, "2027-Q1"); u.OrgMin != 0 {
		t.Fatalf("after the decline: %+v, want 0", u)
	}
	f.mustBook(t, learner(1), "decline-0002", "2027-03-04T14:00:00Z", "deep")
	f.setNow(time.Date(2027, 3, 3, 12, 0, 1, 0, time.UTC)) // the hold lapsed at 12:00
	if _, err := scheduler.Run(context.Background(), f.store, f.clock()); err != nil {
		t.Fatal(err)
	}
	if u := f.usedMinutes(t, "2027-Q1"); u.OrgMin != 0 {
		t.Errorf("after the lapsed hold expired: %+v, want 0", u)
	}
}

// TestBudgetDepartmentCapAndReport: a department cap refuses that department only; the
// utilization report shows allotted against used hours, withholding the used hours of
// departments the report does not show.
func TestBudgetDepartmentCapAndReport(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	f.setBudget(t, `{"period":"quarter","orgHours":10,"departmentHours":{"Sales":1}}`)
	f.mustBook(t, bobLearner, "dept-0001", wed0900, "deep")
	expectBudgetRefusal(t, f.book(learner(1), "dept-0002", bookBody("2027-03-04T14:00:00Z", "deep")), "budget_department")
	product := &tandem.Caller{UserID: "u-pat", OrgID: "acme", Name: "Pat Product", Department: "Product", Roles: []tandem.Role{tandem.RoleLearner}}
	f.mustBook(t, product, "dept-0003", "2027-03-04T14:00:00Z", "intro")

	res := f.reports.do("GET", "/v1/reports/utilization?from=2027-02&to=2027-03&groupBy=department", "", hrUser)
	var rep struct {
		Total  analytics.Row
		Budget *analytics.BudgetSummary
	}
	res.decode(t, &rep)
	b := rep.Budget
	if res.Status != 200 || b == nil {
		t.Fatalf("report: %d %s", res.Status, res.Body)
	}
	if len(b.Periods) != 1 || b.Periods[0] != "2027-Q1" || *b.Org.AllottedHours != 10 || *b.Org.UsedHours != 1.5 || *b.Org.UsedShare != 0.15 {
		t.Errorf("org line %+v over %v, want 1.5 of 10 hours in 2027-Q1", b.Org, b.Periods)
	}
	if m := rep.Total.Metrics; m.BudgetHours == nil || *m.BudgetHours != 10 || *m.BudgetUsedHours != 1.5 {
		t.Errorf("total row budget %v/%v, want 10/1.5", m.BudgetHours, m.BudgetUsedHours)
	}
	if len(b.Departments) != 2 || b.Departments[0].Department != "Product" || b.Departments[0].AllottedHours != nil ||
		b.Departments[1].Department != "Sales" || *b.Departments[1].AllottedHours != 1 || !b.Departments[1].Withheld || b.Departments[1].UsedHours != nil {
		t.Errorf("department lines %+v, want Product (no cap) and Sales (1 h), used hours withheld (no department shown)", b.Departments)
	}
	// Without a budget the section is null.
	f.setBudget(t, `null`)
	res = f.reports.do("GET", "/v1/reports/utilization?from=2027-02&to=2027-03", "", hrUser)
	var raw map[string]any
	res.decode(t, &raw)
	if v, ok := raw["budget"]; !ok || v != nil {
		t.Errorf("budget without one = %v, want null", v)
	}
}

// marchSlots are free deep-dive starts of alice's in March 2027 (weekdays, New York 09:00,
// 11:00, 13:00 and 15:00), one booking each.
func marchSlots() []string {
	var out []string
	for day := 2; day <= 31; day++ {
		d := time.Date(2027, 3, day, 0, 0, 0, 0, time.UTC)
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		for _, hour := range []int{14, 16, 18, 20} {
			out = append(out, d.Add(time.Duration(hour)*time.Hour).Format(time.RFC3339))
		}
	}
	return out
}

// TestBudgetCapLoweredWhileBooking: 64 hours are 16 shards of four hours; ten one-hour
// sessions are spread over them by their ids. HR lowers the cap to 16 hours (4 shards) while
// three more learners book, so shards hold more than their new share (0 for the twelve that
// are gone) and, without a rebalance, the four left could still take up to 16 hours on top.
// Whatever the interleaving, once the cap is lowered the org's usage ends at exactly
// max(what was used when the racing bookings settled, 16 hours): sixteen more bookings at
// once fill the rest of the new cap and nothing beyond it.
func TestBudgetCapLoweredWhileBooking(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	f.setBudget(t, `{"period":"month","orgHours":64}`)
	slots := marchSlots()
	next := 0
	book := func(n int) []int {
		statuses := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			slot := next + i
			go func() {
				defer wg.Done()
				statuses[i] = f.book(learner(slot), fmt.Sprintf("lower-%02d", slot), bookBody(slots[slot], "deep")).Status
			}()
		}
		wg.Wait()
		next += n
		return statuses
	}
	for i, s := range book(10) {
		if s != 201 {
			t.Fatalf("booking %d under a 64-hour cap: %d", i, s)
		}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		f.setBudget(t, `{"period":"month","orgHours":16}`)
	}()
	racing := book(3)
	wg.Wait()
	settled := f.usedMinutes(t, "2027-03").OrgMin
	after := book(16)
	used := f.usedMinutes(t, "2027-03").OrgMin
	t.Logf("racing the cut: %v; used when they settled %d min; then %v; used %d min", racing, settled, after, used)
	if want := max(settled, 16*60); used != want {
		t.Errorf("used %d minutes after the cap was cut to 960, want exactly %d", used, want)
	}
	for _, s := range append(racing, after...) {
		if s != 201 && s != 429 {
			t.Errorf("status %d, want only 201 and 429", s)
		}
	}
	checkBookingInvariants(t, itemsOf(t, f), f.clock())
}
