package httpapi

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/tandemhq/tandem/internal/mentorships"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The mentorship tests stand on Wednesday 2027-09-01 12:00 UTC. Alice (New York, 09:00-17:00
// on weekdays, a year's horizon) mentors Bob (London). The agreed time is Tuesdays 15:00
// London, biweekly: the series crosses the UK's change on 31 October 2027 (and the US's a week
// later), so its UTC times move while London's stay.
const mentorProfile = `{"headline":"NY coach","topics":["go"],"languages":["en"],"timezone":"America/New_York",
  "sessionTypes":[{"id":"intro","name":"Intro","durationMin":30,"bufferAfterMin":10},
                  {"id":"deep","name":"Deep dive","durationMin":60,"bufferBeforeMin":15,"bufferAfterMin":15}],
  "meetingUrl":"https://meet.example.com/alice","bookingMode":"instant",
  "limits":{"minNoticeMin":120,"horizonDays":365,"startIncrementMin":30}}`

func newMentorFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixtureAt(t, time.Date(2027, 9, 1, 12, 0, 0, 0, time.UTC))
	if res := f.api.do("PUT", "/v1/experts/me", mentorProfile, aliceExpert); res.Status != 200 {
		t.Fatalf("profile: %d %s", res.Status, res.Body)
	}
	if res := f.api.do("PUT", "/v1/experts/me/availability", bookingSchedule, aliceExpert); res.Status != 200 {
		t.Fatalf("availability: %d %s", res.Status, res.Body)
	}
	return f
}

const mentorAgreement = `{"goals":[{"title":"Lead a design review","measure":"Two reviews led"},
  {"title":"Idiomatic Go","measure":"PRs merged without style rework"}],
  "cadence":"biweekly","months":3,"sessions":6,"sessionType":"intro","weekday":"tue",
  "window":{"start":"14:00","end":"17:00"},"timezone":"Europe/London"}`

func (f *fixture) mentorship(t *testing.T, c *tandem.Caller, method, path, body string, want int) mentorshipJSON {
	t.Helper()
	res := f.requests.do(method, path, body, c)
	if res.Status != want {
		t.Fatalf("%s %s: %d %s, want %d", method, path, res.Status, res.Body, want)
	}
	var m mentorshipJSON
	if res.Status < 300 {
		res.decode(t, &m)
	}
	return m
}

type scheduledJSON struct {
	Mentorship mentorshipJSON
	Booked     []int
	Failed     []mentorships.Failure
}

func TestMentorshipSeriesAcrossDST(t *testing.T) {
	f := newMentorFixture(t)
	req := f.postRequest(t, bobLearner)
	m := f.mentorship(t, bobLearner, "POST", "/v1/mentorships",
		fmt.Sprintf(`{"expertId":"u-alice","requestId":"%s","agreement":%s}`, req.ID, mentorAgreement), 201)
	if m.Status != tandem.MentorshipProposed || m.Origin != tandem.OriginRequest || !slices.Equal(m.Accepted, []string{"u-bob"}) {
		t.Fatalf("proposed = %+v", m)
	}
	base := "/v1/mentorships/" + m.ID
	// Nobody else sees it or can accept it; the proposer's second accept changes nothing;
	// scheduling waits for the expert.
	for _, c := range []*tandem.Caller{learner(1), hrUser, oscarOtherOrg} {
		if res := f.requests.do("GET", base, "", c); res.Status != 404 {
			t.Errorf("GET as %s: %d, want 404", c.UserID, res.Status)
		}
		if res := f.requests.do("POST", base+"/accept", "", c); res.Status != 404 {
			t.Errorf("accept as %s: %d, want 404", c.UserID, res.Status)
		}
	}
	if again := f.mentorship(t, bobLearner, "POST", base+"/accept", "", 200); again.Status != tandem.MentorshipProposed {
		t.Errorf("proposer's accept: %s", again.Status)
	}
	if res := f.requests.do("POST", base+"/schedule", "", bobLearner); res.Status != 409 {
		t.Errorf("schedule while proposed: %d %s", res.Status, res.Body)
	}
	if m = f.mentorship(t, aliceExpert, "POST", base+"/accept", "", 200); m.Status != tandem.MentorshipActive || m.ActivatedAt == nil {
		t.Fatalf("accepted = %+v", m)
	}
	// Learner 1 takes the third occurrence's time first (Tuesday 12 October, 15:00 London).
	taken := "2027-10-12T14:00:00Z"
	if res := f.book(learner(1), "key-mentor-taken", fmt.Sprintf(`{"expertId":"u-alice","sessionType":"intro","start":"%s","note":""}`, taken)); res.Status != 201 {
		t.Fatalf("pre-book: %d %s", res.Status, res.Body)
	}
	res := f.requests.do("POST", base+"/schedule", `{"from":"2027-09-14","time":"15:00"}`, bobLearner)
	if res.Status != 200 {
		t.Fatalf("schedule: %d %s", res.Status, res.Body)
	}
	var s scheduledJSON
	res.decode(t, &s)
	london, _ := time.LoadLocation("Europe/London")
	wantUTC := []string{"2027-09-14T14:00:00Z", "2027-09-28T14:00:00Z", taken, "2027-10-26T14:00:00Z",
		"2027-11-09T15:00:00Z", "2027-11-23T15:00:00Z"}
	if len(s.Mentorship.Occurrences) != 6 {
		t.Fatalf("occurrences = %+v, want 6", s.Mentorship.Occurrences)
	}
	for i, o := range s.Mentorship.Occurrences {
		if got := o.Start.UTC().Format(time.RFC3339); got != wantUTC[i] {
			t.Errorf("occurrence %d at %s, want %s", i, got, wantUTC[i])
		}
		if l := o.Start.In(london); l.Hour() != 15 || l.Minute() != 0 || l.Weekday() != time.Tuesday {
			t.Errorf("occurrence %d is %s in London, want Tuesday 15:00", i, l)
		}
	}
	if !slices.Equal(s.Booked, []int{0, 1, 3, 4, 5}) || len(s.Failed) != 1 || s.Failed[0].Index != 2 || s.Failed[0].Reason != "expert_busy" {
		t.Fatalf("booked %v, failed %+v: want 5 booked and occurrence 2 refused as expert_busy", s.Booked, s.Failed)
	}
	if alt := s.Failed[0].Alternatives; len(alt) == 0 || len(alt) > 3 {
		t.Errorf("alternatives = %v, want 1-3 free starts", alt)
	} else {
		// The nearest free start is the next free slot after the taken one (the slot engine's
		// grid, the taken session's buffer after it).
		for _, a := range alt {
			if d := a.Sub(s.Failed[0].Start); d > 7*24*time.Hour || d < -7*24*time.Hour {
				t.Errorf("alternative %s is more than a week from %s", a, s.Failed[0].Start)
			}
			slots := f.slotStarts(t, "sessionType=intro&from="+a.Format(time.DateOnly)+"&to="+a.Format(time.DateOnly))
			if !slices.Contains(slots, a.UTC().Format(time.RFC3339)) {
				t.Errorf("alternative %s is not a listed slot", a)
			}
		}
	}
	// Every occurrence is an ordinary booking of Bob with Alice, at its time.
	var page struct{ Items []bookingJSON }
	f.bookings.do("GET", "/v1/bookings?as=learner&when=upcoming", "", bobLearner).decode(t, &page)
	if len(page.Items) != 5 {
		t.Fatalf("Bob's upcoming bookings = %d, want 5", len(page.Items))
	}
	// A retried schedule books nothing twice: only the failed occurrence is tried again.
	res = f.requests.do("POST", base+"/schedule", "", aliceExpert)
	var again scheduledJSON
	res.decode(t, &again)
	if res.Status != 200 || len(again.Booked) != 0 || len(again.Failed) != 1 {
		t.Errorf("second schedule: %d booked %v failed %v", res.Status, again.Booked, again.Failed)
	}
	f.bookings.do("GET", "/v1/bookings?as=learner&when=upcoming", "", bobLearner).decode(t, &page)
	if len(page.Items) != 5 {
		t.Errorf("after a retry Bob has %d upcoming bookings, want 5", len(page.Items))
	}

	// Calendars: one invite per occurrence, each its own event with its own UID, at the
	// booking's time (parsed independently with golang-ical).
	occ := s.Mentorship.Occurrences
	uids := map[string]bool{}
	for _, o := range occ {
		if o.State != tandem.OccurrenceBooked {
			continue
		}
		cal := parseICS(t, f.bookings.do("GET", "/v1/bookings/"+o.BookingID+"/invite.ics", "", bobLearner))
		evs := cal.Events()
		if len(evs) != 1 {
			t.Fatalf("invite of occurrence %d has %d events", o.Index, len(evs))
		}
		uid := evs[0].GetProperty(ics.ComponentPropertyUniqueId).Value
		if uids[uid] {
			t.Errorf("UID %s repeats", uid)
		}
		uids[uid] = true
		start, err := evs[0].GetStartAt()
		if err != nil || !start.Equal(o.Start) {
			t.Errorf("occurrence %d: invite starts %v (%v), want %s", o.Index, start, err, o.Start)
		}
		if rr := evs[0].GetProperty(ics.ComponentPropertyRrule); rr != nil {
			t.Errorf("occurrence %d's invite carries an RRULE %q", o.Index, rr.Value)
		}
	}
	if len(uids) != 5 {
		t.Errorf("%d distinct invites, want 5", len(uids))
	}

	// Skip occurrence 1: its booking is cancelled and its invite says so; move occurrence 3 an
	// hour later: its booking and invite move, the rest keep their times.
	m = f.mentorship(t, aliceExpert, "POST", base+"/occurrences/1/skip", "", 200)
	if m.Occurrences[1].State != tandem.OccurrenceSkipped {
		t.Errorf("skipped occurrence: %+v", m.Occurrences[1])
	}
	cal := parseICS(t, f.bookings.do("GET", "/v1/bookings/"+occ[1].BookingID+"/invite.ics", "", bobLearner))
	if st := cal.Events()[0].GetProperty(ics.ComponentPropertyStatus); st == nil || st.Value != "CANCELLED" {
		t.Errorf("skipped occurrence's invite status = %v, want CANCELLED", st)
	}
	if res := f.requests.do("POST", base+"/occurrences/1/skip", "", bobLearner); res.Status != 200 {
		t.Errorf("skipping again: %d", res.Status)
	}
	moved := occ[3].Start.Add(time.Hour)
	m = f.mentorship(t, bobLearner, "POST", base+"/occurrences/3/move", fmt.Sprintf(`{"start":"%s"}`, moved.Format(time.RFC3339)), 200)
	if !m.Occurrences[3].Start.Equal(moved) || !m.Occurrences[4].Start.Equal(occ[4].Start) {
		t.Errorf("after the move: %+v", m.Occurrences)
	}
	ev := parseICS(t, f.bookings.do("GET", "/v1/bookings/"+occ[3].BookingID+"/invite.ics", "", aliceExpert)).Events()[0]
	if start, _ := ev.GetStartAt(); !start.Equal(moved) {
		t.Errorf("moved invite starts %s, want %s", start, moved)
	}
	if seq := ev.GetProperty(ics.ComponentPropertySequence); seq == nil || seq.Value == "0" {
		t.Errorf("moved invite SEQUENCE = %v, want > 0", seq)
	}
	if res := f.requests.do("POST", base+"/occurrences/2/move", `{"start":"2027-10-12T16:00:00Z"}`, bobLearner); res.Status != 409 {
		t.Errorf("moving a failed occurrence: %d, want 409", res.Status)
	}
	// The failed occurrence is booked at its nearest alternative instead (…/book): an ordinary
	// booking of Bob at that start with the occurrence's id; a second attempt is a conflict, and
	// a booked occurrence is moved, not booked.
	alt := s.Failed[0].Alternatives[0]
	m = f.mentorship(t, aliceExpert, "POST", base+"/occurrences/2/book", fmt.Sprintf(`{"start":"%s"}`, alt.Format(time.RFC3339)), 200)
	if o := m.Occurrences[2]; o.State != tandem.OccurrenceBooked || !o.Start.Equal(alt) || o.BookingID != mentorships.OccurrenceBookingID("acme", m.ID, 2) {
		t.Errorf("after booking the alternative: %+v", o)
	}
	if res := f.requests.do("POST", base+"/occurrences/2/book", fmt.Sprintf(`{"start":"%s"}`, alt.Format(time.RFC3339)), bobLearner); res.Status != 409 {
		t.Errorf("booking a booked occurrence: %d, want 409", res.Status)
	}
	if res := f.requests.do("POST", base+"/occurrences/2/book", `{}`, bobLearner); res.Status != 400 {
		t.Errorf("booking without a start: %d, want 400", res.Status)
	}
	f.bookings.do("GET", "/v1/bookings?as=learner&when=upcoming", "", bobLearner).decode(t, &page)
	var live int
	for _, b := range page.Items {
		if b.Status.Live() {
			live++
			if b.ID == m.Occurrences[2].BookingID && !b.Start.Equal(alt) {
				t.Errorf("the alternative's booking starts %s, want %s", b.Start, alt)
			}
		}
	}
	if live != 5 { // 6 occurrences, one skipped
		t.Errorf("Bob has %d live bookings after booking the alternative, want 5", live)
	}

	// Closing cancels every future booking of the series.
	m = f.mentorship(t, bobLearner, "POST", base+"/close", "", 200)
	if m.Status != tandem.MentorshipClosed {
		t.Fatalf("closed = %s", m.Status)
	}
	for _, o := range m.Occurrences {
		if o.State == tandem.OccurrenceBooked {
			t.Errorf("occurrence %d still booked after closing", o.Index)
		}
	}
	f.bookings.do("GET", "/v1/bookings?as=learner&when=upcoming", "", bobLearner).decode(t, &page)
	for _, b := range page.Items {
		if b.Status.Live() {
			t.Errorf("booking %s at %s is %s after closing", b.ID, b.Start, b.Status)
		}
	}
	if res := f.requests.do("POST", base+"/resume", "", aliceExpert); res.Status != 409 {
		t.Errorf("resume after close: %d, want 409", res.Status)
	}

	// A poor fit offers a re-match: the request is open again.
	res = f.requests.do("POST", base+"/reflection", `{"goalsAchieved":[2,3],"wouldRecommend":false,"poorFit":true,"comment":"Not the right match."}`, bobLearner)
	var refl struct {
		Mentorship     mentorshipJSON
		RematchOffered bool
	}
	res.decode(t, &refl)
	if res.Status != 201 || !refl.RematchOffered || refl.Mentorship.Reflections.Learner == nil {
		t.Fatalf("reflection: %d %s", res.Status, res.Body)
	}
	var r requestJSON
	f.requests.do("GET", "/v1/requests/"+req.ID, "", bobLearner).decode(t, &r)
	if r.Status != tandem.RequestOpen {
		t.Errorf("request after a poor fit: %s, want open", r.Status)
	}
	if res := f.requests.do("POST", base+"/reflection", `{"goalsAchieved":[2,3],"wouldRecommend":false,"poorFit":true}`, bobLearner); res.Status != 409 {
		t.Errorf("second reflection: %d, want 409", res.Status)
	}
}

// Between sessions and progress: a shared agenda, action items, private notes nobody else
// reads (not the other side, not HR), check-ins whose trend the expert sees.
func TestMentorshipBetweenSessions(t *testing.T) {
	f := newMentorFixture(t)
	f.mentorship(t, aliceExpert, "POST", "/v1/mentorships", fmt.Sprintf(`{"learnerId":"u-bob","agreement":%s}`, mentorAgreement), 404)
	// Bob has no user record yet: the expert cannot invite an unknown learner. Once he has one:
	if res := f.api.do("PUT", "/v1/me", `{"name":"Bob Brown","timezone":"Europe/London"}`, bobLearner); res.Status != 200 {
		t.Fatalf("me: %d %s", res.Status, res.Body)
	}
	noZone := strings.Replace(mentorAgreement, `,"timezone":"Europe/London"`, "", 1)
	m := f.mentorship(t, aliceExpert, "POST", "/v1/mentorships", fmt.Sprintf(`{"learnerId":"u-bob","agreement":%s}`, noZone), 201)
	if m.Agreement.Timezone != "Europe/London" || m.Origin != tandem.OriginInvitation {
		t.Errorf("invitation = %+v: the zone is the learner's", m)
	}
	base := "/v1/mentorships/" + m.ID
	f.mentorship(t, bobLearner, "POST", base+"/accept", "", 200)
	f.requests.do("POST", base+"/schedule", `{"from":"2027-09-14","time":"15:00"}`, bobLearner)

	// Agenda: shared, guarded by version.
	if res := f.requests.do("PUT", base+"/occurrences/0/agenda", `{"items":["Design review","Errors in Go"],"version":0}`, bobLearner); res.Status != 200 {
		t.Fatalf("agenda: %d %s", res.Status, res.Body)
	}
	if res := f.requests.do("PUT", base+"/occurrences/0/agenda", `{"items":["Only mine"],"version":0}`, aliceExpert); res.Status != 409 {
		t.Errorf("stale agenda write: %d, want 409", res.Status)
	}
	res := f.requests.do("PUT", base+"/occurrences/0/agenda", `{"items":["Design review","Hiring loop"],"version":1}`, aliceExpert)
	var ag tandem.Agenda
	res.decode(t, &ag)
	if res.Status != 200 || ag.Version != 2 || ag.Items[0].AddedBy != "u-bob" || ag.Items[1].AddedBy != "u-alice" {
		t.Errorf("agenda = %d %+v", res.Status, ag)
	}
	// Action items.
	res = f.requests.do("POST", base+"/actions", `{"text":"Draft a checklist","owner":"learner","due":"2027-09-20"}`, aliceExpert)
	var ai tandem.ActionItem
	res.decode(t, &ai)
	if res.Status != 201 || ai.Owner != "u-bob" || ai.Done {
		t.Fatalf("action: %d %s", res.Status, res.Body)
	}
	res = f.requests.do("PUT", base+"/actions/"+ai.ID, `{"text":"Draft a checklist","owner":"learner","due":"2027-09-20","done":true,"version":1}`, bobLearner)
	if res.Status != 200 {
		t.Errorf("done: %d %s", res.Status, res.Body)
	}
	// Private notes: each sees only their own; HR and strangers see nothing.
	f.requests.do("POST", base+"/notes", `{"note":"Bob avoids conflict; work on it.","occurrence":0}`, aliceExpert)
	f.requests.do("POST", base+"/notes", `{"note":"Ask Alice about staff promotions."}`, bobLearner)
	var notes struct{ Items []tandem.PrivateNote }
	f.requests.do("GET", base+"/notes", "", bobLearner).decode(t, &notes)
	if len(notes.Items) != 1 || notes.Items[0].Note != "Ask Alice about staff promotions." {
		t.Errorf("Bob's notes = %+v", notes.Items)
	}
	f.requests.do("GET", base+"/notes", "", aliceExpert).decode(t, &notes)
	if len(notes.Items) != 1 || !strings.HasPrefix(notes.Items[0].Note, "Bob avoids") {
		t.Errorf("Alice's notes = %+v", notes.Items)
	}
	for _, c := range []*tandem.Caller{hrUser, learner(3), oscarOtherOrg} {
		res := f.requests.do("GET", base+"/notes", "", c)
		if res.Status != 404 || strings.Contains(res.Body, "avoids") || strings.Contains(res.Body, "promotions") {
			t.Errorf("notes as %s: %d %s", c.UserID, res.Status, res.Body)
		}
	}
	for _, path := range []string{base, base + "/agendas", base + "/actions", base + "/checkins"} {
		if res := f.requests.do("GET", path, "", hrUser); res.Status != 404 {
			t.Errorf("HR reads %s: %d, want 404 (HR sees the report only)", path, res.Status)
		}
	}
	// Progress: the learner rates, the expert sees the trend.
	if res := f.requests.do("POST", base+"/checkins", `{"kind":"start","ratings":[2,3]}`, aliceExpert); res.Status != 403 {
		t.Errorf("expert check-in: %d, want 403", res.Status)
	}
	for _, body := range []string{`{"kind":"start","ratings":[2,3]}`, `{"kind":"session","ratings":[3,3],"occurrence":0}`, `{"kind":"end","ratings":[5,4]}`} {
		if res := f.requests.do("POST", base+"/checkins", body, bobLearner); res.Status != 201 {
			t.Fatalf("check-in %s: %d %s", body, res.Status, res.Body)
		}
		f.setNow(f.clock().Add(time.Hour))
	}
	if res := f.requests.do("POST", base+"/checkins", `{"kind":"end","ratings":[5]}`, bobLearner); res.Status != 400 {
		t.Errorf("a rating short: %d, want 400", res.Status)
	}
	var prog struct {
		Items []tandem.CheckIn
		Goals []mentorships.Trend
	}
	f.requests.do("GET", base+"/checkins", "", aliceExpert).decode(t, &prog)
	if len(prog.Items) != 3 || len(prog.Goals) != 2 || prog.Goals[0].Change == nil || *prog.Goals[0].Change != 3 ||
		len(prog.Goals[1].Points) != 3 || prog.Goals[1].Points[1].Rating != 3 {
		t.Errorf("progress = %+v", prog)
	}
}

// Health from a seeded history, and HR's view of it: stalled pairs computed exactly, with
// the reason; nothing private in the report.
func TestMentorshipHealthAndHRReport(t *testing.T) {
	f := newMentorFixture(t)
	propose := func(c *tandem.Caller) string {
		m := f.mentorship(t, c, "POST", "/v1/mentorships", fmt.Sprintf(`{"expertId":"u-alice","agreement":%s}`, mentorAgreement), 201)
		f.mentorship(t, aliceExpert, "POST", "/v1/mentorships/"+m.ID+"/accept", "", 200)
		return m.ID
	}
	schedule := func(c *tandem.Caller, id, clock string) scheduledJSON {
		var s scheduledJSON
		res := f.requests.do("POST", "/v1/mentorships/"+id+"/schedule", `{"from":"2027-09-06","time":"`+clock+`"}`, c)
		res.decode(t, &s)
		if res.Status != 200 || len(s.Booked) != 6 {
			t.Fatalf("schedule: %d %s", res.Status, res.Body)
		}
		return s
	}
	// A: its first two sessions cancelled through the bookings API (not skipped): stalled,
	// two cancellations in a row.
	a := propose(learner(1))
	sa := schedule(learner(1), a, "14:00")
	for _, i := range []int{0, 1} {
		if res := f.bookings.do("POST", "/v1/bookings/"+sa.Mentorship.Occurrences[i].BookingID+"/cancel", `{"reason":"busy"}`, learner(1)); res.Status != 200 {
			t.Fatalf("cancel: %d %s", res.Status, res.Body)
		}
	}
	// B: sessions on 7 and 21 September held (confirmed, started): healthy. Its first one
	// skipped through the mentorship would not count as a cancellation either.
	b := propose(learner(2))
	schedule(learner(2), b, "16:00")
	// C: active, no session for 22 days: stalled (no_session). D: paused: no health. E: proposed.
	c := propose(learner(3))
	d := propose(learner(4))
	f.mentorship(t, learner(4), "POST", "/v1/mentorships/"+d+"/pause", "", 200)
	f.mentorship(t, learner(5), "POST", "/v1/mentorships", fmt.Sprintf(`{"expertId":"u-alice","agreement":%s}`, mentorAgreement), 201)

	f.setNow(f.clock().Add(22 * 24 * time.Hour)) // Thursday 23 September, 12:00 UTC
	health := func(id string, as *tandem.Caller) mentorships.Health {
		var m struct{ Health mentorships.Health }
		f.requests.do("GET", "/v1/mentorships/"+id, "", as).decode(t, &m)
		return m.Health
	}
	if h := health(a, aliceExpert); h.Status != mentorships.HealthStalled || h.Reason != mentorships.ReasonCancellations {
		t.Errorf("A = %+v, want stalled (cancellations)", h)
	}
	if h := health(b, learner(2)); h.Status != mentorships.HealthOK || h.DaysWithoutSession != 1 {
		t.Errorf("B = %+v, want ok, 1 day since the session of 21 September", h)
	}
	if h := health(c, learner(3)); h.Status != mentorships.HealthStalled || h.Reason != mentorships.ReasonNoSession || h.DaysWithoutSession != 22 {
		t.Errorf("C = %+v, want stalled (no_session, 22 days)", h)
	}
	if h := health(d, learner(4)); h.Status != "" {
		t.Errorf("D (paused) = %+v, want no health", h)
	}
	// The health is stored, for a notification consumer reading the stream.
	if stored, err := f.store.GetMentorship(t.Context(), "acme", c); err != nil || stored.Health != "stalled" || stored.HealthReason != "no_session" {
		t.Errorf("stored health of C = %v %+v", err, stored)
	}

	var rep mentorships.Report
	res := f.reports.do("GET", "/v1/reports/mentorships", "", hrUser)
	if res.Status != 200 {
		t.Fatalf("report: %d %s", res.Status, res.Body)
	}
	res.decode(t, &rep)
	if rep.Counts != (mentorships.Counts{Proposed: 1, Active: 3, Paused: 1, Stalled: 2}) {
		t.Errorf("counts = %+v", rep.Counts)
	}
	var ids, reasons []string
	for _, p := range rep.Stalled {
		ids, reasons = append(ids, p.ID), append(reasons, p.Reason)
	}
	want := map[string]string{a: mentorships.ReasonCancellations, c: mentorships.ReasonNoSession}
	if len(rep.Stalled) != 2 || want[ids[0]] != reasons[0] || want[ids[1]] != reasons[1] {
		t.Errorf("stalled = %+v, want A (cancellations) and C (no_session)", rep.Stalled)
	}
	// A recount from the raw items gives the same report.
	all, err := f.store.ListOrgMentorships(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	var bids []string
	for _, m := range all {
		for _, o := range m.Occurrences {
			bids = append(bids, o.BookingID)
		}
	}
	books, err := f.store.GetBookings(t.Context(), "acme", bids)
	if err != nil {
		t.Fatal(err)
	}
	recount := mentorships.BuildReport(all, books, f.clock())
	if recount.Counts != rep.Counts || len(recount.Stalled) != len(rep.Stalled) {
		t.Errorf("recount %+v != report %+v", recount.Counts, rep.Counts)
	}
	if strings.Contains(res.Body, "design review") || strings.Contains(res.Body, "@acme.test") || rep.WouldRecommend != nil {
		t.Errorf("the report shows private content: %s", res.Body)
	}
	if res := f.reports.do("GET", "/v1/reports/mentorships", "", bobLearner); res.Status != 403 {
		t.Errorf("report as a learner: %d, want 403", res.Status)
	}
	if res := f.reports.do("GET", "/v1/reports/mentorships", "", oscarOtherOrg); res.Status != 200 || strings.Contains(res.Body, c) {
		t.Errorf("another org's HR: %d %s", res.Status, res.Body)
	}
}

// Series in the booking race: both parties schedule the same series many times at once while
// other learners book the same times directly. Every time ends up held by exactly one booking;
// the series holds each of its occurrences at most once (no double booking through retries);
// what the mentorship records agrees with the bookings.
func TestMentorshipScheduleRace(t *testing.T) {
	f := newMentorFixture(t)
	m := f.mentorship(t, bobLearner, "POST", "/v1/mentorships", fmt.Sprintf(`{"expertId":"u-alice","agreement":%s}`, mentorAgreement), 201)
	f.mentorship(t, aliceExpert, "POST", "/v1/mentorships/"+m.ID+"/accept", "", 200)
	starts := []string{"2027-09-14T14:00:00Z", "2027-09-28T14:00:00Z", "2027-10-12T14:00:00Z", "2027-10-26T14:00:00Z",
		"2027-11-09T15:00:00Z", "2027-11-23T15:00:00Z"}
	var wg sync.WaitGroup
	statuses := make(chan int, 64)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			who := bobLearner
			if i%2 == 1 {
				who = aliceExpert
			}
			statuses <- f.requests.do("POST", "/v1/mentorships/"+m.ID+"/schedule", `{"from":"2027-09-14","time":"15:00"}`, who).Status
		}()
	}
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf(`{"expertId":"u-alice","sessionType":"intro","start":"%s","note":""}`, starts[i%len(starts)])
			statuses <- f.book(learner(10+i), fmt.Sprintf("key-race-%02d", i), body).Status
		}()
	}
	wg.Wait()
	close(statuses)
	for st := range statuses {
		if st >= 500 {
			t.Errorf("a request answered %d", st)
		}
	}
	// Settle: one more schedule records the outcome of every occurrence.
	var s scheduledJSON
	f.requests.do("POST", "/v1/mentorships/"+m.ID+"/schedule", "", bobLearner).decode(t, &s)
	got := f.mentorship(t, bobLearner, "GET", "/v1/mentorships/"+m.ID, "", 200)
	if len(got.Occurrences) != 6 {
		t.Fatalf("occurrences = %+v", got.Occurrences)
	}
	// Who holds each time: exactly one live booking of Alice's at every series time.
	var page struct{ Items []bookingJSON }
	f.bookings.do("GET", "/v1/bookings?as=expert&when=upcoming&limit=50", "", aliceExpert).decode(t, &page)
	holders := map[string][]bookingJSON{}
	for _, b := range page.Items {
		if b.Status.Live() {
			holders[b.Start.UTC().Format(time.RFC3339)] = append(holders[b.Start.UTC().Format(time.RFC3339)], b)
		}
	}
	for i, o := range got.Occurrences {
		at := o.Start.UTC().Format(time.RFC3339)
		if at != starts[i] {
			t.Errorf("occurrence %d at %s, want %s", i, at, starts[i])
		}
		h := holders[at]
		if len(h) != 1 {
			t.Errorf("%s is held by %d bookings, want exactly 1", at, len(h))
			continue
		}
		mine := h[0].Learner.ID == "u-bob"
		switch {
		case o.State == tandem.OccurrenceBooked && (!mine || h[0].ID != o.BookingID):
			t.Errorf("occurrence %d booked as %s, but %s holds the time", i, o.BookingID, h[0].Learner.ID)
		case o.State == tandem.OccurrenceFailed && mine:
			t.Errorf("occurrence %d failed, but Bob holds the time (%s)", i, h[0].ID)
		}
	}
}
