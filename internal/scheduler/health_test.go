package scheduler

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/dynamo/streamreader"
	"github.com/tandemhq/tandem/internal/mentorships"
	"github.com/tandemhq/tandem/internal/notify"
	"github.com/tandemhq/tandem/internal/obs"
	"github.com/tandemhq/tandem/internal/tandem"
)

type healthClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *healthClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *healthClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }

// TestHealthRefreshTurnsStalledPairs runs the scheduler over five weeks of a seeded
// history nobody reads (no one opens a mentorship): each pair turns stalled at the first run
// after its 21st day without a session (on day 22), exactly once, and both sides are nudged
// once (the notification consumer on the table's stream); two cancellations in a row stall at
// the next run; a session held clears a stall; a paused pair never stalls. The stored health
// equals a recount (mentorships.ComputeHealth) at the end.
func TestHealthRefreshTurnsStalledPairs(t *testing.T) {
	t0 := time.Date(2027, 3, 1, 9, 30, 0, 0, time.UTC)
	day := 24 * time.Hour
	clk := &healthClock{now: t0}
	cfg := dynamotest.Config(t, dynamotest.Options{Now: clk.Now, Stream: true})
	ctx := context.Background()
	store, err := dynamo.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	schedCfg := cfg // SchedulerFunction's store: its actions are recorded for the IAM check
	schedCfg.APIOptions = append(slices.Clip(schedCfg.APIOptions), dynamo.RecordAccess("SchedulerFunction"))
	sched, err := dynamo.New(ctx, schedCfg)
	if err != nil {
		t.Fatal(err)
	}
	reader, err := streamreader.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	consumer := &notify.Consumer{Store: store, Now: clk.Now, Log: obs.NewLogger(io.Discard)}
	learner := func(i int) tandem.Party {
		return tandem.Party{ID: fmt.Sprintf("u-l%d", i), Name: fmt.Sprintf("Learner %d", i), Email: fmt.Sprintf("l%d@acme.example", i)}
	}
	expert := tandem.Party{ID: "u-exp", Name: "Maya Okafor", Email: "maya@acme.example"}
	st := tandem.SessionType{ID: "intro", Name: "Intro chat", DurationMin: 30}
	book := func(id string, who tandem.Party, start time.Time) {
		t.Helper()
		b := &tandem.Booking{ID: id, OrgID: "acme", Expert: expert, Learner: who, SessionType: st, Start: start,
			End: start.Add(30 * time.Minute), Status: tandem.StatusConfirmed}
		if _, err := store.Book(ctx, dynamo.BookRequest{Booking: b,
			Idem: dynamo.IdemRecord{UserID: who.ID, Key: "k-" + id, Hash: "h", Status: 201, Body: []byte("{}")}}); err != nil {
			t.Fatalf("book %s: %v", id, err)
		}
	}
	cancel := func(id string) {
		t.Helper()
		if _, err := store.UpdateBooking(ctx, "acme", id, dynamo.Change{Apply: func(b *tandem.Booking, now time.Time) error {
			return b.Cancel("learner", "busy", day, now)
		}}); err != nil {
			t.Fatalf("cancel %s: %v", id, err)
		}
	}
	type occ struct {
		id    string
		start time.Time
	}
	seed := func(id string, i int, status tandem.MentorshipStatus, occs ...occ) {
		t.Helper()
		m := &tandem.Mentorship{ID: id, OrgID: "acme", Learner: learner(i), Expert: expert, Origin: tandem.OriginInvitation,
			ProposedBy: learner(i).ID, Accepted: []string{learner(i).ID, expert.ID}, Status: status,
			Agreement: tandem.Agreement{Goals: []tandem.Goal{{Title: "g", Measure: "m"}}, Cadence: tandem.CadenceWeekly, Months: 3,
				SessionType: "intro", Weekday: "mon", Window: tandem.Window{Start: "09:00", End: "12:00"}, Timezone: "UTC"},
			CreatedAt: t0, ActivatedAt: t0, UpdatedAt: t0, Version: 1, Reflections: map[string]tandem.Reflection{}}
		for k, o := range occs {
			book(o.id, learner(i), o.start)
			m.Occurrences = append(m.Occurrences, tandem.Occurrence{Index: k, Start: o.start, BookingID: o.id, State: tandem.OccurrenceBooked})
		}
		if err := store.SaveMentorship(ctx, m, 0); err != nil {
			t.Fatal(err)
		}
	}
	// quiet: no session ever; held: one session on day 10; cleared: none until day 25;
	// cancelled: its two sessions both cancelled on day 2; paused: paused.
	seed("m-quiet", 1, tandem.MentorshipActive)
	seed("m-held", 2, tandem.MentorshipActive, occ{"b-held", t0.Add(10 * day)})
	seed("m-cleared", 3, tandem.MentorshipActive, occ{"b-late", t0.Add(25 * day)})
	seed("m-cancelled", 4, tandem.MentorshipActive, occ{"b-c1", t0.Add(3 * day)}, occ{"b-c2", t0.Add(5 * day)})
	seed("m-paused", 5, tandem.MentorshipPaused)
	// As mentorships.Service.Act does when one becomes active: the org's hourly pass.
	if err := store.ScheduleMentorshipHealth(ctx, "acme", t0.Truncate(time.Hour).Add(time.Hour), "", 0, true); err != nil {
		t.Fatal(err)
	}
	if err := store.SetSchedulerWatermark(ctx, t0.Truncate(time.Hour)); err != nil {
		t.Fatal(err)
	}

	// stalledAt: the run at which each mentorship was first seen stalled (stored), and how
	// many ok→stalled changes the stream showed.
	stalledAt := map[string][]time.Time{}
	health := map[string]string{}
	var records []events.DynamoDBEventRecord
	runs, end := 0, t0.Add(35*day)
	// Hourly around each change the test looks at, every 12 hours in between (a run then
	// catches up on the hours since the last, as after an outage).
	due := func(at time.Time) bool {
		for _, d := range []int{2, 21, 25, 31} {
			if w := at.Sub(t0) - time.Duration(d)*day; w > -3*time.Hour && w < 3*time.Hour {
				return true
			}
		}
		return at.Hour()%12 == 0
	}
	for at := t0.Truncate(time.Hour).Add(time.Hour + 5*time.Minute); at.Before(end); at = at.Add(time.Hour) {
		if !due(at) {
			continue
		}
		clk.Set(at)
		if at.Sub(t0) > 2*day && at.Sub(t0) < 2*day+time.Hour {
			cancel("b-c1")
			cancel("b-c2")
		}
		res, err := Run(ctx, sched, at)
		if err != nil {
			t.Fatalf("run at %s: %v", at, err)
		}
		runs++
		if res.MentorshipsChecked != 5 {
			t.Fatalf("run at %s checked %d mentorships, want all 5", at, res.MentorshipsChecked)
		}
		ms, err := store.ListOrgMentorships(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.Health == mentorships.HealthStalled && health[m.ID] != mentorships.HealthStalled {
				stalledAt[m.ID] = append(stalledAt[m.ID], at)
			}
			health[m.ID] = m.Health
		}
	}
	for range 5 {
		recs, err := reader.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 0 {
			break
		}
		records = append(records, recs...)
	}
	// The no-session stalls: the first hourly run after 21 days since the last session held
	// (or the activation), i.e. on day 22.
	firstRunAfter := func(t time.Time) time.Time {
		r := t.Truncate(time.Hour).Add(5 * time.Minute)
		if !r.After(t) {
			r = r.Add(time.Hour)
		}
		return r
	}
	want := map[string][]time.Time{
		"m-quiet":     {firstRunAfter(t0.Add(21 * day))},
		"m-held":      {firstRunAfter(t0.Add(31 * day))},
		"m-cleared":   {firstRunAfter(t0.Add(21 * day))},
		"m-cancelled": {firstRunAfter(t0.Add(2 * day))},
	}
	for id, w := range want {
		if !slices.EqualFunc(stalledAt[id], w, time.Time.Equal) {
			t.Errorf("%s turned stalled at %v, want %v", id, stalledAt[id], w)
		}
	}
	if got := stalledAt["m-quiet"][0]; got.Sub(t0) <= 21*day || got.Sub(t0) > 21*day+time.Hour {
		t.Errorf("m-quiet stalled %v after activation, want within the hour after 21 days", got.Sub(t0))
	}
	if len(stalledAt["m-paused"]) != 0 {
		t.Errorf("the paused pair stalled at %v", stalledAt["m-paused"])
	}
	if health["m-cleared"] != mentorships.HealthOK {
		t.Errorf("m-cleared's health after its session on day 25 = %q, want ok", health["m-cleared"])
	}

	// Nudges: both sides of each stall, once, however the records are delivered.
	twice := append(append([]events.DynamoDBEventRecord{}, records...), records...)
	for i := len(twice) - 1; i > 0; i-- { // a fixed shuffle
		j := (i * 7919) % (i + 1)
		twice[i], twice[j] = twice[j], twice[i]
	}
	h := consumer.Handler()
	for i := 0; i < len(twice); i += 50 {
		resp, err := h(ctx, events.DynamoDBEvent{Records: twice[i:min(i+50, len(twice))]})
		if err != nil || len(resp.BatchItemFailures) > 0 {
			t.Fatalf("consumer: %v %+v", err, resp.BatchItemFailures)
		}
	}
	nudges := map[string]int{}
	for _, it := range dynamotest.Items(t, cfg) {
		if it["type"] == "notification" && it["kind"] == notify.KindMentorshipStalled {
			nudges[it["userId"].(string)+" "+it["path"].(string)]++
		}
	}
	wantNudges := map[string]int{}
	for id, i := range map[string]int{"m-quiet": 1, "m-held": 2, "m-cleared": 3, "m-cancelled": 4} {
		wantNudges[learner(i).ID+" /mentorships/"+id] = 1
		wantNudges[expert.ID+" /mentorships/"+id] = 1
	}
	if fmt.Sprint(nudges) != fmt.Sprint(wantNudges) {
		t.Errorf("nudges %v, want %v", nudges, wantNudges)
	}

	// The stored health equals a recount from the raw items.
	ms, err := store.ListOrgMentorships(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"b-held", "b-late", "b-c1", "b-c2"}
	books, err := store.GetBookings(ctx, "acme", ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if h := mentorships.ComputeHealth(m, books, clk.Now()); h.Status != m.Health || h.Reason != m.HealthReason {
			t.Errorf("%s: stored %q/%q, recount %q/%q", m.ID, m.Health, m.HealthReason, h.Status, h.Reason)
		}
	}
	t.Logf("%d runs, %d stream records", runs, len(records))
}

// TestHealthPassBounded: a pass with room for fewer mentorships than the org has resumes in
// the same hour from where it stopped, then moves to the next hour; an org with no active
// mentorship left ends its chain.
func TestHealthPassBounded(t *testing.T) {
	at := time.Date(2027, 3, 1, 9, 5, 0, 0, time.UTC)
	store := dynamotest.New(t, dynamotest.Options{Now: func() time.Time { return at }})
	ctx := context.Background()
	for i := range 5 {
		m := &tandem.Mentorship{ID: fmt.Sprintf("m%d", i), OrgID: "acme", Learner: tandem.Party{ID: fmt.Sprintf("u%d", i)},
			Expert: tandem.Party{ID: "u-exp"}, Status: tandem.MentorshipActive, CreatedAt: at, ActivatedAt: at.Add(-30 * 24 * time.Hour),
			UpdatedAt: at, Version: 1, Agreement: tandem.Agreement{Cadence: tandem.CadenceWeekly, Months: 1, Timezone: "UTC"}}
		if err := store.SaveMentorship(ctx, m, 0); err != nil {
			t.Fatal(err)
		}
	}
	hour := at.Truncate(time.Hour)
	if err := store.ScheduleMentorshipHealth(ctx, "acme", hour, "", 0, true); err != nil {
		t.Fatal(err)
	}
	var passes []mentorships.HealthPass
	for range 3 {
		due, err := store.DueIn(ctx, hour)
		if err != nil || len(due) != 1 {
			t.Fatalf("due in the hour: %v, %v", due, err)
		}
		p, kept, err := mentorships.HealthDue(ctx, store, due[0], hour, at, 2)
		if err != nil || kept {
			t.Fatal(err, kept)
		}
		passes = append(passes, p)
		if p.Next == "" {
			break
		}
	}
	if len(passes) != 3 || passes[0].Read != 2 || passes[1].Read != 2 || passes[2].Read != 1 {
		t.Fatalf("passes %+v, want 2, 2, 1 mentorships", passes)
	}
	stalled := 0
	for _, p := range passes {
		stalled += p.Stalled
	}
	if stalled != 5 {
		t.Errorf("%d stalled, want all 5 (30 days without a session)", stalled)
	}
	if due, _ := store.DueIn(ctx, hour); len(due) != 0 {
		t.Errorf("the finished pass left %v in its hour", due)
	}
	next, _ := store.DueIn(ctx, hour.Add(time.Hour))
	if len(next) != 1 || next[0].Start != "" || next[0].Attempt != 0 {
		t.Fatalf("next hour's pass %+v, want one from the start", next)
	}
	// Every mentorship closed: the next pass ends the chain.
	ms, _ := store.ListOrgMentorships(ctx, "acme")
	for _, m := range ms {
		prev := m.Version
		m.Status, m.Version = tandem.MentorshipClosed, prev+1
		if err := store.SaveMentorship(ctx, m, prev); err != nil {
			t.Fatal(err)
		}
	}
	at = at.Add(time.Hour)
	if _, _, err := mentorships.HealthDue(ctx, store, next[0], hour.Add(time.Hour), at, 10); err != nil {
		t.Fatal(err)
	}
	for _, h := range []time.Time{hour.Add(time.Hour), hour.Add(2 * time.Hour)} {
		if due, _ := store.DueIn(ctx, h); len(due) != 0 {
			t.Errorf("after the last mentorship closed, %s still has %v", h, due)
		}
	}
}
