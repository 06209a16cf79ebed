package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/caldav"
	"github.com/tandemhq/tandem/internal/caldav/caldavtest"
	"github.com/tandemhq/tandem/internal/calsource"
	"github.com/tandemhq/tandem/internal/connections"
	"github.com/tandemhq/tandem/internal/icalbusy/fixtures"
	"github.com/tandemhq/tandem/internal/scheduler"
)

func connectBody(kind, name, url, user, password string, writeBack bool) string {
	m := map[string]any{"kind": kind, "name": name, "url": url}
	if user != "" {
		m["username"], m["password"] = user, password
	}
	if writeBack {
		m["writeBack"] = true
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func decodeConn(t *testing.T, res response) connectionJSON {
	t.Helper()
	var c connectionJSON
	res.decode(t, &c)
	return c
}

// event is a minimal VEVENT document in zone.
func event(uid, zone string, start, end time.Time) []byte {
	return []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:" + uid +
		"\r\nDTSTAMP:20270101T000000Z\r\nDTSTART;TZID=" + zone + ":" + start.Format("20060102T150405") +
		"\r\nDTEND;TZID=" + zone + ":" + end.Format("20060102T150405") + "\r\nSUMMARY:Board meeting\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
}

// The must-show: an event put into Radicale over CalDAV at 10:00-11:00 in the
// expert's zone removes the overlapping slots after a sync, and booking that time is refused
// with expert_calendar_busy and a plain reason. The password never comes back.
func TestRadicaleEventBlocksTheExpert(t *testing.T) {
	url, user, pass := caldavtest.Calendar(t)
	f := newFixture(t)
	f.putExpertWithSchedule(t)
	ny, _ := time.LoadLocation("America/New_York")
	cl, err := caldav.New(caldavtest.HTTPClient(), url, user, pass)
	if err != nil {
		t.Fatal(err)
	}
	ten := time.Date(2027, 3, 2, 10, 0, 0, 0, ny)
	if _, err := cl.Put(context.Background(), "board-1@example.com", event("board-1@example.com", "America/New_York", ten, ten.Add(time.Hour)), ""); err != nil {
		t.Fatal(err)
	}
	q := "/v1/experts/u-alice/slots?tz=America/New_York&from=2027-03-02&to=2027-03-02"
	if got := slotStarts(t, f.api.do("GET", q, "", bobLearner)); len(got) != 3 {
		t.Fatalf("slots before connecting = %v, want 09:00, 10:00, 11:00", got)
	}
	res := f.bookings.do("POST", "/v1/me/calendars", connectBody("caldav", "Work", url, user, pass, false), aliceExpert)
	if res.Status != 201 {
		t.Fatalf("connect: %d %s", res.Status, res.Body)
	}
	conn := decodeConn(t, res)
	if conn.Status != "ok" || conn.Events != 1 || conn.Host != "127.0.0.1" || conn.LastSyncAt == nil || conn.NextSyncAt == nil {
		t.Errorf("connection after its first sync = %+v", conn)
	}
	if strings.Contains(res.Body, pass) || strings.Contains(res.Body, url) {
		t.Errorf("the response quotes the password or the URL: %s", res.Body)
	}
	got := slotStarts(t, f.api.do("GET", q, "", bobLearner))
	if len(got) != 2 || got[0] != "2027-03-02T09:00:00-05:00" || got[1] != "2027-03-02T11:00:00-05:00" {
		t.Errorf("slots after the sync = %v, want 09:00 and 11:00 only", got)
	}
	res = f.book(bobLearner, "key-radicale-1", bookBody("2027-03-02T15:00:00Z", "intro"))
	if p := res.problem(t); res.Status != 409 || p.Code != "expert_calendar_busy" || !strings.Contains(p.Detail, "own calendar") {
		t.Errorf("booking 10:00 = %d %+v, want 409 expert_calendar_busy in plain words", res.Status, p)
	}
	list := f.bookings.do("GET", "/v1/me/calendars", "", aliceExpert)
	if list.Status != 200 || strings.Contains(list.Body, pass) || !strings.Contains(list.Body, conn.ID) {
		t.Errorf("list = %d %s", list.Status, list.Body)
	}
	// The event moves to 11:00: after a sync 10:00 is free again and 11:00 is not.
	if _, err := cl.Upsert(context.Background(), "board-1@example.com", event("board-1@example.com", "America/New_York", ten.Add(time.Hour), ten.Add(2*time.Hour))); err != nil {
		t.Fatal(err)
	}
	if res := f.bookings.do("POST", "/v1/me/calendars/"+conn.ID+"/sync", "", aliceExpert); res.Status != 200 {
		t.Fatalf("sync: %d %s", res.Status, res.Body)
	}
	got = slotStarts(t, f.api.do("GET", q, "", bobLearner))
	if len(got) != 2 || got[1] != "2027-03-02T10:00:00-05:00" {
		t.Errorf("slots after the move = %v, want 09:00 and 10:00", got)
	}
	if res := f.bookings.do("DELETE", "/v1/me/calendars/"+conn.ID, "", aliceExpert); res.Status != 204 {
		t.Errorf("delete: %d %s", res.Status, res.Body)
	}
	if got := slotStarts(t, f.api.do("GET", q, "", bobLearner)); len(got) != 3 {
		t.Errorf("slots after removing the calendar = %v, want all three", got)
	}
	if res := f.bookings.do("DELETE", "/v1/me/calendars/"+conn.ID, "", aliceExpert); res.Status != 404 {
		t.Errorf("delete again: %d, want 404", res.Status)
	}
}

// closedPort is an address nothing listens on (a source that is down).
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/cal.ics"
}

// A source that is down, refuses the credentials or serves something that is not
// iCalendar: the connection is made and shows the error in plain words, the rest works, no
// 5xx. After 3 failures it is broken (HR's count) and its last known busy time keeps
// blocking until busyKeptUntil.
func TestBrokenSources(t *testing.T) {
	base, srv, stop, err := calsource.StartFixtureServer(0)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	_ = srv
	f := newFixture(t)
	f.putExpertWithSchedule(t)
	url, user, pass := caldavtest.Calendar(t)
	for _, tc := range []struct{ name, body, want string }{
		{"down", connectBody("ics", "Down", closedPort(t), "", "", false), "reach"},
		{"401", connectBody("ics", "Refused", base+"/status/401", "", "", false), ""},
		{"malformed", connectBody("ics", "Garbage", base+"/malformed.ics", "", "", false), ""},
		{"wrong password", connectBody("caldav", "Radicale", url, user, "wrong-"+pass, false), ""},
	} {
		res := f.bookings.do("POST", "/v1/me/calendars", tc.body, aliceExpert)
		if res.Status != 201 {
			t.Errorf("%s: %d %s, want 201", tc.name, res.Status, res.Body)
			continue
		}
		c := decodeConn(t, res)
		if c.Status != "error" || c.LastError == "" || c.Failures != 1 || c.LastSyncAt != nil || c.StaleSince == nil {
			t.Errorf("%s: %+v, want status error with a reason", tc.name, c)
		}
		if strings.Contains(c.LastError, "status/401") || strings.Contains(c.LastError, pass) {
			t.Errorf("%s: the error quotes a secret: %q", tc.name, c.LastError)
		}
		t.Logf("%s: %q", tc.name, c.LastError)
	}
	if got := slotStarts(t, f.api.do("GET", "/v1/experts/u-alice/slots?tz=UTC&from=2027-03-02&to=2027-03-02", "", bobLearner)); len(got) != 3 {
		t.Errorf("slots with broken sources = %v, want all three", got)
	}
	if res := f.book(bobLearner, "key-broken-1", bookBody("2027-03-02T14:00:00Z", "intro")); res.Status != 201 {
		t.Errorf("booking with broken sources = %d %s", res.Status, res.Body)
	}

	// A working subscription that then breaks keeps blocking with its last busy time.
	ten := time.Date(2027, 3, 2, 16, 0, 0, 0, time.UTC)
	doc := event("e1@example.com", "UTC", ten, ten.Add(time.Hour))
	req, _ := http.NewRequest("PUT", base+"/ics/custom/alice.ics", bytes.NewReader(doc))
	if r, err := http.DefaultClient.Do(req); err != nil || r.StatusCode >= 300 {
		t.Fatalf("storing the fixture: %v %v", r, err)
	}
	res := f.bookings.do("POST", "/v1/me/calendars", connectBody("ics", "Was fine", base+"/ics/custom/alice.ics", "", "", false), aliceExpert)
	c := decodeConn(t, res)
	if res.Status != 201 || c.Status != "ok" || c.Events != 1 {
		t.Fatalf("a working subscription: %d %s", res.Status, res.Body)
	}
	req, _ = http.NewRequest("PUT", base+"/ics/custom/alice.ics", strings.NewReader("this is not a calendar"))
	if r, err := http.DefaultClient.Do(req); err != nil || r.StatusCode >= 300 {
		t.Fatalf("breaking the fixture: %v %v", r, err)
	}
	for i := 1; i <= 3; i++ {
		f.setNow(f.clock().Add(time.Duration(i) * 30 * time.Minute))
		res = f.bookings.do("POST", "/v1/me/calendars/"+c.ID+"/sync", "", aliceExpert)
		c = decodeConn(t, res)
		if res.Status != 200 || c.Failures != i || c.Status != "error" || c.BusyKeptUntil == nil {
			t.Errorf("failing sync %d: %d %s", i, res.Status, res.Body)
		}
	}
	if got := slotStarts(t, f.api.do("GET", "/v1/experts/u-alice/slots?tz=UTC&from=2027-03-02&to=2027-03-02", "", bobLearner)); len(got) != 1 || got[0] != "2027-03-02T15:00:00Z" {
		t.Errorf("slots while the source fails = %v, want 15:00 only (14:00 booked, 16:00 still blocked by the last known busy time)", got)
	}
	n, err := f.store.CalendarBrokenUsers(context.Background(), "acme")
	if err != nil || n != 1 {
		t.Errorf("broken users = %d %v, want 1", n, err)
	}
	// The owner is told once (calendar.broken), however often the failing sync is retried.
	f.setNow(f.clock().Add(2 * time.Hour))
	f.bookings.do("POST", "/v1/me/calendars/"+c.ID+"/sync", "", aliceExpert)
	page, err := f.store.ListNotifications(context.Background(), "acme", "u-alice", "", false, 50)
	if err != nil {
		t.Fatal(err)
	}
	var told []string
	for _, n := range page.Items {
		if n.Kind == "calendar.broken" {
			told = append(told, n.Title)
		}
	}
	if len(told) != 1 || !strings.Contains(told[0], "Was fine") {
		t.Errorf("calendar.broken notifications = %q, want one about \"Was fine\"", told)
	}
	// Past the kept window the stale busy time stops blocking.
	f.setNow(c.BusyKeptUntil.Add(time.Minute))
	res = f.bookings.do("POST", "/v1/me/calendars/"+c.ID+"/sync", "", aliceExpert)
	if res.Status != 200 {
		t.Fatalf("sync: %d %s", res.Status, res.Body)
	}
	busy, _ := f.store.CalendarBusy(context.Background(), "acme", "u-alice", ten.Add(-24*time.Hour), ten.Add(24*time.Hour))
	if len(busy) != 0 {
		t.Errorf("stale busy ranges after busyKeptUntil: %d, want 0", len(busy))
	}
}

// Sync cost: a 500-event calendar (a fifth weekly series with exceptions), its time and
// writes; the same calendar again writes no range (the subscription answers 304).
func TestSyncCostOf500Events(t *testing.T) {
	base, srv, stop, err := calsource.StartFixtureServer(0)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	f := newFixture(t)
	ny, _ := time.LoadLocation("America/New_York")
	doc := fixtures.Generate(500, f.clock(), ny, 17)
	req, _ := http.NewRequest("PUT", base+"/ics/custom/big.ics", bytes.NewReader(doc))
	if r, err := http.DefaultClient.Do(req); err != nil || r.StatusCode >= 300 {
		t.Fatalf("storing the fixture: %v %v", r, err)
	}
	f.counter.Reset()
	start := time.Now()
	res := f.bookings.do("POST", "/v1/me/calendars", connectBody("ics", "Big", base+"/ics/custom/big.ics", "", "", false), aliceExpert)
	first := time.Since(start)
	c := decodeConn(t, res)
	if res.Status != 201 || c.Status != "ok" || c.Events < 100 {
		t.Fatalf("connect: %d %s", res.Status, res.Body)
	}
	calls := f.counter.Calls()
	t.Logf("500 events: first sync %v, %d busy ranges, calls %v", first.Round(time.Millisecond), c.Events, calls)
	if f.counter.Count("BatchWriteItem") != (c.Events+24)/25 {
		t.Errorf("BatchWriteItem calls = %d, want %d (25 ranges each)", f.counter.Count("BatchWriteItem"), (c.Events+24)/25)
	}
	f.counter.Reset()
	start = time.Now()
	res = f.bookings.do("POST", "/v1/me/calendars/"+c.ID+"/sync", "", aliceExpert)
	again := time.Since(start)
	calls = f.counter.Calls()
	t.Logf("unchanged: sync %v, calls %v", again.Round(time.Millisecond), calls)
	if res.Status != 200 || f.counter.Count("BatchWriteItem") != 0 || f.counter.Count("PutItem") != 1 {
		t.Errorf("unchanged sync: %d, calls %v, want no range written and only the connection's state", res.Status, calls)
	}
	if gets, bodies := srv.Hits("/ics/custom/big.ics"); gets != 2 || bodies != 1 {
		t.Errorf("fixture hits = %d GETs, %d bodies; want the second GET conditional (304)", gets, bodies)
	}
	_ = fmt.Sprint
}

// The scheduler syncs connections whose next sync has come (SchedulerFunction's own store:
// its AWS actions are recorded for the IAM check) and leaves the others alone.
func TestSchedulerSyncsDueCalendars(t *testing.T) {
	base, _, stop, err := calsource.StartFixtureServer(0)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	f := newFixture(t)
	put := func(doc []byte) {
		t.Helper()
		req, _ := http.NewRequest("PUT", base+"/ics/custom/sched.ics", bytes.NewReader(doc))
		if r, err := http.DefaultClient.Do(req); err != nil || r.StatusCode >= 300 {
			t.Fatalf("storing the fixture: %v %v", r, err)
		}
	}
	ten := time.Date(2027, 3, 2, 15, 0, 0, 0, time.UTC)
	put(event("s1@example.com", "UTC", ten, ten.Add(time.Hour)))
	res := f.bookings.do("POST", "/v1/me/calendars", connectBody("ics", "Sched", base+"/ics/custom/sched.ics", "", "", false), aliceExpert)
	c := decodeConn(t, res)
	if res.Status != 201 || c.Status != "ok" {
		t.Fatalf("connect: %d %s", res.Status, res.Body)
	}
	put(event("s1@example.com", "UTC", ten.Add(time.Hour), ten.Add(2*time.Hour)))
	svc := &connections.Service{Store: functionStore(t, f.cfg, "SchedulerFunction"), Sealer: testSealer, HTTP: caldavtest.HTTPClient(), Log: quietLog}
	// Not due yet: nothing happens.
	if synced, failed, err := scheduler.SyncCalendars(context.Background(), svc, f.clock().Add(5*time.Minute)); err != nil || synced+failed != 0 {
		t.Errorf("before it is due: %d synced, %d failed, %v", synced, failed, err)
	}
	f.setNow(f.clock().Add(11 * time.Minute))
	synced, failed, err := scheduler.SyncCalendars(context.Background(), svc, f.clock())
	if err != nil || synced != 1 || failed != 0 {
		t.Fatalf("when due: %d synced, %d failed, %v", synced, failed, err)
	}
	busy, err := f.store.CalendarBusy(context.Background(), "acme", "u-alice", ten, ten.Add(24*time.Hour))
	if err != nil || len(busy) != 1 || !busy[0].Start.Equal(ten.Add(time.Hour)) {
		t.Errorf("busy after the scheduled sync = %+v %v, want the moved event", busy, err)
	}
}
