package caldav_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/caldav"
	"github.com/tandemhq/tandem/internal/caldav/caldavtest"
	"github.com/tandemhq/tandem/internal/calsource"
	"github.com/tandemhq/tandem/internal/icalbusy"
)

func event(uid, start, end, summary string) []byte {
	return []byte(strings.ReplaceAll(`BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Tandem//test//EN
BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:STANDARD
DTSTART:19701025T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:`+uid+`
DTSTAMP:20261201T000000Z
DTSTART;TZID=Europe/Berlin:`+start+`
DTEND;TZID=Europe/Berlin:`+end+`
SUMMARY:`+summary+`
END:VEVENT
END:VCALENDAR
`, "\n", "\r\n"))
}

func client(t *testing.T) *caldav.Client {
	t.Helper()
	url, user, pass := caldavtest.Calendar(t)
	c, err := caldav.New(caldavtest.HTTPClient(), url, user, pass)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestPutListChangeDelete: an event put over CalDAV at 10:00-11:00 in the owner's zone is listed
// back, expands to that busy hour, and changes and deletions show in the CTag, the sync-token
// and the listing.
func TestPutListChangeDelete(t *testing.T) {
	ctx := context.Background()
	c := client(t)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	from, to := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)

	st0, err := c.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st0.CTag == "" && st0.SyncToken == "" {
		t.Fatal("Radicale gave neither a CTag nor a sync-token")
	}
	uid := "bk_test1@tandem"
	etag, err := c.Put(ctx, uid, event(uid, "20261214T100000", "20261214T110000", "Busy"), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Put(ctx, uid, event(uid, "20261214T100000", "20261214T110000", "Busy"), ""); calsource.KindOf(err) != calsource.Conflict {
		t.Fatalf("second create: %v, want a conflict", err)
	}
	objs, err := c.Query(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 1 || objs[0].Href != c.Href(uid) {
		t.Fatalf("listed %+v", objs)
	}
	if etag != "" && objs[0].ETag != etag {
		t.Errorf("ETag %q listed, %q from the PUT", objs[0].ETag, etag)
	}
	busy, _, err := icalbusy.Expand(objs[0].Data, berlin, from, to)
	if err != nil {
		t.Fatal(err)
	}
	want := icalbusy.Interval{Start: time.Date(2026, 12, 14, 9, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 14, 10, 0, 0, 0, time.UTC)}
	if len(busy) != 1 || !busy[0].Start.Equal(want.Start) || !busy[0].End.Equal(want.End) {
		t.Fatalf("busy %v, want %v", busy, want)
	}
	// Outside the range: not listed.
	if objs, err := c.Query(ctx, to, to.AddDate(0, 1, 0)); err != nil || len(objs) != 0 {
		t.Fatalf("next month lists %d (%v)", len(objs), err)
	}

	st1, err := c.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st1 == st0 {
		t.Fatal("state unchanged after a PUT")
	}
	if st2, _ := c.State(ctx); st2 != st1 {
		t.Fatal("state changed without a write")
	}
	ch, err := c.Changes(ctx, st0.SyncToken)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Changed) != 1 || ch.Changed[0].Href != c.Href(uid) || ch.SyncToken == "" {
		t.Fatalf("changes since the start: %+v", ch)
	}
	if ch2, err := c.Changes(ctx, ch.SyncToken); err != nil || len(ch2.Changed)+len(ch2.Removed) != 0 {
		t.Fatalf("changes since the latest token: %+v %v", ch2, err)
	}
	if _, err := c.Changes(ctx, "http://radicale.org/ns/sync/not-a-token"); err != caldav.ErrSyncTokenInvalid {
		t.Fatalf("bad token: %v", err)
	}

	// Move it (reschedule): If-Match with a stale ETag conflicts, with the current one succeeds.
	cur, err := c.Get(ctx, uid)
	if err != nil || cur.ETag == "" {
		t.Fatalf("get: %+v %v", cur, err)
	}
	moved := event(uid, "20261215T140000", "20261215T150000", "Busy (moved)")
	etag2, err := c.Put(ctx, uid, moved, cur.ETag)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Put(ctx, uid, moved, cur.ETag); calsource.KindOf(err) != calsource.Conflict {
		t.Fatalf("stale If-Match: %v", err)
	}
	if _, err := c.Upsert(ctx, uid, moved); err != nil {
		t.Fatalf("upsert over an existing event: %v", err)
	}
	if _, err := c.Upsert(ctx, "bk_test2@tandem", event("bk_test2@tandem", "20261216T090000", "20261216T093000", "Other")); err != nil {
		t.Fatalf("upsert of a new event: %v", err)
	}
	_ = etag2
	objs, err = c.Query(ctx, from, to)
	if err != nil || len(objs) != 2 {
		t.Fatalf("after the move: %d objects (%v)", len(objs), err)
	}

	// Delete: a stale ETag conflicts, none deletes, and deleting again is fine.
	if err := c.Delete(ctx, uid, `"stale"`); calsource.KindOf(err) != calsource.Conflict {
		t.Fatalf("delete with a stale ETag: %v", err)
	}
	if err := c.Delete(ctx, uid, ""); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, uid, ""); err != nil {
		t.Fatalf("deleting again: %v", err)
	}
	if _, err := c.Get(ctx, uid); calsource.KindOf(err) != calsource.NotFound {
		t.Fatalf("get after delete: %v", err)
	}
	ch3, err := c.Changes(ctx, ch.SyncToken)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch3.Removed) != 1 || ch3.Removed[0] != c.Href(uid) {
		t.Fatalf("changes after the delete: %+v", ch3)
	}
}

func TestRefusedAndMissing(t *testing.T) {
	ctx := context.Background()
	url, user, pass := caldavtest.Calendar(t)
	bad, err := caldav.New(caldavtest.HTTPClient(), url, user, "wrong-"+pass)
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.State(ctx)
	if calsource.KindOf(err) != calsource.Refused || !strings.Contains(calsource.Message(err), "refused the credentials") {
		t.Fatalf("wrong password: %v", err)
	}
	for _, leak := range []string{pass, url, "127.0.0.1"} {
		if strings.Contains(err.Error(), leak) {
			t.Errorf("error %q quotes %q", err, leak)
		}
	}
	if _, err := bad.Query(ctx, time.Now(), time.Now().Add(time.Hour)); calsource.KindOf(err) != calsource.Refused {
		t.Fatalf("query with a wrong password: %v", err)
	}
	if _, err := bad.Put(ctx, "x@tandem", event("x@tandem", "20261214T100000", "20261214T110000", "x"), ""); calsource.KindOf(err) != calsource.Refused {
		t.Fatalf("put with a wrong password: %v", err)
	}

	base, _, _ := caldavtest.Server(t)
	missing, _ := caldav.New(caldavtest.HTTPClient(), base+"/"+user+"/no-such-calendar/", user, pass)
	if _, err := missing.State(ctx); calsource.KindOf(err) != calsource.NotFound {
		t.Fatalf("missing calendar: %v", err)
	}
	principal, _ := caldav.New(caldavtest.HTTPClient(), base+"/"+user+"/", user, pass)
	if _, err := principal.State(ctx); calsource.KindOf(err) != calsource.NotFound || !strings.Contains(err.Error(), "not a calendar") {
		t.Fatalf("principal instead of a calendar: %v", err)
	}
}
