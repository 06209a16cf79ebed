package streams_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"
	"github.com/tandemhq/tandem/internal/analytics"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/dynamo/streamreader"
	"github.com/tandemhq/tandem/internal/seed"
	"github.com/tandemhq/tandem/internal/streams"
	"github.com/tandemhq/tandem/internal/tandem"
)

// mentorHistory writes a scripted history of 14 mentorships in acme through the store's
// write paths: proposals, activations, series booked (held, cancelled, still to come), health
// stored as stalled and back, check-ins, pauses, resumes and closes.
func mentorHistory(t *testing.T, store *dynamo.Store, clk *clock) {
	t.Helper()
	ctx := context.Background()
	var experts, learners []seed.Person
	for _, p := range seed.People() {
		switch {
		case p.OrgID != "acme":
		case p.Profile != nil && len(experts) < 3:
			experts = append(experts, p)
		case p.Profile == nil && len(p.Roles) == 1 && len(learners) < 7:
			learners = append(learners, p)
		}
	}
	party := func(p seed.Person) tandem.Party {
		return tandem.Party{ID: p.ID, Name: p.Name, Email: p.Email, Department: p.Department}
	}
	base := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	for i := range 14 {
		e, l := experts[i%len(experts)], learners[i%len(learners)]
		at := base.Add(time.Duration(i) * 7 * time.Hour)
		clk.Set(at)
		m := &tandem.Mentorship{ID: fmt.Sprintf("hist-m%02d", i), OrgID: "acme", Learner: party(l), Expert: party(e),
			Origin: tandem.OriginInvitation, ProposedBy: l.ID, Accepted: []string{l.ID}, Status: tandem.MentorshipProposed,
			Agreement: tandem.Agreement{Goals: []tandem.Goal{{Title: "a", Measure: "b"}, {Title: "c", Measure: "d"}},
				Cadence: tandem.CadenceBiweekly, Months: 3, SessionType: e.Profile.SessionTypes[0].ID, Weekday: "mon",
				Window: tandem.Window{Start: "09:00", End: "17:00"}, Timezone: "UTC"},
			CreatedAt: at, UpdatedAt: at, Version: 1}
		save := func(change func()) {
			t.Helper()
			prev := m.Version
			change()
			m.Version, m.UpdatedAt = prev+1, clk.Now()
			if err := store.SaveMentorship(ctx, m, prev); err != nil {
				t.Fatalf("mentorship %d: %v", i, err)
			}
		}
		if err := store.SaveMentorship(ctx, m, 0); err != nil {
			t.Fatal(err)
		}
		checkIns := i % 4 // 0 … 3 check-ins
		for k := range checkIns {
			clk.Set(at.Add(time.Duration(k)*20*day + time.Hour))
			ratings := []int{1 + (i+k)%5, 1 + (i*k+2*k)%5}
			if err := store.AddCheckIn(ctx, "acme", m.ID, &tandem.CheckIn{ID: fmt.Sprintf("%s-c%d", m.ID, k), Kind: tandem.CheckInSession,
				Ratings: ratings, At: clk.Now()}); err != nil {
				t.Fatal(err)
			}
		}
		if i%7 == 0 {
			continue // stays proposed
		}
		clk.Set(at.Add(time.Hour))
		save(func() {
			m.Status, m.ActivatedAt, m.Accepted = tandem.MentorshipActive, clk.Now(), append(m.Accepted, e.ID)
		})
		// The series: 2 to 6 sessions, two weeks apart, the first 1 to 30 days after activation.
		st := e.Profile.SessionTypes[0]
		first := m.ActivatedAt.Add(time.Duration(1+(i*11)%30) * day).Truncate(time.Hour)
		var occ []tandem.Occurrence
		var ids []string
		for k := range 2 + i%5 {
			start := first.Add(time.Duration(k) * 14 * day)
			b := &tandem.Booking{ID: fmt.Sprintf("hist-m%02d-o%d", i, k), OrgID: "acme", Expert: party(e), Learner: party(l),
				SessionType: st, Start: start, End: start.Add(time.Duration(st.DurationMin) * time.Minute), Status: tandem.StatusConfirmed}
			if _, err := store.Book(ctx, dynamo.BookRequest{Booking: b,
				Idem: dynamo.IdemRecord{UserID: l.ID, Key: "hist-" + b.ID, Hash: "h", Status: 201, Body: []byte("{}")}}); err != nil {
				t.Fatalf("book %s: %v", b.ID, err)
			}
			occ = append(occ, tandem.Occurrence{Index: k, Start: start, BookingID: b.ID, State: tandem.OccurrenceBooked})
			ids = append(ids, b.ID)
		}
		save(func() { m.Occurrences = occ })
		for k, id := range ids {
			b := occ[k]
			var step func(*tandem.Booking, time.Time) error
			switch {
			case i%7 == 1 || (i+k)%4 == 3: // cancelled
				clk.Set(b.Start.Add(-48 * time.Hour))
				step = func(b *tandem.Booking, now time.Time) error { return b.Cancel("learner", "", 24*time.Hour, now) }
			case k >= 4: // still to come
				continue
			default: // held
				clk.Set(b.Start.Add(2 * time.Hour))
				step = (*tandem.Booking).Complete
			}
			if _, err := store.UpdateBooking(ctx, "acme", id, dynamo.Change{Apply: step}); err != nil {
				t.Fatalf("booking %s: %v", id, err)
			}
		}
		clk.Set(at.Add(40 * day))
		switch i % 7 {
		case 1: // stalled, healthy again, stalled again (health writes keep the version)
			for _, h := range []string{"stalled", "ok", "stalled"} {
				if err := store.SetMentorshipHealth(ctx, "acme", m.ID, h, "cancellations"); err != nil {
					t.Fatal(err)
				}
			}
		case 2: // stalled, then paused (a whole write keeps the stored health), then resumed
			if err := store.SetMentorshipHealth(ctx, "acme", m.ID, "stalled", "no_session"); err != nil {
				t.Fatal(err)
			}
			got, err := store.GetMentorship(ctx, "acme", m.ID)
			if err != nil {
				t.Fatal(err)
			}
			m.Health, m.HealthReason = got.Health, got.HealthReason
			save(func() { m.Status = tandem.MentorshipPaused })
			save(func() { m.Status = tandem.MentorshipActive })
		case 3:
			save(func() { m.Status = tandem.MentorshipPaused })
		case 4, 5:
			save(func() { m.Status, m.ClosedAt = tandem.MentorshipClosed, clk.Now() })
		}
	}
}

// mentorRecount is analytics.RecountMentorships over the raw items as they are.
func mentorRecount(t *testing.T, store *dynamo.Store) map[string]map[string]int64 {
	t.Helper()
	ctx := context.Background()
	ms, err := store.ListOrgMentorships(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	checkIns := map[string][]*tandem.CheckIn{}
	for _, m := range ms {
		for _, o := range m.Occurrences {
			ids = append(ids, o.BookingID)
		}
		if checkIns[m.ID], err = store.CheckIns(ctx, "acme", m.ID); err != nil {
			t.Fatal(err)
		}
	}
	books, err := store.GetBookings(ctx, "acme", ids)
	if err != nil {
		t.Fatal(err)
	}
	return nonzero(analytics.RecountMentorships(ms, books, checkIns))
}

func nonzero(m map[string]map[string]int64) map[string]map[string]int64 {
	out := map[string]map[string]int64{}
	for k, fields := range m {
		for f, n := range fields {
			if n != 0 {
				if out[k] == nil {
					out[k] = map[string]int64{}
				}
				out[k][f] = n
			}
		}
	}
	return out
}

func loadedMentor(t *testing.T, store *dynamo.Store) map[string]map[string]int64 {
	t.Helper()
	got, err := store.LoadMentorshipAggregates(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	return nonzero(got)
}

// TestMentorshipFiguresEqualRecount: the mentorship history's stream, processed in order, and
// again into a fresh table with every record delivered twice in shuffled order, gives exactly
// the recount of the raw items: every counter, so every figure.
func TestMentorshipFiguresEqualRecount(t *testing.T) {
	clk := &clock{}
	cfg := dynamotest.Config(t, dynamotest.Options{Now: clk.Now, Stream: true})
	store, err := dynamo.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	mentorHistory(t, store, clk)
	reader, err := streamreader.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	records, err := reader.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	handle := streams.Handler(functionStore(t, cfg), quiet)
	for i := 0; i < len(records); i += 100 {
		resp, err := handle(context.Background(), events.DynamoDBEvent{Records: records[i:min(i+100, len(records))]})
		if err != nil || len(resp.BatchItemFailures) > 0 {
			t.Fatalf("batch %d: %v %+v", i, err, resp.BatchItemFailures)
		}
	}
	want := mentorRecount(t, store)
	if diff := cmp.Diff(want, loadedMentor(t, store)); diff != "" {
		t.Errorf("mentorship aggregates differ from the recount (-recount +aggregates):\n%s", diff)
	}
	org := want["org|"]
	for _, f := range []string{analytics.MProposed, analytics.MActive, analytics.MPaused, analytics.MClosed, analytics.MStalled,
		analytics.MCrossDeptPairs, analytics.MFirstPairs, analytics.MProgressPairs, analytics.HeldField(1), analytics.HeldField(3)} {
		if org[f] == 0 {
			t.Errorf("the history should cover %s: %v", f, org)
		}
	}
	if org[analytics.MPairs] <= org[analytics.MFirstPairs] || org[analytics.GoalField(0)] == org[analytics.MGoalsRated] {
		t.Errorf("the history should have pairs without a session held and goals that moved: %v", org)
	}
	fig, _ := analytics.MentorshipFiguresAll("acme", want, 3)
	if fig.SessionsPerPair == nil || fig.TimeToFirstSession == nil || fig.GoalProgress == nil || fig.CrossDepartmentShare == nil {
		t.Errorf("org figures should all be shown: %+v", fig)
	}
	t.Logf("%d stream records; org counters %v", len(records), org)

	t.Run("redelivered and shuffled", func(t *testing.T) {
		for _, seedN := range []uint64{7} {
			otherCfg := dynamotest.Config(t, dynamotest.Options{Now: clk.Now, Stream: true})
			other, err := dynamo.New(context.Background(), otherCfg)
			if err != nil {
				t.Fatal(err)
			}
			twice := append(append([]events.DynamoDBEventRecord{}, records...), records...)
			rng := rand.New(rand.NewPCG(seedN, seedN))
			rng.Shuffle(len(twice), func(i, j int) { twice[i], twice[j] = twice[j], twice[i] })
			h := streams.Handler(functionStore(t, otherCfg), quiet)
			for i := 0; i < len(twice); i += 37 {
				resp, err := h(context.Background(), events.DynamoDBEvent{Records: twice[i:min(i+37, len(twice))]})
				if err != nil || len(resp.BatchItemFailures) > 0 {
					t.Fatalf("batch %d: %v %+v", i, err, resp.BatchItemFailures)
				}
			}
			if diff := cmp.Diff(want, loadedMentor(t, other)); diff != "" {
				t.Errorf("seed %d: mentorship aggregates differ from the recount (-recount +aggregates):\n%s", seedN, diff)
			}
		}
	})
}

// TestProgressFirstAndLastInOneSecond: the figures' first and last check-in are the true
// first and last when check-ins share a second (whatever their ids) or a millisecond (the
// order written), with the records delivered in order and again twice, shuffled.
func TestProgressFirstAndLastInOneSecond(t *testing.T) {
	clk := &clock{}
	cfg := dynamotest.Config(t, dynamotest.Options{Now: clk.Now, Stream: true})
	store, err := dynamo.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sec := time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC)
	ms := time.Millisecond
	type checkIn struct {
		id string
		at time.Duration
	}
	cases := []struct {
		m           string
		written     []checkIn // in this order
		first, last string
	}{
		{"later-smaller-id", []checkIn{{"zz", 100 * ms}, {"aa", 900 * ms}}, "zz", "aa"},
		{"written-backwards", []checkIn{{"aa", 900 * ms}, {"zz", 100 * ms}}, "zz", "aa"},
		{"later-greater-id", []checkIn{{"zz", 900 * ms}, {"aa", 100 * ms}}, "aa", "zz"},
		{"same-ms", []checkIn{{"zz", 500 * ms}, {"mm", 500 * ms}, {"aa", 500 * ms}}, "zz", "aa"},
		{"same-ms-ids-ascending", []checkIn{{"aa", 500 * ms}, {"zz", 500 * ms}}, "aa", "zz"},
	}
	for _, c := range cases {
		for _, ci := range c.written {
			if err := store.AddCheckIn(ctx, "acme", c.m, &tandem.CheckIn{ID: ci.id, Kind: tandem.CheckInSession,
				Ratings: []int{3}, At: sec.Add(ci.at)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	reader, err := streamreader.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	records, err := reader.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, s *dynamo.Store) {
		t.Helper()
		for _, c := range cases {
			f, err := s.GetAggFact(ctx, "acme", "MPROG#"+c.m)
			if err != nil || f == nil {
				t.Fatalf("%s: no progress fact (%v)", c.m, err)
			}
			if f.FirstID != c.first || f.LastID != c.last {
				t.Errorf("%s: first %s, last %s; want %s, %s", c.m, f.FirstID, f.LastID, c.first, c.last)
			}
		}
	}
	handle := streams.Handler(functionStore(t, cfg), quiet)
	if resp, err := handle(ctx, events.DynamoDBEvent{Records: records}); err != nil || len(resp.BatchItemFailures) > 0 {
		t.Fatalf("%v %+v", err, resp.BatchItemFailures)
	}
	check(t, store)

	otherCfg := dynamotest.Config(t, dynamotest.Options{Now: clk.Now, Stream: true})
	other, err := dynamo.New(ctx, otherCfg)
	if err != nil {
		t.Fatal(err)
	}
	twice := append(append([]events.DynamoDBEventRecord{}, records...), records...)
	rng := rand.New(rand.NewPCG(3, 3))
	rng.Shuffle(len(twice), func(i, j int) { twice[i], twice[j] = twice[j], twice[i] })
	h := streams.Handler(functionStore(t, otherCfg), quiet)
	for i := 0; i < len(twice); i += 3 {
		if resp, err := h(ctx, events.DynamoDBEvent{Records: twice[i:min(i+3, len(twice))]}); err != nil || len(resp.BatchItemFailures) > 0 {
			t.Fatalf("%v %+v", err, resp.BatchItemFailures)
		}
	}
	check(t, other)
}
