package httpapi

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"github.com/tandemhq/tandem/internal/tandem"
)

// TestCohortSessionInvite: a member downloads their cohort's second session as an invite that
// an independent parser (go-ical) reads as one VEVENT with the stable UID
// "<program>-<cohort>-2@tandem", SEQUENCE the published plan's version and DTSTART the
// session's start in UTC after the clocks went forward (17:00 London on 29 March 2027 is
// 16:00Z; the first session, 22 March, is 17:00Z). Anyone not in a cohort gets 404, as does a
// session past the program's last; a malformed number is 400.
func TestCohortSessionInvite(t *testing.T) {
	f := newFixture(t)
	p := f.createProgram(t, programBody) // weekly from 22 March 17:00 London, 3 sessions of 60 min
	f.enrollN(t, p.ID, 0, 8)
	path := func(n string) string { return "/v1/programs/" + p.ID + "/cohort/sessions/" + n + "/invite.ics" }
	member := enrollee(0, "Sales")
	member.Email = "enrollee00@acme.example"
	if res := f.requests.do("GET", path("1"), "", member); res.Status != 404 {
		t.Errorf("invite before publishing: %d, want 404", res.Status)
	}
	res := f.requests.do("POST", "/v1/programs/"+p.ID+"/cohorts/build", `{"seed":3}`, hrUser)
	var plan cohortPlan
	res.decode(t, &plan)
	res = f.requests.do("POST", "/v1/programs/"+p.ID+"/cohorts/publish", fmt.Sprintf(`{"version":%d}`, plan.Version), hrUser)
	res.decode(t, &plan)
	if res.Status != 200 {
		t.Fatalf("publish: %d %s", res.Status, res.Body)
	}
	number := 0
	for _, c := range plan.Cohorts {
		for _, m := range c.Members {
			if m.ID == member.UserID {
				number = c.Number
			}
		}
	}

	for _, tc := range []struct {
		n     string
		start time.Time
	}{{"1", time.Date(2027, 3, 22, 17, 0, 0, 0, time.UTC)}, {"2", time.Date(2027, 3, 29, 16, 0, 0, 0, time.UTC)}} {
		res = f.requests.do("GET", path(tc.n), "", member)
		if res.Status != 200 || !strings.HasPrefix(res.Headers["Content-Type"], "text/calendar") {
			t.Fatalf("member's invite %s: %d %v %s", tc.n, res.Status, res.Headers, res.Body)
		}
		cal, err := ical.NewDecoder(strings.NewReader(res.Body)).Decode()
		if err != nil {
			t.Fatalf("go-ical cannot parse the invite: %v\n%s", err, res.Body)
		}
		events := cal.Events()
		if len(events) != 1 {
			t.Fatalf("invite %s has %d VEVENTs, want 1", tc.n, len(events))
		}
		e := events[0]
		uid, _ := e.Props.Text(ical.PropUID)
		wantUID := fmt.Sprintf("%s-%d-%s@tandem", p.ID, number, tc.n)
		start, err := e.DateTimeStart(time.UTC)
		end, err2 := e.DateTimeEnd(time.UTC)
		seq := e.Props.Get(ical.PropSequence)
		if uid != wantUID || err != nil || err2 != nil || !start.Equal(tc.start) || end.Sub(start) != time.Hour ||
			seq == nil || seq.Value != fmt.Sprint(plan.Version) {
			t.Errorf("invite %s: UID %q DTSTART %v DTEND %v (%v %v) SEQUENCE %v; want %q, %v, an hour, SEQUENCE %d",
				tc.n, uid, start, end, err, err2, seq, wantUID, tc.start, plan.Version)
		}
		if m := cal.Props.Get(ical.PropMethod); m == nil || m.Value != "REQUEST" {
			t.Errorf("METHOD = %v, want REQUEST", m)
		}
	}
	// The same session downloaded twice is the same document (stable UID, deterministic DTSTAMP).
	if a, b := f.requests.do("GET", path("2"), "", member).Body, f.requests.do("GET", path("2"), "", member).Body; a != b {
		t.Errorf("two downloads differ:\n%s\n%s", a, b)
	}

	// The member's calendar feed lists the cohort's three sessions with the invites' UIDs, once
	// their address is known (profile saved); before that it has none of them.
	res = f.bookings.do("POST", "/v1/me/calendar-token", "", member)
	var tok struct{ URL string }
	res.decode(t, &tok)
	cohortUIDs := func() []string {
		t.Helper()
		res := f.bookings.do("GET", tok.URL, "", nil)
		cal, err := ical.NewDecoder(strings.NewReader(res.Body)).Decode()
		if res.Status != 200 || err != nil {
			t.Fatalf("feed: %d %v\n%s", res.Status, err, res.Body)
		}
		var uids []string
		for _, e := range cal.Events() {
			if uid, _ := e.Props.Text(ical.PropUID); strings.HasPrefix(uid, p.ID+"-") {
				uids = append(uids, uid)
			}
		}
		return uids
	}
	if got := cohortUIDs(); len(got) != 0 {
		t.Errorf("feed without the member's address: cohort events %v, want none", got)
	}
	if err := f.store.PutUser(t.Context(), &tandem.User{ID: member.UserID, OrgID: "acme", Email: member.Email, Name: member.Name, Timezone: "Europe/London"}); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%[1]s-%[2]d-1@tandem %[1]s-%[2]d-2@tandem %[1]s-%[2]d-3@tandem", p.ID, number)
	if got := strings.Join(cohortUIDs(), " "); got != want {
		t.Errorf("feed's cohort events %q, want %q", got, want)
	}

	for name, c := range map[string]*Caller{"a learner in no cohort": bobLearner, "HR, not a member": hrUser} {
		if res := f.requests.do("GET", path("1"), "", c); res.Status != 404 {
			t.Errorf("%s: %d, want 404", name, res.Status)
		}
	}
	if res := f.requests.do("GET", path("4"), "", member); res.Status != 404 {
		t.Errorf("session 4 of 3: %d, want 404", res.Status)
	}
	for _, bad := range []string{"0", "x", "53"} {
		if res := f.requests.do("GET", path(bad), "", member); res.Status != 400 {
			t.Errorf("session %q: %d, want 400", bad, res.Status)
		}
	}
}
