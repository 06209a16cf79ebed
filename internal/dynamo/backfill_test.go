package dynamo_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/go-cmp/cmp"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The backfills (dynamo.Store.Backfill) on items in the shape written before each change:
// the run leaves the shape the code now writes, and a second run changes nothing.

type backfillTable struct {
	cfg    dynamo.Config
	store  *dynamo.Store
	client *dynamodb.Client
}

func newBackfillTable(t *testing.T, now time.Time) backfillTable {
	t.Helper()
	cfg := dynamotest.Config(t, dynamotest.Options{Now: func() time.Time { return now }})
	store, err := dynamo.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	client, err := dynamo.NewClient(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return backfillTable{cfg, store, client}
}

func (b backfillTable) del(t *testing.T, pk, sk string) {
	t.Helper()
	if _, err := b.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &b.cfg.Table, Key: key(pk, sk)}); err != nil {
		t.Fatal(err)
	}
}

func (b backfillTable) put(t *testing.T, item map[string]types.AttributeValue) {
	t.Helper()
	if _, err := b.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &b.cfg.Table, Item: item}); err != nil {
		t.Fatal(err)
	}
}

// items are the table's items whose SK is sk (or all, for "").
func (b backfillTable) items(t *testing.T, sk string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, it := range dynamotest.Items(t, b.cfg) {
		if sk == "" || it["SK"] == sk {
			out = append(out, it)
		}
	}
	slices.SortFunc(out, func(x, y map[string]any) int {
		return strings.Compare(x["PK"].(string)+"|"+x["SK"].(string), y["PK"].(string)+"|"+y["SK"].(string))
	})
	return out
}

// run backfills and then checks that a second run finds everything done and changes nothing.
func (b backfillTable) run(t *testing.T, now time.Time) dynamo.BackfillResult {
	t.Helper()
	first, err := b.store.Backfill(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	after := b.items(t, "")
	second, err := b.store.Backfill(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(after, b.items(t, "")); diff != "" {
		t.Errorf("a second run changed the table (-first +second):\n%s", diff)
	}
	if second.CalendarsCounted != 0 || second.CellsMoved != 0 || second.HealthPut != 0 {
		t.Errorf("a second run did something again: %+v", second)
	}
	return first
}

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: pk}, "SK": &types.AttributeValueMemberS{Value: sk}}
}

func sAV(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func nAV(v int64) types.AttributeValue  { return &types.AttributeValueMemberN{Value: fmt.Sprint(v)} }

// TestBackfillCalendarCounters: users who connected calendars before the counter existed
// (no counter, or one missing some) get a counter with exactly their connections' ids.
func TestBackfillCalendarCounters(t *testing.T) {
	b := newBackfillTable(t, clock)
	conns := map[string][]string{"u-ada": {"c1", "c2", "c3"}, "u-ben": {"c4", "c5"}, "u-cy": {"c6"}}
	for user, ids := range conns {
		for _, id := range ids {
			if err := b.store.CreateCalendarConnection(ctx, &dynamo.CalendarConnection{OrgID: "acme", UserID: user, ID: id, Kind: "ics",
				Name: id, Host: "cal.example", Sealed: "x", CreatedAt: clock, NextSyncAt: clock}, 5); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Before the counter: ada and ben have none; cy's is right already.
	b.del(t, "ORG#acme#USER#u-ada", "COUNT#CALENDARS")
	b.del(t, "ORG#acme#USER#u-ben", "COUNT#CALENDARS")
	b.put(t, map[string]types.AttributeValue{"PK": sAV("ORG#acme#USER#u-ben"), "SK": sAV("COUNT#CALENDARS"), "type": sAV("counter"),
		"calendars": &types.AttributeValueMemberSS{Value: []string{"c4"}}}) // one of two
	r := b.run(t, clock)
	if r.CalendarsCounted != 4 || r.CalendarsAlready != 2 || r.CalendarsGone != 0 {
		t.Errorf("counted %d, already %d, gone %d; want 4, 2, 0", r.CalendarsCounted, r.CalendarsAlready, r.CalendarsGone)
	}
	got := map[string][]string{}
	for _, it := range b.items(t, "COUNT#CALENDARS") {
		ids := slices.Clone(it["calendars"].([]string))
		slices.Sort(ids)
		got[strings.TrimPrefix(it["PK"].(string), "ORG#acme#USER#")] = ids
	}
	if diff := cmp.Diff(conns, got); diff != "" {
		t.Errorf("counters (-connections +counters):\n%s", diff)
	}
	// The cap counts them now: ada (3) may add two more, not three.
	for i, want := range []string{"", "", "limit_exceeded"} {
		err := b.store.CreateCalendarConnection(ctx, &dynamo.CalendarConnection{OrgID: "acme", UserID: "u-ada", ID: fmt.Sprintf("n%d", i),
			Kind: "ics", Name: "n", Host: "cal.example", Sealed: "x", CreatedAt: clock, NextSyncAt: clock}, 5)
		if tandem.ErrorCode(err) != want {
			t.Errorf("ada's connection %d: %v, want %q", 4+i, err, want)
		}
	}
}

// TestBackfillHealthDue: an org with an active mentorship gets its hourly health pass in the
// next hour; an org without one gets none; a pass already there is left as it is.
func TestBackfillHealthDue(t *testing.T) {
	b := newBackfillTable(t, clock)
	save := func(org, id string, status tandem.MentorshipStatus) {
		t.Helper()
		m := &tandem.Mentorship{ID: id, OrgID: org, Learner: tandem.Party{ID: "l-" + id, Name: "L"}, Expert: tandem.Party{ID: "e-" + id, Name: "E"},
			Origin: tandem.OriginInvitation, ProposedBy: "l-" + id, Accepted: []string{"l-" + id}, Status: status,
			Agreement: tandem.Agreement{Goals: []tandem.Goal{{Title: "a", Measure: "b"}}, Cadence: tandem.CadenceWeekly, Months: 3,
				SessionType: "st", Weekday: "mon", Window: tandem.Window{Start: "09:00", End: "17:00"}, Timezone: "UTC"},
			CreatedAt: clock, UpdatedAt: clock, Version: 1}
		if status == tandem.MentorshipActive {
			m.ActivatedAt = clock
		}
		if err := b.store.SaveMentorship(ctx, m, 0); err != nil {
			t.Fatal(err)
		}
	}
	save("acme", "m1", tandem.MentorshipActive)
	save("acme", "m2", tandem.MentorshipActive)
	save("globex", "m3", tandem.MentorshipProposed)
	save("initech", "m4", tandem.MentorshipActive)
	save("umbrella", "m5", tandem.MentorshipPaused)
	next := clock.Truncate(time.Hour).Add(time.Hour)
	// initech's chain runs already, resuming after m0 (a pass in progress keeps its place).
	if err := b.store.ScheduleMentorshipHealth(ctx, "initech", next, "m0", 1, false); err != nil {
		t.Fatal(err)
	}
	r := b.run(t, clock.Add(10*time.Minute))
	if r.HealthOrgs != 2 || r.HealthPut != 1 {
		t.Errorf("orgs %d, put %d; want 2 (acme, initech), 1 (acme)", r.HealthOrgs, r.HealthPut)
	}
	due, err := b.store.DueIn(ctx, next)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, d := range due {
		if d.Kind == dynamo.DueHealth {
			got[d.Org] = d.Start
		}
	}
	if diff := cmp.Diff(map[string]string{"acme": "", "initech": "m0"}, got); diff != "" {
		t.Errorf("health passes due in the next hour, org → resume after (-want +got):\n%s", diff)
	}
}

// TestBackfillLockCells: the 15-minute lock items of bookings made before the window items
// become exactly the slots the booking transaction writes now (an approval hold's end
// included), and the bookings can then be cancelled, freeing every slot; a cell whose slots
// another owner holds is left as it is and reported; a cell without an owner, or past its
// expiry, is left to its expiry.
func TestBackfillLockCells(t *testing.T) {
	b := newBackfillTable(t, clock)
	expert := tandem.Party{ID: "e-1", Name: "Eve"}
	st := tandem.SessionType{ID: "st", Name: "Chat", DurationMin: 30, BufferBeforeMin: 5, BufferAfterMin: 10}
	day := clock.Truncate(24 * time.Hour).Add(48 * time.Hour)
	book := func(id, learner string, start time.Time, hold bool) *tandem.Booking {
		t.Helper()
		bk := &tandem.Booking{ID: id, OrgID: "acme", Expert: expert, Learner: tandem.Party{ID: learner, Name: learner}, SessionType: st,
			Start: start, End: start.Add(30 * time.Minute), Status: tandem.StatusConfirmed}
		if hold {
			bk.Status, bk.HoldUntil = tandem.StatusPending, clock.Add(24*time.Hour)
		}
		if _, err := b.store.Book(ctx, dynamo.BookRequest{Booking: bk,
			Idem: dynamo.IdemRecord{UserID: learner, Key: "k-" + id, Hash: "h", Status: 201, Body: []byte("{}")}}); err != nil {
			t.Fatalf("book %s: %v", id, err)
		}
		return bk
	}
	// Across a window boundary (11:55-12:40 for the expert), and a pending one on hold.
	b1 := book("b-1", "l-1", day.Add(12*time.Hour), false)
	b2 := book("b-2", "l-2", day.Add(14*time.Hour+20*time.Minute), true)
	want := b.items(t, "CELLS") // what the booking transaction writes now
	if len(want) != 4 {
		t.Fatalf("%d window items, want 4 (the expert's 08:00 and 12:00 windows, each learner's 12:00)", len(want))
	}

	// The table as before: no window items, the old cells of each span.
	for _, it := range want {
		b.del(t, it["PK"].(string), "CELLS")
	}
	oldCells := func(bk *tandem.Booking, side, person string, lo, hi time.Time) {
		for c := lo.Truncate(15 * time.Minute); c.Before(hi); c = c.Add(15 * time.Minute) {
			item := map[string]types.AttributeValue{"PK": sAV("ORG#acme#CELL#" + side + "#" + person + "#" + c.Format("2006-01-02T15:04:05Z")),
				"SK": sAV("CELL"), "type": sAV("cell"), "bookingId": sAV(bk.ID), "expiresAt": nAV(bk.End.Add(24 * time.Hour).Unix())}
			if !bk.HoldUntil.IsZero() {
				item["holdUntil"] = nAV(bk.HoldUntil.Unix())
			}
			b.put(t, item)
		}
	}
	for _, bk := range []*tandem.Booking{b1, b2} {
		oldCells(bk, "E", expert.ID, bk.Start.Add(-5*time.Minute), bk.End.Add(10*time.Minute))
		oldCells(bk, "L", bk.Learner.ID, bk.Start, bk.End)
	}
	// A cell of a booking long gone (no owner), and one past its expiry.
	b.put(t, map[string]types.AttributeValue{"PK": sAV("ORG#acme#CELL#E#e-1#" + day.Add(20*time.Hour).Format("2006-01-02T15:04:05Z")),
		"SK": sAV("CELL"), "type": sAV("cell"), "bookingId": sAV("b-gone"), "expiresAt": nAV(day.Add(45 * time.Hour).Unix())})
	b.put(t, map[string]types.AttributeValue{"PK": sAV("ORG#acme#CELL#E#e-1#" + clock.Add(-72*time.Hour).Format("2006-01-02T15:04:05Z")),
		"SK": sAV("CELL"), "type": sAV("cell"), "bookingId": sAV("b-1"), "expiresAt": nAV(clock.Add(-47 * time.Hour).Unix())})
	if n := len(b.items(t, "CELL")); n != 14 {
		t.Fatalf("%d old cells, want 14", n)
	}

	r := b.run(t, clock)
	if r.CellsMoved != 12 || r.CellsOrphaned != 1 || r.CellsExpired != 1 || len(r.CellConflicts) != 0 {
		t.Errorf("moved %d, orphaned %d, expired %d, conflicts %v; want 12, 1, 1, none", r.CellsMoved, r.CellsOrphaned, r.CellsExpired, r.CellConflicts)
	}
	if diff := cmp.Diff(want, b.items(t, "CELLS")); diff != "" {
		t.Errorf("window items differ from what booking writes (-booking +backfill):\n%s", diff)
	}
	if n := len(b.items(t, "CELL")); n != 2 {
		t.Errorf("%d old cells left, want the orphan and the expired one", n)
	}

	// The moved locks are the bookings' own: cancelling frees every slot.
	for _, id := range []string{"b-1", "b-2"} {
		if _, err := b.store.UpdateBooking(ctx, "acme", id, dynamo.Change{Apply: func(bk *tandem.Booking, now time.Time) error {
			return bk.Cancel("learner", "", 0, now)
		}}); err != nil {
			t.Fatalf("cancel %s: %v", id, err)
		}
	}
	for _, it := range b.items(t, "CELLS") {
		for k := range it {
			if strings.HasPrefix(k, "c") || strings.HasPrefix(k, "h") {
				t.Errorf("%s still holds %s after the cancellations", it["PK"], k)
			}
		}
	}

	// A cell whose slot someone else took meanwhile (the code after, run too early): left as
	// it is, reported, the other owner's slot kept.
	b3 := book("b-3", "l-3", day.Add(16*time.Hour), false)
	b4 := &tandem.Booking{ID: "b-4", OrgID: "acme", Expert: tandem.Party{ID: "e-2", Name: "Eli"}, Learner: b3.Learner, SessionType: st,
		Start: b3.Start, End: b3.End, Status: tandem.StatusConfirmed}
	// b-4 was booked before, when l-3's time was locked in cells (so b-3 could not see it).
	b.put(t, map[string]types.AttributeValue{"PK": sAV("ORG#acme#BOOKING#b-4"), "SK": sAV("BOOKING"), "type": sAV("booking"), "id": sAV("b-4"),
		"org": sAV("acme"), "start": sAV(b4.Start.Format("2006-01-02T15:04:05Z")), "end": sAV(b4.End.Format("2006-01-02T15:04:05Z")),
		"status": sAV("confirmed"), "sessionType": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"ID": sAV("st"), "Name": sAV("Chat"), "DurationMin": nAV(30), "BufferBeforeMin": nAV(5), "BufferAfterMin": nAV(10), "Seats": nAV(0)}}})
	conflicted := "ORG#acme#CELL#L#l-3#" + b3.Start.Format("2006-01-02T15:04:05Z")
	b.put(t, map[string]types.AttributeValue{"PK": sAV(conflicted), "SK": sAV("CELL"), "type": sAV("cell"), "bookingId": sAV("b-4"),
		"expiresAt": nAV(b4.End.Add(24 * time.Hour).Unix())})
	before := b.items(t, "CELLS")
	r, err := b.store.Backfill(ctx, clock)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.CellConflicts, []string{conflicted}) || r.CellsMoved != 0 {
		t.Errorf("conflicts %v, moved %d; want the one cell and none", r.CellConflicts, r.CellsMoved)
	}
	if diff := cmp.Diff(before, b.items(t, "CELLS")); diff != "" {
		t.Errorf("a conflict changed the window items:\n%s", diff)
	}
	if n := len(b.items(t, "CELL")); n != 3 {
		t.Errorf("%d old cells, want the conflicted one kept with the two left before", n)
	}
}
