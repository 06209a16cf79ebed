package caldav_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/calendar"
	"github.com/tandemhq/tandem/internal/icalbusy"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestSessionDocumentRoundTrip: a session rendered by internal/calendar as a one-event feed (no
// METHOD, which a calendar object resource must not carry) is stored by Radicale under the
// invite's UID, read back as busy time, moved with a higher SEQUENCE, and removed.
func TestSessionDocumentRoundTrip(t *testing.T) {
	ctx := context.Background()
	c := client(t)
	s := calendar.Session{
		BookingID: "bk_roundtrip1", OrgID: "acme", Title: "Deep dive with Maya",
		Start: time.Date(2026, 12, 14, 15, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 14, 15, 45, 0, 0, time.UTC),
		Expert:  calendar.Person{Name: "Maya", Email: "maya@acme.example"},
		Learner: calendar.Person{Name: "Ben", Email: "ben@acme.example"},
		Status:  tandem.StatusConfirmed, Created: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC),
	}
	uid := s.BookingID + "@tandem"
	doc, err := calendar.Feed("Tandem", []calendar.Session{s})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), "UID:"+uid) || strings.Contains(string(doc), "METHOD:") {
		t.Fatalf("unexpected document:\n%s", doc)
	}
	if _, err := c.Put(ctx, uid, doc, ""); err != nil {
		t.Fatal(err)
	}
	from, to := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	busyOf := func() []icalbusy.Interval {
		t.Helper()
		objs, err := c.Query(ctx, from, to)
		if err != nil {
			t.Fatal(err)
		}
		var docs [][]byte
		for _, o := range objs {
			docs = append(docs, o.Data)
		}
		busy, _, err := icalbusy.ExpandAll(docs, time.UTC, from, to)
		if err != nil {
			t.Fatal(err)
		}
		return busy
	}
	if b := busyOf(); len(b) != 1 || !b[0].Start.Equal(s.Start) || !b[0].End.Equal(s.End) {
		t.Fatalf("busy %v", b)
	}
	s.Start, s.End, s.Sequence = s.Start.Add(24*time.Hour), s.End.Add(24*time.Hour), 1
	doc, _ = calendar.Feed("Tandem", []calendar.Session{s})
	if _, err := c.Upsert(ctx, uid, doc); err != nil {
		t.Fatal(err)
	}
	if b := busyOf(); len(b) != 1 || !b[0].Start.Equal(s.Start) {
		t.Fatalf("after the move: %v", b)
	}
	if err := c.Delete(ctx, uid, ""); err != nil {
		t.Fatal(err)
	}
	if b := busyOf(); len(b) != 0 {
		t.Fatalf("after the delete: %v", b)
	}
}
