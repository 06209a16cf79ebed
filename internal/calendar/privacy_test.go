package calendar

import (
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/tandem"
)

// TestMeetingURLOnlyWhenConfirmed: the expert's meeting link is in a confirmed session's
// invite and feed event, and nowhere in one that is pending, declined, cancelled, expired or
// over, as in the booking's JSON.
func TestMeetingURLOnlyWhenConfirmed(t *testing.T) {
	const url = "meet.example.com/go"
	for _, st := range []tandem.BookingStatus{tandem.StatusConfirmed, tandem.StatusPending, tandem.StatusDeclined,
		tandem.StatusCancelled, tandem.StatusExpired, tandem.StatusCompleted, tandem.StatusNoShow} {
		s := session(t)
		s.Status = st
		invite, err := Invite(s)
		if err != nil {
			t.Fatal(err)
		}
		feed, err := Feed("Tandem sessions", []Session{s})
		if err != nil {
			t.Fatal(err)
		}
		unfold := func(b []byte) string { return strings.ReplaceAll(string(b), "\r\n ", "") }
		for name, doc := range map[string]string{"invite": unfold(invite), "feed": unfold(feed)} {
			has := strings.Contains(doc, url)
			if want := st == tandem.StatusConfirmed; has != want {
				t.Errorf("%s %s contains the meeting URL: %v, want %v\n%s", st, name, has, want, doc)
			}
			if st == tandem.StatusConfirmed && (!strings.Contains(doc, "LOCATION:https://"+url) || !strings.Contains(doc, "Join: https://"+url)) {
				t.Errorf("confirmed %s lacks LOCATION or the Join line:\n%s", name, doc)
			}
		}
	}
}
