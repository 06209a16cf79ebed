package httpapi

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// listPrograms lists as c sees them (query: "" or "?status=...").
func (f *fixture) listPrograms(t *testing.T, c *tandem.Caller, query string) (int, []programJSON) {
	t.Helper()
	res := f.requests.do("GET", "/v1/programs"+query, "", c)
	var out struct{ Items []programJSON }
	if res.Status == 200 {
		res.decode(t, &out)
	}
	return res.Status, out.Items
}

func ids(ps []programJSON) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return strings.Join(out, ",")
}

// TestProgramStartIsBounded: a start in the year 9999 (whose weekly sessions RFC 3339 cannot
// write) or more than two years ahead is refused with a field error, before anything is
// stored; two years ahead is fine.
func TestProgramStartIsBounded(t *testing.T) {
	f := newFixture(t) // 2027-03-01T12:00Z
	for _, start := range []string{"9999-12-27T10:00:00Z", "2029-03-02T12:00:00Z", "2027-03-01T11:00:00Z"} {
		body := strings.Replace(programBody, "2027-03-22T17:00:00Z", start, 1)
		res := f.requests.do("POST", "/v1/programs", body, hrUser)
		p := res.problem(t)
		if res.Status != 400 || len(p.Errors) != 1 || p.Errors[0].Field != "start" {
			t.Errorf("start %s: %d %s, want 400 with one field error on start", start, res.Status, res.Body)
		}
	}
	if _, items := f.listPrograms(t, hrUser, ""); len(items) != 0 {
		t.Errorf("refused programs were stored: %s", ids(items))
	}
	f.createProgram(t, strings.Replace(programBody, "2027-03-22T17:00:00Z", "2029-02-28T12:00:00Z", 1))
}

// TestBadStoredProgramDoesNotBreakTheList: a program stored before starts were bounded, with
// sessions past the year 9999, is still listed (with the sessions RFC 3339 can write) next to
// the others, so HR can see and archive it, after which it leaves the list.
func TestBadStoredProgramDoesNotBreakTheList(t *testing.T) {
	f := newFixture(t)
	good := f.createProgram(t, programBody)
	now := f.clock()
	bad := &tandem.Program{ID: "p-9999", OrgID: "acme", Title: "Far future", Topic: "leadership", CohortSize: 4,
		Start: time.Date(9999, 12, 20, 10, 0, 0, 0, time.UTC), Timezone: "Pacific/Kiritimati", Cadence: tandem.CadenceWeekly,
		Sessions: 4, SessionMin: 60, MaxSpreadHours: 4, Status: tandem.ProgramEnrolling, CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := f.store.CreateProgram(context.Background(), bad); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*tandem.Caller{hrUser, bobLearner} {
		res := f.requests.do("GET", "/v1/programs", "", c)
		var out struct{ Items []programJSON }
		if res.Status != 200 || !json.Valid([]byte(res.Body)) {
			t.Fatalf("list as %s with a bad program stored: %d %q", c.UserID, res.Status, res.Body)
		}
		res.decode(t, &out)
		if len(out.Items) != 2 {
			t.Fatalf("list as %s = %s, want both programs", c.UserID, ids(out.Items))
		}
		for _, p := range out.Items {
			if p.ID == bad.ID && (len(p.SessionTimes) != 2 || p.SessionTimes[1].Year() != 9999) {
				t.Errorf("bad program's sessions = %v, want the two in 9999", p.SessionTimes)
			}
		}
	}
	if res := f.requests.do("GET", "/v1/programs/"+bad.ID, "", hrUser); res.Status != 200 {
		t.Errorf("get the bad program: %d %s", res.Status, res.Body)
	}
	if res := f.requests.do("POST", "/v1/programs/"+bad.ID+"/archive", "", hrUser); res.Status != 200 {
		t.Fatalf("archive the bad program: %d %s", res.Status, res.Body)
	}
	if _, items := f.listPrograms(t, bobLearner, ""); ids(items) != good.ID {
		t.Errorf("after archiving the bad program the list is %s, want %s", ids(items), good.ID)
	}
}

// TestArchiveProgram: HR archives a program (from enrolling, and from published); it leaves
// the default lists, HR finds it with status=archived, learners cannot enroll, withdraw or
// list it, and archiving again changes nothing.
func TestArchiveProgram(t *testing.T) {
	f := newFixture(t)
	p := f.createProgram(t, programBody)
	other := f.createProgram(t, programBody)
	f.enrollN(t, p.ID, 0, 4)
	if res := f.requests.do("POST", "/v1/programs/"+p.ID+"/archive", "", bobLearner); res.Status != 403 {
		t.Errorf("a learner archives: %d, want 403", res.Status)
	}
	if res := f.requests.do("POST", "/v1/programs/nope/archive", "", hrUser); res.Status != 404 {
		t.Errorf("archive an unknown program: %d, want 404", res.Status)
	}
	if res := f.requests.do("POST", "/v1/programs/"+p.ID+"/archive", "", oscarOtherOrg); res.Status != 404 {
		t.Errorf("HR of another org archives: %d, want 404", res.Status)
	}
	f.setNow(f.clock().Add(time.Hour))
	res := f.requests.do("POST", "/v1/programs/"+p.ID+"/archive", "", hrUser)
	var got programJSON
	res.decode(t, &got)
	if res.Status != 200 || got.Status != tandem.ProgramArchived || got.Enrolled != 4 || got.ArchivedAt == nil || !got.ArchivedAt.Equal(f.clock()) {
		t.Fatalf("archive: %d %s", res.Status, res.Body)
	}
	// Idempotent: the same answer, nothing moves.
	f.setNow(f.clock().Add(time.Hour))
	var again programJSON
	f.requests.do("POST", "/v1/programs/"+p.ID+"/archive", "", hrUser).decode(t, &again)
	if again.Status != tandem.ProgramArchived || !again.ArchivedAt.Equal(*got.ArchivedAt) {
		t.Errorf("archiving again = %+v, want the first archive unchanged", again)
	}

	// Off the default lists for everyone; HR lists it by status; a learner may not.
	for _, c := range []*tandem.Caller{enrollee(0, "Sales"), bobLearner, hrUser} {
		if status, items := f.listPrograms(t, c, ""); status != 200 || ids(items) != other.ID {
			t.Errorf("default list for %s = %d %s, want only %s", c.UserID, status, ids(items), other.ID)
		}
	}
	if status, items := f.listPrograms(t, hrUser, "?status=archived"); status != 200 || ids(items) != p.ID {
		t.Errorf("HR's archived list = %d %s, want %s", status, ids(items), p.ID)
	}
	if status, items := f.listPrograms(t, hrUser, "?status=enrolling"); status != 200 || ids(items) != other.ID {
		t.Errorf("HR's enrolling list = %d %s, want %s", status, ids(items), other.ID)
	}
	if status, _ := f.listPrograms(t, enrollee(0, "Sales"), "?status=archived"); status != 403 {
		t.Errorf("a learner lists archived programs: %d, want 403", status)
	}
	if res := f.requests.do("GET", "/v1/programs?status=gone", "", hrUser); res.Status != 400 || res.problem(t).Errors[0].Field != "status" {
		t.Errorf("unknown status: %d %s, want 400 on status", res.Status, res.Body)
	}

	// Closed: no enrolling, withdrawing or building; still readable by id.
	res = f.requests.do("POST", "/v1/programs/"+p.ID+"/enroll", `{"timezone":"UTC"}`, bobLearner)
	if res.Status != 409 || res.problem(t).Extra["status"] != "archived" {
		t.Errorf("enroll in an archived program: %d %s, want 409 status archived", res.Status, res.Body)
	}
	if res := f.requests.do("DELETE", "/v1/programs/"+p.ID+"/enroll", "", enrollee(1, "Sales")); res.Status != 409 {
		t.Errorf("withdraw from an archived program: %d %s, want 409", res.Status, res.Body)
	}
	if res := f.requests.do("POST", "/v1/programs/"+p.ID+"/cohorts/build", `{"seed":1}`, hrUser); res.Status != 409 {
		t.Errorf("build cohorts of an archived program: %d %s, want 409", res.Status, res.Body)
	}
	f.requests.do("GET", "/v1/programs/"+p.ID, "", enrollee(0, "Sales")).decode(t, &got)
	if got.Status != tandem.ProgramArchived || got.Me == nil || !*got.Me {
		t.Errorf("an enrollee reads the archived program: %+v", got)
	}

	// A published program can be archived too; its members still see their cohort.
	f.enrollN(t, other.ID, 0, 4)
	var plan cohortPlan
	f.requests.do("POST", "/v1/programs/"+other.ID+"/cohorts/build", `{"seed":2}`, hrUser).decode(t, &plan)
	if res := f.requests.do("POST", "/v1/programs/"+other.ID+"/cohorts/publish", `{"version":1}`, hrUser); res.Status != 200 {
		t.Fatalf("publish: %d %s", res.Status, res.Body)
	}
	f.requests.do("POST", "/v1/programs/"+other.ID+"/archive", "", hrUser).decode(t, &got)
	if got.Status != tandem.ProgramArchived {
		t.Errorf("archive a published program: %+v", got)
	}
	if res := f.requests.do("GET", "/v1/programs/"+other.ID+"/cohorts", "", enrollee(2, "Sales")); res.Status != 200 {
		t.Errorf("a member's cohort of an archived program: %d %s", res.Status, res.Body)
	}
	if status, items := f.listPrograms(t, hrUser, ""); status != 200 || len(items) != 0 {
		t.Errorf("default list with both archived = %d %s, want none", status, ids(items))
	}
}

// TestArchiveDuringEnrollment: enrollments racing an archive either land before it (and are
// counted) or are refused; the count on the program equals the enrollments stored.
func TestArchiveDuringEnrollment(t *testing.T) {
	f := newFixture(t)
	p := f.createProgram(t, programBody)
	done := make(chan int, 20)
	for i := range 20 {
		go func() {
			res := f.requests.do("POST", "/v1/programs/"+p.ID+"/enroll", `{"timezone":"Europe/London"}`, enrollee(i, "Sales"))
			done <- res.Status
		}()
	}
	if res := f.requests.do("POST", "/v1/programs/"+p.ID+"/archive", "", hrUser); res.Status != 200 {
		t.Fatalf("archive: %d %s", res.Status, res.Body)
	}
	ok := 0
	for range 20 {
		switch s := <-done; s {
		case 200:
			ok++
		case 409:
		default:
			t.Errorf("enroll racing the archive: %d", s)
		}
	}
	enrolled, err := f.store.Enrollments(context.Background(), "acme", p.ID)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := f.store.GetProgram(context.Background(), "acme", p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(enrolled) != ok || stored.Enrolled != ok || stored.Status != tandem.ProgramArchived {
		t.Errorf("%d enrollments answered 200, %d stored, program counts %d (%s)", ok, len(enrolled), stored.Enrolled, stored.Status)
	}
}
