package dynamo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/analytics"
	"github.com/tandemhq/tandem/internal/availability"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Store tests of the conditional writes in the store's own files (experts, users,
// availability, feedback, calendar tokens, aggregates, budget, due entries): each condition
// that fails gives the client the right code and detail, and what a retry does. Each test has
// its own table (dynamotest) and runs in parallel with the others.

var (
	ctx   = context.Background()
	clock = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
)

func newStore(t *testing.T) *dynamo.Store {
	t.Helper()
	return dynamotest.New(t, dynamotest.Options{Now: func() time.Time { return clock }})
}

// wantError checks err's code, message and Detail members.
func wantError(t *testing.T, err error, code string, detail map[string]any) *tandem.Error {
	t.Helper()
	var e *tandem.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want a %s error", err, code)
	}
	if e.Code != code || e.Message == "" {
		t.Fatalf("got %s %q, want %s with a message", e.Code, e.Message, code)
	}
	for k, v := range detail {
		if e.Detail[k] != v {
			t.Errorf("Detail[%s] = %v, want %v (Detail %v)", k, e.Detail[k], v, e.Detail)
		}
	}
	return e
}

func expert(id string, topics ...string) *tandem.Expert {
	return &tandem.Expert{ID: id, OrgID: "acme", Name: "Maya " + id, Email: id + "@acme.example", Department: "Eng",
		Headline: "Go", Topics: topics, Languages: []string{"en"}, Timezone: "UTC", BookingMode: tandem.BookingInstant,
		SessionTypes: []tandem.SessionType{{ID: "intro", Name: "Intro", DurationMin: 30}}, Limits: tandem.DefaultLimits}
}

func TestExpertTopicCopiesFollowTheProfile(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	e := expert("e1", "go", "k8s")
	if err := s.PutExpert(ctx, e); err != nil {
		t.Fatal(err)
	}
	e.Topics = []string{"go", "rust"}
	if err := s.PutExpert(ctx, e); err != nil {
		t.Fatal(err)
	}
	for topic, n := range map[string]int{"go": 1, "rust": 1, "k8s": 0} {
		page, err := s.SearchExperts(ctx, "acme", dynamo.ExpertQuery{Topic: topic, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Experts) != n {
			t.Errorf("topic %s: %d experts, want %d", topic, len(page.Experts), n)
		}
	}
	got, err := s.GetExpert(ctx, "acme", "e1")
	if err != nil || len(got.Topics) != 2 || got.SessionTypes[0].DurationMin != 30 || got.Limits != tandem.DefaultLimits {
		t.Errorf("GetExpert = %+v, %v", got, err)
	}
	_, err = s.GetExpert(ctx, "acme", "nobody")
	wantError(t, err, tandem.ENotFound, nil)
}

func TestUserAndAvailabilityNotFound(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	_, err := s.GetUser(ctx, "acme", "u1")
	wantError(t, err, tandem.ENotFound, nil)
	_, err = s.GetAvailability(ctx, "acme", "e1")
	wantError(t, err, tandem.ENotFound, nil)
	_, err = s.GetAvailabilityFact(ctx, "acme", "e1")
	wantError(t, err, tandem.ENotFound, nil)
	// LoadSlotInputs reads three things at once and reports the first failure.
	_, err = s.LoadSlotInputs(ctx, "acme", "e1", clock, clock.Add(time.Hour), "")
	wantError(t, err, tandem.ENotFound, nil)

	u := &tandem.User{ID: "u1", OrgID: "acme", Email: "ben@acme.example", Name: "Ben", Roles: []tandem.Role{tandem.RoleLearner}, Timezone: "UTC"}
	if err := s.PutUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetUser(ctx, "acme", "u1"); err != nil || got.Name != "Ben" || !got.UpdatedAt.Equal(clock) {
		t.Errorf("GetUser = %+v, %v", got, err)
	}
	if err := s.PutExpert(ctx, expert("e1")); err != nil {
		t.Fatal(err)
	}
	if err := s.PutAvailability(ctx, "acme", "e1", &availability.Schedule{Timezone: "Europe/Berlin"}); err != nil {
		t.Fatal(err)
	}
	in, err := s.LoadSlotInputs(ctx, "acme", "e1", clock, clock.Add(time.Hour), "")
	if err != nil || in.Expert.ID != "e1" || in.Schedule.Timezone != "Europe/Berlin" || len(in.Busy) != 0 {
		t.Errorf("LoadSlotInputs = %+v, %v", in, err)
	}
	fact, err := s.GetAvailabilityFact(ctx, "acme", "e1")
	if err != nil || !fact.UpdatedAt.Equal(clock) {
		t.Errorf("GetAvailabilityFact = %+v, %v", fact, err)
	}
}

func feedbackBooking() *tandem.Booking {
	return &tandem.Booking{ID: "b1", OrgID: "acme", Expert: tandem.Party{ID: "e1", Department: "Eng"},
		Learner: tandem.Party{ID: "l1", Department: "Sales"}, Start: clock.Add(-2 * time.Hour), End: clock.Add(-90 * time.Minute),
		Status: tandem.StatusCompleted, RequestID: "r1"}
}

func TestSaveFeedbackConditions(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	b := feedbackBooking()
	first := func(rating int) dynamo.FeedbackWrite {
		return dynamo.FeedbackWrite{Booking: b, Feedback: &tandem.Feedback{BookingID: b.ID, Role: tandem.RoleLearner, Rating: rating},
			Topics: []string{"go"}}
	}

	// The expert's profile is gone: the tally's condition fails.
	err := s.SaveFeedback(ctx, first(4))
	wantError(t, err, tandem.EConflict, map[string]any{"conflict": "profile_changed"})

	if err := s.PutExpert(ctx, expert("e1", "go")); err != nil {
		t.Fatal(err)
	}
	w := first(4)
	if err := s.SaveFeedback(ctx, w); err != nil {
		t.Fatal(err)
	}
	// A second first submission: duplicate.
	err = s.SaveFeedback(ctx, first(5))
	wantError(t, err, tandem.EConflict, map[string]any{"conflict": "duplicate"})

	// An edit from a stale read: changed.
	stored, err := s.GetFeedback(ctx, "acme", b.ID)
	if err != nil {
		t.Fatal(err)
	}
	prev := stored[tandem.RoleLearner]
	stale := *prev
	stale.Version--
	edit := *prev
	edit.Rating = 2
	err = s.SaveFeedback(ctx, dynamo.FeedbackWrite{Booking: b, Feedback: &edit, Previous: &stale, Topics: []string{"go"}})
	wantError(t, err, tandem.EConflict, map[string]any{"conflict": "changed"})

	// The edit at the version read moves the tally from 4 to 2 on the profile and its topic copy.
	edit = *prev
	edit.Rating = 2
	if err := s.SaveFeedback(ctx, dynamo.FeedbackWrite{Booking: b, Feedback: &edit, Previous: prev, Topics: []string{"go"}}); err != nil {
		t.Fatal(err)
	}
	e, err := s.GetExpert(ctx, "acme", "e1")
	if err != nil || e.Rating.Count != 1 || e.Rating.Distribution != [5]int{0, 1, 0, 0, 0} {
		t.Errorf("profile rating %+v, %v", e.Rating, err)
	}
	page, err := s.SearchExperts(ctx, "acme", dynamo.ExpertQuery{Topic: "go", Limit: 10})
	if err != nil || len(page.Experts) != 1 || page.Experts[0].Rating != e.Rating {
		t.Errorf("topic copy rating: %+v, %v", page, err)
	}

	// Reopening a request that is not there: the request's condition fails.
	b2 := feedbackBooking()
	b2.ID = "b2"
	err = s.SaveFeedback(ctx, dynamo.FeedbackWrite{Booking: b2, Feedback: &tandem.Feedback{BookingID: "b2", Role: tandem.RoleLearner, Rating: 1},
		ReopenRequest: true})
	wantError(t, err, tandem.EConflict, map[string]any{"conflict": "request_closed"})

	reviews, err := s.ListReviews(ctx, "acme", "e1", "", 10)
	if err != nil || len(reviews.Reviews) != 1 || reviews.Reviews[0].Rating != 2 {
		t.Errorf("reviews %+v, %v", reviews, err)
	}
}

func TestCalendarTokenConditions(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	tok := func(c byte) string {
		b := make([]byte, 40)
		for i := range b {
			b[i] = c
		}
		return string(b)
	}
	if err := s.SetCalendarToken(ctx, "acme", "u1", tok('a')); err != nil {
		t.Fatal(err)
	}
	// Another user cannot take a token that exists.
	err := s.SetCalendarToken(ctx, "acme", "u2", tok('a'))
	wantError(t, err, tandem.EConflict, nil)
	if org, user, err := s.CalendarTokenOwner(ctx, tok('a')); err != nil || org != "acme" || user != "u1" {
		t.Errorf("owner = %s %s, %v", org, user, err)
	}
	// Rotating removes the old token; revoking removes the new one.
	if err := s.SetCalendarToken(ctx, "acme", "u1", tok('b')); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.CalendarTokenOwner(ctx, tok('a'))
	wantError(t, err, tandem.ENotFound, nil)
	if err := s.RevokeCalendarToken(ctx, "acme", "u1"); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.CalendarTokenOwner(ctx, tok('b'))
	wantError(t, err, tandem.ENotFound, nil)
	if err := s.RevokeCalendarToken(ctx, "acme", "u1"); err != nil {
		t.Errorf("revoking again: %v, want nothing to do", err)
	}
}

func TestAggregateStepsApplyOnce(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	org := analytics.Group{Kind: "org", Name: "acme"}
	step := dynamo.AggStep{Org: "acme", Marker: "evt-1", Adds: []dynamo.AggAdd{
		{Month: "2027-03", Group: org, Fields: map[string]int64{"booked": 1}, Learners: []int64{7}},
		{Month: "2027-03", Group: org, Fields: map[string]int64{"booked": 1, "completed": 1}, Learners: []int64{7}},
	}}
	for i, want := range []bool{true, false} {
		applied, err := s.ApplyStep(ctx, step)
		if err != nil || applied != want {
			t.Fatalf("delivery %d: applied %v, %v; want %v", i+1, applied, err, want)
		}
	}
	expertGroup := analytics.Group{Kind: "expert", Key: "e1", Name: "Maya"}
	if err := s.SetOffered(ctx, "acme", "2027-03", expertGroup, 600, clock); err != nil {
		t.Fatal(err)
	}
	// An older computation never overwrites a newer one (its condition fails silently).
	if err := s.SetOffered(ctx, "acme", "2027-03", expertGroup, 10, clock.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	// A tie is counted in the month of the first completion, once, however they arrive.
	learner := analytics.Group{Kind: "org", Name: "acme"}
	for _, month := range []string{"2027-03", "2027-03", "2027-02"} {
		if err := s.RecordTie(ctx, "acme", "l1", "e1", month, []analytics.Group{learner}); err != nil {
			t.Fatal(err)
		}
	}
	groups, _, err := s.LoadAggregates(ctx, "acme", []string{"2027-02", "2027-03"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]analytics.Counts{}
	for _, g := range groups {
		if g.Group.Kind == "org" {
			got[g.Month] = g.Counts
		}
	}
	if c := got["2027-03"]; c.Booked != 2 || c.Completed != 1 || len(c.Learners) != 1 || c.MinutesOffered != 600 || c.NewTies != 0 {
		t.Errorf("March: %+v", c)
	}
	if c := got["2027-02"]; c.NewTies != 1 {
		t.Errorf("February: %+v, want the tie", c)
	}
}

func TestBudgetUsageImportsOnce(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	usage := []analytics.BudgetUsage{{Period: "2027-Q1", OrgMin: 90, Departments: map[string]int{"Sales": 60, "Eng": 30}}}
	for range 2 {
		if err := s.ImportBudgetUsage(ctx, "acme", "batch-1", usage); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.LoadBudgetUsage(ctx, "acme", []string{"2027-Q1", "2027-Q2"})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].OrgMin != 90 || got[0].Departments["Sales"] != 60 || got[1].OrgMin != 0 {
		t.Errorf("usage %+v, want the batch counted once", got)
	}
}

// A booking's draw on the budget is conditioned on the cap (budget.go): a session that does
// not fit is refused with the limit that failed, and nothing is written.
func TestBudgetCapsRefuseABooking(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	budget := &tandem.Budget{Period: tandem.BudgetQuarterly, OrgHours: 1, DepartmentHours: map[string]int{"Sales": 10}}
	book := func(id string, start time.Time, minutes int, dept string) error {
		b := &tandem.Booking{ID: id, OrgID: "acme", Expert: tandem.Party{ID: "e1", Department: "Eng"},
			Learner:     tandem.Party{ID: "l-" + id, Department: dept},
			SessionType: tandem.SessionType{ID: "s", DurationMin: minutes}, Start: start, End: start.Add(time.Duration(minutes) * time.Minute),
			Status: tandem.StatusConfirmed}
		_, err := s.Book(ctx, dynamo.BookRequest{Booking: b, Budget: budget})
		return err
	}
	start := clock.Add(48 * time.Hour)
	if err := book("b1", start, 45, "Sales"); err != nil {
		t.Fatal(err)
	}
	// 45 + 30 > 60 minutes a quarter for the org.
	wantError(t, book("b2", start.Add(2*time.Hour), 30, "Sales"), tandem.ELimitExceeded, map[string]any{"limit": "budget_org"})
	// Longer than a whole period's cap: refused before any write.
	wantError(t, book("b3", start.Add(4*time.Hour), 90, "Eng"), tandem.ELimitExceeded, map[string]any{"limit": "budget_org"})
	budget.OrgHours, budget.DepartmentHours["Sales"] = 0, 1
	wantError(t, book("b4", start.Add(6*time.Hour), 30, "Sales"), tandem.ELimitExceeded, map[string]any{"limit": "budget_department"})
	usage, err := s.LoadBudgetUsage(ctx, "acme", []string{"2027-Q1"})
	if err != nil || usage[0].OrgMin != 45 || usage[0].Departments["Sales"] != 45 {
		t.Errorf("usage %+v, %v: want only the first booking's draw", usage, err)
	}
}

func TestDueEntriesAndWatermark(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	if w, err := s.SchedulerWatermark(ctx); err != nil || !w.IsZero() {
		t.Errorf("a scheduler that never ran: %v, %v", w, err)
	}
	hour := clock.Add(3 * time.Hour)
	if err := s.ScheduleOfferedRefresh(ctx, "acme", "e1", hour.Add(20*time.Minute)); err != nil {
		t.Fatal(err)
	}
	due, err := s.DueIn(ctx, hour)
	if err != nil || len(due) != 1 || due[0].Org != "acme" || due[0].BookingID != "e1" || due[0].Kind != "OFFERED" {
		t.Fatalf("DueIn = %+v, %v", due, err)
	}
	if err := s.ClearDue(ctx, hour, due[0]); err != nil {
		t.Fatal(err)
	}
	if due, err := s.DueIn(ctx, hour); err != nil || len(due) != 0 {
		t.Errorf("after ClearDue: %+v, %v", due, err)
	}
	if err := s.SetSchedulerWatermark(ctx, hour); err != nil {
		t.Fatal(err)
	}
	if w, err := s.SchedulerWatermark(ctx); err != nil || !w.Equal(hour) {
		t.Errorf("watermark %v, %v", w, err)
	}
}

// Concurrent edits of one profile: each write is conditioned on the version it read, so a
// lost race re-reads and retries, and the topic copies always end up matching the profile.
func TestConcurrentProfileEditsKeepTopicCopies(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	if err := s.PutExpert(ctx, expert("e1", "go")); err != nil {
		t.Fatal(err)
	}
	sets := [][]string{{"go", "k8s"}, {"rust"}, {"go", "rust", "sql"}, {"sql"}}
	errs := make(chan error, len(sets))
	for _, topics := range sets {
		go func() { errs <- s.PutExpert(ctx, expert("e1", topics...)) }()
	}
	for range sets {
		// A write that lost three times in a row is a conflict with the profile's message.
		if err := <-errs; err != nil {
			wantError(t, err, tandem.EConflict, nil)
		}
	}
	e, err := s.GetExpert(ctx, "acme", "e1")
	if err != nil {
		t.Fatal(err)
	}
	for _, topic := range []string{"go", "k8s", "rust", "sql"} {
		page, err := s.SearchExperts(ctx, "acme", dynamo.ExpertQuery{Topic: topic, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, t := range e.Topics {
			if t == topic {
				want = 1
			}
		}
		if len(page.Experts) != want {
			t.Errorf("topic %s: %d copies, profile topics %v", topic, len(page.Experts), e.Topics)
		}
	}
}
