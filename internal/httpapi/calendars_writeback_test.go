package httpapi

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/tandemhq/tandem/internal/caldav"
	"github.com/tandemhq/tandem/internal/caldav/caldavtest"
	"github.com/tandemhq/tandem/internal/connections"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/dynamo/streamreader"
	"github.com/tandemhq/tandem/internal/streams"
	"github.com/tandemhq/tandem/internal/tandem"
)

// newStreamFixture is newFixture on a table with its stream on (the write-back reads it).
func newStreamFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{counter: &dynamo.CallCounter{}, now: time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)}
	f.cfg = dynamotest.Config(t, dynamotest.Options{Counter: f.counter, Now: f.clock, Stream: true})
	store, err := dynamo.New(context.Background(), f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.store = store
	routers := FunctionsWith(func(fn string) Deps {
		return Deps{Store: functionStore(t, f.cfg, fn), Logger: quietLog, Now: f.clock, Sealer: testSealer, CalendarHTTP: caldavtest.HTTPClient()}
	})
	f.api = newLambdaClient(t, routers["ExpertsFunction"])
	f.bookings = newLambdaClient(t, routers["BookingsFunction"])
	f.reports = newLambdaClient(t, routers["ReportsFunction"])
	return f
}

var (
	uidLine     = regexp.MustCompile(`(?m)^UID:(.+?)\r?$`)
	dtStartLine = regexp.MustCompile(`(?m)^DTSTART[^:]*:(\d{8}T\d{6}Z)\r?$`)
	dtEndLine   = regexp.MustCompile(`(?m)^DTEND[^:]*:(\d{8}T\d{6}Z)\r?$`)
)

// radicaleSessions is what the calendar holds of Tandem's sessions: "uid start end" lines.
func radicaleSessions(t *testing.T, cl *caldav.Client, from, to time.Time) []string {
	t.Helper()
	objs, err := cl.Query(context.Background(), from, to)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, o := range objs {
		u, s, e := uidLine.FindSubmatch(o.Data), dtStartLine.FindSubmatch(o.Data), dtEndLine.FindSubmatch(o.Data)
		if u == nil || s == nil || e == nil {
			t.Fatalf("an event without UID, DTSTART or DTEND in UTC:\n%s", o.Data)
		}
		out = append(out, fmt.Sprintf("%s %s %s", u[1], s[1], e[1]))
	}
	slices.Sort(out)
	return out
}

// tandemSessions is what Tandem says the expert's calendar should hold: confirmed sessions.
func tandemSessions(t *testing.T, f *fixture) []string {
	t.Helper()
	var out []string
	for _, it := range dynamotest.Items(t, f.cfg) {
		if it["type"] != "booking" || it["status"] != string(tandem.StatusConfirmed) {
			continue
		}
		s, _ := time.Parse(time.RFC3339, it["start"].(string))
		e, _ := time.Parse(time.RFC3339, it["end"].(string))
		out = append(out, fmt.Sprintf("%s@tandem %s %s", it["id"], s.UTC().Format("20060102T150405Z"), e.UTC().Format("20060102T150405Z")))
	}
	slices.Sort(out)
	return out
}

// The must-show: confirmed, rescheduled and cancelled sessions appear, move and
// disappear in Radicale with the invite's UID, driven by the table stream. After a seeded
// random run of books, reschedules and cancels, every stream record delivered twice (the
// second time as a redelivery after the first), Radicale holds exactly Tandem's confirmed
// sessions, once each. The expert's own written-back sessions do not block their slots.
func TestWriteBackMatchesRadicaleAfterARandomRun(t *testing.T) {
	url, user, pass := caldavtest.Calendar(t)
	f := newStreamFixture(t)
	f.putExpertWithSchedule(t)
	res := f.bookings.do("POST", "/v1/me/calendars", connectBody("caldav", "Work", url, user, pass, true), aliceExpert)
	if c := decodeConn(t, res); res.Status != 201 || c.Status != "ok" || !c.WriteBack {
		t.Fatalf("connect: %d %s", res.Status, res.Body)
	}
	ctx := context.Background()
	reader, err := streamreader.New(ctx, f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	svc := &connections.Service{Store: functionStore(t, f.cfg, "StreamsFunction"), Sealer: testSealer,
		HTTP: caldavtest.HTTPClient(), Now: f.clock, Log: quietLog}
	handle := streams.HandlerWith(svc.Store, quietLog, svc.WriteBack)
	deliver := func() {
		t.Helper()
		recs, err := reader.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // at-least-once: every record again
			for i := 0; i < len(recs); i += 50 {
				resp, err := handle(ctx, events.DynamoDBEvent{Records: recs[i:min(i+50, len(recs))]})
				if err != nil || len(resp.BatchItemFailures) > 0 {
					t.Fatalf("stream batch: %v %+v", err, resp.BatchItemFailures)
				}
			}
		}
	}
	cl, err := caldav.New(caldavtest.HTTPClient(), url, user, pass)
	if err != nil {
		t.Fatal(err)
	}
	from, to := f.clock(), f.clock().Add(40*24*time.Hour)
	q := "/v1/experts/u-alice/slots?tz=UTC&from=2027-03-02T00:00:00Z&to=2027-03-20T00:00:00Z"
	rng := rand.New(rand.NewPCG(2027, 17))
	var live []string // booking ids, confirmed
	owner := map[string]*tandem.Caller{}
	books, moves, cancels := 0, 0, 0
	for i := range 36 {
		slots := slotStarts(t, f.api.do("GET", q, "", aliceExpert))
		op := rng.IntN(4) // half books, a quarter each reschedules and cancels
		switch {
		case (op <= 1 || len(live) == 0) && len(slots) > 0:
			l := learner(i % 6)
			r := f.book(l, fmt.Sprintf("writeback-%04d", i), bookBody(slots[rng.IntN(len(slots))], "intro"))
			if r.Status == 409 {
				continue // the learner is busy then
			}
			if r.Status != 201 {
				t.Fatalf("book: %d %s", r.Status, r.Body)
			}
			var b bookingJSON
			r.decode(t, &b)
			live = append(live, b.ID)
			owner[b.ID] = l
			books++
		case op == 2 && len(slots) > 0:
			id := live[rng.IntN(len(live))]
			r := f.act(owner[id], id, "reschedule", `{"start":"`+slots[rng.IntN(len(slots))]+`"}`)
			if r.Status == 409 || r.Status == 429 {
				continue // the learner is busy then, or the session was moved 3 times
			}
			if r.Status != 200 {
				t.Fatalf("reschedule: %d %s", r.Status, r.Body)
			}
			moves++
		default:
			k := rng.IntN(len(live))
			id := live[k]
			if r := f.act(owner[id], id, "cancel", `{"reason":"random run"}`); r.Status != 200 {
				t.Fatalf("cancel: %d %s", r.Status, r.Body)
			}
			live = slices.Delete(live, k, k+1)
			cancels++
		}
		if i%9 == 8 {
			deliver()
		}
	}
	deliver()
	got, want := radicaleSessions(t, cl, from, to), tandemSessions(t, f)
	if !slices.Equal(got, want) {
		t.Errorf("Radicale and Tandem differ after %d books, %d reschedules, %d cancels:\nRadicale:\n%s\nTandem:\n%s",
			books, moves, cancels, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(want) == 0 || moves == 0 || cancels == 0 {
		t.Errorf("the run should leave sessions and include moves and cancels: %d live, %d moves, %d cancels", len(want), moves, cancels)
	}
	t.Logf("%d books, %d reschedules, %d cancels: %d sessions in both", books, moves, cancels, len(want))
	// A sync reads the calendar back: Tandem's own events do not count as busy.
	res = f.bookings.do("GET", "/v1/me/calendars", "", aliceExpert)
	var list struct{ Items []connectionJSON }
	res.decode(t, &list)
	if r := f.bookings.do("POST", "/v1/me/calendars/"+list.Items[0].ID+"/sync", "", aliceExpert); r.Status != 200 || decodeConn(t, r).Events != 0 {
		t.Errorf("sync of a calendar holding only Tandem's sessions: %d %s, want 0 busy ranges", r.Status, r.Body)
	}
}
