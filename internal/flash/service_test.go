package flash_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/availability"
	"github.com/tandemhq/tandem/internal/booking"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/flash"
	"github.com/tandemhq/tandem/internal/tandem"
)

const org = "acme"

var (
	// Departments of unequal size, as in a real org (Engineering is 40 %).
	depts = []string{"Engineering", "Sales", "Engineering", "Finance", "Engineering", "Sales", "People", "Engineering", "Legal", "Sales"}
	zones = []string{"Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago"}
)

func hr() tandem.Caller {
	return tandem.Caller{UserID: "u-hr", OrgID: org, Name: "Hana", Roles: []tandem.Role{tandem.RoleHR}}
}

func member(i int) tandem.Caller {
	return tandem.Caller{UserID: fmt.Sprintf("u%03d", i), OrgID: org, Name: fmt.Sprintf("Person %d", i),
		Email: fmt.Sprintf("p%d@acme.test", i), Department: depts[i%len(depts)], Roles: []tandem.Role{tandem.RoleLearner}}
}

// population seeds n members (departments and zones rotating) with a history: most people
// have met much of their own department (published cohorts of 5 within it) and some others
// across departments, and a few real bookings (through internal/booking) ahead in the two
// weeks a round looks at, which both count as met and block time.
func population(t *testing.T, ctx context.Context, store *dynamo.Store, svc *flash.Service, now time.Time, n int) (bookings []*tandem.Booking) {
	t.Helper()
	if _, err := svc.SaveConfig(ctx, hr(), flash.Config{EveryWeeks: 2, Enabled: true}); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	byDept := map[string][]string{}
	for i := range n {
		c := member(i)
		if _, err := svc.Join(ctx, c, zones[(i/len(depts))%len(zones)]); err != nil {
			t.Fatal(err)
		}
		byDept[c.Department] = append(byDept[c.Department], c.UserID)
	}
	var groups [][]string
	for range 3 { // three rounds of in-department cohorts of 5: about 12 colleagues each
		for _, ids := range byDept {
			ids = slices.Clone(ids)
			rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
			for at := 0; at+5 <= len(ids); at += 5 {
				groups = append(groups, ids[at:at+5])
			}
		}
	}
	for range n / 2 { // and some acquaintances across departments
		x := rng.Perm(n)[:3]
		groups = append(groups, []string{member(x[0]).UserID, member(x[1]).UserID, member(x[2]).UserID})
	}
	if err := store.RecordMet(ctx, org, groups); err != nil {
		t.Fatal(err)
	}
	// Four members are experts with a schedule; eight others book them in the round's weeks.
	bsvc := booking.New(store, func() time.Time { return now })
	render := func(o booking.Outcome) ([]byte, error) { return []byte(o.Booking.ID), nil }
	for e := range 4 {
		c := member(e)
		zone := zones[0]
		ex := &tandem.Expert{ID: c.UserID, OrgID: org, Name: c.Name, Email: c.Email, Department: c.Department, Timezone: zone,
			BookingMode: tandem.BookingInstant, SessionTypes: []tandem.SessionType{{ID: "chat", Name: "Chat", DurationMin: 60, BufferAfterMin: 15}},
			Limits: tandem.Limits{HorizonDays: 60, StartIncrementMin: 30}}
		if err := store.PutExpert(ctx, ex); err != nil {
			t.Fatal(err)
		}
		day := []availability.LocalInterval{{Start: "09:00", End: "17:00"}}
		sch := availability.Schedule{Timezone: zone, Weekly: availability.Weekly{Mon: day, Tue: day, Wed: day, Thu: day, Fri: day}}
		if err := store.PutAvailability(ctx, org, c.UserID, &sch); err != nil {
			t.Fatal(err)
		}
		for j := range 2 {
			l := member(10 + e*2 + j)
			start := now.Truncate(24*time.Hour).AddDate(0, 0, 3+j).Add(time.Duration(9+2*e+j) * time.Hour)
			for start.Weekday() == time.Saturday || start.Weekday() == time.Sunday {
				start = start.Add(24 * time.Hour)
			}
			res, err := bsvc.Book(ctx, booking.Request{Org: org, Learner: tandem.Party{ID: l.UserID, Name: l.Name, Department: l.Department},
				Input: tandem.BookInput{ExpertID: c.UserID, SessionType: "chat", Start: start}, Key: fmt.Sprintf("k-%d-%d-xxxx", e, j), Body: []byte("x"), Render: render})
			if err != nil {
				t.Fatalf("book %s with %s at %v: %v", l.UserID, c.UserID, start, err)
			}
			bookings = append(bookings, res.Booking)
		}
	}
	return bookings
}

// raw reads the items the checks need straight from the table (independently of the code
// under test): bookings and flash pairs.
type span struct {
	who        [2]string
	start, end time.Time
	live       bool
}

func rawSpans(t *testing.T, cfg dynamo.Config, now time.Time) (bookings, pairs []span, pairItems int) {
	t.Helper()
	parse := func(s any) time.Time {
		v, err := time.Parse("2006-01-02T15:04:05Z", fmt.Sprint(s))
		if err != nil {
			t.Fatalf("time %v: %v", s, err)
		}
		return v
	}
	for _, it := range dynamotest.Items(t, cfg) {
		switch it["type"] {
		case "booking":
			ex, le := it["expert"].(map[string]any), it["learner"].(map[string]any)
			st := fmt.Sprint(it["status"])
			bufA := 0.0
			if stt, ok := it["sessionType"].(map[string]any); ok {
				if v, ok := stt["bufferAfterMin"].(float64); ok {
					bufA = v
				}
			}
			end := parse(it["end"])
			bookings = append(bookings, span{[2]string{fmt.Sprint(ex["ID"]), fmt.Sprint(le["ID"])}, parse(it["start"]),
				end.Add(time.Duration(bufA) * time.Minute), st == "confirmed" || st == "pending"})
		case "flashPair":
			pairItems++
			a, b := it["a"].(map[string]any), it["b"].(map[string]any)
			pairs = append(pairs, span{[2]string{fmt.Sprint(a["id"]), fmt.Sprint(b["id"])}, parse(it["start"]), parse(it["end"]), true})
		}
	}
	return bookings, pairs, pairItems
}

func TestRoundOnAPopulation(t *testing.T) {
	// Friday 23 October 2026: the two weeks ahead cross London's change (25 October) and New
	// York's (1 November); the first weekdays are the week when they are 4 hours apart.
	now := time.Date(2026, 10, 23, 7, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	cfg := dynamotest.Config(t, dynamotest.Options{Now: clock})
	store, err := dynamo.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	svc := flash.New(store, clock)
	const n = 120
	population(t, ctx, store, svc, now, n)

	started := time.Now()
	res, err := svc.RunRound(ctx, org, "u-hr")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("round of %d members: %d proposals, %d without a time, %d sat out, in %v", n, len(res.Proposals), len(res.Round.NoTime),
		len(res.Round.SatOut), time.Since(started).Round(time.Millisecond))
	if !res.Created || len(res.Proposals)+len(res.Round.NoTime) != n/2 || len(res.Proposals) < n/2-3 {
		t.Fatalf("round: created %v, %d proposals, no time %v, sat out %v", res.Created, len(res.Proposals), res.Round.NoTime, res.Round.SatOut)
	}

	// Flash pairs against random pairs, on the same members and the same history (read the way
	// a round reads it, independently: met sets and bookings from the store).
	group, err := store.LoadFlashGroup(ctx, org)
	if err != nil {
		t.Fatal(err)
	}
	var members []flash.Member
	for _, m := range group.Members {
		members = append(members, flash.Member{ID: m.UserID, Department: m.Department, Timezone: m.Timezone})
	}
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = m.ID
	}
	metSets, err := store.MetBefore(ctx, org, ids)
	if err != nil {
		t.Fatal(err)
	}
	met := flash.MetSet{}
	for a, set := range metSets {
		for b := range set {
			met.Add(a, b)
		}
	}
	for _, id := range ids {
		bs, err := store.ListUserBookings(ctx, org, id, now.AddDate(-1, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range bs {
			if b.Status == tandem.StatusConfirmed || b.Status == tandem.StatusCompleted {
				met.Add(b.Learner.ID, b.Expert.ID)
			}
		}
	}
	var flashPairs []flash.Pair
	for _, p := range res.Proposals {
		flashPairs = append(flashPairs, flash.Pair{A: p.A.ID, B: p.B.ID})
	}
	for _, p := range res.Round.NoTime {
		flashPairs = append(flashPairs, flash.Pair{A: p[0], B: p[1]})
	}
	got := flash.FirstCross(flashPairs, members, met.Has)
	if got != res.Round.FirstCross {
		t.Errorf("round says %d first-time cross-department pairs, recount %d", res.Round.FirstCross, got)
	}
	const seeds = 30
	var sum float64
	best := 0
	for seed := range uint64(seeds) {
		r := flash.RandomPairs(members, met.Has, now, seed)
		fc := flash.FirstCross(r.Pairs, members, met.Has)
		sum += float64(fc)
		best = max(best, fc)
	}
	pairsN := float64(len(flashPairs))
	mean := sum / seeds
	t.Logf("first-time cross-department pairs: flash %d of %.0f (%.1f%%); random mean %.1f (%.1f%%), best of %d seeds %d",
		got, pairsN, 100*float64(got)/pairsN, mean, 100*mean/pairsN, seeds, best)
	// The stated margin: at least 20 percentage points of all pairs above random's mean, and
	// more than the best of 30 random pairings.
	if float64(got) < mean+0.20*pairsN || got <= best {
		t.Errorf("flash %d first-time cross pairs, random mean %.1f (best %d): margin under 20 points of %v pairs", got, mean, best, pairsN)
	}

	// Every proposed time, checked against the raw items: inside both windows (each person's
	// own zone, on a weekday), from a day to two weeks ahead, and overlapping none of either
	// person's live bookings (as learner or expert, buffers included) or other flash pairs.
	zoneOf := map[string]*time.Location{}
	for _, m := range group.Members {
		loc, err := time.LoadLocation(m.Timezone)
		if err != nil {
			t.Fatal(err)
		}
		zoneOf[m.UserID] = loc
	}
	bookings, pairs, pairItems := rawSpans(t, cfg, now)
	if pairItems != len(res.Proposals) {
		t.Errorf("%d pair items, %d proposals", pairItems, len(res.Proposals))
	}
	busyHits, dstPairs := 0, 0
	for _, p := range pairs {
		if p.end.Sub(p.start) != 30*time.Minute || p.start.Before(now.Add(24*time.Hour)) || p.end.After(now.Add(14*24*time.Hour)) {
			t.Errorf("pair %v: %v-%v outside a day to two weeks ahead", p.who, p.start, p.end)
		}
		for _, id := range p.who {
			ls, le := p.start.In(zoneOf[id]), p.end.In(zoneOf[id])
			if ls.Weekday() == time.Saturday || ls.Weekday() == time.Sunday || ls.Hour() < 9 || le.Hour()*60+le.Minute() > 17*60 || le.Day() != ls.Day() {
				t.Errorf("pair %v at %v: %s's local time %s is outside 09:00-17:00 weekdays", p.who, p.start, id, ls.Format("Mon 15:04 MST"))
			}
			for _, b := range bookings {
				if b.live && (b.who[0] == id || b.who[1] == id) && b.start.Before(p.end) && p.start.Before(b.end) {
					t.Errorf("pair %v at %v overlaps %s's booking %v-%v", p.who, p.start, id, b.start, b.end)
				}
				if b.live && (b.who[0] == id || b.who[1] == id) && b.start.Sub(p.start).Abs() < 48*time.Hour {
					busyHits++
				}
			}
			for _, o := range pairs {
				if o != p && (o.who[0] == id || o.who[1] == id) && o.start.Before(p.end) && p.start.Before(o.end) {
					t.Errorf("pair %v overlaps %s's other flash pair %v", p.who, id, o.who)
				}
			}
		}
		_, oa := p.start.In(zoneOf[p.who[0]]).Zone()
		_, ob := p.start.In(zoneOf[p.who[1]]).Zone()
		if p.start.After(time.Date(2026, 10, 25, 1, 0, 0, 0, time.UTC)) && oa != ob {
			dstPairs++
		}
	}
	t.Logf("%d proposals near a booking of one of the two, %d across zones after London's change", busyHits, dstPairs)
	if busyHits == 0 {
		t.Error("no proposal fell near a booking: the busy check is not exercised")
	}

	// A run again in the same round proposes nothing new.
	before := len(pairs)
	again, err := svc.RunRound(ctx, org, "scheduler")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, items := rawSpans(t, cfg, now); again.Created || items != before || len(again.Proposals) != len(res.Proposals) {
		t.Errorf("second run: created %v, %d pair items (was %d)", again.Created, items, before)
	}
	if made, err := svc.RunDue(ctx); err != nil || made != 0 {
		t.Errorf("RunDue in the same round: %d, %v", made, err)
	}

	// Both accept (concurrently, and twice): confirmed once, the time held for both.
	p := res.Proposals[0]
	a, b := callerOf(p.A, org), callerOf(p.B, org)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i, c := range []tandem.Caller{a, b, a, b} {
		wg.Go(func() { _, errs[i] = svc.Accept(ctx, c, p.ID) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("accept %d: %v", i, err)
		}
	}
	got2, err := svc.Accept(ctx, a, p.ID)
	if err != nil || got2.Status != dynamo.FlashConfirmed || !got2.AcceptedA || !got2.AcceptedB {
		t.Fatalf("after both accepted: %+v %v", got2, err)
	}
	if slots := flashSlotsHeld(t, cfg, p.ID); slots != 24 { // 6 five-minute slots × (learner, expert) × 2 people
		t.Errorf("%d lock slots held for the confirmed pair, want 24", slots)
	}
	// Neither can now be booked over it (here: as a learner, with an expert who is free).
	bsvc := booking.New(store, clock)
	_, err = bsvc.Book(ctx, booking.Request{Org: org, Learner: tandem.Party{ID: p.A.ID, Name: p.A.Name},
		Input: tandem.BookInput{ExpertID: anytimeExpert(t, ctx, store), SessionType: "half", Start: p.Start}, Key: "over-flash-1", Body: []byte("x"),
		Render: func(o booking.Outcome) ([]byte, error) { return nil, nil }})
	if e := (*tandem.Error)(nil); !errors.As(err, &e) || e.Code != tandem.EConflict || e.Detail["conflict"] != "learner_busy" {
		t.Errorf("booking over a confirmed flash session: %v, want a conflict", err)
	}
	// Declining a confirmed session releases the time.
	if d, err := svc.Decline(ctx, b, p.ID); err != nil || d.Status != dynamo.FlashCancelled {
		t.Fatalf("cancel: %+v %v", d, err)
	}
	if slots := flashSlotsHeld(t, cfg, p.ID); slots != 0 {
		t.Errorf("%d lock slots still held after the cancel", slots)
	}
	// A stranger cannot see or answer it; a declined one cannot be accepted.
	if _, err := svc.Accept(ctx, member(n+1), p.ID); tandem.ErrorCode(err) != tandem.ENotFound {
		t.Errorf("stranger: %v", err)
	}
	q := res.Proposals[1]
	if _, err := svc.Decline(ctx, callerOf(q.A, org), q.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Accept(ctx, callerOf(q.B, org), q.ID); tandem.ErrorCode(err) != tandem.EConflict {
		t.Errorf("accepting a declined proposal: %v", err)
	}
	// A booking that takes one of them at that time meanwhile makes the confirmation fail (the
	// transaction's cell conditions decide), and nothing is held.
	u := res.Proposals[3]
	if _, err := bsvc.Book(ctx, booking.Request{Org: org, Learner: tandem.Party{ID: u.B.ID, Name: u.B.Name},
		Input: tandem.BookInput{ExpertID: "u-anytime", SessionType: "half", Start: u.Start}, Key: "meanwhile-1", Body: []byte("x"),
		Render: func(o booking.Outcome) ([]byte, error) { return nil, nil }}); err != nil {
		t.Fatalf("booking meanwhile: %v", err)
	}
	if _, err := svc.Accept(ctx, callerOf(u.A, org), u.ID); err != nil {
		t.Fatal(err)
	}
	_, err = svc.Accept(ctx, callerOf(u.B, org), u.ID)
	if e := (*tandem.Error)(nil); !errors.As(err, &e) || e.Code != tandem.EConflict || e.Detail["conflict"] != "flash_busy" || e.Detail["who"] != u.B.ID {
		t.Errorf("confirming over a booking: %v, want flash_busy naming %s", err, u.B.ID)
	}
	if st, _ := store.GetFlashPair(ctx, org, u.ID); st.Status != dynamo.FlashProposed || st.AcceptedB {
		t.Errorf("after the refused confirmation: %+v", st)
	}
	for _, it := range dynamotest.Items(t, cfg) {
		if it["type"] == "cell" && it["bookingId"] == dynamo.FlashRef(u.ID) {
			t.Errorf("cell %v held for a refused confirmation", it["PK"])
		}
	}

	// Past its deadline, a proposal has lapsed.
	r := res.Proposals[2]
	mu.Lock()
	now = r.Deadline
	mu.Unlock()
	if _, err := svc.Accept(ctx, callerOf(r.A, org), r.ID); tandem.ErrorCode(err) != tandem.EConflict {
		t.Errorf("accepting a lapsed proposal: %v", err)
	}
}

func callerOf(p dynamo.FlashParty, org string) tandem.Caller {
	return tandem.Caller{UserID: p.ID, OrgID: org, Name: p.Name, Department: p.Department, Roles: []tandem.Role{tandem.RoleLearner}}
}

// anytimeExpert is an expert free at any quarter hour, every day (UTC), for booking tests.
func anytimeExpert(t *testing.T, ctx context.Context, store *dynamo.Store) string {
	t.Helper()
	ex := &tandem.Expert{ID: "u-anytime", OrgID: org, Name: "Any Time", Department: "Ops", Timezone: "UTC",
		BookingMode: tandem.BookingInstant, SessionTypes: []tandem.SessionType{{ID: "half", Name: "Half hour", DurationMin: 30}},
		Limits: tandem.Limits{HorizonDays: 60, StartIncrementMin: 15}}
	if err := store.PutExpert(ctx, ex); err != nil {
		t.Fatal(err)
	}
	day := []availability.LocalInterval{{Start: "00:00", End: "24:00"}}
	sch := availability.Schedule{Timezone: "UTC", Weekly: availability.Weekly{Mon: day, Tue: day, Wed: day, Thu: day, Fri: day, Sat: day, Sun: day}}
	if err := store.PutAvailability(ctx, org, ex.ID, &sch); err != nil {
		t.Fatal(err)
	}
	return ex.ID
}

// flashSlotsHeld counts the lock slots (internal/dynamo cells.go: attributes c<i> of the
// "cell" items, holding 12 hex digits of the owner's SHA-256) that the pair's session holds.
func flashSlotsHeld(t *testing.T, cfg dynamo.Config, pairID string) int {
	t.Helper()
	sum := sha256.Sum256([]byte(dynamo.FlashRef(pairID)))
	tag := hex.EncodeToString(sum[:6])
	n := 0
	for _, it := range dynamotest.Items(t, cfg) {
		if it["type"] != "cell" {
			continue
		}
		for k, v := range it {
			if strings.HasPrefix(k, "c") && v == tag {
				n++
			}
		}
	}
	return n
}
