package calendar

import (
	"fmt"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/google/go-cmp/cmp"

	"github.com/tandemhq/tandem/internal/tandem"
)

// feedSessions are a learner's sessions in every state a feed shows.
func feedSessions(t testing.TB) []Session {
	confirmed := session(t)

	rescheduled := session(t)
	rescheduled.BookingID = "01JB7Q4W9Y"
	rescheduled.Title = "Career growth with Lukas Brandt"
	rescheduled.Expert = Person{Name: "Lukas Brandt", Email: "lukas@acme.example"}
	rescheduled.Start, rescheduled.End = ts(t, "2026-12-04T08:00:00Z"), ts(t, "2026-12-04T08:45:00Z")
	rescheduled.Sequence = 1
	rescheduled.Status = "pending"

	cancelled := session(t)
	cancelled.BookingID = "01JB7Q4W9X"
	cancelled.Start, cancelled.End = ts(t, "2026-12-08T14:00:00Z"), ts(t, "2026-12-08T15:00:00Z")
	cancelled.Sequence = 2
	cancelled.Status = "cancelled"
	cancelled.Updated = ts(t, "2026-11-30T18:00:00Z")

	completed := session(t)
	completed.BookingID = "01JB7Q4W9W"
	completed.Start, completed.End = ts(t, "2026-11-10T14:00:00Z"), ts(t, "2026-11-10T15:00:00Z")
	completed.Status = "completed"

	return []Session{confirmed, rescheduled, cancelled, completed}
}

func TestFeed(t *testing.T) {
	b, err := Feed("Ben's Tandem sessions, Acme", feedSessions(t))
	if err != nil {
		t.Fatalf("Feed: %v", err)
	}
	cal := parse(t, b)

	type calProperty struct{ Token, Params, Value string }
	var gotCal []calProperty
	for _, p := range cal.CalendarProperties {
		gotCal = append(gotCal, calProperty{p.IANAToken, fmt.Sprint(p.ICalParameters), p.Value})
	}
	wantCal := []calProperty{
		{"VERSION", "map[]", "2.0"},
		{"PRODID", "map[]", "-//Tandem//Coaching//EN"},
		{"CALSCALE", "map[]", "GREGORIAN"},
		{"NAME", "map[]", "Ben's Tandem sessions, Acme"},
		{"X-WR-CALNAME", "map[]", "Ben's Tandem sessions, Acme"},
		{"REFRESH-INTERVAL", "map[VALUE:[DURATION]]", "PT1H"},
		{"X-PUBLISHED-TTL", "map[]", "PT1H"},
	}
	if diff := cmp.Diff(wantCal, gotCal); diff != "" {
		t.Errorf("calendar properties mismatch, no METHOD wanted (-want +got):\n%s", diff)
	}

	type event struct{ UID, Sequence, Status, Start, End, Summary, Organizer string }
	var got []event
	for _, e := range cal.Events() {
		got = append(got, event{e.Id(), prop(e, ics.ComponentPropertySequence), prop(e, ics.ComponentPropertyStatus),
			prop(e, ics.ComponentPropertyDtStart), prop(e, ics.ComponentPropertyDtEnd),
			prop(e, ics.ComponentPropertySummary), prop(e, ics.ComponentPropertyOrganizer)})
	}
	want := []event{
		{"01JB7Q4W9Z@tandem", "0", "CONFIRMED", "20261201T140000Z", "20261201T150000Z", "Deep dive with Maya Okafor", "mailto:maya@acme.example"},
		{"01JB7Q4W9Y@tandem", "1", "TENTATIVE", "20261204T080000Z", "20261204T084500Z", "Career growth with Lukas Brandt", "mailto:lukas@acme.example"},
		{"01JB7Q4W9X@tandem", "2", "CANCELLED", "20261208T140000Z", "20261208T150000Z", "Deep dive with Maya Okafor", "mailto:maya@acme.example"},
		{"01JB7Q4W9W@tandem", "0", "CONFIRMED", "20261110T140000Z", "20261110T150000Z", "Deep dive with Maya Okafor", "mailto:maya@acme.example"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
}

// TestFeedMatchesInvite: a feed event is exactly the invite's event, so the two never drift.
func TestFeedMatchesInvite(t *testing.T) {
	sessions := feedSessions(t)
	b, err := Feed("Sessions", sessions)
	if err != nil {
		t.Fatalf("Feed: %v", err)
	}
	events := parse(t, b).Events()
	for i, s := range sessions {
		ib, err := Invite(s)
		if err != nil {
			t.Fatalf("Invite(%s): %v", s.BookingID, err)
		}
		if diff := cmp.Diff(only(t, parse(t, ib)).Properties, events[i].Properties); diff != "" {
			t.Errorf("feed event %d differs from Invite (-invite +feed):\n%s", i, diff)
		}
	}
}

func TestFeedEmpty(t *testing.T) {
	b, err := Feed("Nothing yet", nil)
	if err != nil {
		t.Fatalf("Feed: %v", err)
	}
	cal := parse(t, b)
	if n := len(cal.Components); n != 0 {
		t.Errorf("got %d components, want 0", n)
	}
	if got := calProp(cal, "X-WR-CALNAME"); got != "Nothing yet" {
		t.Errorf("X-WR-CALNAME = %q, want %q", got, "Nothing yet")
	}
}

func TestFeedErrors(t *testing.T) {
	tests := []struct {
		name     string
		feedName string
		change   func([]Session) []Session
		want     []string
	}{
		{"blank name", " \n", func(s []Session) []Session { return s }, []string{"name"}},
		{"invalid session", "n", func(s []Session) []Session {
			s[2].End = s[2].Start
			return s
		}, []string{"sessions[2].end"}},
		{"repeated booking", "n", func(s []Session) []Session {
			s[3].BookingID = s[1].BookingID
			return s
		}, []string{"sessions[3].bookingId"}},
		{"two orgs", "n", func(s []Session) []Session {
			s[1].OrgID = "globex"
			return s
		}, []string{"sessions[1].orgId"}},
		{"several problems", "", func(s []Session) []Session {
			s[0].Status = "unknown"
			s[1].Learner.Email = "nobody"
			return s
		}, []string{"name", "sessions[0].status", "sessions[1].learner.email"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Feed(tt.feedName, tt.change(feedSessions(t)))
			if b != nil {
				t.Errorf("Feed returned %d bytes with an error", len(b))
			}
			if got := tandem.ErrorCode(err); got != tandem.EInvalid {
				t.Fatalf("ErrorCode = %q, want %q (err %v)", got, tandem.EInvalid, err)
			}
			if diff := cmp.Diff(tt.want, fields(err)); diff != "" {
				t.Errorf("fields mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func BenchmarkFeed(b *testing.B) {
	base := session(b)
	sessions := make([]Session, 200)
	for i := range sessions {
		s := base
		s.BookingID = fmt.Sprintf("01JB7Q4W%04d", i)
		s.Start = base.Start.Add(time.Duration(i) * 24 * time.Hour)
		s.End = s.Start.Add(time.Hour)
		sessions[i] = s
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Feed("Bench", sessions); err != nil {
			b.Fatal(err)
		}
	}
}
