package notify_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/dynamo/streamreader"
	"github.com/tandemhq/tandem/internal/notify"
	"github.com/tandemhq/tandem/internal/obs"
	"github.com/tandemhq/tandem/internal/scheduler"
	"github.com/tandemhq/tandem/internal/tandem"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }

var quiet = obs.NewLogger(io.Discard)

var (
	ben   = tandem.Party{ID: "u-ben", Name: "Ben Carter", Email: "ben@acme.example", Department: "Sales"}
	maya  = tandem.Party{ID: "u-maya", Name: "Maya Okafor", Email: "maya@acme.example", Department: "Engineering"}
	intro = tandem.SessionType{ID: "intro", Name: "Intro chat", DurationMin: 30}
)

// env is a table with its stream, a clock and the people.
type env struct {
	t      *testing.T
	clk    *clock
	cfg    dynamo.Config
	store  *dynamo.Store
	reader *streamreader.Reader
}

func newEnv(t *testing.T, at time.Time) *env {
	t.Helper()
	clk := &clock{now: at}
	cfg := dynamotest.Config(t, dynamotest.Options{Now: clk.Now, Stream: true})
	store, err := dynamo.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	reader, err := streamreader.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, clk: clk, cfg: cfg, store: store, reader: reader}
	for _, u := range []struct {
		p  tandem.Party
		tz string
	}{{ben, "Europe/London"}, {maya, "America/New_York"}} {
		if err := store.PutUser(context.Background(), &tandem.User{ID: u.p.ID, OrgID: "acme", Email: u.p.Email, Name: u.p.Name,
			Department: u.p.Department, Timezone: u.tz, Roles: []tandem.Role{tandem.RoleLearner}}); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// consumer is NotificationsFunction's consumer on the env's table (its client records the
// function's AWS actions for the IAM check).
func (e *env) consumer(sender notify.Sender) *notify.Consumer {
	cfg := e.cfg
	cfg.APIOptions = append(slices.Clip(cfg.APIOptions), dynamo.RecordAccess("NotificationsFunction"))
	s, err := dynamo.New(context.Background(), cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return &notify.Consumer{Store: s, Sender: sender, Now: e.clk.Now, Log: quiet, Backoff: time.Minute}
}

func (e *env) book(id string, start time.Time, status tandem.BookingStatus, holdUntil time.Time) {
	e.t.Helper()
	b := &tandem.Booking{ID: id, OrgID: "acme", Expert: maya, Learner: ben, SessionType: intro, Start: start,
		End: start.Add(30 * time.Minute), Status: status, HoldUntil: holdUntil}
	if _, err := e.store.Book(context.Background(), dynamo.BookRequest{Booking: b,
		Idem: dynamo.IdemRecord{UserID: ben.ID, Key: "k-" + id, Hash: "h", Status: 201, Body: []byte("{}")}}); err != nil {
		e.t.Fatalf("book %s: %v", id, err)
	}
}

func (e *env) change(id string, step func(*tandem.Booking, time.Time) error) {
	e.t.Helper()
	if _, err := e.store.UpdateBooking(context.Background(), "acme", id, dynamo.Change{Apply: step}); err != nil {
		e.t.Fatalf("change %s: %v", id, err)
	}
}

func (e *env) reschedule(id string, start time.Time) {
	e.t.Helper()
	if _, err := e.store.UpdateBooking(context.Background(), "acme", id, dynamo.Change{Reschedule: &dynamo.RescheduleLimits{},
		Apply: func(b *tandem.Booking, now time.Time) error { return b.Reschedule(start, now) }}); err != nil {
		e.t.Fatalf("reschedule %s: %v", id, err)
	}
}

func (e *env) read() []events.DynamoDBEventRecord {
	e.t.Helper()
	recs, err := e.reader.Read(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return recs
}

// deliver hands records to the handler in batches; no record may fail.
func deliver(t *testing.T, c *notify.Consumer, recs []events.DynamoDBEventRecord, batch int) {
	t.Helper()
	h := c.Handler()
	for i := 0; i < len(recs); i += batch {
		resp, err := h(context.Background(), events.DynamoDBEvent{Records: recs[i:min(i+batch, len(recs))]})
		if err != nil || len(resp.BatchItemFailures) > 0 {
			t.Fatalf("batch at %d: %v %+v", i, err, resp.BatchItemFailures)
		}
	}
}

// drain delivers whatever the stream holds until it is quiet (the consumer's own writes
// produce records too: notifications to send).
func (e *env) drain(c *notify.Consumer) {
	e.t.Helper()
	for range 10 {
		recs := e.read()
		if len(recs) == 0 {
			return
		}
		deliver(e.t, c, recs, 100)
	}
	e.t.Fatal("the stream did not go quiet")
}

type got struct{ user, kind, path string }

func (g got) String() string { return g.user + " " + g.kind + " " + g.path }

// notifications lists every notification item in the table.
func (e *env) notifications() []map[string]any {
	var out []map[string]any
	for _, it := range dynamotest.Items(e.t, e.cfg) {
		if it["type"] == "notification" {
			out = append(out, it)
		}
	}
	return out
}

func summary(items []map[string]any) []string {
	var out []string
	for _, it := range items {
		out = append(out, got{it["userId"].(string), it["kind"].(string), it["path"].(string)}.String())
	}
	sort.Strings(out)
	return out
}

// TestExactlyOnceUnderRedelivery: a scripted history's stream records, every one delivered
// twice in shuffled order, give exactly the notifications the script calls for, each once,
// with an unread count equal to them; a third delivery changes nothing.
func TestExactlyOnceUnderRedelivery(t *testing.T) {
	t0 := time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC)
	e := newEnv(t, t0)
	ctx := context.Background()
	day := 24 * time.Hour
	var want []string
	expect := func(user tandem.Party, kind, path string) {
		want = append(want, got{user.ID, kind, path}.String())
	}
	// b1: booked, then rescheduled.
	e.book("b1", t0.Add(3*day+6*time.Hour), tandem.StatusConfirmed, time.Time{})
	expect(ben, notify.KindBookingConfirmed, "/bookings/b1")
	expect(maya, notify.KindBookingConfirmed, "/bookings/b1")
	e.clk.Set(t0.Add(time.Hour))
	e.reschedule("b1", t0.Add(4*day+6*time.Hour))
	expect(ben, notify.KindBookingRescheduled, "/bookings/b1")
	expect(maya, notify.KindBookingRescheduled, "/bookings/b1")
	// b2: booked, then cancelled by the learner.
	e.book("b2", t0.Add(5*day), tandem.StatusConfirmed, time.Time{})
	expect(ben, notify.KindBookingConfirmed, "/bookings/b2")
	expect(maya, notify.KindBookingConfirmed, "/bookings/b2")
	e.change("b2", func(b *tandem.Booking, now time.Time) error { return b.Cancel("learner", "ill", day, now) })
	expect(ben, notify.KindBookingCancelled, "/bookings/b2")
	expect(maya, notify.KindBookingCancelled, "/bookings/b2")
	// b3: approval mode, confirmed; b4: approval mode, declined.
	e.book("b3", t0.Add(6*day), tandem.StatusPending, t0.Add(2*day))
	expect(maya, notify.KindBookingRequested, "/bookings/b3")
	e.change("b3", (*tandem.Booking).Confirm)
	expect(ben, notify.KindBookingConfirmed, "/bookings/b3")
	expect(maya, notify.KindBookingConfirmed, "/bookings/b3")
	e.book("b4", t0.Add(7*day), tandem.StatusPending, t0.Add(2*day))
	expect(maya, notify.KindBookingRequested, "/bookings/b4")
	e.change("b4", func(b *tandem.Booking, now time.Time) error { return b.Decline("busy", now) })
	expect(ben, notify.KindBookingDeclined, "/bookings/b4")
	// b5 completed (feedback due), b6 the host did not show.
	e.book("b5", t0.Add(day), tandem.StatusConfirmed, time.Time{})
	e.book("b6", t0.Add(day+2*time.Hour), tandem.StatusConfirmed, time.Time{})
	for _, id := range []string{"b5", "b6"} {
		expect(ben, notify.KindBookingConfirmed, "/bookings/"+id)
		expect(maya, notify.KindBookingConfirmed, "/bookings/"+id)
	}
	e.clk.Set(t0.Add(day + 4*time.Hour))
	e.change("b5", (*tandem.Booking).Complete)
	expect(ben, notify.KindFeedbackDue, "/bookings/b5")
	e.change("b6", func(b *tandem.Booking, now time.Time) error { return b.MarkNoShow(tandem.NoShowHost, now) })
	expect(ben, notify.KindBookingNoShow, "/bookings/b6")
	expect(maya, notify.KindBookingNoShow, "/bookings/b6")
	// An offer on Ben's request.
	req := &tandem.LearnerRequest{ID: "r1", OrgID: "acme", LearnerID: ben.ID, LearnerName: ben.Name, LearnerDepartment: "Sales",
		Topics: []string{"go"}, Goal: "learn", DurationMin: 30, Urgency: "normal", Timezone: "UTC", Status: tandem.RequestOpen,
		ExpiresAt: t0.Add(30 * day)}
	if err := e.store.CreateRequest(ctx, req); err != nil {
		t.Fatal(err)
	}
	if err := e.store.PutOffer(ctx, "acme", &tandem.Offer{RequestID: "r1", ExpertID: maya.ID, ExpertName: maya.Name,
		SessionType: "intro", Starts: []time.Time{t0.Add(8 * day)}, CreatedAt: e.clk.Now()}); err != nil {
		t.Fatal(err)
	}
	expect(ben, notify.KindRequestOffer, "/requests/r1")
	sort.Strings(want)

	records := e.read()
	if len(records) < 30 {
		t.Fatalf("only %d stream records", len(records))
	}
	e.clk.Set(t0)        // the consumer keeps up: it sees each change before the session is over
	c := e.consumer(nil) // derive only; sending is tested with the SES emulator
	twice := append(append([]events.DynamoDBEventRecord{}, records...), records...)
	rng := rand.New(rand.NewPCG(16, 16))
	rng.Shuffle(len(twice), func(i, j int) { twice[i], twice[j] = twice[j], twice[i] })
	deliver(t, c, twice, 37)

	items := e.notifications()
	if got := summary(items); !slices.Equal(got, want) {
		t.Fatalf("notifications:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, u := range []tandem.Party{ben, maya} {
		n, err := e.store.UnreadCount(ctx, "acme", u.ID)
		if err != nil {
			t.Fatal(err)
		}
		count := 0
		for _, w := range want {
			if strings.HasPrefix(w, u.ID+" ") {
				count++
			}
		}
		if n != count {
			t.Errorf("%s: unread count %d, want %d", u.ID, n, count)
		}
	}
	for _, it := range items {
		if it["mail"] != dynamo.MailPending || it["email"] == nil {
			t.Errorf("%v: mail %v, want a pending e-mail", it["id"], it["mail"])
		}
	}
	// Times are in the recipient's zone: Maya's in New York, Ben's in London.
	for _, it := range items {
		if it["id"] == nil || it["kind"] != notify.KindBookingRescheduled {
			continue
		}
		zone := "GMT"
		if it["userId"] == maya.ID {
			zone = "EST"
		}
		if !strings.Contains(it["title"].(string), zone) {
			t.Errorf("%s's title %q has no %s time", it["userId"], it["title"], zone)
		}
	}

	// A third, differently shuffled delivery changes nothing.
	rng.Shuffle(len(records), func(i, j int) { records[i], records[j] = records[j], records[i] })
	deliver(t, c, records, 11)
	if again := summary(e.notifications()); !slices.Equal(again, want) {
		t.Errorf("after a third delivery: %d notifications, want %d", len(again), len(want))
	}
}

// TestReminders moves the store's clock (as `tandem dev -now` does) through three sessions
// with the scheduler running every 10 minutes: the kept one gets exactly one 24 h and one
// 1 h reminder per participant, the cancelled one none, the rescheduled one only those for
// its new time. A user who switched reminders off gets none.
func TestReminders(t *testing.T) {
	t0 := time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC)
	e := newEnv(t, t0)
	c := e.consumer(nil)
	schedCfg := e.cfg // SchedulerFunction's store: its actions are recorded for the IAM check
	schedCfg.APIOptions = append(slices.Clip(schedCfg.APIOptions), dynamo.RecordAccess("SchedulerFunction"))
	sched, err := dynamo.New(context.Background(), schedCfg)
	if err != nil {
		t.Fatal(err)
	}
	s1 := t0.Add(3 * 24 * time.Hour)                 // kept
	s2 := t0.Add(3*24*time.Hour + 2*time.Hour)       // cancelled
	s3 := t0.Add(3*24*time.Hour + 4*time.Hour)       // rescheduled to s3new
	s3new := t0.Add(4*24*time.Hour + 30*time.Minute) // a day later
	e.book("k1", s1, tandem.StatusConfirmed, time.Time{})
	e.book("c1", s2, tandem.StatusConfirmed, time.Time{})
	e.book("r1", s3, tandem.StatusConfirmed, time.Time{})
	e.drain(c)
	if err := sched.SetSchedulerWatermark(context.Background(), t0.Truncate(time.Hour)); err != nil {
		t.Fatal(err)
	}
	end := s3new.Add(time.Hour)
	for at := t0; at.Before(end); at = at.Add(10 * time.Minute) {
		e.clk.Set(at)
		switch {
		case at.Equal(t0.Add(24 * time.Hour)):
			e.change("c1", func(b *tandem.Booking, now time.Time) error { return b.Cancel("expert", "", 24*time.Hour, now) })
		case at.Equal(t0.Add(2*24*time.Hour + 5*time.Hour)): // after r1's 24 h reminder for its old time
			e.reschedule("r1", s3new)
		}
		e.drain(c)
		if _, err := scheduler.Run(context.Background(), sched, at); err != nil {
			t.Fatalf("scheduler at %s: %v", at, err)
		}
		e.drain(c)
	}
	var got []string
	for _, it := range e.notifications() {
		if it["kind"] == notify.KindReminder {
			got = append(got, fmt.Sprintf("%s %s %s", it["userId"], it["path"], it["createdAt"]))
		}
	}
	sort.Strings(got)
	var want []string
	for _, u := range []string{ben.ID, maya.ID} {
		want = append(want,
			fmt.Sprintf("%s /bookings/k1 %s", u, s1.Add(-24*time.Hour).Format(time.RFC3339)),
			fmt.Sprintf("%s /bookings/k1 %s", u, s1.Add(-time.Hour).Format(time.RFC3339)),
			fmt.Sprintf("%s /bookings/r1 %s", u, s3.Add(-24*time.Hour).Format(time.RFC3339)), // before it moved
			fmt.Sprintf("%s /bookings/r1 %s", u, s3new.Add(-24*time.Hour).Format(time.RFC3339)),
			fmt.Sprintf("%s /bookings/r1 %s", u, s3new.Add(-time.Hour).Format(time.RFC3339)))
	}
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("reminders:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
