package httpapi

import (
	"strings"
	"testing"
)

// TestCalendarsShowMeetingURLOnceConfirmed: a pending request's and a declined one's
// invite.ics and feed events carry no meeting link; once the expert confirms, both do, as the
// booking's JSON does.
func TestCalendarsShowMeetingURLOnceConfirmed(t *testing.T) {
	f := newBookingFixture(t, "approval", 0)
	const url = "https://meet.example.com/alice"
	pending := f.mustBook(t, bobLearner, "privacy-0001", wed0900, "intro")
	declined := f.mustBook(t, bobLearner, "privacy-0002", "2027-03-04T14:00:00Z", "intro")
	if res := f.act(aliceExpert, declined.ID, "decline", ""); res.Status != 200 {
		t.Fatalf("decline: %d %s", res.Status, res.Body)
	}
	res := f.bookings.do("POST", "/v1/me/calendar-token", "", bobLearner)
	var tok struct{ URL string }
	res.decode(t, &tok)
	unfolded := func(r response) string {
		t.Helper()
		parseICS(t, r)
		return strings.ReplaceAll(r.Body, "\r\n ", "")
	}
	for _, id := range []string{pending.ID, declined.ID} {
		for _, c := range []*Caller{bobLearner, aliceExpert} {
			if doc := unfolded(f.bookings.do("GET", "/v1/bookings/"+id+"/invite.ics", "", c)); strings.Contains(doc, url) {
				t.Errorf("invite of %s for %s has the meeting URL:\n%s", id, c.UserID, doc)
			}
		}
	}
	if doc := unfolded(f.bookings.do("GET", tok.URL, "", nil)); strings.Contains(doc, url) || strings.Count(doc, "BEGIN:VEVENT") != 2 {
		t.Errorf("feed with a pending and a declined session:\n%s", doc)
	}

	if res := f.act(aliceExpert, pending.ID, "confirm", ""); res.Status != 200 {
		t.Fatalf("confirm: %d %s", res.Status, res.Body)
	}
	var b bookingJSON
	f.bookings.do("GET", "/v1/bookings/"+pending.ID, "", bobLearner).decode(t, &b)
	if b.MeetingURL != url {
		t.Fatalf("confirmed booking's JSON meetingUrl = %q, want %q", b.MeetingURL, url)
	}
	if doc := unfolded(f.bookings.do("GET", "/v1/bookings/"+pending.ID+"/invite.ics", "", bobLearner)); !strings.Contains(doc, "LOCATION:"+url) {
		t.Errorf("confirmed invite lacks the meeting URL:\n%s", doc)
	}
	if doc := unfolded(f.bookings.do("GET", tok.URL, "", nil)); strings.Count(doc, url) == 0 || strings.Count(doc, "LOCATION:") != 1 {
		t.Errorf("feed after confirming: want the link on the confirmed event only:\n%s", doc)
	}
}
