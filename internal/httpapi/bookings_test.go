package httpapi

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// The booking tests stand on Monday 2027-03-01 12:00 UTC. Alice is a New York expert
// (EST, UTC-5, until 14 March) who works 09:00–17:00 on weekdays.
const bookingProfile = `{"headline":"NY coach","topics":["go"],"languages":["en"],"timezone":"America/New_York",
  "sessionTypes":[{"id":"intro","name":"Intro","durationMin":30,"bufferAfterMin":10},
                  {"id":"deep","name":"Deep dive","durationMin":60,"bufferBeforeMin":15,"bufferAfterMin":15}],
  "meetingUrl":"https://meet.example.com/alice","bookingMode":"%s",
  "limits":{"minNoticeMin":120,"horizonDays":30,"maxPerDay":%d,"startIncrementMin":30}}`

const bookingSchedule = `{"timezone":"America/New_York",
  "weekly":{"mon":[{"start":"09:00","end":"17:00"}],"tue":[{"start":"09:00","end":"17:00"}],
            "wed":[{"start":"09:00","end":"17:00"}],"thu":[{"start":"09:00","end":"17:00"}],
            "fri":[{"start":"09:00","end":"17:00"}]}}`

// wed0900 is Wednesday 3 March 2027, 09:00 in New York.
const wed0900 = "2027-03-03T14:00:00Z"

func newBookingFixture(t testing.TB, mode string, maxPerDay int) *fixture {
	t.Helper()
	f := newFixture(t)
	if res := f.api.do("PUT", "/v1/experts/me", fmt.Sprintf(bookingProfile, mode, maxPerDay), aliceExpert); res.Status != 200 {
		t.Fatalf("profile: %d %s", res.Status, res.Body)
	}
	if res := f.api.do("PUT", "/v1/experts/me/availability", bookingSchedule, aliceExpert); res.Status != 200 {
		t.Fatalf("availability: %d %s", res.Status, res.Body)
	}
	return f
}

func learner(n int) *tandem.Caller {
	return &tandem.Caller{UserID: fmt.Sprintf("u-learner-%02d", n), OrgID: "acme", Email: fmt.Sprintf("l%d@acme.test", n),
		Name: fmt.Sprintf("Learner %d", n), Department: "Sales", Roles: []tandem.Role{tandem.RoleLearner}}
}

func bookBody(start, sessionType string) string {
	return fmt.Sprintf(`{"expertId":"u-alice","sessionType":"%s","start":"%s","note":"Let's talk about Go"}`, sessionType, start)
}

func (f *fixture) book(c *tandem.Caller, key, body string) response {
	return f.bookings.do("POST", "/v1/bookings", body, c, "Idempotency-Key", key)
}

func (f *fixture) slotStarts(t testing.TB, query string) []string {
	t.Helper()
	res := f.api.do("GET", "/v1/experts/u-alice/slots?tz=UTC&"+query, "", bobLearner)
	if res.Status != 200 {
		t.Fatalf("slots: %d %s", res.Status, res.Body)
	}
	var got slotList
	res.decode(t, &got)
	var out []string
	for _, s := range got.Slots {
		out = append(out, s.Start)
	}
	return out
}

func TestBookListedSlotAndReplay(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	if !slices.Contains(f.slotStarts(t, "from=2027-03-03&to=2027-03-03&sessionType=intro"), wed0900) {
		t.Fatal("the slot to book is not listed")
	}
	body := bookBody(wed0900, "intro")
	res := f.book(bobLearner, "key-0001-abcd", body)
	if res.Status != http.StatusCreated {
		t.Fatalf("book: %d %s", res.Status, res.Body)
	}
	var b bookingJSON
	res.decode(t, &b)
	if b.Status != tandem.StatusConfirmed || b.Learner.ID != "u-bob" || b.Expert.ID != "u-alice" || b.MeetingURL == "" ||
		!b.End.Equal(b.Start.Add(30*time.Minute)) {
		t.Errorf("booking = %+v", b)
	}
	// The slot and the ones its buffer touches are no longer listed.
	starts := f.slotStarts(t, "from=2027-03-03&to=2027-03-03&sessionType=intro")
	if slices.Contains(starts, wed0900) || slices.Contains(starts, "2027-03-03T14:30:00Z") {
		t.Errorf("after booking, listed %v: 14:00 and 14:30 (buffer) must be gone", starts)
	}
	// Same key and body: the original response, byte for byte, and no second booking.
	again := f.book(bobLearner, "key-0001-abcd", body)
	if again.Status != http.StatusCreated || again.Body != res.Body || again.Headers["Idempotent-Replayed"] != "true" {
		t.Errorf("replay = %d %s, want the original 201", again.Status, again.Body)
	}
	// Same key, different body: refused.
	other := f.book(bobLearner, "key-0001-abcd", bookBody("2027-03-03T16:00:00Z", "intro"))
	if other.Status != http.StatusUnprocessableEntity || other.problem(t).Code != tandem.EUnprocessable {
		t.Errorf("key reuse = %d %s, want 422", other.Status, other.Body)
	}
	list := f.bookings.do("GET", "/v1/bookings?as=learner&when=upcoming", "", bobLearner)
	var page struct{ Items []bookingJSON }
	list.decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != b.ID {
		t.Errorf("upcoming = %+v, want exactly the one booking", page.Items)
	}
	// Someone else taking the same time is told the expert is busy.
	clash := f.book(learner(1), "key-0002-abcd", body)
	if p := clash.problem(t); clash.Status != http.StatusConflict || p.Extra["conflict"] != "expert_busy" {
		t.Errorf("clash = %d %s, want 409 expert_busy", clash.Status, clash.Body)
	}
}

// TestBookRoundTripBudget: a cold container books in 2 sequential round trips (the reads in
// parallel, then the one transaction); a warm one in exactly 1 (the transaction alone, the
// rules guarded in it); a conflict is explained from the transaction with no extra read; a
// replay makes no slot reads; rules changed by another container are caught by the guard and
// the booking is decided again with fresh reads.
func TestBookRoundTripBudget(t *testing.T) {
	f := newBookingFixture(t, "instant", 4)
	f.setBudget(t, `{"period":"month","orgHours":10,"departmentHours":{"Sales":5}}`) // the budget draws are in the one write
	f.counter.SetLatency(20 * time.Millisecond)                                      // a network round trip: parallel calls overlap
	step := func(name string, c *tandem.Caller, key, body string, status, rounds, calls int) response {
		t.Helper()
		f.counter.Reset()
		res := f.book(c, key, body)
		if res.Status != status {
			t.Fatalf("%s: %d %s, want %d", name, res.Status, res.Body, status)
		}
		if r, n := f.counter.Rounds(), f.counter.Total(); r != rounds || (calls > 0 && n != calls) {
			t.Errorf("%s: %d sequential round trips, %d calls (%v); want %d and %d", name, r, n, f.counter.Calls(), rounds, calls)
		}
		if w := f.counter.Count("TransactWriteItems"); w > 1 && name != "stale rules" {
			t.Errorf("%s: %d writes, want at most 1", name, w)
		}
		return res
	}
	// Cold: profile, schedule, settings, busy time and the stored response in parallel, then
	// the transaction.
	first := step("cold", bobLearner, "key-budget-1", bookBody(wed0900, "deep"), 201, 2, 0)
	if w := f.counter.Count("TransactWriteItems"); w != 1 {
		t.Errorf("cold: %d writes, want exactly 1", w)
	}
	// Warm: the transaction alone.
	step("warm", learner(3), "key-budget-3", bookBody("2027-03-03T16:00:00Z", "deep"), 201, 1, 1)
	// A conflict, warm: the transaction's cancellation reasons say why, no read.
	res := step("conflict", learner(2), "key-budget-2", bookBody(wed0900, "deep"), 409, 1, 1)
	if p := res.problem(t); p.Extra["conflict"] != "expert_busy" {
		t.Errorf("conflict = %s, want expert_busy", res.Body)
	}
	// A replay, warm: the transaction fails on the booking, its key's idempotency record, which
	// comes back with the cancellation (ALL_OLD) and answers: no read.
	again := step("replay", bobLearner, "key-budget-1", bookBody(wed0900, "deep"), 201, 1, 1)
	if again.Body != first.Body || again.Headers["Idempotent-Replayed"] != "true" || f.counter.Count("Query") != 0 ||
		f.counter.Count("GetItem") != 0 {
		t.Errorf("replay = %s (%v), want the original body and no slot reads", again.Body, f.counter.Calls())
	}
	// Another container (the experts function) lengthens the deep dive: the cached profile
	// fails its guard, the booking is decided again with fresh reads and takes 90 minutes.
	profile := strings.Replace(fmt.Sprintf(bookingProfile, "instant", 4), `"durationMin":60`, `"durationMin":90`, 1)
	if res := f.api.do("PUT", "/v1/experts/me", profile, aliceExpert); res.Status != 200 {
		t.Fatalf("profile: %d %s", res.Status, res.Body)
	}
	moved := step("stale rules", learner(4), "key-budget-4", bookBody("2027-03-03T18:00:00Z", "deep"), 201, 3, 0)
	var b bookingJSON
	moved.decode(t, &b)
	if b.End.Sub(b.Start) != 90*time.Minute || f.counter.Count("TransactWriteItems") != 2 {
		t.Errorf("after the profile changed: %v–%v with %v; want 90 minutes after one failed guard", b.Start, b.End, f.counter.Calls())
	}
	// Warm again with the fresh rules.
	step("warm again", learner(5), "key-budget-5", bookBody("2027-03-03T20:00:00Z", "deep"), 201, 1, 1)
	// HR (the requests function, another container) cuts the department's budget to what is
	// used: the cached settings fail their guard and the fresh ones refuse the booking.
	f.setBudget(t, `{"period":"month","orgHours":10,"departmentHours":{"Sales":1}}`)
	f.counter.Reset()
	over := f.book(learner(6), "key-budget-6", bookBody("2027-03-04T14:00:00Z", "deep"))
	if p := over.problem(t); over.Status != 429 || p.Extra["limit"] != "budget_department" || f.counter.Count("TransactWriteItems") != 1 {
		t.Errorf("after the budget was cut: %d %s (%v), want 429 budget_department from the fresh settings after the one failed guard", over.Status, over.Body, f.counter.Calls())
	}
}

// TestConcurrentBookingsOfOneSlot: 64 learners race for one slot; exactly one wins.
func TestConcurrentBookingsOfOneSlot(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	const n = 64
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := f.book(learner(i), fmt.Sprintf("race-key-%03d", i), bookBody(wed0900, "intro"))
			statuses[i] = res.Status
		}()
	}
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[201] != 1 || count[409] != n-1 {
		t.Errorf("statuses %v, want exactly one 201 and %d × 409", count, n-1)
	}
}

// TestRetryAfterLostResponse: the booking committed but the client never saw the answer; the
// retry with the same key gets the same booking and nothing is duplicated.
func TestRetryAfterLostResponse(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	body := bookBody(wed0900, "intro")
	_ = f.book(bobLearner, "lost-response-1", body) // response lost
	res := f.book(bobLearner, "lost-response-1", body)
	if res.Status != 201 {
		t.Fatalf("retry: %d %s", res.Status, res.Body)
	}
	var b bookingJSON
	res.decode(t, &b)
	list := f.bookings.do("GET", "/v1/bookings?as=learner", "", bobLearner)
	var page struct{ Items []bookingJSON }
	list.decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != b.ID {
		t.Errorf("bookings after retry = %d, want the one booking %s", len(page.Items), b.ID)
	}
}

func TestBookBadInput(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	tests := []struct {
		name      string
		caller    *tandem.Caller
		key, body string
		status    int
		code      string
		field     string
	}{
		{"past start", bobLearner, "bad-key-001", bookBody("2027-02-26T14:00:00Z", "intro"), 400, "invalid", "start"},
		{"inside notice", bobLearner, "bad-key-002", bookBody("2027-03-01T13:00:00Z", "intro"), 400, "invalid", "start"},
		{"off grid", bobLearner, "bad-key-003", bookBody("2027-03-03T14:10:00Z", "intro"), 400, "invalid", "start"},
		{"outside availability", bobLearner, "bad-key-004", bookBody("2027-03-03T03:00:00Z", "intro"), 400, "invalid", "start"},
		{"weekend", bobLearner, "bad-key-005", bookBody("2027-03-06T14:00:00Z", "intro"), 400, "invalid", "start"},
		{"unknown session type", bobLearner, "bad-key-006", bookBody(wed0900, "nope"), 400, "invalid", "sessionType"},
		{"missing idempotency key", bobLearner, "", bookBody(wed0900, "intro"), 400, "invalid", "Idempotency-Key"},
		{"booking oneself", aliceExpert, "bad-key-007", bookBody(wed0900, "intro"), 400, "invalid", "expertId"},
		{"unknown expert", bobLearner, "bad-key-008", strings.Replace(bookBody(wed0900, "intro"), "u-alice", "u-nobody", 1), 404, "not_found", ""},
		{"unknown field", bobLearner, "bad-key-009", strings.Replace(bookBody(wed0900, "intro"), `"note"`, `"price":0,"note"`, 1), 400, "invalid", "price"},
		{"no start", bobLearner, "bad-key-010", `{"expertId":"u-alice","sessionType":"intro"}`, 400, "invalid", "start"},
		{"not a learner", &tandem.Caller{UserID: "u-hr", OrgID: "acme", Roles: []tandem.Role{tandem.RoleHR}}, "bad-key-011", bookBody(wed0900, "intro"), 403, "forbidden", ""},
		{"other org's expert", oscarOtherOrg, "bad-key-012", bookBody(wed0900, "intro"), 404, "not_found", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := f.bookings.do("POST", "/v1/bookings", tt.body, tt.caller, "Idempotency-Key", tt.key)
			if res.Status != tt.status {
				t.Fatalf("status = %d, want %d (%s)", res.Status, tt.status, res.Body)
			}
			p := res.problem(t)
			if p.Code != tt.code {
				t.Errorf("code = %q, want %q", p.Code, tt.code)
			}
			if tt.field != "" {
				var fields []string
				for _, fe := range p.Errors {
					fields = append(fields, fe.Field)
				}
				if !slices.Contains(fields, tt.field) {
					t.Errorf("field errors %v, want %q", p.Errors, tt.field)
				}
			}
		})
	}
}

// TestWarmRefusalDecidedAgainCold: a time the cached schedule would refuse is decided again
// with fresh reads, so a container's cache never refuses what another container just opened.
func TestWarmRefusalDecidedAgainCold(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	if res := f.book(bobLearner, "warm-key-0001", bookBody(wed0900, "intro")); res.Status != 201 {
		t.Fatalf("book: %d %s", res.Status, res.Body)
	}
	saturday := strings.Replace(bookingSchedule, `"fri":`, `"sat":[{"start":"09:00","end":"12:00"}],"fri":`, 1)
	if res := f.api.do("PUT", "/v1/experts/me/availability", saturday, aliceExpert); res.Status != 200 {
		t.Fatalf("availability: %d %s", res.Status, res.Body)
	}
	f.counter.Reset()
	if res := f.book(learner(1), "warm-key-0002", bookBody("2027-03-06T14:00:00Z", "intro")); res.Status != 201 {
		t.Fatalf("Saturday, newly opened: %d %s (%v), want 201", res.Status, res.Body, f.counter.Calls())
	}
	if w := f.counter.Count("TransactWriteItems"); w != 1 {
		t.Errorf("%d writes (%v), want the one after the fresh reads", w, f.counter.Calls())
	}
}
