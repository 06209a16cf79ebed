package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/mentorships"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestRandomizedBookingInvariants runs hundreds of concurrent bookings, cancels and
// reschedules of random, overlapping intervals across three experts and six learners, with
// mentorship series scheduled, skipped, moved and closed among them, then
// checks the table: no two live bookings overlap for any expert (buffers included, as
// locked) or learner, every lock belongs to a live booking that covers it, every live
// booking holds all its locks, busy entries match live bookings, and the day counters and
// the budget's usage counters match.
func TestRandomizedBookingInvariants(t *testing.T) {
	f := newFixture(t)
	f.setBudget(t, `{"period":"month","orgHours":500,"departmentHours":{"Sales":400}}`)
	experts := []*tandem.Caller{aliceExpert,
		{UserID: "u-e2", OrgID: "acme", Name: "Expert Two", Department: "Ops", Roles: []tandem.Role{tandem.RoleExpert}},
		{UserID: "u-e3", OrgID: "acme", Name: "Expert Three", Department: "Ops", Roles: []tandem.Role{tandem.RoleExpert}},
	}
	for _, e := range experts {
		profile := strings.Replace(fmt.Sprintf(bookingProfile, "instant", 6), `"startIncrementMin":30`, `"startIncrementMin":15`, 1)
		if res := f.api.do("PUT", "/v1/experts/me", profile, e); res.Status != 200 {
			t.Fatalf("profile: %s", res.Body)
		}
		if res := f.api.do("PUT", "/v1/experts/me/availability", bookingSchedule, e); res.Status != 200 {
			t.Fatalf("availability: %s", res.Body)
		}
	}
	// Mentorship series in the mix: each learner has a weekly mentorship with one of the
	// experts, Wednesdays in New York, two sessions (3 and 10 March); the run schedules,
	// skips, moves and closes them through the API while the bookings race.
	type series struct {
		id              string
		learner, expert *tandem.Caller
	}
	var all []series
	for i := range 6 {
		l, e := learner(i), experts[i%len(experts)]
		m := f.mentorship(t, l, "POST", "/v1/mentorships", fmt.Sprintf(`{"expertId":"%s","agreement":%s}`, e.UserID, randomSeriesAgreement), 201)
		f.mentorship(t, e, "POST", "/v1/mentorships/"+m.ID+"/accept", "", 200)
		all = append(all, series{m.ID, l, e})
	}
	rng := rand.New(rand.NewPCG(2027, 3))
	day := time.Date(2027, 3, 3, 14, 0, 0, 0, time.UTC) // Wednesday 09:00 New York
	randomStart := func(r *rand.Rand) string {
		return day.Add(time.Duration(r.IntN(2))*24*time.Hour + time.Duration(r.IntN(30))*15*time.Minute).Format(time.RFC3339)
	}
	var (
		mu             sync.Mutex
		ids            []string
		statuses       = map[int]int{}
		seriesStatuses = map[int]int{}
	)
	const ops, workers = 360, 12
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 99))
			for i := range jobs {
				l := learner(r.IntN(6))
				var res response
				mu.Lock()
				pick := ""
				if len(ids) > 0 {
					pick = ids[r.IntN(len(ids))]
				}
				mu.Unlock()
				switch op := r.IntN(13); {
				case op >= 10: // a series operation, by either party
					m := all[r.IntN(len(all))]
					c := []*tandem.Caller{m.learner, m.expert}[r.IntN(2)]
					base := "/v1/mentorships/" + m.id
					switch so := r.IntN(20); {
					case so < 9:
						body := fmt.Sprintf(`{"from":"2027-03-03","time":"%02d:%02d"}`, 9+r.IntN(7), 30*r.IntN(2))
						res = f.requests.do("POST", base+"/schedule", body, c)
					case so < 13:
						res = f.requests.do("POST", fmt.Sprintf("%s/occurrences/%d/skip", base, r.IntN(2)), "", c)
					case so < 19:
						res = f.requests.do("POST", fmt.Sprintf("%s/occurrences/%d/move", base, r.IntN(2)), fmt.Sprintf(`{"start":"%s"}`, randomStart(r)), c)
					default:
						res = f.requests.do("POST", base+"/close", "", c)
					}
					mu.Lock()
					seriesStatuses[res.Status]++
					mu.Unlock()
				case op < 6 || pick == "":
					e := experts[r.IntN(len(experts))]
					st := []string{"intro", "deep"}[r.IntN(2)]
					body := fmt.Sprintf(`{"expertId":"%s","sessionType":"%s","start":"%s"}`, e.UserID, st, randomStart(r))
					res = f.bookings.do("POST", "/v1/bookings", body, l, "Idempotency-Key", fmt.Sprintf("rnd-%04d", i))
					if res.Status == 201 {
						var b bookingJSON
						res.decode(t, &b)
						mu.Lock()
						ids = append(ids, b.ID)
						mu.Unlock()
					}
				case op < 8:
					owner := f.ownerOf(t, pick)
					res = f.bookings.do("POST", "/v1/bookings/"+pick+"/cancel", `{"reason":"random"}`, owner)
				default:
					owner := f.ownerOf(t, pick)
					res = f.bookings.do("POST", "/v1/bookings/"+pick+"/reschedule", fmt.Sprintf(`{"start":"%s"}`, randomStart(r)), owner)
				}
				mu.Lock()
				statuses[res.Status]++
				mu.Unlock()
				if res.Status >= 500 {
					t.Errorf("5xx: %s", res.Body)
				}
			}
		}()
	}
	for i := range ops {
		_ = rng
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	t.Logf("statuses: %v (series operations: %v)", statuses, seriesStatuses)
	if statuses[201] < 20 || statuses[409] < 20 {
		t.Errorf("the run should both book and collide a lot: %v", statuses)
	}
	if seriesStatuses[200] < 10 || seriesStatuses[409] < 5 {
		t.Errorf("the series should both act and collide: %v", seriesStatuses)
	}
	items := dynamotest.Items(t, f.cfg)
	checkBookingInvariants(t, items, f.clock())
	// The series' bookings are ordinary bookings, checked above with the rest; and every
	// occurrence the mentorship says is booked is a booking that holds its time.
	seriesBooked := 0
	for _, m := range all {
		got, err := f.store.GetMentorship(t.Context(), "acme", m.id)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range got.Occurrences {
			if o.State != tandem.OccurrenceBooked {
				continue
			}
			seriesBooked++
			b, err := f.store.GetBooking(t.Context(), "acme", o.BookingID)
			if err != nil || !b.Status.Live() || !b.Start.Equal(o.Start) {
				t.Errorf("mentorship %s occurrence %d booked at %s: booking %+v, %v", m.id, o.Index, o.Start, b, err)
			}
		}
		// And no series booking holds time that no occurrence of it says is booked.
		for idx := range 2 {
			b, err := f.store.GetBooking(t.Context(), "acme", mentorships.OccurrenceBookingID("acme", m.id, idx))
			if err != nil || !b.Status.Live() {
				continue
			}
			if !slices.ContainsFunc(got.Occurrences, func(o tandem.Occurrence) bool {
				return o.BookingID == b.ID && o.State == tandem.OccurrenceBooked
			}) {
				t.Errorf("mentorship %s (%s): booking %s of occurrence %d holds time, but the occurrences are %+v", m.id, got.Status, b.ID, idx, got.Occurrences)
			}
		}
	}
	t.Logf("%d series occurrences booked at the end", seriesBooked)
}

// randomSeriesAgreement: weekly on Wednesdays in New York, two 30-minute sessions.
const randomSeriesAgreement = `{"goals":[{"title":"Ship a service","measure":"in production"}],
  "cadence":"weekly","months":1,"sessions":2,"sessionType":"intro","weekday":"wed",
  "window":{"start":"09:00","end":"17:00"},"timezone":"America/New_York"}`

// ownerOf returns a participant allowed to change the booking (its learner).
func (f *fixture) ownerOf(t *testing.T, id string) *tandem.Caller {
	b, err := f.store.GetBooking(t.Context(), "acme", id)
	if err != nil {
		t.Fatalf("GetBooking(%s): %v", id, err)
	}
	for i := range 6 {
		if l := learner(i); l.UserID == b.Learner.ID {
			return l
		}
	}
	t.Fatalf("no learner %s", b.Learner.ID)
	return nil
}

// budgetDraws is what a booking item says it drew, by usage counter SK: each shard of its
// budgetParts ("7:30,2:30|7:60": the org's, then the department's), or, drawn before the
// shards, the whole on the group's unsharded counter.
func budgetDraws(it map[string]any) map[string]float64 {
	str := func(k string) string { s, _ := it[k].(string); return s }
	m, _ := it["budgetMin"].(float64)
	bases := []string{str("budgetPeriod") + "#ORG"}
	if d := str("budgetDepartment"); d != "" {
		bases = append(bases, str("budgetPeriod")+"#DEPT#"+d)
	}
	out := map[string]float64{}
	groups := strings.Split(str("budgetParts"), "|")
	for gi, base := range bases {
		if str("budgetParts") == "" {
			out[base] += m
			continue
		}
		total := 0.0
		for _, p := range strings.Split(groups[gi], ",") {
			shard, minutes, _ := strings.Cut(p, ":")
			n, _ := strconv.Atoi(minutes)
			i, _ := strconv.Atoi(shard)
			out[fmt.Sprintf("%s#S%02d", base, i)] += float64(n)
			total += float64(n)
		}
		if total != m {
			out[base+" (parts do not add up to budgetMin)"] = m - total
		}
	}
	return out
}

type heldBooking struct {
	id, expert, learner string
	start, end          time.Time
	bb, ba              time.Duration
	circle              string // set on a seat of a group session
}

// checkBookingInvariants checks the table as of now. Bookings that hold time are the live
// ones (confirmed, or pending within the hold) and the ended ones (completed, no-show keep
// their past locks until TTL). A lapsed hold keeps its dead locks (holdUntil passed, free for
// anyone to take) and, until the scheduler expires it, its busy entry and counters.
func checkBookingInvariants(t *testing.T, items []map[string]any, now time.Time) {
	t.Helper()
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	held := map[string]heldBooking{}
	lapsed := map[string]heldBooking{} // pending past its hold, not yet expired by the scheduler
	var cells, busy, circles []map[string]any
	counters := map[string]float64{}
	budgetUsed, budgetWant := map[string]float64{}, map[string]float64{}
	for _, it := range items {
		switch str(it, "type") {
		case "budget":
			budgetUsed[str(it, "SK")], _ = it["usedMin"].(float64)
		case "booking":
			// A budget draw stays taken while the booking holds or held time, and after a
			// learner's late cancellation; every other end gave it back.
			if m, _ := it["budgetMin"].(float64); m > 0 {
				st := tandem.BookingStatus(str(it, "status"))
				late, _ := it["lateCancel"].(bool)
				if st.Live() || st == tandem.StatusCompleted || st == tandem.StatusNoShow || (st == tandem.StatusCancelled && late && str(it, "cancelledBy") == "learner") {
					for k, m := range budgetDraws(it) {
						budgetWant[k] += m
					}
				}
			}
			stype, _ := it["sessionType"].(map[string]any)
			num := func(k string) time.Duration { v, _ := stype[k].(float64); return time.Duration(v) * time.Minute }
			start, _ := time.Parse("2006-01-02T15:04:05Z", str(it, "start"))
			end, _ := time.Parse("2006-01-02T15:04:05Z", str(it, "end"))
			expert, _ := it["expert"].(map[string]any)
			learner, _ := it["learner"].(map[string]any)
			b := heldBooking{id: str(it, "id"), expert: str(expert, "ID"), learner: str(learner, "ID"),
				start: start, end: end, bb: num("BufferBeforeMin"), ba: num("BufferAfterMin"), circle: str(it, "circleId")}
			hold, _ := it["holdUntil"].(float64)
			switch st := tandem.BookingStatus(str(it, "status")); {
			case st == tandem.StatusPending && hold != 0 && !now.Before(time.Unix(int64(hold), 0)):
				lapsed[b.id] = b
			case st.Live(), st == tandem.StatusCompleted, st == tandem.StatusNoShow:
				held[b.id] = b
			}
		case "cell":
			cells = append(cells, it)
		case "busy":
			if str(it, "circleId") != "" {
				circles = append(circles, it)
				continue
			}
			busy = append(busy, it)
		case "counter":
			if strings.Contains(str(it, "SK"), "#DAY#") {
				n, _ := it["n"].(float64)
				counters[str(it, "PK")+"|"+strings.TrimPrefix(str(it, "SK"), "COUNT#DAY#")] = n
			}
		}
	}
	// Locks are 5-minute slots, attributes c<i> (owner's tag) and h<i> (hold) of one item per
	// person and 4-hour window (internal/dynamo/cells.go); a lock is "PK|slot".
	slot, window := time.Duration(tandem.LockCellMin)*time.Minute, 4*time.Hour
	key := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
	span := func(prefix string, lo, hi time.Time) []string {
		var out []string
		for c := lo.Truncate(slot); c.Before(hi); c = c.Add(slot) {
			w := c.Truncate(window)
			out = append(out, prefix+key(w)+"|"+strconv.Itoa(int(c.Sub(w)/slot)))
		}
		return out
	}
	tag := func(id string) string { h := sha256.Sum256([]byte(id)); return hex.EncodeToString(h[:6]) }
	// Expected locks, and overlap checks through them: a shared slot is an overlap.
	want := map[string]string{}  // lock → booking id
	for _, it := range circles { // a circle holds its expert's slots once, for all its seats
		start, _ := time.Parse("2006-01-02T15:04:05Z", str(it, "start"))
		end, _ := time.Parse("2006-01-02T15:04:05Z", str(it, "end"))
		bb, _ := it["bufferBeforeMin"].(float64)
		ba, _ := it["bufferAfterMin"].(float64)
		expert := strings.TrimPrefix(str(it, "PK"), "ORG#acme#EXPERT#")
		for _, l := range span("ORG#acme#CELL#E#"+expert+"#", start.Add(-time.Duration(bb)*time.Minute), end.Add(time.Duration(ba)*time.Minute)) {
			if other, ok := want[l]; ok {
				t.Errorf("expert %s double booked: circle %s and %s share %s", expert, str(it, "circleId"), other, l)
			}
			want[l] = str(it, "circleId")
		}
	}
	for _, b := range held {
		if b.circle == "" { // a seat's expert slots are the circle's (above)
			for _, l := range span("ORG#acme#CELL#E#"+b.expert+"#", b.start.Add(-b.bb), b.end.Add(b.ba)) {
				if other, ok := want[l]; ok {
					t.Errorf("expert %s double booked: %s and %s share %s", b.expert, other, b.id, l)
				}
				want[l] = b.id
			}
		}
		for _, l := range span("ORG#acme#CELL#L#"+b.learner+"#", b.start, b.end) {
			if other, ok := want[l]; ok {
				t.Errorf("learner %s double booked: %s and %s share %s", b.learner, other, b.id, l)
			}
			want[l] = b.id
		}
	}
	got := map[string]string{} // lock → owner's tag
	for _, c := range cells {
		for name, v := range c {
			i, err := strconv.Atoi(strings.TrimPrefix(name, "c"))
			if !strings.HasPrefix(name, "c") || err != nil {
				continue
			}
			l := str(c, "PK") + "|" + strconv.Itoa(i)
			got[l], _ = v.(string)
			hold, _ := c["h"+strconv.Itoa(i)].(float64)
			dead := hold != 0 && !now.Before(time.Unix(int64(hold), 0))
			if id, ok := want[l]; (!ok || tag(id) != got[l]) && !(dead && !ok) {
				t.Errorf("orphan or wrong lock %s → %s (want %q)", l, got[l], id)
			}
		}
	}
	for l, id := range want {
		if got[l] != tag(id) {
			t.Errorf("booking %s is missing its lock %s", id, l)
		}
	}
	for _, b := range busy {
		id := str(b, "bookingId")
		if _, ok := held[id]; !ok {
			if _, ok := lapsed[id]; !ok {
				t.Errorf("busy entry of a booking that holds no time: %v", b)
			}
		}
	}
	oneToOne := 0
	for _, set := range []map[string]heldBooking{held, lapsed} {
		for _, b := range set {
			if b.circle == "" {
				oneToOne++
			}
		}
	}
	if len(busy) != oneToOne {
		t.Errorf("%d busy entries for %d one-to-one bookings holding time or lapsed", len(busy), oneToOne)
	}
	checkCircleInvariants(t, items, circles)
	for k, m := range budgetUsed {
		if budgetWant[k] != m {
			t.Errorf("budget counter %s = %v minutes, the bookings drew %v", k, m, budgetWant[k])
		}
	}
	for k, m := range budgetWant {
		if budgetUsed[k] != m {
			t.Errorf("bookings drew %v minutes of budget %s, counter says %v", m, k, budgetUsed[k])
		}
	}
	if len(counters) == 0 {
		t.Logf("%d bookings holding time, %d locks, %d budget counters checked (no limit counters)", len(held), len(got), len(budgetUsed))
		return
	}
	perDay := map[string]float64{}
	loc, _ := tandem.LoadZone("America/New_York")
	for _, set := range []map[string]heldBooking{held, lapsed} {
		for _, b := range set {
			if b.circle == "" {
				perDay["ORG#acme#EXPERT#"+b.expert+"|"+b.start.In(loc).Format(time.DateOnly)]++
			}
		}
	}
	for _, it := range circles { // a circle counts once toward its expert's day
		start, _ := time.Parse("2006-01-02T15:04:05Z", str(it, "start"))
		perDay[str(it, "PK")+"|"+start.In(loc).Format(time.DateOnly)]++
	}
	for k, n := range counters {
		if perDay[k] != n {
			t.Errorf("day counter %s = %v, want %v", k, n, perDay[k])
		}
	}
	for k, n := range perDay {
		if counters[k] != n {
			t.Errorf("day %s has %v bookings but counter %v", k, n, counters[k])
		}
	}
	t.Logf("%d bookings holding time, %d locks, %d day counters and %d budget counters checked", len(held), len(got), len(counters), len(budgetUsed))
}

func itemsOf(t *testing.T, f *fixture) []map[string]any { return dynamotest.Items(t, f.cfg) }

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }
